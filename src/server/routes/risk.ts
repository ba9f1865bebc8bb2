/**
 * Risk state and limits: the workspace's kill switch (state/kill-switch.json, as `momentic risk
 * show` reads it), the configured limits (`risk.*`; a run file may tighten them for its run), and
 * the latest risk events of the ledger (denials and kill-switch transitions).
 */
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { readKillSwitch } from '../../orchestration/kill-switch-file.js';
import { KillSwitchState } from '../../risk/types.js';
import { ERROR_RESPONSES, MAX_PAGE, folderId, iso } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

const killSwitch = z.object({
  state: z.enum(Object.values(KillSwitchState)),
  recorded: z.boolean().describe('false: nothing ever changed it (ACTIVE)'),
  from: z.enum(Object.values(KillSwitchState)).nullable(),
  reason: z.string().nullable(),
  ts: z.string().nullable().describe("when it changed, on the run's clock"),
  mode: z.string().nullable(),
  run_id: z.string().nullable(),
  written_at: z.string().nullable(),
});

const riskEvent = z.object({
  run_id: z.string().nullable(),
  ts: z.string(),
  kind: z.enum(['denial', 'kill_switch']),
  check: z.string().nullable(),
  symbol: z.string().nullable(),
  client_order_id: z.string().nullable(),
  from_state: z.string().nullable(),
  to_state: z.string().nullable(),
  reason: z.string(),
});

export const riskRoutes: RouteModule = {
  name: 'risk',
  register(app, deps) {
    app.get(
      '/api/risk',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'kill-switch state, the configured limits and the latest risk events',
          tags: ['risk'],
          querystring: z.strictObject({
            run: folderId.optional().describe('events of one run only'),
            events: z.coerce.number().int().min(0).max(MAX_PAGE).default(100).describe('latest events to return'),
          }),
          response: {
            200: z.object({
              kill_switch: killSwitch,
              limits: configSchema.shape.risk,
              events: z.array(riskEvent).describe('most recent first'),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) => {
        const k = readKillSwitch(deps.home);
        const all = await deps.ledger.riskEvents(req.query.run);
        const events = all
          .slice(Math.max(0, all.length - req.query.events))
          .reverse()
          .map((e) => ({
            run_id: e.runId ?? null,
            ts: iso(e.ts),
            kind: e.kind,
            check: e.check ?? null,
            symbol: e.symbol ?? null,
            client_order_id: e.clientOrderId ?? null,
            from_state: e.fromState ?? null,
            to_state: e.toState ?? null,
            reason: e.reason,
          }));
        return {
          kill_switch:
            k === undefined
              ? {
                  state: KillSwitchState.Active,
                  recorded: false,
                  from: null,
                  reason: null,
                  ts: null,
                  mode: null,
                  run_id: null,
                  written_at: null,
                }
              : {
                  state: k.state,
                  recorded: true,
                  from: k.from ?? null,
                  reason: k.reason,
                  ts: k.ts ?? null,
                  mode: k.mode ?? null,
                  run_id: k.run_id ?? null,
                  written_at: k.written_at ?? null,
                },
          limits: deps.config.risk,
          events,
        };
      },
    );
  },
};

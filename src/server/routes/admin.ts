/**
 * The operator's hand on a running paper or live session through the API: one route per command
 * of `momentic admin` (`POST /api/admin/halt`, ...) and `GET /api/admin/status`. Each goes through
 * the same `issueAdminCommand` as the CLI (checked, written to the ledger, answered by the node,
 * audited with who asked: `token:ID`) and answers what `momentic admin ... --json` prints.
 * docs/operations.md, "Admin controls".
 */
import { z } from 'zod';
import { durationMs } from '../../core/duration.js';
import { adminStatusJson, issueResultJson } from '../../orchestration/admin/answer-json.js';
import { ADMIN_ACTIONS, NEEDS_REASON, type AdminAction } from '../../orchestration/admin/commands.js';
import { issueAdminCommand } from '../../orchestration/admin/issue.js';
import { SETTABLE_LIMITS } from '../../orchestration/admin/limit-keys.js';
import { adminStatus } from '../../orchestration/admin/status.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

/** Longest a request waits for a node's answer. */
const MAX_TIMEOUT_MS = 60_000;

const sessionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a session id (momentic runs ls --kind paper)')
  .describe('the session to act on; default: the only one running');
const timeout = z
  .string()
  .refine(
    (t) => {
      const ms = durationMs(t);
      return ms !== undefined && ms > 0 && ms <= MAX_TIMEOUT_MS;
    },
    `a duration up to ${MAX_TIMEOUT_MS / 1000}s, e.g. 5s or 500ms`,
  )
  .describe('how long the session has to answer (default 5s)');
const reason = z.string().trim().min(1).max(1000);

/** Each command's body: the CLI's flags, and its arguments by name. */
function bodyOf(action: AdminAction) {
  const common = {
    reason: NEEDS_REASON.has(action)
      ? reason.describe('why a person decided it (required): written to the audit log')
      : reason.optional().describe('why (optional): written to the audit log'),
    node: sessionId.optional(),
    timeout: timeout.optional(),
  };
  if (action === 'pause' || action === 'unpause') {
    return z.strictObject({
      ...common,
      strategy: z.string().min(1).max(200).describe('the strategy, as the session runs it'),
    });
  }
  if (action === 'set-limit') {
    return z.strictObject({
      ...common,
      key: z.enum(SETTABLE_LIMITS as [string, ...string[]]).describe('a numeric key of risk:'),
      value: z.number().describe("the new value, in the key's range"),
    });
  }
  // Nothing is required: a POST with no body is the command as the CLI's bare `momentic admin reduce`.
  return NEEDS_REASON.has(action) ? z.strictObject(common) : z.strictObject(common).nullish();
}

type Body = { reason?: string; node?: string; timeout?: string; strategy?: string; key?: string; value?: number };

const argsOf = (action: AdminAction, b: Body): string[] =>
  action === 'pause' || action === 'unpause'
    ? [b.strategy as string]
    : action === 'set-limit'
      ? [b.key as string, String(b.value)]
      : [];

const answer = z
  .object({
    node: z.string(),
    mode: z.string(),
    command: z.object({
      id: z.number().int(),
      action: z.string(),
      args: z.array(z.string()),
      actor: z.string(),
      reason: z.string().nullable(),
      issued_at: z.string(),
    }),
    ack: z
      .looseObject({ status: z.string(), message: z.string(), at: z.string(), latency_ms: z.number() })
      .describe("the session's answer and what it did (orders cancelled and sent, a limit's old and new value...)"),
  })
  .meta({ id: 'AdminAnswer' });

export const adminRoutes: RouteModule = {
  name: 'admin',
  register(app, deps) {
    for (const action of ADMIN_ACTIONS) {
      app.post(
        `/api/admin/${action}`,
        {
          config: { access: 'operator' },
          schema: {
            summary: `momentic admin ${action}: issue it to the running session and answer with its acknowledgement`,
            tags: ['admin'],
            body: bodyOf(action),
            response: { 200: answer, ...ERROR_RESPONSES },
          },
        },
        async (req) => {
          const b = (req.body ?? {}) as Body;
          const timeoutMs = b.timeout === undefined ? undefined : durationMs(b.timeout);
          const r = await issueAdminCommand(deps.ledger, {
            action,
            args: argsOf(action, b),
            actor: `token:${req.principal?.tokenId ?? '?'}`,
            redisUrl: deps.config.redis.url,
            ...(b.reason === undefined ? {} : { reason: b.reason }),
            ...(b.node === undefined ? {} : { node: b.node }),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          });
          return issueResultJson(r);
        },
      );
    }
    app.get(
      '/api/admin/status',
      {
        config: { access: 'operator' },
        schema: {
          summary:
            'momentic admin status: each running session (heartbeat, kill switch, limits, book) and the pipeline',
          tags: ['admin'],
          querystring: z.strictObject({ node: sessionId.optional() }),
          response: {
            200: z.looseObject({ nodes: z.array(z.looseObject({ node: z.string() })), pipeline: z.unknown() }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req) =>
        adminStatusJson(await adminStatus(deps.ledger, req.query.node === undefined ? {} : { node: req.query.node })),
    );
  },
};

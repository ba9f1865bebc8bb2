/**
 * Probes and machine surfaces: `/healthz` (the process answers), `/readyz` (the ledger answers
 * and a hosted node's heartbeat is fresh), `/metrics` (Prometheus text) and `/openapi.json`.
 */
import { z } from 'zod';
import { durationMs } from '../../core/duration.js';
import type { RouteModule, ServerDeps } from '../server-deps.js';

const check = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
const readiness = z.object({ ok: z.boolean(), checks: z.array(check) });

async function ledgerCheck(deps: ServerDeps): Promise<z.infer<typeof check>> {
  try {
    await deps.ledger.listRuns({ limit: 1 });
    return { name: 'ledger', ok: true, detail: `${deps.ledger.dialect} at ${deps.ledger.location}` };
  } catch (e) {
    return { name: 'ledger', ok: false, detail: (e as Error).message };
  }
}

function heartbeatCheck(deps: ServerDeps): z.infer<typeof check> {
  if (!deps.hostsNode) return { name: 'node', ok: true, detail: 'no trading node in this process' };
  const maxAge = durationMs(deps.config.serve.heartbeat_max_age) ?? 30_000;
  const last = deps.metrics.lastHeartbeat;
  if (last === undefined) return { name: 'node', ok: false, detail: 'the trading node has not started yet' };
  const age = deps.now() - last;
  return {
    name: 'node',
    ok: age <= maxAge,
    detail: `last heartbeat ${(age / 1000).toFixed(1)} s ago (limit ${maxAge / 1000} s)`,
  };
}

export const systemRoutes: RouteModule = {
  name: 'system',
  register(app, deps) {
    app.get(
      '/healthz',
      {
        config: { access: 'anonymous', rateLimit: false },
        schema: {
          summary: 'the process is up',
          tags: ['health'],
          response: { 200: z.object({ ok: z.literal(true), version: z.string(), uptime_s: z.number() }) },
        },
      },
      async () => ({ ok: true as const, version: deps.version, uptime_s: (deps.now() - deps.startedAt) / 1000 }),
    );
    app.get(
      '/readyz',
      {
        config: { access: 'anonymous', rateLimit: false },
        schema: {
          summary: "ready to serve: the ledger answers, and a hosted node's heartbeat is fresh",
          tags: ['health'],
          response: { 200: readiness, 503: readiness },
        },
      },
      async (_req, reply) => {
        const checks = [await ledgerCheck(deps), heartbeatCheck(deps)];
        const ok = checks.every((c) => c.ok);
        return reply.code(ok ? 200 : 503).send({ ok, checks });
      },
    );
    app.get(
      '/metrics',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          tags: ['health'],
        },
      },
      async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.text()),
    );
    app.get(
      '/openapi.json',
      {
        config: { access: 'viewer' },
        schema: { hide: true },
      },
      async (_req, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
    );
  },
};

/**
 * Jobs: operators start backtests, sweeps and walk-forwards (`POST /api/backtests`,
 * `POST /api/sweeps`, `POST /api/walkforwards`), which answer 202 at once with the job's id; anyone who reads follows them (`GET /api/jobs`,
 * `/api/jobs/{jobId}`, and the `jobs` channel of the feed); operators cancel them. Each job is
 * the CLI's own command in a child process (jobs/cli-process.ts), so a job and `momentic
 * backtest` with the same flags make the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startCliProcess } from '../jobs/cli-process.js';
import {
  backtestArgv,
  backtestRequest,
  sweepArgv,
  sweepRequest,
  walkforwardArgv,
  walkforwardRequest,
} from '../jobs/job-requests.js';
import { JOB_KINDS, JOB_STATUSES, JobQueue, newJobId, notFound, type Job, type JobKind } from '../jobs/job-queue.js';
import { ERROR_RESPONSES, errorSchema, iso, isoOrNull } from '../schemas/common.js';
import type { RouteModule, ServerDeps } from '../server-deps.js';

const jobSchema = z
  .object({
    job_id: z.string(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    progress: z
      .number()
      .min(0)
      .max(1)
      .describe("the engine's bars (backtest), the trials (sweep) or the steps (walk-forward) done, 0..1"),
    message: z.string().nullable().describe('what it does now, or how it ended (an interrupted job: why)'),
    result_id: z
      .string()
      .nullable()
      .describe('the run id (GET /api/runs/{runId}), sweep id or walk-forward id (GET /api/walkforwards/{id}) it made'),
    error: errorSchema.shape.error.nullable().describe('why it failed, as the CLI prints errors with --json'),
    actor: z.string().describe('who asked: token:ID'),
    created_at: z.string(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    server: z.string().describe('the server process that runs or ran it: host:pid:instance'),
    request: z.record(z.string(), z.unknown()).describe('the request body as taken'),
  })
  .meta({ id: 'Job' });

const accepted = z.object({ job_id: z.string(), status: z.literal('queued') }).meta({ id: 'JobAccepted' });
const jobParams = z.strictObject({ jobId: z.string().regex(/^job-[0-9a-f]{12}$/, 'a job id: job- and 12 hex digits') });

const toJson = (j: Job): z.infer<typeof jobSchema> => ({
  job_id: j.id,
  kind: j.kind,
  status: j.status,
  progress: j.progress,
  message: j.message,
  result_id: j.resultId,
  error: j.error,
  actor: j.actor,
  created_at: iso(j.createdAt),
  started_at: isoOrNull(j.startedAt),
  ended_at: isoOrNull(j.endedAt),
  server: j.server,
  request: j.request,
});

/** A request's run file, kept in the job's folder (the run's manifest names it). */
function writeRunFile(home: string, id: string, runFile: object | undefined): string | undefined {
  if (runFile === undefined) return undefined;
  const dir = join(home, 'state', 'jobs', id);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'run.yaml');
  // JSON is YAML: the run file reader takes it as it is.
  writeFileSync(file, `${JSON.stringify(runFile, null, 2)}\n`);
  return file;
}

export function jobQueueOf(deps: ServerDeps, log?: ConstructorParameters<typeof JobQueue>[0]['log']): JobQueue {
  return new JobQueue({
    concurrency: deps.config.serve.jobs.concurrency,
    launch: startCliProcess,
    home: deps.home,
    ...(deps.configFile === undefined ? {} : { configFile: deps.configFile }),
    env: process.env,
    feed: deps.feed,
    store: deps.ledger,
    now: deps.now,
    ...(log === undefined ? {} : { log }),
  });
}

export const jobRoutes: RouteModule = {
  name: 'jobs',
  register(app, deps) {
    const queue = jobQueueOf(deps, app.log.child({ component: 'jobs' }));
    // Jobs a server that is gone left running are marked interrupted before the first request.
    app.addHook('onReady', async () => {
      await queue.recover();
    });
    app.addHook('onClose', () => queue.close());
    const actorOf = (principal: { tokenId: string } | undefined): string => `token:${principal?.tokenId ?? '?'}`;

    /** Audits who asked, then queues the job (a ledger that cannot take the entry runs no job). */
    async function submit(
      kind: JobKind,
      body: Record<string, unknown>,
      actor: string,
      argvOf: (id: string) => string[],
    ) {
      const id = newJobId();
      await deps.ledger.audit({ ts: deps.now(), actor, action: `job.${kind}`, subject: id, detail: { request: body } });
      return queue.submit(id, kind, body, actor, argvOf(id));
    }

    const submitted = {
      202: accepted,
      ...ERROR_RESPONSES,
    };
    app.post(
      '/api/backtests',
      {
        config: { access: 'operator' },
        schema: {
          summary: 'start a backtest (what momentic backtest takes): 202 with the job id, then GET /api/jobs/{jobId}',
          tags: ['jobs'],
          body: backtestRequest,
          response: submitted,
        },
      },
      async (req, reply) => {
        const body = req.body;
        const job = await submit('backtest', body, actorOf(req.principal), (id) =>
          backtestArgv(body, writeRunFile(deps.home, id, body.run_file)),
        );
        return reply.code(202).header('location', `/api/jobs/${job.id}`).send({ job_id: job.id, status: 'queued' });
      },
    );
    app.post(
      '/api/sweeps',
      {
        config: { access: 'operator' },
        schema: {
          summary: 'start a sweep (what momentic sweep takes): 202 with the job id, then GET /api/jobs/{jobId}',
          tags: ['jobs'],
          body: sweepRequest,
          response: submitted,
        },
      },
      async (req, reply) => {
        const body = req.body;
        const job = await submit('sweep', body, actorOf(req.principal), (id) =>
          sweepArgv(body, writeRunFile(deps.home, id, body.run_file)),
        );
        return reply.code(202).header('location', `/api/jobs/${job.id}`).send({ job_id: job.id, status: 'queued' });
      },
    );
    app.post(
      '/api/walkforwards',
      {
        config: { access: 'operator' },
        schema: {
          summary:
            'start a walk-forward (what momentic walkforward takes): 202 with the job id, then GET /api/jobs/{jobId}',
          tags: ['jobs'],
          body: walkforwardRequest,
          response: submitted,
        },
      },
      async (req, reply) => {
        const body = req.body;
        const job = await submit('walkforward', body, actorOf(req.principal), (id) =>
          walkforwardArgv(body, writeRunFile(deps.home, id, body.run_file)),
        );
        return reply.code(202).header('location', `/api/jobs/${job.id}`).send({ job_id: job.id, status: 'queued' });
      },
    );
    app.get(
      '/api/jobs',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "the jobs the ledger keeps (past servers' too), newest first",
          tags: ['jobs'],
          querystring: z.strictObject({
            status: z.enum(JOB_STATUSES).optional(),
            kind: z.enum(JOB_KINDS).optional(),
            limit: z.coerce.number().int().min(1).max(1000).optional().describe('at most this many (default 200)'),
          }),
          response: { 200: z.object({ items: z.array(jobSchema) }), ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const { status, kind, limit } = req.query;
        const items = await queue.list({
          ...(status === undefined ? {} : { status }),
          ...(kind === undefined ? {} : { kind }),
          ...(limit === undefined ? {} : { limit }),
        });
        return { items: items.map(toJson) };
      },
    );
    app.get(
      '/api/jobs/:jobId',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'a job: status, progress, the run or sweep it made, or its error',
          tags: ['jobs'],
          params: jobParams,
          response: { 200: jobSchema, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const job = await queue.get(req.params.jobId);
        if (job === undefined) throw notFound(req.params.jobId);
        return toJson(job);
      },
    );
    app.delete(
      '/api/jobs/:jobId',
      {
        config: { access: 'operator' },
        schema: {
          summary: 'cancel a job in line or running (its process is stopped); answers once it has ended',
          tags: ['jobs'],
          params: jobParams,
          response: { 200: jobSchema, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const actor = actorOf(req.principal);
        const job = await queue.cancel(req.params.jobId, actor);
        await deps.ledger.audit({
          ts: deps.now(),
          actor,
          action: 'job.cancel',
          subject: job.id,
          detail: { kind: job.kind, status: job.status },
        });
        return toJson(job);
      },
    );
  },
};

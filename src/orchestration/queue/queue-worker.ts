/**
 * `momentic worker`: takes trials from the Redis queue (BullMQ) and runs them in this machine's
 * worker processes with the sweep's own trial function (sweep/worker.ts, in sweep/trial-process.ts),
 * storing each outcome in the ledger once. docs/scale.md, "Many machines".
 */
import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Logger } from '../../core/logger.js';
import type { LedgerStore } from '../../store/ledger.js';
import { isMomenticError } from '../../core/errors.js';
import { modelsOfPins } from '../registered-models.js';
import type { TrialModels, TrialOutcome } from '../sweep/trial.js';
import type { TrialTask } from '../sweep/worker.js';
import { ProcessPool } from '../sweep/process-pool.js';
import { trialProcessFile } from '../sweep/trial-runner.js';
import { DataReadiness } from './data-ready.js';
import { batchLabel, connectionOf, type TrialJobData, type TrialJobResult } from './trial-job.js';

/** How long a job waits before another try when this worker cannot take it now (data, version). */
const RETRY_LATER_MS = 2000;
/** Between two identical "waiting"/"refusing" log lines. */
const LOG_EVERY_MS = 30_000;

/**
 * A worker's lock on a job: renewed every half of it while the trial runs; a worker killed
 * mid-trial lets it lapse, and the stalled check of any worker puts the job back in the queue.
 */
export const LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 5_000;
/** A job whose worker died this many times fails (a trial that kills its process is poison). */
export const MAX_STALLED = 2;

export interface QueueWorkerOptions {
  readonly home: string;
  readonly redisUrl: string;
  readonly queue: string;
  readonly concurrency: number;
  readonly codeVersion: string;
  readonly ledger: LedgerStore;
  readonly logger: Logger;
  /** Called after each trial this worker stored (the CLI counts them). */
  readonly onTrial?: (data: TrialJobData, outcome: TrialOutcome) => void;
}

export interface QueueWorker {
  /** Stops taking jobs, lets the running ones finish, and ends the worker processes. */
  close(): Promise<void>;
}

/** Logs a line at most every LOG_EVERY_MS per key. */
function throttled(): (key: string, f: () => void) => void {
  const last = new Map<string, number>();
  return (key, f) => {
    const now = Date.now();
    if ((last.get(key) ?? 0) + LOG_EVERY_MS > now) return;
    last.set(key, now);
    f();
  };
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  // A process per trial in flight: threads of one process contend (docs/scale.md, "One machine").
  const pool = new ProcessPool({ file: trialProcessFile(), workers: o.concurrency, depth: 1 });
  const name = `${hostname()}:${process.pid}`;
  const ready = new DataReadiness(o.home);
  const once = throttled();
  const cancelled = new Map<string, { at: number; is: boolean }>();
  const isCancelled = async (sweepId: string): Promise<boolean> => {
    const c = cancelled.get(sweepId);
    if (c !== undefined && c.at + 1000 > Date.now()) return c.is;
    const s = await o.ledger.getQueuedSweep(sweepId);
    const is = s?.status === 'cancelled';
    cancelled.set(sweepId, { at: Date.now(), is });
    return is;
  };
  // Pinned artifacts by id and sha256: read from the ledger once per worker, not per trial.
  const artifacts = new Map<string, TrialModels[string]>();
  const modelsOf = async (d: TrialJobData): Promise<TrialModels | undefined> => {
    if (d.models === undefined) return undefined;
    const out: Record<string, TrialModels[string]> = {};
    for (const [ref, pin] of Object.entries(d.models)) {
      const key = `${pin.id}:${pin.sha256}`;
      let m = artifacts.get(key);
      if (m === undefined) {
        m = (await modelsOfPins({ [ref]: pin }, (id) => o.ledger.getModel(id)))[ref]!;
        artifacts.set(key, m);
      }
      out[ref] = m;
    }
    return out;
  };
  const later = async (job: Job, token: string | undefined): Promise<never> => {
    // Back to the queue for any worker (this one included) after a pause; not an attempt used.
    await job.moveToDelayed(Date.now() + RETRY_LATER_MS, token);
    throw new DelayedError();
  };

  const runJob = async (job: Job<TrialJobData, TrialJobResult>, token?: string): Promise<TrialJobResult> => {
    const d = job.data;
    const log = { sweep: d.sweepId, trial: d.index, trial_id: d.trialId.slice(0, 12) };
    if (d.codeVersion !== o.codeVersion) {
      once(`version:${d.sweepId}`, () =>
        o.logger.error(
          { ...log, job_version: d.codeVersion, worker_version: o.codeVersion },
          `refusing trials of ${batchLabel(d.kind)} ${d.sweepId}: they need code version ${d.codeVersion}, this worker runs ${o.codeVersion}; start a worker of ${d.codeVersion} (results of different code are never mixed)`,
        ),
      );
      return later(job, token);
    }
    if (await isCancelled(d.sweepId)) return { stored: false, skipped: 'cancelled' };
    if (await o.ledger.hasTrialResult(d.trialId)) return { stored: false, skipped: 'done' };
    const gap = await ready.missing(d.dataFiles);
    if (gap !== undefined) {
      once(`data:${d.sweepId}:${gap.path}`, () =>
        o.logger.warn(
          { ...log, file: gap.path, why: gap.why },
          `waiting for data: ${gap.path} is ${gap.why === 'missing' ? 'missing' : `not the sweep's (${gap.why})`}; retrying every ${RETRY_LATER_MS / 1000} s (copy or fetch the workspace's data/raw to this machine)`,
        ),
      );
      return later(job, token);
    }
    let models: TrialModels | undefined;
    try {
      models = await modelsOf(d);
    } catch (e) {
      // The pinned version is not in this worker's ledger (or differs): the trial fails with why.
      if (!isMomenticError(e)) throw e;
      const error = `${e.code}: ${e.message}`;
      const stored = await o.ledger.recordTrialResult({
        trialId: d.trialId,
        ok: false,
        error,
        worker: name,
        attempts: job.attemptsMade + 1,
        codeVersion: o.codeVersion,
        finishedAt: Date.now(),
      });
      o.onTrial?.(d, { index: d.index, ok: false, error, ms: 0 });
      return { stored };
    }
    const task: TrialTask = {
      ...(models === undefined ? {} : { models }),
      home: o.home,
      format: d.format,
      symbols: d.symbols,
      calendars: d.calendars,
      spec: d.spec,
      params: d.params,
      index: d.index,
      withTs: true,
      hookTimeoutMs: d.hookTimeoutMs,
    };
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    let outcome: TrialOutcome;
    try {
      outcome = await pool.run<TrialOutcome>('trial', task, `trial ${d.index}`);
    } catch (e) {
      // The trial crashed its process (not a strategy's error, which is an outcome): retried by
      // BullMQ, and stored as failed with its error after the last attempt.
      const error = e instanceof Error ? e.message : String(e);
      o.logger.warn({ ...log, attempt, attempts, error }, `trial crashed (attempt ${attempt} of ${attempts})`);
      if (attempt >= attempts) {
        await o.ledger.recordTrialResult({
          trialId: d.trialId,
          ok: false,
          error: `crashed ${attempts} times: ${error}`,
          worker: name,
          attempts: attempt,
          codeVersion: o.codeVersion,
          finishedAt: Date.now(),
        });
      }
      throw e;
    }
    const stored = await o.ledger.recordTrialResult({
      trialId: d.trialId,
      ok: outcome.ok,
      ...(outcome.ok
        ? {
            metrics: outcome.metrics as unknown as Record<string, number | null>,
            returns: outcome.returns,
            ...(outcome.ts === undefined ? {} : { ts: outcome.ts }),
            exits: outcome.exits,
            pnls: outcome.pnls,
          }
        : { error: outcome.error }),
      worker: name,
      attempts: attempt,
      codeVersion: o.codeVersion,
      finishedAt: Date.now(),
    });
    o.onTrial?.(d, outcome);
    return { stored };
  };

  const worker = new Worker<TrialJobData, TrialJobResult>(o.queue, runJob, {
    connection: connectionOf(o.redisUrl),
    concurrency: o.concurrency,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (e) =>
    once(`error:${e.message}`, () => o.logger.warn({ error: e.message }, 'queue connection error; retrying')),
  );
  await worker.waitUntilReady();
  o.logger.info(
    { queue: o.queue, concurrency: o.concurrency, code_version: o.codeVersion, worker: name },
    `worker ${name} takes trials from queue ${o.queue} (code version ${o.codeVersion})`,
  );
  return {
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}

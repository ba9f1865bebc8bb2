/**
 * A sweep's trials through the Redis queue: each trial a BullMQ job (its id the trial id), run by
 * `momentic worker` on any machine, its outcome read back from the ledger. The submitter records
 * outcomes in combination order, so the sweep's files are those of a local run on one thread.
 * It notices a lost queue (FLUSHALL, a Redis restart without persistence) and enqueues again only
 * the trials the ledger does not hold; a trial that failed all its attempts is recorded failed.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { TrialResult } from '../../store/sweep-queue-repo.js';
import type { Metrics } from '../../backtest/metrics.js';
import type { SweepBatch } from '../sweep/sweep-job.js';
import type { TrialOutcome, TrialSpec } from '../sweep/trial.js';
import { jobStates } from './job-states.js';
import { trialId } from './trial-id.js';
import { batchLabel, connectionOf, liveKey, redisUnavailable, type TrialJobData } from './trial-job.js';

export interface QueuedSweepOptions {
  readonly ledger: LedgerStore;
  readonly redisUrl: string;
  readonly queue: string;
  readonly codeVersion: string;
  /** Tries of a trial that crashes its worker before it is recorded failed. */
  readonly attempts: number;
  readonly hookTimeoutMs: number;
  readonly format: 'csv' | 'parquet';
  readonly logger?: Logger;
  /** Between two reads of the ledger for new outcomes. */
  readonly pollMs?: number;
  /** Without progress for this long, the queue's jobs are checked (lost, failed). */
  readonly checkMs?: number;
}

/** Jobs added per Redis round trip. */
const BULK = 500;

function outcomeOf(index: number, r: TrialResult): TrialOutcome {
  if (!r.ok) return { index, ok: false, error: r.error ?? 'unknown', ms: 0 };
  return {
    index,
    ok: true,
    metrics: r.metrics as unknown as Metrics,
    returns: r.returns ?? new Float64Array(0),
    ...(r.ts === undefined ? {} : { ts: r.ts }),
    exits: r.exits ?? new Float64Array(0),
    pnls: r.pnls ?? new Float64Array(0),
    ms: 0,
  };
}

export function sweepCancelled(id: string, done: number, total: number, kind = 'sweep'): UsageError {
  return new UsageError(
    'USAGE_INVALID_OPTION',
    `${kind} ${id} was cancelled (momentic sweep cancel) with ${done} of ${total} trials done`,
    {
      hint: `run the same ${kind} command again to resume it: the trials done are kept`,
      context: { value: id },
    },
  );
}

/** The `runTrials` of a sweep that runs on the queue's workers. */
export function queuedTrials(o: QueuedSweepOptions): (batch: SweepBatch) => Promise<void> {
  return async (batch) => {
    const log = o.logger;
    const pollMs = o.pollMs ?? 200;
    const checkMs = o.checkMs ?? 5000;
    const todo = [...batch.todo].sort((a, b) => a.index - b.index);
    const kind = batchLabel(batch.kind);
    // A walk-forward's trial runs over its fold's window: its own spec, part of its identity.
    const specOf = (t: (typeof todo)[number]): TrialSpec => t.spec ?? batch.spec;
    // A pinned registry model is part of what the trial is: the same params scoring another
    // version are another trial (the spec as it was otherwise, so other trials keep their ids).
    const idSpec = (t: (typeof todo)[number]): unknown =>
      batch.models === undefined ? specOf(t) : { ...specOf(t), models: batch.models };
    const ids = todo.map((t) => trialId(idSpec(t), t.params, batch.data.dataFiles, o.codeVersion));
    const byId = new Map(ids.map((id, i) => [id, i]));
    const queue = new Queue<TrialJobData>(o.queue, { connection: connectionOf(o.redisUrl) });
    queue.on('error', () => undefined);
    const live = liveKey(o.queue, batch.id);
    // Its own connection for the live key: it reconnects after a Redis restart, and fails a
    // command fast meanwhile (the loop retries).
    const redis = new Redis(o.redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      try {
        await redis.connect();
        await redis.ping();
      } catch (e) {
        throw redisUnavailable(o.redisUrl, e);
      }
      const since0 = await o.ledger.lastTrialSeq();
      await o.ledger.registerQueuedSweep(
        { id: batch.id, queue: o.queue, total: batch.total, codeVersion: o.codeVersion, dir: batch.dir },
        todo.map((t, i) => ({ trialId: ids[i] as string, index: t.index })),
        Date.now(),
      );
      const results = new Map<number, TrialResult>();
      for (const r of await o.ledger.trialResults(ids)) results.set(byId.get(r.trialId) as number, r);
      const jobOf = (i: number): { name: string; data: TrialJobData; opts: Record<string, unknown> } => {
        const t = todo[i] as (typeof todo)[number];
        const id = ids[i] as string;
        return {
          name: 'trial',
          data: {
            sweepId: batch.id,
            ...(batch.kind === undefined ? {} : { kind: batch.kind }),
            trialId: id,
            index: t.index,
            params: t.params,
            spec: specOf(t),
            symbols: batch.data.symbols,
            calendars: [...batch.data.calendars],
            dataFiles: batch.data.dataFiles,
            format: o.format,
            hookTimeoutMs: o.hookTimeoutMs,
            codeVersion: o.codeVersion,
            ...(batch.models === undefined ? {} : { models: batch.models }),
          },
          opts: {
            jobId: id,
            attempts: o.attempts,
            backoff: { type: 'fixed', delay: 500 },
            removeOnComplete: true,
            removeOnFail: { age: 7 * 86_400 },
          },
        };
      };
      const enqueue = async (which: readonly number[]): Promise<void> => {
        await redis.set(live, String(Date.now()));
        for (let k = 0; k < which.length; k += BULK) await queue.addBulk(which.slice(k, k + BULK).map(jobOf));
      };
      const pending = (): number[] => todo.map((_, i) => i).filter((i) => !results.has(i));
      await enqueue(pending());
      log?.info(
        { sweep: batch.id, queue: o.queue, trials: todo.length, stored: results.size },
        `${kind} ${batch.id}: ${todo.length - results.size} trials queued on ${o.queue} for the workers (momentic worker)`,
      );

      let since = since0;
      let next = 0;
      let lastProgress = Date.now();
      let lastLiveCheck = 0;
      let lastStatusCheck = 0;
      const flush = (): void => {
        while (next < todo.length && results.has(next)) {
          const r = results.get(next) as TrialResult;
          const t = todo[next] as (typeof todo)[number];
          batch.record(t, outcomeOf(t.index, r));
          results.delete(next);
          next++;
          lastProgress = Date.now();
        }
      };
      const readNew = async (): Promise<void> => {
        const fresh = await o.ledger.trialIdsSince(since);
        if (fresh.length === 0) return;
        since = (fresh.at(-1) as { seq: number }).seq;
        const mine = fresh.map((f) => f.trialId).filter((id) => (byId.get(id) ?? -1) >= next);
        for (const r of await o.ledger.trialResults(mine)) results.set(byId.get(r.trialId) as number, r);
      };
      /** Jobs of trials not yet stored: failed ones are stored failed; lost ones are queued again. */
      const reconcile = async (why: string): Promise<void> => {
        const open = pending().filter((i) => i >= next);
        const lost: number[] = [];
        for (let k = 0; k < open.length; k += BULK) {
          const part = open.slice(k, k + BULK);
          const states = await jobStates(
            queue,
            part.map((i) => ids[i] as string),
          );
          for (let j = 0; j < part.length; j++) {
            const i = part[j] as number;
            if (states[j] === 'unknown') lost.push(i);
            if (states[j] === 'failed') {
              const job = await queue.getJob(ids[i] as string);
              await o.ledger.recordTrialResult({
                trialId: ids[i] as string,
                ok: false,
                error: `failed after ${job?.attemptsMade ?? o.attempts} attempts: ${job?.failedReason ?? 'unknown'}`,
                worker: 'queue',
                attempts: job?.attemptsMade ?? o.attempts,
                codeVersion: o.codeVersion,
                finishedAt: Date.now(),
              });
            }
          }
        }
        // A job gone from the queue may have finished just now: the ledger decides.
        await readNew();
        const missing = lost.filter((i) => !results.has(i));
        if (missing.length > 0) {
          log?.warn(
            { sweep: batch.id, queue: o.queue, missing: missing.length, why },
            `${kind} ${batch.id}: ${missing.length} trials are neither in the queue nor in the ledger (${why}); queued again`,
          );
          await enqueue(missing);
        }
      };

      while (next < todo.length) {
        await new Promise((r) => setTimeout(r, pollMs));
        try {
          await readNew();
          flush();
          const now = Date.now();
          if (now - lastStatusCheck >= 1000) {
            lastStatusCheck = now;
            const s = await o.ledger.getQueuedSweep(batch.id);
            if (s?.status === 'cancelled')
              throw sweepCancelled(
                batch.id,
                batch.total - (batch.later ?? 0) - (todo.length - next),
                batch.total,
                kind,
              );
          }
          if (now - lastLiveCheck >= 1000) {
            lastLiveCheck = now;
            if ((await redis.exists(live)) === 0) {
              log?.warn(
                { sweep: batch.id, queue: o.queue },
                `${kind} ${batch.id}: the queue was lost (Redis flushed or restarted without persistence); queueing again the trials the ledger does not hold`,
              );
              await redis.set(live, String(now));
              await reconcile('queue lost');
            }
          }
          if (now - lastProgress >= checkMs) {
            lastProgress = now;
            await reconcile('no progress');
          }
          flush();
        } catch (e) {
          if (e instanceof UsageError) throw e;
          // Redis or the ledger away for a moment: keep polling, say so once in a while.
          log?.warn({ sweep: batch.id, error: (e as Error).message }, `${kind}: queue or ledger unreachable; retrying`);
        }
      }
      // A walk-forward's in-sample batch is not the end: its out-of-sample batch follows.
      if ((batch.later ?? 0) === 0) await o.ledger.setQueuedSweepStatus(batch.id, 'finished', Date.now());
      await redis.del(live).catch(() => undefined);
    } finally {
      await queue.close().catch(() => undefined);
      redis.disconnect();
    }
  };
}

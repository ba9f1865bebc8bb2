/** `momentic sweep status ID` and `momentic sweep cancel ID`, from any machine with the ledger and Redis. */
import { Queue } from 'bullmq';
import { DataError } from '../../core/errors.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { QueuedSweep } from '../../store/sweep-queue-repo.js';
import { jobStates } from './job-states.js';
import { connectionOf } from './trial-job.js';

export interface QueuedSweepStatus {
  readonly sweep: QueuedSweep;
  readonly done: number;
  readonly failed: number;
  readonly pending: number;
  /** Pending trials by queue state (waiting, active, delayed, failed...); null when Redis is unreachable. */
  readonly queue: Readonly<Record<string, number>> | null;
  readonly queueError?: string;
}

function notFound(id: string): DataError {
  return new DataError('LEDGER_NOT_FOUND', `no queued sweep ${id} in the ledger`, {
    hint: 'sweeps submitted with `momentic sweep --queue` are listed by id in their output; check MOMENTIC_DATABASE_URL points at the ledger the submitter used',
    context: { value: id },
  });
}

async function withQueue<T>(url: string, name: string, f: (q: Queue) => Promise<T>): Promise<T> {
  const q = new Queue(name, {
    connection: { ...connectionOf(url), maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null },
  });
  q.on('error', () => undefined);
  try {
    return await f(q);
  } finally {
    await q.close().catch(() => undefined);
  }
}

export async function queuedSweepStatus(ledger: LedgerStore, redisUrl: string, id: string): Promise<QueuedSweepStatus> {
  const sweep = await ledger.getQueuedSweep(id);
  if (sweep === undefined) throw notFound(id);
  const trials = await ledger.queuedSweepTrials(id);
  const open = trials.filter((t) => t.ok === null);
  const base = {
    sweep,
    done: trials.filter((t) => t.ok === true).length,
    failed: trials.filter((t) => t.ok === false).length,
    pending: open.length,
  };
  if (redisUrl === '') return { ...base, queue: null, queueError: 'redis.url is empty' };
  try {
    const states = await withQueue(redisUrl, sweep.queue, (q) =>
      jobStates(
        q,
        open.map((t) => t.trialId),
      ),
    );
    const counts: Record<string, number> = {};
    for (const s of states)
      counts[s === 'unknown' ? 'missing' : s] = (counts[s === 'unknown' ? 'missing' : s] ?? 0) + 1;
    return { ...base, queue: counts };
  } catch (e) {
    return { ...base, queue: null, queueError: (e as Error).message };
  }
}

/**
 * Marks the sweep cancelled (its submitter stops, workers skip its trials) and removes its jobs
 * not yet started from the queue; a trial running now finishes and is stored.
 */
export async function cancelQueuedSweep(
  ledger: LedgerStore,
  redisUrl: string,
  id: string,
): Promise<{ removed: number; running: number; done: number }> {
  const sweep = await ledger.getQueuedSweep(id);
  if (sweep === undefined) throw notFound(id);
  await ledger.setQueuedSweepStatus(id, 'cancelled', Date.now());
  const trials = await ledger.queuedSweepTrials(id);
  const open = trials.filter((t) => t.ok === null);
  let removed = 0;
  let running = 0;
  if (redisUrl !== '') {
    await withQueue(redisUrl, sweep.queue, async (q) => {
      for (const t of open) {
        const job = await q.getJob(t.trialId);
        if (job === undefined) continue;
        const state = await job.getState();
        if (state === 'active') {
          running++;
          continue;
        }
        await job.remove().then(
          () => removed++,
          () => running++,
        );
      }
    });
  }
  return { removed, running, done: trials.length - open.length };
}

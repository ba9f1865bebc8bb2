import type { LoadedConfig } from '../../config/loader.js';
import type { Logger } from '../../core/logger.js';
import type { SweepBatch } from '../../orchestration/sweep/sweep-job.js';
import type { LedgerStore } from '../../store/ledger.js';

/** The ledger a queued sweep shares with its workers (MOMENTIC_DATABASE_URL, or state/momentic.db). */
export async function openQueueLedger(loaded: LoadedConfig): Promise<LedgerStore> {
  const { createLedger } = await import('../../store/ledger.js');
  return createLedger(loaded.config, loaded.home);
}

/** `sweep --queue` (and `walkforward --queue`): the trials go to the Redis queue (redis.url, execution.*) for `momentic worker`. */
export async function queuedRunner(
  loaded: LoadedConfig,
  ledger: LedgerStore,
  logger: Logger,
  /** The command, in the error when Redis is not configured. */
  what = 'momentic sweep --queue',
): Promise<(batch: SweepBatch) => Promise<void>> {
  const { queuedTrials } = await import('../../orchestration/queue/submit-trials.js');
  const { requireRedisUrl } = await import('../../orchestration/queue/trial-job.js');
  const { codeVersion } = await import('../../orchestration/queue/trial-id.js');
  const { execution, engine, data } = loaded.config;
  return queuedTrials({
    ledger,
    redisUrl: requireRedisUrl(loaded.config, what),
    queue: execution.queue_name,
    codeVersion: codeVersion(loaded.config),
    attempts: execution.attempts,
    hookTimeoutMs: engine.hook_timeout_ms,
    format: data.format,
    logger,
  });
}

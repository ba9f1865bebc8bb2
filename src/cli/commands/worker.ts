import { numberFlag } from '../options.js';
import type { CommandContext } from '../context.js';

/**
 * `momentic worker [--concurrency N]`: takes sweep trials from the Redis queue until SIGINT or
 * SIGTERM, then lets the running ones finish. docs/scale.md, "Many machines".
 */
export async function worker(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const log = (await ctx.logger()).child({ component: 'worker' });
  const { availableParallelism } = await import('node:os');
  const concurrency =
    opts.concurrency === undefined
      ? availableParallelism()
      : numberFlag(opts.concurrency, '--concurrency', { integer: true, min: 1, example: '--concurrency 4' });
  const { requireRedisUrl } = await import('../../orchestration/queue/trial-job.js');
  const { codeVersion } = await import('../../orchestration/queue/trial-id.js');
  const { startQueueWorker } = await import('../../orchestration/queue/queue-worker.js');
  const { createLedger } = await import('../../store/ledger.js');
  const redisUrl = requireRedisUrl(loaded.config, 'momentic worker');
  const ledger = await createLedger(loaded.config, loaded.home);
  let trials = 0;
  try {
    const w = await startQueueWorker({
      home: loaded.home,
      redisUrl,
      queue: loaded.config.execution.queue_name,
      concurrency,
      codeVersion: codeVersion(loaded.config),
      ledger,
      logger: log,
      onTrial: () => trials++,
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    log.info({ trials }, `worker stopping after ${trials} trials; letting the running ones finish`);
    await w.close();
  } finally {
    await ledger.close();
  }
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ trials })}\n`);
  return 0;
}

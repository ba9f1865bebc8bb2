import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic worker`: runs queued sweep trials on this machine (docs/scale.md, "Many machines"). */
export function registerWorker(program: Command, lazy: Lazy): void {
  program
    .command('worker')
    .description(
      'take sweep trials from the Redis queue (MOMENTIC_REDIS_URL) and run them on this machine, storing each in the ledger (MOMENTIC_DATABASE_URL); waits for missing data, refuses trials of another code version; stops on SIGINT/SIGTERM after the running trials',
    )
    .option('--concurrency <n>', 'trials at once, one worker process each (default: every core)')
    .action(lazy(async () => (await import('../commands/worker.js')).worker));
}

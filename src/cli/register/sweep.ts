import type { Command } from 'commander';
import type { Lazy } from './lazy.js';
import { repeatable, withRunOptions } from './shared-options.js';

/** `momentic sweep`: a strategy over a grid of parameters, with the deflated Sharpe of the best. */
export function registerSweep(program: Command, lazy: Lazy): void {
  const sweep = program
    .command('sweep')
    .description(
      'run a strategy over a grid (or a random sample) of parameters on every core; records every trial and the deflated Sharpe of the best (data/results/sweeps/{id}/)',
    )
    .option('--strategy <name>', 'built-in strategy or ./file.ts')
    .option('--config <file>', 'strategy run file (YAML) giving the data, dates, costs and fixed params')
    .option(
      '--param <name=spec>',
      'a swept parameter: FROM..TO:STEP (fast=5..50:5), a list (a,b,c) or one value (repeatable)',
      repeatable,
    )
    .option(
      '--objective <metric>',
      'metric to maximize (sharpe, total_return, calmar...; lower for volatility)',
      'sharpe',
    )
    .option('--random <n>', 'draw n distinct combinations of the grid instead of all')
    .option('--max-trials <n>', 'refuse a sweep of more combinations than this (default 100000)')
    .option('--seed <n>', 'seed of the random search (default 1)')
    .option('--workers <n>', 'workers: the command and N - 1 worker processes (default: every core)')
    .option(
      '--queue',
      'run the trials on `momentic worker` processes of any machine through the Redis queue (MOMENTIC_REDIS_URL; results in the ledger, MOMENTIC_DATABASE_URL); same as execution.queue: redis',
    )
    .option('--partitions <s>', 'CSCV blocks for the probability of backtest overfitting (even; default 16)')
    .option('--name <id>', 'folder name under data/results/sweeps/ (default: from the sweep spec; rerun to resume)');
  withRunOptions(sweep, true).action(lazy(async () => (await import('../commands/sweep.js')).sweep));
  sweep
    .command('status')
    .description('a queued sweep (--queue): trials done, failed and pending, and the pending ones by queue state')
    .argument('<id>', 'sweep id (printed by momentic sweep --queue)')
    .action(lazy(async () => (await import('../commands/sweep-control.js')).sweepStatus));
  sweep
    .command('cancel')
    .description(
      'cancel a queued sweep: its waiting trials leave the queue, its submitter stops; trials done are kept (rerun the sweep to resume)',
    )
    .argument('<id>', 'sweep id')
    .action(lazy(async () => (await import('../commands/sweep-control.js')).sweepCancel));
}

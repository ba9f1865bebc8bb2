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
    .option('--workers <n>', 'worker threads (default: every core)')
    .option('--partitions <s>', 'CSCV blocks for the probability of backtest overfitting (even; default 16)')
    .option('--name <id>', 'folder name under data/results/sweeps/ (default: from the sweep spec; rerun to resume)');
  withRunOptions(sweep, true).action(lazy(async () => (await import('../commands/sweep.js')).sweep));
}

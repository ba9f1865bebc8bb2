import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic runs ls|show`: runs recorded in the ledger. */
export function registerRuns(program: Command, lazy: Lazy): void {
  const runs = program.command('runs').description('runs recorded in the ledger (backtests, paper and live)');
  runs
    .command('ls')
    .description('list runs, most recently started first: id, kind, strategy, period, status, trades, total return')
    .option('--limit <n>', 'at most this many runs (default 20)')
    .addOption(new Option('--kind <kind>', 'only runs of this kind').choices(['backtest', 'paper', 'live']))
    .action(lazy(async () => (await import('../commands/runs.js')).runsLs));
  runs
    .command('show')
    .description("a run's spec, params, metrics, counts of orders, events and fills, and its results folder")
    .argument('<runId>', 'run id (momentic runs ls)')
    .action(lazy(async () => (await import('../commands/runs.js')).runsShow));
}

import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic runs ls|show|record`: runs recorded in the ledger. */
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
  runs
    .command('record')
    .description(
      'record a finished run in the ledger from its results folder (one the ledger could not take at run time, or run with --no-ledger); the run is replayed to check its files and give the ledger its orders and fills',
    )
    .argument('<run>', 'run id (a folder of data/results/), or the path of a run folder written with backtest --out')
    .action(lazy(async () => (await import('../commands/runs-record.js')).runsRecord));
}

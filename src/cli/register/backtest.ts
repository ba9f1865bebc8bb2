import type { Command } from 'commander';
import type { Lazy } from './lazy.js';
import { repeatable, withRunOptions } from './shared-options.js';

/** The handler module of both commands: a report is rebuilt from the files a backtest wrote. */
const load = async () => import('../commands/backtest.js');

/** `momentic backtest`: one strategy run through the event engine, results and report on disk. */
export function registerBacktest(program: Command, lazy: Lazy): void {
  const backtest = program
    .command('backtest')
    .description(
      'run a strategy through the event engine and write data/results/{run_id}/ with report.html (no flags: config/strategy/default.yaml on the synthetic universe)',
    )
    .option('--strategy <name>', 'built-in strategy (momentic strategies ls), or your own file: ./my-strategy.ts')
    .option(
      '--config <file>',
      'strategy run file (YAML: strategy, params, symbols, dates, costs); default config/strategy/default.yaml. (The global config layer then goes before the command: momentic --config base.yaml backtest ...)',
    )
    .option('--param <key=value>', 'strategy parameter (repeatable)', repeatable);
  withRunOptions(backtest, true)
    .option('--out <dir>', 'write the results here instead of data/results/{run_id}')
    .option(
      '--run-id <id>',
      "run under this id instead of a new one (a session's id reproduces its client order ids); refused when the id is in use",
    )
    .option('--risk', 'run every order through the risk manager with the config limits (docs/risk.md)')
    .option(
      '--no-ledger',
      'do not record the run in the ledger (by default a run the ledger cannot take exits 4, its results kept)',
    )
    .option('--replay <run_id>', 'rerun a recorded run and check every output is byte-identical')
    .option(
      '--explain-config',
      'print every value of the run and where it came from (default, run file:line, flag); run nothing',
    )
    .action(lazy(async () => (await load()).backtest));
}

/**
 * `momentic report`: rebuilds a run's report.html. Registered on its own because `--help` lists
 * it after `risk`, not beside `backtest`.
 */
export function registerReport(program: Command, lazy: Lazy): void {
  program
    .command('report')
    .description('rebuild report.html of a run from its files')
    .argument('<runId>', 'run id (a folder of data/results/)')
    .action(lazy(async () => (await load()).report));
}

import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';
import { repeatable, withRunOptions } from './shared-options.js';

/** `momentic walkforward`: optimize on each train window, trade the winner out of sample. */
export function registerWalkforward(program: Command, lazy: Lazy): void {
  const walkforward = program
    .command('walkforward')
    .description(
      'walk a sweep forward: optimize on each train window, trade the winner on the next test window, stitch the out-of-sample equity and check the promotion gates (exit 5 when one fails)',
    )
    .option(
      '--sweep <id>',
      'the sweep to walk forward (data/results/sweeps/{id}); without it, the sweep flags run one first',
    )
    .option('--train <bars>', 'train window in sessions (default 252)')
    .option('--test <bars>', 'test window in sessions (default 63)')
    .option('--step <bars>', 'sessions between folds (default 21)')
    .addOption(
      new Option('--mode <mode>', 'rolling (default) or anchored train windows').choices(['rolling', 'anchored']),
    )
    .option(
      '--gate <metric op value>',
      'a promotion gate over the defaults (sharpe>1, max_drawdown>-0.1, trades>=100, win_rate>0.45, dsr>=0.95, pbo<=0.5); metric=off drops one (repeatable)',
      repeatable,
    )
    .option('--workers <n>', 'workers: the command and N - 1 worker processes (default: every core)')
    .option(
      '--queue',
      'run the sweep and fold trials on `momentic worker` processes of any machine through the Redis queue (MOMENTIC_REDIS_URL; results in the ledger, MOMENTIC_DATABASE_URL); same as execution.queue: redis',
    )
    .option('--strategy <name>', 'built-in strategy or ./file.ts (when no --sweep)')
    .option('--config <file>', 'strategy run file (when no --sweep)')
    .option('--param <name=spec>', 'swept parameter as in momentic sweep (repeatable)', repeatable)
    .option('--objective <metric>', 'metric to optimize on each train window (default sharpe)')
    .option(
      '--ml [file]',
      "retrain ml-signal's model on each fold's in-sample labels (purged, embargoed) and trade it on the test window; FILE: a walk-forward file with an ml: block",
    )
    .option('--label <spec>', 'with --ml: fixed:h=5 (default) | triple-barrier:pt=2,sl=1,h=10[,vol=20]')
    .option('--features <set>', 'with --ml: default | full | comma-separated feature names')
    .option(
      '--model-param <key=value>',
      'with --ml: GBDT parameter as ml train --param takes it (repeatable)',
      repeatable,
    )
    .option(
      '--embargo <sessions>',
      "with --ml: labels ending in the train window's last N sessions are dropped too (default: the label horizon)",
    )
    .option('--seed <n>', 'with --ml: the GBDT seed of every fold (default 7)')
    .option('--register <name>', 'with --ml: register each fold model as NAME-vN, stage candidate');
  withRunOptions(walkforward, false).action(lazy(async () => (await import('../commands/walkforward.js')).walkforward));
}

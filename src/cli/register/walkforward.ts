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
      new Option('--mode <mode>', 'rolling or anchored train windows')
        .choices(['rolling', 'anchored'])
        .default('rolling'),
    )
    .option(
      '--gate <metric op value>',
      'a promotion gate over the defaults (sharpe>1, max_drawdown>-0.1, trades>=100, win_rate>0.45, dsr>=0.95, pbo<=0.5); metric=off drops one (repeatable)',
      repeatable,
    )
    .option('--workers <n>', 'worker processes (default: every core)')
    .option('--strategy <name>', 'built-in strategy or ./file.ts (when no --sweep)')
    .option('--config <file>', 'strategy run file (when no --sweep)')
    .option('--param <name=spec>', 'swept parameter as in momentic sweep (repeatable)', repeatable)
    .option('--objective <metric>', 'metric to optimize on each train window (default sharpe)');
  withRunOptions(walkforward, false).action(lazy(async () => (await import('../commands/walkforward.js')).walkforward));
}

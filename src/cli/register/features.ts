import { type Command, Option } from 'commander';
import { TIMEFRAMES } from '../../core/enums.js';
import type { Lazy } from './lazy.js';

/** `momentic features build`: data/processed from data/raw. */
export function registerFeatures(program: Command, lazy: Lazy): void {
  const features = program.command('features').description('engineered features and processed datasets');
  features
    .command('build')
    .description(
      'build data/processed from data/raw: processed CSVs (DESIGN.md columns), feature tables (Parquet) and pairs',
    )
    .option('--symbols <list>', 'symbols to build (default: every daily dataset in data/raw)')
    .addOption(
      new Option('--set <name>', 'feature set of the Parquet table').choices(['default', 'full']).default('default'),
    )
    .option('--pairs <list>', 'pairs LONG:SHORT, comma-separated, written to data/processed/pairs/')
    .addOption(
      new Option('--hedge-mode <mode>', 'pair hedge ratio: rolling OLS, or static from the first window')
        .choices(['rolling', 'static'])
        .default('rolling'),
    )
    .option('--benchmark <symbol>', 'raw symbol used as benchmark for cross-asset features')
    .addOption(new Option('--timeframe <tf>', 'bar size').choices(TIMEFRAMES).default('1d'))
    .option('--force', 'rebuild even when inputs and definitions are unchanged')
    .action(lazy(async () => (await import('../commands/features.js')).featuresBuild));
}

import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';
import { repeatable } from './shared-options.js';

/** `momentic indicators`: indicator values per bar of a CSV. */
export function registerIndicators(program: Command, lazy: Lazy): void {
  program
    .command('indicators')
    .description('compute indicators over a bars CSV and print one row per bar (csv or json)')
    .requiredOption('--input <file>', 'bars CSV (any layout data import accepts)')
    .option('--indicator <spec>', 'key:params, e.g. rsi:14, macd:12,26,9, bbands:20,2,2 (repeatable)', repeatable)
    .addOption(new Option('--format <fmt>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--map <pairs>', 'column mapping, as for data import')
    .option('--tz <zone>', 'time zone of times without an offset')
    .action(lazy(async () => (await import('../commands/indicators.js')).indicators));
}

import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic universe build`: the point-in-time universe of each session (docs/universe.md). */
export function registerUniverse(program: Command, lazy: Lazy): void {
  const universe = program.command('universe').description('point-in-time trading universe: filters, tiers, buckets');
  universe
    .command('build')
    .description(
      'build data/processed/universe/{date}.csv, membership.parquet and manifest.json from daily bars and data/reference',
    )
    .option('--date <date>', 'one session, YYYY-MM-DD')
    .option('--from <date>', 'first session of a range, YYYY-MM-DD')
    .option('--to <date>', 'last session of a range, YYYY-MM-DD')
    .option(
      '--config <file>',
      'universe file (YAML); default config/universe/default.yaml of the workspace, else the shipped one',
    )
    .action(lazy(async () => (await import('../commands/universe.js')).universeBuild));
}

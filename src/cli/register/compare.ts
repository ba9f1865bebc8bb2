import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic compare`: runs side by side. */
export function registerCompare(program: Command, lazy: Lazy): void {
  program
    .command('compare')
    .description('compare runs: metrics side by side, and one HTML page with their equity overlaid')
    .argument('<runIds...>', 'two or more run ids (folders of data/results/)')
    .option('--out <file>', 'where to write the HTML page (default data/results/compare-A-vs-B.html)')
    .action(lazy(async () => (await import('../commands/compare.js')).compare));
}

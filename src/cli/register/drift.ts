import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic drift`: a paper or live session compared with its replay through the backtester. */
export function registerDrift(program: Command, lazy: Lazy): void {
  program
    .command('drift')
    .description(
      "replay a paper or live session's bars through the backtester under its id and compare signals, orders, fills and latency; drift.json and drift.html in its folder; exit 5 on drift",
    )
    .argument('<sessionId>', 'session id (a folder of data/results/ that momentic paper or live wrote)')
    .option('--tolerance-bps <n>', 'adverse slippage per fill allowed before the report fails (default 10)')
    .action(lazy(async () => (await import('../commands/drift.js')).drift));
}

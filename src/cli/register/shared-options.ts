import { type Command, Option } from 'commander';
import { TIMEFRAMES } from '../../core/enums.js';

/** Collects a repeatable option's values. */
export function repeatable(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/**
 * The data and cost options shared by backtest, sweep and walkforward; `bars` adds the bar size
 * and fill timing (walk-forward windows are daily sessions with the sweep's fills).
 */
export function withRunOptions(cmd: Command, bars: boolean): Command {
  cmd
    .option('--symbols <list>', 'comma-separated symbols (default: the run file, else the provider universe)')
    .option('--start <date>', "first session, YYYY-MM-DD (default: the first session all symbols' data share)")
    .option('--end <date>', "last session, YYYY-MM-DD (default: the last session all symbols' data share)")
    .option('--benchmark <symbol>', 'symbol to measure alpha, beta and the information ratio against');
  if (bars) cmd.addOption(new Option('--timeframe <tf>', 'bar size').choices(TIMEFRAMES));
  cmd
    .option('--cash <amount>', 'initial cash (default 100000)')
    .option('--fees <spec>', 'none | ibkr | bps:N | per-share:U[,MIN] | maker-taker:M,T')
    .option('--slippage <spec>', 'none | bps:N | half-spread:N')
    .option(
      '--participation <fraction>',
      "most of a bar's volume a symbol's orders may fill, in (0, 1] (default: no cap)",
    )
    .addOption(
      new Option(
        '--price-rounding <mode>',
        'fill prices as the rule gives them, or rounded to the tick against you',
      ).choices(['none', 'conservative']),
    )
    .option(
      '--max-leverage <multiple>',
      'buying power as a multiple of equity: orders beyond it are rejected (default 2, margin; 1 for cash)',
    );
  if (bars) {
    cmd.addOption(
      new Option('--fill <when>', 'market orders fill at the next open or at the signal bar close').choices([
        'next-open',
        'close',
      ]),
    );
  }
  return cmd;
}

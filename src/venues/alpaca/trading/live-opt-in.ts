/**
 * Real money needs two deliberate acts: the config says `venues.alpaca.paper: false` and the
 * command line says `--confirm-live`. Either alone is refused, so neither a stray config layer
 * nor a habit of typing the flag can move real money by itself.
 */
import type { Config } from '../../../config/schema.js';
import { UsageError } from '../../../core/errors.js';

/** The two switches, named the same way in every message. */
const KEY = 'venues.alpaca.paper';
const FLAG = '--confirm-live';

/**
 * `paper` when the session trades Alpaca's paper account, `live` when both switches agree on
 * real money; otherwise a UsageError (exit 2) naming both switches.
 */
export function checkLiveOptIn(config: Config, confirmLive: boolean): 'paper' | 'live' {
  const wantsLive = !config.venues.alpaca.paper;
  if (wantsLive && confirmLive) return 'live';
  if (!wantsLive && !confirmLive) return 'paper';
  const message = wantsLive
    ? `${KEY} is false (real money) but ${FLAG} was not given`
    : `${FLAG} was given but ${KEY} is true (the paper account)`;
  throw new UsageError('USAGE_MISSING_OPTION', `real-money trading needs both ${KEY}: false and ${FLAG}; ${message}`, {
    hint: wantsLive
      ? `add ${FLAG} to trade real money, or set ${KEY}: true to trade the paper account`
      : `set ${KEY}: false (and venues.alpaca.trading_url to https://api.alpaca.markets) to trade real money, or drop ${FLAG}`,
    context: { key: KEY, flag: FLAG, value: String(config.venues.alpaca.paper) },
  });
}

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
const URL_KEY = 'venues.alpaca.trading_url';
/** Alpaca's real-money and paper trading hosts (streams.md B.1). */
const LIVE_HOST = 'api.alpaca.markets';
const PAPER_HOST = 'paper-api.alpaca.markets';

/**
 * `paper` when the session trades Alpaca's paper account, `live` when both switches agree on
 * real money; otherwise a UsageError (exit 2) naming both switches. The trading URL must agree
 * too: Alpaca's real-money host in paper mode would move real money without either switch, and
 * its paper host in live mode would not trade what the user asked for.
 */
export function checkLiveOptIn(config: Config, confirmLive: boolean): 'paper' | 'live' {
  const wantsLive = !config.venues.alpaca.paper;
  if (wantsLive === confirmLive) {
    const mode = wantsLive ? 'live' : 'paper';
    checkHost(config.venues.alpaca.trading_url, mode);
    return mode;
  }
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

function checkHost(url: string, mode: 'paper' | 'live'): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return; // the config schema already refuses a malformed URL
  }
  const wrong = mode === 'paper' ? LIVE_HOST : PAPER_HOST;
  if (host !== wrong) return;
  throw new UsageError(
    'USAGE_MISSING_OPTION',
    mode === 'paper'
      ? `${URL_KEY} is Alpaca's real-money endpoint (${url}) but ${KEY} is true and ${FLAG} was not given`
      : `${KEY} is false and ${FLAG} was given, but ${URL_KEY} is the paper endpoint (${url})`,
    {
      hint:
        mode === 'paper'
          ? `set ${URL_KEY} to https://${PAPER_HOST} for paper trading, or set ${KEY}: false and pass ${FLAG} for real money`
          : `set ${URL_KEY} to https://${LIVE_HOST} to trade real money, or trade paper with ${KEY}: true and no ${FLAG}`,
      context: { key: URL_KEY, flag: FLAG, value: url },
    },
  );
}

import { didYouMean } from '../core/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import { AlwaysOpenCalendar } from './always-open.js';
import { isSessionHoursSpec, parseSessionHours } from './session-hours.js';
import type { TradingCalendar } from './types.js';
import { WeekdaysCalendar } from './weekdays.js';
import { XnysCalendar } from './xnys.js';

const factories: Readonly<Record<string, () => TradingCalendar>> = {
  XNYS: () => new XnysCalendar(),
  '24/7': () => new AlwaysOpenCalendar(),
  '24/5': () => new WeekdaysCalendar(),
};

/** Other names users type for the same calendars. */
const ALIASES: Readonly<Record<string, string>> = {
  NYSE: 'XNYS',
  XNAS: 'XNYS',
  NASDAQ: 'XNYS',
  US: 'XNYS',
  CRYPTO: '24/7',
  '24X7': '24/7',
  ALWAYS: '24/7',
  '24X5': '24/5',
  FX: '24/5',
  WEEKDAYS: '24/5',
};

const cache = new Map<string, TradingCalendar>();

export const MARKETS: readonly string[] = Object.keys(factories);

/** The calendar of a market code (`XNYS`, `24/7`, or an alias such as `NYSE`, `crypto`). */
export function getCalendar(market: string): TradingCalendar {
  if (isSessionHoursSpec(market)) {
    const cal = parseSessionHours(market);
    const hit = cache.get(cal.name);
    if (hit !== undefined) return hit;
    cache.set(cal.name, cal);
    return cal;
  }
  const upper = market.trim().toUpperCase();
  const name = ALIASES[upper] ?? upper;
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const make = factories[name];
  if (make === undefined) {
    const known = [...MARKETS, ...Object.keys(ALIASES)];
    throw new UsageError('CALENDAR_UNKNOWN_MARKET', `unknown market "${market}"`, {
      hint: `${didYouMean(upper, known)}known markets: ${MARKETS.join(', ')} (aliases: ${Object.keys(ALIASES).join(', ')}), or trading hours: hours:ZONE:HH:MM-HH:MM`,
      context: { value: market },
    });
  }
  const cal = make();
  cache.set(name, cal);
  return cal;
}

/**
 * Bar fill rules (docs/execution.md): pure functions of an order's prices and one bar's
 * open/high/low, returning the price the rule fills at, or NaN when the bar does not fill it.
 * Only the open is known to come first inside a bar; nothing else about the intrabar path is
 * assumed, so a rule never relies on the high coming before the low or the reverse.
 */
import type { Side } from '../core/enums.js';
import { roundAgainst } from '../core/rounding.js';

/** Limit: a buy fills when `low <= limit`, at the open when the bar opens at or below it. */
export function limitFillPrice(side: Side, limit: number, open: number, high: number, low: number): number {
  if (side === 'buy') return low <= limit ? Math.min(open, limit) : NaN;
  return high >= limit ? Math.max(open, limit) : NaN;
}

/** Stop: a buy triggers when `high >= stop` and fills at the stop, or at the open when the bar gaps through it. */
export function stopFillPrice(side: Side, stop: number, open: number, high: number, low: number): number {
  if (side === 'buy') return high >= stop ? Math.max(open, stop) : NaN;
  return low <= stop ? Math.min(open, stop) : NaN;
}

/** True when the stop of a stop or stop-limit order is reached somewhere in the bar. */
export function isStopTouched(side: Side, stop: number, high: number, low: number): boolean {
  return side === 'buy' ? high >= stop : low <= stop;
}

/**
 * Stop-limit on the bar its stop triggers. Gapping through the stop triggers it at the open, and
 * the whole bar follows, so the limit fills like a plain limit order in that bar. Triggering
 * inside the bar happens at the stop price: it fills there when the stop is within the limit;
 * otherwise the price would have to come back to the limit after the trigger, which OHLC cannot
 * show, so the conservative answer is no fill in that bar (the order then rests as a limit).
 */
export function stopLimitTriggerBarPrice(
  side: Side,
  stop: number,
  limit: number,
  open: number,
  high: number,
  low: number,
): number {
  const gapped = side === 'buy' ? open >= stop : open <= stop;
  if (gapped) return limitFillPrice(side, limit, open, high, low);
  if (!isStopTouched(side, stop, high, low)) return NaN;
  return (side === 'buy' ? stop <= limit : stop >= limit) ? stop : NaN;
}

/** Market-on-open / limit-on-open: the open, when it satisfies the limit (NaN limit = market). */
export function auctionPrice(side: Side, limit: number, price: number): number {
  if (Number.isNaN(limit)) return price;
  return (side === 'buy' ? price <= limit : price >= limit) ? price : NaN;
}

/**
 * The stop of a trailing stop from the best price since submission: a sell trails `amount`
 * (or `percent`%) below the highest price, a buy the same distance above the lowest.
 */
export function trailingStopPrice(side: Side, best: number, amount: number, percent: number): number {
  const distance = Number.isNaN(amount) ? (best * percent) / 100 : amount;
  return side === 'sell' ? best - distance : best + distance;
}

/** The best price for a trailing stop after seeing `price`: the highest for a sell, the lowest for a buy. */
export function improveBest(side: Side, best: number, price: number): number {
  if (Number.isNaN(best)) return price;
  return side === 'sell' ? Math.max(best, price) : Math.min(best, price);
}

/**
 * The price a fill is booked at: the rule's price moved `slip` against the trader, capped at
 * the limit for limit fills (a limit order never fills beyond its limit), then rounded to the
 * tick against the trader (`tick` NaN: no rounding) and capped at the limit again.
 */
export function executionPrice(side: Side, rulePrice: number, slip: number, limit: number, tick: number): number {
  const buy = side === 'buy';
  let p = buy ? rulePrice + slip : rulePrice - slip;
  const capped = !Number.isNaN(limit);
  if (capped) p = buy ? Math.min(p, limit) : Math.max(p, limit);
  if (!Number.isNaN(tick)) p = roundAgainst(side, p, tick);
  if (capped) p = buy ? Math.min(p, limit) : Math.max(p, limit);
  return p;
}

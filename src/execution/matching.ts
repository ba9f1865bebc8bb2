import type { Bar } from '../core/bar.js';
import type { Liquidity } from '../core/enums.js';
import {
  auctionPrice,
  improveBest,
  isStopTouched,
  limitFillPrice,
  stopFillPrice,
  stopLimitTriggerBarPrice,
  trailingStopPrice,
} from './fill-rules.js';
import { roundPassive } from '../core/rounding.js';
import type { SymbolBook } from './order-book.js';
import type { SimOrder } from './sim-order.js';

/** Scratch result of matching one order against one bar (reused: no allocation per bar). */
export interface RuleFill {
  /** The fill rule's price, NaN when the bar does not fill the order. */
  price: number;
  liquidity: Liquidity;
  /** The limit the execution price may not cross (NaN: none). */
  limit: number;
}

/**
 * Applies the fill rule of the order's type (docs/execution.md) to a bar the order is live on,
 * updating trigger and trailing state. `isFirstBar`: the first bar the order is live on (a limit
 * marketable on arrival takes liquidity).
 */
export function matchOrder(o: SimOrder, bar: Bar, book: SymbolBook, isFirstBar: boolean, out: RuleFill): void {
  out.price = NaN;
  out.liquidity = 'taker';
  out.limit = NaN;
  const { open, high, low } = bar;
  const side = o.side;

  // Auction time in force: only the session's opening / closing print, at that price.
  if (o.tif === 'opg' || o.tif === 'cls') {
    const isOpen = o.tif === 'opg';
    if (isOpen ? !book.isSessionStart : !book.isSessionEnd) return;
    out.price = auctionPrice(side, o.limit, isOpen ? open : bar.close);
    out.limit = o.limit;
    return;
  }

  switch (o.type) {
    case 'market':
      out.price = open;
      return;
    case 'limit': {
      out.price = limitFillPrice(side, o.limit, open, high, low);
      out.limit = o.limit;
      const marketable = side === 'buy' ? open <= o.limit : open >= o.limit;
      out.liquidity = isFirstBar && marketable ? 'taker' : 'maker';
      return;
    }
    case 'stop':
      if (o.isTriggered) {
        out.price = open;
        return;
      }
      out.price = stopFillPrice(side, o.stop, open, high, low);
      o.isTriggered = !Number.isNaN(out.price);
      return;
    case 'stop_limit':
      out.limit = o.limit;
      if (o.isTriggered) {
        // Triggered on an earlier bar: now a resting limit order.
        out.price = limitFillPrice(side, o.limit, open, high, low);
        out.liquidity = 'maker';
        return;
      }
      if (!isStopTouched(side, o.stop, high, low)) return;
      o.isTriggered = true;
      out.price = stopLimitTriggerBarPrice(side, o.stop, o.limit, open, high, low);
      return;
    case 'trailing_stop':
      matchTrailing(o, bar, book.tick, out);
      return;
    default:
      // market_on_open / market_on_close always carry tif opg / cls (order-validation.ts).
      return;
  }
}

/**
 * Trailing stop, conservatively ordered within a bar: (1) the open is the bar's first price, so
 * the best price may move with it; (2) the trigger is checked against the stop so obtained (a gap
 * through it fills at the open, a touch at the stop); (3) only if it did not trigger does the
 * bar's high (sell) or low (buy) move the stop, for the next bar. Using the high before checking
 * the low would assume the high came first, an exit the bar cannot prove.
 * @see QuantConnect LEAN, Common/Orders/Fills/FillModel.cs, TrailingStopFill (check, then update)
 */
function matchTrailing(o: SimOrder, bar: Bar, tick: number, out: RuleFill): void {
  if (o.isTriggered) {
    out.price = bar.open;
    return;
  }
  const side = o.side;
  moveTrail(o, bar.open, tick);
  out.price = stopFillPrice(side, o.stop, bar.open, bar.high, bar.low);
  if (!Number.isNaN(out.price)) {
    o.isTriggered = true;
    return;
  }
  moveTrail(o, side === 'sell' ? bar.high : bar.low, tick);
}

/** Lets the trail follow a price the order saw; the stop is recomputed only when the best improved. */
function moveTrail(o: SimOrder, price: number, tick: number): void {
  const best = improveBest(o.side, o.best, price);
  if (best !== o.best) {
    o.best = best;
    o.stop = trailStop(o, tick);
  }
}

/** The trailing stop level from the order's best price, rounded so it never triggers earlier. */
export function trailStop(o: SimOrder, tick: number): number {
  const raw = trailingStopPrice(o.side, o.best, o.trailAmount, o.trailPercent);
  return Number.isNaN(tick) ? raw : roundPassive(o.side, 'stop', raw, tick);
}

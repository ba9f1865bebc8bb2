import type { Side } from '../core/enums.js';

/**
 * Average-cost position arithmetic, the one copy every booker uses: the PositionBook (the
 * engine's portfolio, in memory) and the ledger (positions in the database) (docs/portfolio.md):
 * - quantities are signed (short < 0); adding in the position's direction moves the average
 *   cost to the quantity-weighted mean; reducing leaves it unchanged and realizes
 *   `sign(qty) x closedQty x (price - avgCost)`; a fill through zero closes the whole position
 *   at the fill price and opens the remainder at the fill price;
 * - realized P&L is gross: fees are kept apart, never folded into the average cost.
 */

/** Closes within this fraction of the larger quantity count as exactly flat (float residue). */
export const FLAT_TOLERANCE = 1e-9;

/** What one fill did to a position. */
export interface FillEffect {
  readonly prevQty: number;
  readonly newQty: number;
  /** Average cost after the fill; 0 when flat. */
  readonly avgPrice: number;
  /** Units that reduced the old position (absolute). */
  readonly closedQty: number;
  /** Units that added to or opened a position in the fill's direction (absolute). */
  readonly openedQty: number;
  /** Gross realized P&L of the closed units. */
  readonly realized: number;
}

export type MutableFillEffect = { -readonly [K in keyof FillEffect]: FillEffect[K] };

export function newFillEffect(): MutableFillEffect {
  return { prevQty: 0, newQty: 0, avgPrice: 0, closedQty: 0, openedQty: 0, realized: 0 };
}

/**
 * Books `signedQty` units (buy > 0) at `price` on a position of `qty` at average cost `avg` (any
 * value when flat), writing the outcome into `out` (reused by hot callers: nothing allocated).
 */
export function bookFill(qty: number, avg: number, signedQty: number, price: number, out: MutableFillEffect): void {
  const q = qty;
  let n: number;
  out.realized = 0;
  if (q === 0 || q > 0 === signedQty > 0) {
    n = q + signedQty;
    out.avgPrice = q === 0 ? price : (q * avg + signedQty * price) / n;
    out.closedQty = 0;
    out.openedQty = Math.abs(signedQty);
  } else {
    const absQ = Math.abs(q);
    const absS = Math.abs(signedQty);
    n = q + signedQty;
    if (Math.abs(n) <= FLAT_TOLERANCE * Math.max(absQ, absS)) n = 0;
    if (n === 0 || n > 0 === q > 0) {
      out.closedQty = n === 0 ? absQ : absS;
      out.openedQty = 0;
      out.avgPrice = n === 0 ? 0 : avg;
    } else {
      out.closedQty = absQ;
      out.openedQty = Math.abs(n);
      out.avgPrice = price;
    }
    out.realized = (q > 0 ? 1 : -1) * out.closedQty * (price - avg);
  }
  out.prevQty = q;
  out.newQty = n;
}

/** A position's running figures as the ledger stores them. */
export interface PositionFigures {
  readonly qty: number;
  /** NaN when flat. */
  readonly avgPrice: number;
  readonly realizedPnl: number;
  readonly fees: number;
}

export const FLAT: PositionFigures = { qty: 0, avgPrice: NaN, realizedPnl: 0, fees: 0 };

const scratch = newFillEffect();

/** Books one fill on a ledger position (`bookFill`'s rules); realized P&L gross, fees accumulated apart. */
export function applyFill(p: PositionFigures, side: Side, qty: number, price: number, fee: number): PositionFigures {
  bookFill(p.qty, p.avgPrice, side === 'buy' ? qty : -qty, price, scratch);
  const fees = p.fees + fee;
  const realizedPnl = p.realizedPnl + scratch.realized;
  return scratch.newQty === 0
    ? { qty: 0, avgPrice: NaN, realizedPnl, fees }
    : { qty: scratch.newQty, avgPrice: scratch.avgPrice, realizedPnl, fees };
}

import type { Side } from '../core/enums.js';

/** A position's running figures (docs/portfolio.md conventions). */
export interface PositionFigures {
  readonly qty: number;
  /** NaN when flat. */
  readonly avgPrice: number;
  readonly realizedPnl: number;
  readonly fees: number;
}

export const FLAT: PositionFigures = { qty: 0, avgPrice: NaN, realizedPnl: 0, fees: 0 };

/** A close within this fraction of the larger quantity is exactly flat (float residue), as in the PositionBook. */
const FLAT_TOLERANCE = 1e-9;

/**
 * Books one fill with average cost, the PositionBook's rules: adding in the position's direction
 * moves the average to the quantity-weighted mean; reducing realizes
 * `sign(qty) x closed x (price - avg)` and keeps the average; a fill through zero closes at the
 * fill price and opens the rest there. Realized P&L is gross; fees accumulate apart.
 */
export function applyFill(p: PositionFigures, side: Side, qty: number, price: number, fee: number): PositionFigures {
  const s = side === 'buy' ? qty : -qty;
  const q = p.qty;
  const fees = p.fees + fee;
  if (q === 0 || Math.sign(q) === Math.sign(s)) {
    const total = q + s;
    const avg = q === 0 ? price : (Math.abs(q) * p.avgPrice + Math.abs(s) * price) / Math.abs(total);
    return { qty: total, avgPrice: avg, realizedPnl: p.realizedPnl, fees };
  }
  const closed = Math.min(Math.abs(s), Math.abs(q));
  const realizedPnl = p.realizedPnl + Math.sign(q) * closed * (price - p.avgPrice);
  let rest = q + s;
  if (Math.abs(rest) <= FLAT_TOLERANCE * Math.max(Math.abs(q), Math.abs(s))) rest = 0;
  if (rest === 0) return { qty: 0, avgPrice: NaN, realizedPnl, fees };
  const flipped = Math.sign(rest) !== Math.sign(q);
  return { qty: rest, avgPrice: flipped ? price : p.avgPrice, realizedPnl, fees };
}

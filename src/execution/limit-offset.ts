/**
 * The limit price of an entry (seed 004: limit orders by default, 5 bps from the reference
 * price, adapting to the spread and the volatility): buys pay up to ref x (1 + o), sells accept
 * down to ref x (1 - o), where the offset o is the largest of the base offset, half the quoted
 * spread (so the order reaches the other side of the book), and `volMultiple` x the per-bar
 * volatility (so a fast market does not leave the order behind); capped at `maxBps`.
 */
export interface LimitOffsetOptions {
  /** Base offset in basis points (seed 004: 5). */
  readonly bps?: number;
  /** Quoted bid-ask spread as a fraction of the price, when known. */
  readonly spread?: number;
  /** Per-bar volatility of returns (a fraction), when known. */
  readonly volatility?: number;
  /** Multiple of the volatility (default 0.25). */
  readonly volMultiple?: number;
  /** Cap of the offset in basis points (default 50). */
  readonly maxBps?: number;
}

/** The offset as a fraction of the reference price. */
export function limitOffset(o: LimitOffsetOptions = {}): number {
  const base = (o.bps ?? 5) / 1e4;
  const half = o.spread !== undefined && o.spread > 0 ? o.spread / 2 : 0;
  const vol = o.volatility !== undefined && o.volatility > 0 ? (o.volMultiple ?? 0.25) * o.volatility : 0;
  return Math.min(Math.max(base, half, vol), (o.maxBps ?? 50) / 1e4);
}

/** The limit price of a marketable entry: above the reference for buys, below for sells. */
export function limitPriceFor(side: 'buy' | 'sell', reference: number, o: LimitOffsetOptions = {}): number {
  const off = limitOffset(o);
  return side === 'buy' ? reference * (1 + off) : reference * (1 - off);
}

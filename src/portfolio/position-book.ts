import { InternalError } from '../core/errors.js';
import type { Position } from '../core/position.js';
import { accrual } from './financing.js';
import { bookFill, newFillEffect, type FillEffect, type MutableFillEffect } from './position-math.js';

/**
 * Positions with average cost, one slot per symbol in typed columns so that marking a price
 * allocates nothing. The arithmetic of a fill is position-math.ts's (shared with the ledger);
 * fees and borrow are kept in their own columns and subtracted only in net figures (total P&L,
 * trade P&L), never folded into the average cost.
 */

/** A position with its fees and borrow (core `Position.realizedPnl` is gross, as here). */
export interface PositionView extends Position {
  readonly fees: number;
  readonly borrowCost: number;
  readonly marketValue: number;
}

function grow(a: Float64Array, capacity: number, fill = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(capacity).fill(fill);
  b.set(a);
  return b;
}

export class PositionBook {
  readonly #symbols: string[] = [];
  readonly #index = new Map<string, number>();
  #qty = new Float64Array(16);
  #avg = new Float64Array(16);
  #price = new Float64Array(16).fill(NaN);
  #realized = new Float64Array(16);
  #fees = new Float64Array(16);
  #borrow = new Float64Array(16);
  #borrowRate = new Float64Array(16);
  #long = 0;
  #short = 0;
  /** Number of long and short slots. */
  #longs = 0;
  #shorts = 0;
  #cost = 0;
  #realizedTotal = 0;
  #feesTotal = 0;
  #borrowTotal = 0;
  readonly #effect: MutableFillEffect = newFillEffect();

  get size(): number {
    return this.#symbols.length;
  }

  /** The slot of `symbol`, or -1 when it was never seen. */
  indexOf(symbol: string): number {
    return this.#index.get(symbol) ?? -1;
  }

  /** The slot of `symbol`, creating it (flat, unmarked) on first sight. */
  ensure(symbol: string, borrowRate = 0): number {
    const known = this.#index.get(symbol);
    if (known !== undefined) return known;
    const i = this.#symbols.length;
    if (i === this.#qty.length) {
      const cap = i * 2;
      this.#qty = grow(this.#qty, cap);
      this.#avg = grow(this.#avg, cap);
      this.#price = grow(this.#price, cap, NaN);
      this.#realized = grow(this.#realized, cap);
      this.#fees = grow(this.#fees, cap);
      this.#borrow = grow(this.#borrow, cap);
      this.#borrowRate = grow(this.#borrowRate, cap);
    }
    this.#symbols.push(symbol);
    this.#index.set(symbol, i);
    this.#borrowRate[i] = borrowRate;
    return i;
  }

  symbolAt(i: number): string {
    const s = this.#symbols[i];
    if (s === undefined) throw new InternalError(`no position slot ${i}`);
    return s;
  }

  qty(i: number): number {
    return this.#qty[i] ?? 0;
  }
  /** Average cost per unit; 0 when flat. */
  avgPrice(i: number): number {
    return this.#avg[i] ?? 0;
  }
  /** Latest mark (or the first fill's price before any mark); NaN when never priced. */
  price(i: number): number {
    return this.#price[i] ?? NaN;
  }
  realized(i: number): number {
    return this.#realized[i] ?? 0;
  }
  fees(i: number): number {
    return this.#fees[i] ?? 0;
  }
  borrow(i: number): number {
    return this.#borrow[i] ?? 0;
  }
  borrowRate(i: number): number {
    return this.#borrowRate[i] ?? 0;
  }
  unrealized(i: number): number {
    const q = this.qty(i);
    return q === 0 ? 0 : q * (this.price(i) - this.avgPrice(i));
  }

  /** Sum of long market values (>= 0). */
  get longValue(): number {
    return this.#long;
  }
  /** Sum of short market values as a positive number. */
  get shortValue(): number {
    return this.#short;
  }
  /** Signed cost of open positions, sum of qty x avgCost. */
  get costBasis(): number {
    return this.#cost;
  }
  get unrealizedTotal(): number {
    return this.#long - this.#short - this.#cost;
  }
  get realizedTotal(): number {
    return this.#realizedTotal;
  }
  get feesTotal(): number {
    return this.#feesTotal;
  }
  get borrowTotal(): number {
    return this.#borrowTotal;
  }

  /** Sets the latest price; updates market-value sums in O(1) without allocating. */
  mark(i: number, price: number): void {
    const price0 = this.#price[i]!;
    const q = this.#qty[i]!;
    if (q > 0) this.#long += q * (price - price0);
    else if (q < 0) this.#short -= q * (price - price0);
    this.#price[i] = price;
  }

  /** Applies a fill of `signedQty` units (buy > 0) at `price` with `fee` (negative = rebate). */
  fill(i: number, signedQty: number, price: number, fee: number): Readonly<FillEffect> {
    const q = this.#qty[i]!;
    const a = this.#avg[i]!;
    if (Number.isNaN(this.#price[i]!)) this.#price[i] = price;
    const p = this.#price[i]!;
    const e = this.#effect;
    bookFill(q, a, signedQty, price, e);
    const n = e.newQty;
    const avg = e.avgPrice;
    this.#removeValue(q, p);
    this.#addValue(n, p);
    this.#cost += n * avg - q * a;
    this.#longs += (n > 0 ? 1 : 0) - (q > 0 ? 1 : 0);
    this.#shorts += (n < 0 ? 1 : 0) - (q < 0 ? 1 : 0);
    // incremental sums leave float residue when a side empties: snap them to exact zeros
    if (this.#longs === 0) this.#long = 0;
    if (this.#shorts === 0) this.#short = 0;
    if (this.#longs + this.#shorts === 0) this.#cost = 0;
    this.#qty[i] = n;
    this.#avg[i] = avg;
    this.#realized[i]! += e.realized;
    this.#realizedTotal += e.realized;
    this.#fees[i]! += fee;
    this.#feesTotal += fee;
    return e;
  }

  /**
   * A stock split of `ratio` new shares per share on slot `i`: quantity x ratio, average cost and
   * mark / ratio, so value, cost and P&L are unchanged (no trade happens).
   */
  split(i: number, ratio: number): void {
    this.#qty[i] = this.#qty[i]! * ratio;
    this.#avg[i] = this.#avg[i]! / ratio;
    this.#price[i] = this.#price[i]! / ratio;
    this.resync();
  }

  /**
   * Charges `days` of borrow on every short at its latest mark (`-qty x price x rate x days /
   * basis`), writes each slot's charge into `charges` (0 when none) and returns the total.
   */
  accrueBorrow(days: number, basis: number, charges: Float64Array): number {
    let total = 0;
    const qty = this.#qty;
    const price = this.#price;
    const rate = this.#borrowRate;
    const borrow = this.#borrow;
    const n = this.#symbols.length;
    for (let i = 0; i < n; i++) {
      const q = qty[i]!;
      const r = rate[i]!;
      let fee = 0;
      if (q < 0 && r !== 0) {
        fee = accrual(-q * price[i]!, r, days, basis);
        borrow[i]! += fee;
        total += fee;
      }
      charges[i] = fee;
    }
    this.#borrowTotal += total;
    return total;
  }

  /** Recomputes the running sums exactly, dropping float drift from incremental updates. */
  resync(): void {
    let long = 0;
    let short = 0;
    let cost = 0;
    const qty = this.#qty;
    const price = this.#price;
    const avg = this.#avg;
    const n = this.#symbols.length;
    for (let i = 0; i < n; i++) {
      const q = qty[i]!;
      // flat slots may be unpriced (NaN); avg is 0 when flat
      const v = q === 0 ? 0 : q * price[i]!;
      long += q > 0 ? v : 0;
      short -= q < 0 ? v : 0;
      cost += q * avg[i]!;
    }
    this.#long = long;
    this.#short = short;
    this.#cost = cost;
  }

  position(i: number): PositionView {
    const qty = this.qty(i);
    const marketPrice = this.price(i);
    return {
      symbol: this.symbolAt(i),
      qty,
      avgPrice: this.avgPrice(i),
      marketPrice,
      realizedPnl: this.realized(i),
      unrealizedPnl: this.unrealized(i),
      fees: this.fees(i),
      borrowCost: this.borrow(i),
      marketValue: qty === 0 ? 0 : qty * marketPrice,
    };
  }

  #removeValue(q: number, p: number): void {
    if (q > 0) this.#long -= q * p;
    else if (q < 0) this.#short += q * p;
  }

  #addValue(q: number, p: number): void {
    if (q > 0) this.#long += q * p;
    else if (q < 0) this.#short -= q * p;
  }
}

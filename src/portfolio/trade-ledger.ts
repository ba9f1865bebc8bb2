import type { FillEffect } from './position-math.js';

/**
 * Round trips (trades.csv): a trade opens when a symbol's position leaves zero and closes when
 * it returns to zero; a fill through zero closes one trade and opens the next with the
 * remaining units. Entry and exit prices are volume-weighted over the fills on each side, so
 * scaling in and out stays one trade. Conventions in docs/portfolio.md.
 */

export const TradeDirection = { Long: 'long', Short: 'short' } as const;
export type TradeDirection = (typeof TradeDirection)[keyof typeof TradeDirection];

export interface Trade {
  readonly symbol: string;
  readonly direction: TradeDirection;
  /** Units entered over the trade (absolute); a closed trade exited as many. */
  readonly qty: number;
  readonly entryTs: number;
  /** VWAP of the entry fills. */
  readonly entryPrice: number;
  readonly entryBar: number;
  /** NaN while open. */
  readonly exitTs: number;
  /** VWAP of the exit fills so far; NaN before the first exit. */
  readonly exitPrice: number;
  /** NaN while open. */
  readonly exitBar: number;
  /** Net: gross price P&L - fees - borrow. Open trades add unrealized P&L at the latest mark. */
  readonly pnl: number;
  /** pnl / entry notional (qty x entryPrice). */
  readonly return: number;
  /** Fees of the trade's fills (a fill through zero is split pro rata by units). */
  readonly fees: number;
  /** Borrow fees accrued while the trade was short. */
  readonly borrow: number;
  /** exitBar - entryBar (for an open trade, the current bar - entryBar). */
  readonly barsHeld: number;
  readonly isOpen: boolean;
}

function grow(a: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

export class TradeLedger {
  readonly #closed: Trade[] = [];
  /** Per slot: +1 long, -1 short, 0 no open trade. */
  #dir = new Float64Array(16);
  #entryQty = new Float64Array(16);
  #entryNotional = new Float64Array(16);
  #exitQty = new Float64Array(16);
  #exitNotional = new Float64Array(16);
  #realized = new Float64Array(16);
  #fees = new Float64Array(16);
  #borrow = new Float64Array(16);
  #entryTs = new Float64Array(16);
  #entryBar = new Float64Array(16);

  /** Closed trades in the order they closed. */
  get closed(): readonly Trade[] {
    return this.#closed;
  }

  /** True when slot `i` has an open trade. */
  isOpen(i: number): boolean {
    return i < this.#dir.length && this.#dir[i] !== 0;
  }

  /** A split of `ratio` on slot `i`: the open trade's units x ratio, its notionals unchanged. */
  split(i: number, ratio: number): void {
    if (!this.isOpen(i)) return;
    this.#entryQty[i] = this.#entryQty[i]! * ratio;
    this.#exitQty[i] = this.#exitQty[i]! * ratio;
  }

  /** Records one fill's effect (from PositionBook.fill) on slot `i`. */
  onFill(
    i: number,
    symbol: string,
    e: Readonly<FillEffect>,
    price: number,
    fee: number,
    ts: number,
    bar: number,
  ): void {
    this.#reserve(i);
    const total = e.closedQty + e.openedQty;
    if (e.closedQty > 0) {
      const part = fee * (e.closedQty / total);
      this.#exitQty[i]! += e.closedQty;
      this.#exitNotional[i]! += e.closedQty * price;
      this.#realized[i]! += e.realized;
      this.#fees[i]! += part;
      if (e.newQty === 0 || e.openedQty > 0) this.#close(i, symbol, ts, bar);
    }
    if (e.openedQty > 0) {
      if (this.#dir[i] === 0) {
        this.#dir[i] = e.newQty > 0 ? 1 : -1;
        this.#entryTs[i] = ts;
        this.#entryBar[i] = bar;
      }
      this.#entryQty[i]! += e.openedQty;
      this.#entryNotional[i]! += e.openedQty * price;
      this.#fees[i]! += fee * (e.openedQty / total);
    }
  }

  /** Adds per-slot borrow charges (PositionBook.accrueBorrow) to the open trades of slots 0..n-1. */
  chargeBorrow(charges: Float64Array, n: number): void {
    this.#reserve(n - 1);
    const dir = this.#dir;
    const borrow = this.#borrow;
    for (let i = 0; i < n; i++) if (dir[i] !== 0) borrow[i]! += charges[i]!;
  }

  /** The open trade of slot `i` valued with `unrealized` P&L at the current mark, or undefined. */
  openTrade(i: number, symbol: string, unrealized: number, bar: number): Trade | undefined {
    if (!this.isOpen(i)) return undefined;
    const exitQty = this.#exitQty[i]!;
    return this.#record(i, symbol, {
      exitTs: NaN,
      exitBar: NaN,
      exitPrice: exitQty > 0 ? this.#exitNotional[i]! / exitQty : NaN,
      gross: this.#realized[i]! + unrealized,
      barsHeld: bar - this.#entryBar[i]!,
      isOpen: true,
    });
  }

  #close(i: number, symbol: string, ts: number, bar: number): void {
    this.#closed.push(
      this.#record(i, symbol, {
        exitTs: ts,
        exitBar: bar,
        exitPrice: this.#exitNotional[i]! / this.#exitQty[i]!,
        gross: this.#realized[i]!,
        barsHeld: bar - this.#entryBar[i]!,
        isOpen: false,
      }),
    );
    this.#dir[i] = 0;
    this.#entryQty[i] = 0;
    this.#entryNotional[i] = 0;
    this.#exitQty[i] = 0;
    this.#exitNotional[i] = 0;
    this.#realized[i] = 0;
    this.#fees[i] = 0;
    this.#borrow[i] = 0;
  }

  #record(
    i: number,
    symbol: string,
    x: { exitTs: number; exitBar: number; exitPrice: number; gross: number; barsHeld: number; isOpen: boolean },
  ): Trade {
    const qty = this.#entryQty[i]!;
    const notional = this.#entryNotional[i]!;
    const fees = this.#fees[i]!;
    const borrow = this.#borrow[i]!;
    const pnl = x.gross - fees - borrow;
    return {
      symbol,
      direction: this.#dir[i]! > 0 ? TradeDirection.Long : TradeDirection.Short,
      qty,
      entryTs: this.#entryTs[i]!,
      entryPrice: notional / qty,
      entryBar: this.#entryBar[i]!,
      exitTs: x.exitTs,
      exitPrice: x.exitPrice,
      exitBar: x.exitBar,
      pnl,
      return: pnl / notional,
      fees,
      borrow,
      barsHeld: x.barsHeld,
      isOpen: x.isOpen,
    };
  }

  #reserve(i: number): void {
    if (i < this.#dir.length) return;
    let cap = this.#dir.length;
    while (cap <= i) cap *= 2;
    this.#dir = grow(this.#dir, cap);
    this.#entryQty = grow(this.#entryQty, cap);
    this.#entryNotional = grow(this.#entryNotional, cap);
    this.#exitQty = grow(this.#exitQty, cap);
    this.#exitNotional = grow(this.#exitNotional, cap);
    this.#realized = grow(this.#realized, cap);
    this.#fees = grow(this.#fees, cap);
    this.#borrow = grow(this.#borrow, cap);
    this.#entryTs = grow(this.#entryTs, cap);
    this.#entryBar = grow(this.#entryBar, cap);
  }
}

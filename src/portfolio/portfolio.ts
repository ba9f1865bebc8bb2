import { InternalError } from '../core/errors.js';
import { signedQty, type Fill } from '../core/order.js';
import type { AccountSnapshot } from '../core/position.js';
import { EquityCurve } from './equity-curve.js';
import { accrual, MS_PER_DAY, utcDay } from './financing.js';
import { resolvePortfolioOptions, type PortfolioOptions, type ResolvedPortfolioOptions } from './portfolio-options.js';
import { PositionBook, type PositionView } from './position-book.js';
import { TradeLedger, type Trade } from './trade-ledger.js';

/** Exposures in the account currency and as fractions of equity (NaN when equity <= 0). */
export interface Exposures {
  long: number;
  /** Short market value as a positive number. */
  short: number;
  gross: number;
  net: number;
  longFraction: number;
  shortFraction: number;
  grossFraction: number;
  netFraction: number;
}

/**
 * The account: cash, positions marked to the latest price, carry, exposures, the per-bar equity
 * curve and the round-trip ledger. Fills and marks are its only inputs. Identity, exact up to
 * float rounding (docs/portfolio.md):
 *   equity = cash + long value - short value
 *          = initialCash + realized + unrealized - fees - borrow + interest + dividends
 * Cash moves only on fills (-signedQty x price - fee), day rolls (-borrow + interest) and cash
 * dividends (+qty x amount: paid to longs, charged to shorts). docs/corporate-actions.md.
 */
export class Portfolio {
  readonly #opts: ResolvedPortfolioOptions;
  readonly #book = new PositionBook();
  readonly #ledger = new TradeLedger();
  readonly #curve: EquityCurve;
  #cash: number;
  #interest = 0;
  #dividends = 0;
  /** UTC day carry was last accrued to; NaN before the first event. */
  #day = NaN;
  #nextDayTs = -Infinity;
  #bar = 0;
  /** Scratch: each slot's borrow charge of the last day roll. */
  #charges = new Float64Array(16);

  constructor(options: PortfolioOptions) {
    this.#opts = resolvePortfolioOptions(options);
    this.#cash = this.#opts.initialCash;
    this.#curve = new EquityCurve(this.#opts.initialCash);
    for (const s of this.#opts.symbols) this.ensure(s);
  }

  get initialCash(): number {
    return this.#opts.initialCash;
  }
  get cash(): number {
    return this.#cash;
  }
  get equity(): number {
    return this.#cash + this.#book.longValue - this.#book.shortValue;
  }
  /** Gross realized price P&L (fees and borrow not deducted). */
  get realizedPnl(): number {
    return this.#book.realizedTotal;
  }
  get unrealizedPnl(): number {
    return this.#book.unrealizedTotal;
  }
  get fees(): number {
    return this.#book.feesTotal;
  }
  get borrowCost(): number {
    return this.#book.borrowTotal;
  }
  /** Cash interest earned (negative when paid on a debit balance). */
  get interest(): number {
    return this.#interest;
  }
  /** Cash dividends received (negative when paid on shorts). */
  get dividends(): number {
    return this.#dividends;
  }
  /** equity - initialCash = realized + unrealized - fees - borrow + interest + dividends. */
  get totalPnl(): number {
    return this.equity - this.#opts.initialCash;
  }
  get longExposure(): number {
    return this.#book.longValue;
  }
  get shortExposure(): number {
    return this.#book.shortValue;
  }
  get grossExposure(): number {
    return this.#book.longValue + this.#book.shortValue;
  }
  get netExposure(): number {
    return this.#book.longValue - this.#book.shortValue;
  }
  /** max(0, equity x maxLeverage - gross exposure); the risk layer applies the real limits. */
  get buyingPower(): number {
    return Math.max(0, this.equity * this.#opts.maxLeverage - this.grossExposure);
  }
  /** Index of the bar in progress: the number of rows recorded so far. */
  get barIndex(): number {
    return this.#bar;
  }
  get curve(): EquityCurve {
    return this.#curve;
  }
  /** Closed round trips in closing order. */
  get trades(): readonly Trade[] {
    return this.#ledger.closed;
  }

  /** Fills `out` (reuse one object to stay allocation-free) with the current exposures. */
  exposures(out: Exposures = emptyExposures()): Exposures {
    const equity = this.equity;
    const inv = equity > 0 ? 1 / equity : NaN;
    out.long = this.#book.longValue;
    out.short = this.#book.shortValue;
    out.gross = out.long + out.short;
    out.net = out.long - out.short;
    out.longFraction = out.long * inv;
    out.shortFraction = out.short * inv;
    out.grossFraction = out.gross * inv;
    out.netFraction = out.net * inv;
    return out;
  }

  /** The slot of a symbol, registering it (with its borrow rate) on first sight. */
  ensure(symbol: string): number {
    const known = this.#book.indexOf(symbol);
    if (known >= 0) return known;
    return this.#book.ensure(symbol, this.#opts.borrowRates[symbol] ?? this.#opts.defaultBorrowRate);
  }

  /** Signed quantity held (0 when flat or unknown). */
  qty(symbol: string): number {
    const i = this.#book.indexOf(symbol);
    return i < 0 ? 0 : this.#book.qty(i);
  }

  /** The symbol's latest mark (its last price, or its first fill's before any); NaN when never priced. */
  markOf(symbol: string): number {
    const i = this.#book.indexOf(symbol);
    return i < 0 ? NaN : this.#book.price(i);
  }

  position(symbol: string): PositionView | undefined {
    const i = this.#book.indexOf(symbol);
    return i < 0 ? undefined : this.#book.position(i);
  }

  /** Non-flat positions in first-seen symbol order. */
  positions(): PositionView[] {
    const out: PositionView[] = [];
    for (let i = 0; i < this.#book.size; i++) if (this.#book.qty(i) !== 0) out.push(this.#book.position(i));
    return out;
  }

  /** Open round trips valued at the latest marks. */
  openTrades(): Trade[] {
    const out: Trade[] = [];
    for (let i = 0; i < this.#book.size; i++) {
      const t = this.#ledger.openTrade(i, this.#book.symbolAt(i), this.#book.unrealized(i), this.#bar);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  account(ts: number): AccountSnapshot {
    return {
      ts,
      cash: this.#cash,
      equity: this.equity,
      buyingPower: this.buyingPower,
      grossExposure: this.grossExposure,
      netExposure: this.netExposure,
      positions: this.positions(),
    };
  }

  /** Marks `symbol` at `price` (its latest trade or close) at `ts`. */
  mark(symbol: string, price: number, ts: number): void {
    let i = this.#book.indexOf(symbol);
    if (i < 0) i = this.ensure(symbol);
    this.markAt(i, price, ts);
  }

  /** `mark` by slot (from `ensure`), for engines that resolve symbols once. Allocates nothing. */
  markAt(i: number, price: number, ts: number): void {
    if (!Number.isFinite(price))
      throw new InternalError(`mark price ${price} for ${this.#book.symbolAt(i)} is not finite`);
    if (ts >= this.#nextDayTs) this.#accrueTo(ts);
    this.#book.mark(i, price);
  }

  /** Books a fill; `bar` is the engine's bar index for bars held (default: the bar in progress). */
  apply(fill: Fill, bar: number = this.#bar): void {
    const { qty, price, fee, ts } = fill;
    if (!(qty > 0) || !Number.isFinite(qty + price + fee + ts)) {
      throw new InternalError(
        `fill ${fill.orderId} for ${fill.symbol} has qty ${qty}, price ${price}, fee ${fee}, ts ${ts}; ` +
          'qty must be > 0 and all four finite',
      );
    }
    if (fill.side !== 'buy' && fill.side !== 'sell') {
      throw new InternalError(`fill ${fill.orderId} has side ${String(fill.side)}; expected buy or sell`);
    }
    if (fill.ts >= this.#nextDayTs) this.#accrueTo(fill.ts);
    const i = this.ensure(fill.symbol);
    const s = signedQty(fill.side, fill.qty);
    const effect = this.#book.fill(i, s, fill.price, fill.fee);
    this.#cash -= s * fill.price + fill.fee;
    this.#ledger.onFill(i, fill.symbol, effect, fill.price, fill.fee, fill.ts, bar);
  }

  /** A split of `ratio` new shares per share held in `symbol` (quantity x ratio, prices / ratio). */
  split(symbol: string, ratio: number): void {
    if (!(ratio > 0) || !Number.isFinite(ratio))
      throw new InternalError(`split ratio ${ratio} for ${symbol} must be a finite number > 0`);
    const i = this.ensure(symbol);
    this.#book.split(i, ratio);
    this.#ledger.split(i, ratio);
  }

  /** Credits a cash dividend of `perShare` on the shares held at `ts` (a short pays it); returns the cash. */
  creditDividend(symbol: string, perShare: number, ts: number): number {
    if (ts >= this.#nextDayTs) this.#accrueTo(ts);
    const cash = this.qty(symbol) * perShare;
    this.#cash += cash;
    this.#dividends += cash;
    return cash;
  }

  /** Ends bar `barIndex` at `ts`: accrues carry, records the equity row, returns its drawdown. */
  recordBar(ts: number): number {
    if (ts >= this.#nextDayTs) this.#accrueTo(ts);
    this.#book.resync();
    const drawdown = this.#curve.push(ts, this.equity, this.#cash, this.grossExposure, this.netExposure);
    this.#bar++;
    return drawdown;
  }

  /**
   * Charges carry for each whole UTC day between the last accrual and `ts`, on the positions and
   * cash held at the end of those days (valued at the latest marks). Time never runs backwards
   * here: an earlier `ts` accrues nothing.
   */
  #accrueTo(ts: number): void {
    const day = utcDay(ts);
    const days = Number.isNaN(this.#day) ? 0 : day - this.#day;
    this.#day = day;
    this.#nextDayTs = (day + 1) * MS_PER_DAY;
    if (days <= 0) return;
    const basis = this.#opts.dayBasis;
    if (this.#opts.cashRate !== 0) {
      const earned = accrual(this.#cash, this.#opts.cashRate, days, basis);
      this.#cash += earned;
      this.#interest += earned;
    }
    const n = this.#book.size;
    if (this.#charges.length < n) this.#charges = new Float64Array(Math.max(n, 2 * this.#charges.length));
    const borrow = this.#book.accrueBorrow(days, basis, this.#charges);
    if (borrow !== 0) {
      this.#cash -= borrow;
      this.#ledger.chargeBorrow(this.#charges, n);
    }
  }
}

function emptyExposures(): Exposures {
  return { long: 0, short: 0, gross: 0, net: 0, longFraction: 0, shortFraction: 0, grossFraction: 0, netFraction: 0 };
}

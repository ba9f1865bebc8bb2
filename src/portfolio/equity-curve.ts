import { InternalError } from '../core/errors.js';

/** Column order of equity.csv (DESIGN.md, File contracts). */
export const EQUITY_CSV_COLUMNS = [
  'timestamp',
  'equity',
  'cash',
  'gross_exposure',
  'net_exposure',
  'drawdown',
] as const;

/** One row of the equity curve. Exposures are in the account currency, like equity and cash. */
export interface EquityPoint {
  readonly ts: number;
  readonly equity: number;
  readonly cash: number;
  readonly grossExposure: number;
  readonly netExposure: number;
  /** equity / highWaterMark - 1: 0 at a high, negative below it. */
  readonly drawdown: number;
}

export type EquityColumn = 'ts' | 'equity' | 'cash' | 'grossExposure' | 'netExposure' | 'drawdown';

const COLUMNS: readonly EquityColumn[] = ['ts', 'equity', 'cash', 'grossExposure', 'netExposure', 'drawdown'];

/**
 * The per-bar equity record, columnar and growing by doubling (amortized allocation-free).
 * The high-water mark starts at the initial equity, so a loss on the first bar is already a
 * drawdown (as empyrical's max_drawdown, whose cumulative curve starts at 1 before the first
 * return).
 */
export class EquityCurve {
  #cols: Record<EquityColumn, Float64Array>;
  #n = 0;
  #hwm: number;
  #maxDrawdown = 0;

  constructor(initialEquity: number, capacity = 1024) {
    this.#hwm = initialEquity;
    const cap = Math.max(1, capacity);
    this.#cols = {
      ts: new Float64Array(cap),
      equity: new Float64Array(cap),
      cash: new Float64Array(cap),
      grossExposure: new Float64Array(cap),
      netExposure: new Float64Array(cap),
      drawdown: new Float64Array(cap),
    };
  }

  get length(): number {
    return this.#n;
  }

  /** Highest equity recorded so far (or the initial equity). */
  get highWaterMark(): number {
    return this.#hwm;
  }

  /** Most negative drawdown so far (0 when never below a high). */
  get maxDrawdown(): number {
    return this.#maxDrawdown;
  }

  /** Appends a row and returns its drawdown. */
  push(ts: number, equity: number, cash: number, grossExposure: number, netExposure: number): number {
    if (this.#n === this.#cols.ts.length) this.#grow();
    if (equity > this.#hwm) this.#hwm = equity;
    const drawdown = equity / this.#hwm - 1;
    if (drawdown < this.#maxDrawdown) this.#maxDrawdown = drawdown;
    const i = this.#n++;
    const c = this.#cols;
    c.ts[i] = ts;
    c.equity[i] = equity;
    c.cash[i] = cash;
    c.grossExposure[i] = grossExposure;
    c.netExposure[i] = netExposure;
    c.drawdown[i] = drawdown;
    return drawdown;
  }

  at(i: number): EquityPoint {
    if (!Number.isInteger(i) || i < 0 || i >= this.#n) {
      throw new InternalError(`equity row ${i} is outside 0..${this.#n - 1}`);
    }
    const c = this.#cols;
    return {
      ts: c.ts[i]!,
      equity: c.equity[i]!,
      cash: c.cash[i]!,
      grossExposure: c.grossExposure[i]!,
      netExposure: c.netExposure[i]!,
      drawdown: c.drawdown[i]!,
    };
  }

  /** A view (no copy) of one column over the recorded rows. */
  column(name: EquityColumn): Float64Array {
    return this.#cols[name].subarray(0, this.#n);
  }

  *[Symbol.iterator](): IterableIterator<EquityPoint> {
    for (let i = 0; i < this.#n; i++) yield this.at(i);
  }

  #grow(): void {
    const cap = this.#cols.ts.length * 2;
    for (const name of COLUMNS) {
      const b = new Float64Array(cap);
      b.set(this.#cols[name]);
      this.#cols[name] = b;
    }
  }
}

import { DataError } from './errors.js';

/** One OHLCV bar; `ts` is the bar's start in epoch ms (UTC). */
export interface Bar {
  readonly symbol: string;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Columnar bars of one symbol over Float64Arrays, for hot loops and vectorized kernels.
 * Timestamps are strictly increasing; the arrays are owned by the series and never resized.
 */
export class BarSeries {
  readonly symbol: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;

  constructor(symbol: string, columns: Readonly<Record<Column, Float64Array>>) {
    const n = columns.ts.length;
    for (const c of COLUMNS) {
      if (columns[c].length !== n) {
        throw new DataError('DATA_INVALID', `column ${c} of ${symbol} has ${columns[c].length} values, ts has ${n}`, {
          hint: 'give every column the same number of values',
          context: { column: c },
        });
      }
    }
    for (let i = 1; i < n; i++) {
      if (!((columns.ts[i] as number) > (columns.ts[i - 1] as number))) {
        throw new DataError('DATA_INVALID', `timestamps of ${symbol} are not strictly increasing at index ${i}`, {
          hint: 'sort the bars by time and drop duplicates before building a series',
          context: { row: i, column: 'ts' },
        });
      }
    }
    this.symbol = symbol;
    this.ts = columns.ts;
    this.open = columns.open;
    this.high = columns.high;
    this.low = columns.low;
    this.close = columns.close;
    this.volume = columns.volume;
  }

  static fromBars(symbol: string, bars: readonly Omit<Bar, 'symbol'>[]): BarSeries {
    const n = bars.length;
    const cols = {
      ts: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
    bars.forEach((b, i) => {
      for (const c of COLUMNS) cols[c][i] = b[c];
    });
    return new BarSeries(symbol, cols);
  }

  get length(): number {
    return this.ts.length;
  }

  /** The bar at index `i` as an object (allocates: keep it off hot paths). */
  at(i: number): Bar {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`bar index ${i} is outside 0..${this.length - 1}`);
    }
    return {
      symbol: this.symbol,
      ts: this.ts[i] as number,
      open: this.open[i] as number,
      high: this.high[i] as number,
      low: this.low[i] as number,
      close: this.close[i] as number,
      volume: this.volume[i] as number,
    };
  }

  /** Bars with index in [start, end), sharing memory with this series. */
  slice(start: number, end = this.length): BarSeries {
    return new BarSeries(this.symbol, {
      ts: this.ts.subarray(start, end),
      open: this.open.subarray(start, end),
      high: this.high.subarray(start, end),
      low: this.low.subarray(start, end),
      close: this.close.subarray(start, end),
      volume: this.volume.subarray(start, end),
    });
  }

  /** Index of the last bar with `ts <= t`, or -1 (binary search). */
  indexAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ts[mid] as number) <= t) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  *[Symbol.iterator](): IterableIterator<Bar> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

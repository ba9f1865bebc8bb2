import type { Bar } from '../core/bar.js';
import { UsageError } from '../core/errors.js';
import { formatInstant } from '../core/dates.js';
import type { History, PriceField } from '../strategies/api.js';
import type { BarColumns } from './ports.js';
import { LookaheadError } from '../strategies/errors.js';

/**
 * The strategy's view of one symbol's past. The columns may hold later bars (a backtest loads the
 * whole series up front), so every read is clamped to `visible()` bars, the count the engine has
 * delivered: asking for a later bar throws a LookaheadError, and `values` returns copies, never a
 * typed-array view whose buffer would reach the future.
 */
export class BarHistory implements History {
  readonly symbol: string;
  readonly #cols: () => BarColumns;
  readonly #visible: () => number;

  /** `columns` and `visible` are read on every call, so a live buffer may grow between calls. */
  constructor(symbol: string, columns: () => BarColumns, visible: () => number) {
    this.symbol = symbol;
    this.#cols = columns;
    this.#visible = visible;
  }

  get length(): number {
    return this.#visible();
  }

  ts(ago = 0): number {
    return this.#cols().ts[this.#index(ago)] as number;
  }
  open(ago = 0): number {
    return this.#cols().open[this.#index(ago)] as number;
  }
  high(ago = 0): number {
    return this.#cols().high[this.#index(ago)] as number;
  }
  low(ago = 0): number {
    return this.#cols().low[this.#index(ago)] as number;
  }
  close(ago = 0): number {
    return this.#cols().close[this.#index(ago)] as number;
  }
  volume(ago = 0): number {
    return this.#cols().volume[this.#index(ago)] as number;
  }

  bar(ago = 0): Bar {
    const i = this.#index(ago);
    const c = this.#cols();
    return {
      symbol: this.symbol,
      ts: c.ts[i] as number,
      open: c.open[i] as number,
      high: c.high[i] as number,
      low: c.low[i] as number,
      close: c.close[i] as number,
      volume: c.volume[i] as number,
    };
  }

  values(field: PriceField | 'ts', count?: number): Float64Array {
    const n = this.#visible();
    const k = count ?? n;
    if (!Number.isInteger(k) || k < 0) {
      throw new UsageError(
        'USAGE_INVALID_RANGE',
        `history(${this.symbol}).values: count ${k} is not a whole number >= 0`,
        {
          hint: 'ask for a count of bars such as 20, or omit it for every visible bar',
          context: { value: String(k) },
        },
      );
    }
    const col = this.#cols()[field];
    // slice() copies: the result never shares the buffer that holds later bars.
    return col.slice(Math.max(0, n - k), n);
  }

  #index(ago: number): number {
    const n = this.#visible();
    if (ago < 0) {
      const at = n === 0 ? 'before its first bar' : `at ${formatInstant(this.#cols().ts[n - 1] as number)}`;
      throw new LookaheadError(
        `history(${this.symbol}) ends at the current bar (${at}); ago = ${ago} would read a future bar`,
        { value: String(ago) },
      );
    }
    if (!Number.isInteger(ago) || ago >= n) {
      throw new UsageError(
        'USAGE_INVALID_RANGE',
        `history(${this.symbol}) holds ${n} bar(s) now; ago = ${ago} is not one of 0..${n - 1}`,
        {
          hint: 'check history(symbol).length before reading older bars (warm-up), and use whole numbers',
          context: { value: String(ago) },
        },
      );
    }
    return n - 1 - ago;
  }
}

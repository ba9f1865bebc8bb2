import type { BarSeries } from '../core/bar.js';
import { UsageError } from '../core/errors.js';
import type { BarColumns, BarSource, SliceCursor } from '../engine/ports.js';

/** Symbols in the engine's order: by code units, so the order never depends on a locale. */
export function compareSymbols(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Bars of loaded series merged by timestamp, then symbol name. Each step scans the symbols'
 * next timestamps (O(symbols) per timestamp, no allocation), which suits aligned daily and
 * intraday universes of a few hundred symbols.
 */
export class SeriesBarSource implements BarSource {
  readonly symbols: readonly string[];
  readonly totalBars: number;
  readonly #series: readonly BarSeries[];
  readonly #pos: Int32Array;
  /** Per slot, the ts of its next bar (Infinity when done): the scan reads one small array. */
  readonly #nextTs: Float64Array;

  constructor(series: readonly BarSeries[]) {
    const sorted = [...series].sort((a, b) => compareSymbols(a.symbol, b.symbol));
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i] as BarSeries).symbol === (sorted[i - 1] as BarSeries).symbol) {
        throw new UsageError('USAGE_INVALID_OPTION', `symbol ${(sorted[i] as BarSeries).symbol} is given twice`, {
          hint: 'list each symbol once',
          context: { value: (sorted[i] as BarSeries).symbol },
        });
      }
    }
    this.#series = sorted;
    this.symbols = sorted.map((s) => s.symbol);
    this.totalBars = sorted.reduce((n, s) => n + s.length, 0);
    this.#pos = new Int32Array(sorted.length);
    this.#nextTs = Float64Array.from(sorted, (sr) => (sr.length > 0 ? (sr.ts[0] as number) : Infinity));
  }

  /** A cursor sized for this source. */
  cursor(): SliceCursor {
    return { ts: NaN, n: 0, slots: new Int32Array(Math.max(1, this.symbols.length)) };
  }

  columns(slot: number): BarColumns {
    return this.#series[slot] as BarSeries;
  }

  next(out: SliceCursor): boolean {
    const nextTs = this.#nextTs;
    let min = Infinity;
    for (let s = 0; s < nextTs.length; s++) {
      const t = nextTs[s] as number;
      if (t < min) min = t;
    }
    if (min === Infinity) return false;
    let n = 0;
    for (let s = 0; s < nextTs.length; s++) {
      if (nextTs[s] !== min) continue;
      const sr = this.#series[s] as BarSeries;
      const p = (this.#pos[s] as number) + 1;
      this.#pos[s] = p;
      nextTs[s] = p < sr.length ? (sr.ts[p] as number) : Infinity;
      out.slots[n++] = s;
    }
    out.ts = min;
    out.n = n;
    return true;
  }
}

import type { Bar } from '../core/bar.js';
import { DataError, UsageError } from '../core/errors.js';
import type { BarColumns, BarSource, SliceCursor } from '../engine/ports.js';
import { compareSymbols } from '../backtest/series-bar-source.js';

/** Growable columns of one symbol's bars (capacity doubles; readers take the arrays afresh each time). */
class GrowingColumns implements BarColumns {
  readonly symbol: string;
  ts = new Float64Array(64);
  open = new Float64Array(64);
  high = new Float64Array(64);
  low = new Float64Array(64);
  close = new Float64Array(64);
  volume = new Float64Array(64);
  length = 0;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  append(b: Bar): void {
    if (this.length === this.ts.length) {
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const g = new Float64Array(a.length * 2);
        g.set(a);
        return g;
      };
      this.ts = grow(this.ts);
      this.open = grow(this.open);
      this.high = grow(this.high);
      this.low = grow(this.low);
      this.close = grow(this.close);
      this.volume = grow(this.volume);
    }
    const i = this.length++;
    this.ts[i] = b.ts;
    this.open[i] = b.open;
    this.high[i] = b.high;
    this.low[i] = b.low;
    this.close[i] = b.close;
    this.volume[i] = b.volume;
  }
}

/**
 * Bars pushed as they close (a live feed: paper and live trading). A timestamp becomes ready for
 * the engine once every symbol has a bar at or after it, or once the feed says time has passed it
 * (`closeThrough`, e.g. a minute's grace after the bar ended, since a quiet symbol may print no
 * bar). Ready timestamps come out of `next` in order, bars of one timestamp in symbol order.
 */
export class PushBarSource implements BarSource {
  readonly symbols: readonly string[];
  readonly totalBars = undefined;
  readonly #cols: GrowingColumns[];
  readonly #slotOf = new Map<string, number>();
  /** Per slot, the index of its next bar not yet handed to the engine. */
  readonly #pos: Int32Array;
  readonly #listeners: (() => void)[] = [];
  #readyThrough = -Infinity;
  /** The oldest of the symbols' last bars (-Infinity while one has none), and how many are at it. */
  #minLast = -Infinity;
  #atMin: number;
  #isDone = false;

  constructor(symbols: readonly string[]) {
    this.symbols = [...new Set(symbols)].sort(compareSymbols);
    if (this.symbols.length === 0) {
      throw new UsageError('USAGE_INVALID_OPTION', 'a live bar feed needs at least one symbol', {
        hint: 'give the symbols to trade',
      });
    }
    this.symbols.forEach((s, i) => this.#slotOf.set(s, i));
    this.#cols = this.symbols.map((s) => new GrowingColumns(s));
    this.#pos = new Int32Array(this.symbols.length);
    this.#atMin = this.symbols.length;
  }

  get isDone(): boolean {
    return this.#isDone;
  }

  columns(slot: number): BarColumns {
    return this.#cols[slot] as GrowingColumns;
  }

  /** Adds a closed bar; a bar older than or equal to the symbol's last one is refused. */
  push(bar: Bar): void {
    const symbol = bar.symbol;
    const slot = this.#slotOf.get(symbol);
    if (slot === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `the feed sent a bar of ${symbol}, not a symbol of this run`, {
        hint: `subscribe only to ${this.symbols.join(', ')}`,
      });
    }
    const c = this.#cols[slot] as GrowingColumns;
    const last = c.length === 0 ? -Infinity : (c.ts[c.length - 1] as number);
    if (!(bar.ts > last) || bar.ts <= this.#readyThrough) {
      throw new DataError('DATA_INVALID', `a bar of ${symbol} at ${new Date(bar.ts).toISOString()} came late`, {
        hint: 'a live feed must deliver each symbol in time order, before its timestamp was closed',
        context: { value: symbol },
      });
    }
    c.append(bar);
    // Every symbol has a bar at or after the oldest last one: it is ready once it moves. It moves
    // only when the last symbol at it gets a newer bar (then it is found again: once a round).
    if (last === this.#minLast && --this.#atMin === 0) this.#findMinLast();
    if (this.#minLast > this.#readyThrough) this.#ready(this.#minLast);
  }

  #findMinLast(): void {
    let min = Infinity;
    let at = 0;
    for (const col of this.#cols) {
      const t = col.length === 0 ? -Infinity : (col.ts[col.length - 1] as number);
      if (t < min) {
        min = t;
        at = 1;
      } else if (t === min) at++;
    }
    this.#minLast = min;
    this.#atMin = at;
  }

  /** Time has passed `ts`: every timestamp up to it is complete, whichever symbols printed. */
  closeThrough(ts: number): void {
    if (ts > this.#readyThrough) this.#ready(ts);
  }

  /** The feed ended: whatever is buffered is complete, and nothing more comes. */
  end(): void {
    this.#isDone = true;
    this.#ready(Infinity);
  }

  onReady(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Called with each timestamp as it is handed to the engine, before the engine steps it (a session's check before the open). */
  beforeSlice: ((ts: number) => void) | undefined;

  /**
   * Rescales `symbol`'s bars before `ts` for a split of `ratio` (prices / ratio, volume x ratio),
   * so the history the strategy reads and the indicators warmed again from it have no step.
   */
  splitBefore(symbol: string, ts: number, ratio: number): void {
    const slot = this.#slotOf.get(symbol);
    if (slot === undefined) return;
    const c = this.#cols[slot] as GrowingColumns;
    for (let i = 0; i < c.length && (c.ts[i] as number) < ts; i++) {
      c.open[i] = (c.open[i] as number) / ratio;
      c.high[i] = (c.high[i] as number) / ratio;
      c.low[i] = (c.low[i] as number) / ratio;
      c.close[i] = (c.close[i] as number) / ratio;
      c.volume[i] = (c.volume[i] as number) * ratio;
    }
  }

  next(out: SliceCursor): boolean {
    let min = Infinity;
    for (let s = 0; s < this.#cols.length; s++) {
      const c = this.#cols[s] as GrowingColumns;
      const p = this.#pos[s] as number;
      if (p < c.length && (c.ts[p] as number) < min) min = c.ts[p] as number;
    }
    if (min === Infinity || min > this.#readyThrough) return false;
    let n = 0;
    for (let s = 0; s < this.#cols.length; s++) {
      const c = this.#cols[s] as GrowingColumns;
      const p = this.#pos[s] as number;
      if (p < c.length && c.ts[p] === min) {
        this.#pos[s] = p + 1;
        out.slots[n++] = s;
      }
    }
    out.ts = min;
    out.n = n;
    this.beforeSlice?.(min);
    return true;
  }

  #ready(through: number): void {
    this.#readyThrough = through;
    for (const l of [...this.#listeners]) l();
  }
}

/**
 * The indicator template (LEAN style): the base class keeps the books (how many inputs were
 * seen, readiness, reset), each indicator only computes its next state in `step`. Streaming
 * (`update`) and batch (`batch*` helpers over Float64Arrays) run the same `step`, so they cannot
 * disagree. Values follow TA-Lib after warm-up; before it every output is NaN.
 */

/** A bar as indicators read it; `ts` only matters to session-anchored ones (VWAP). */
export interface OhlcvBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Two aligned values, for indicators of a pair of series (correlation, beta). */
export interface PairValue {
  readonly x: number;
  readonly y: number;
}

export abstract class Indicator<TInput> {
  /** Inputs needed before the first valid value: TA-Lib's lookback + 1. */
  abstract readonly warmup: number;
  /** Output names in order; the first is `value`. */
  abstract readonly outputs: readonly string[];
  #count = 0;

  /** Inputs seen since construction or the last reset. */
  get count(): number {
    return this.#count;
  }

  get isReady(): boolean {
    return this.#count >= this.warmup;
  }

  /** Feeds the next input (forward only) and returns the first output (NaN before ready). */
  update(input: TInput): number {
    this.#count++;
    this.step(input);
    return this.#count >= this.warmup ? this.current(0) : Number.NaN;
  }

  /** The first output, NaN before ready. */
  get value(): number {
    return this.isReady ? this.current(0) : Number.NaN;
  }

  /** Output `i`, NaN before ready. */
  output(i: number): number {
    return this.isReady ? this.current(i) : Number.NaN;
  }

  /** Back to the state of a new instance. */
  reset(): void {
    this.#count = 0;
    this.clear();
  }

  /** Advances the state by one input. */
  protected abstract step(input: TInput): void;
  /** Output `i` of the current state (only read once ready). */
  protected abstract current(i: number): number;
  /** Clears the state. */
  protected abstract clear(): void;
}

/** Fills one Float64Array per output by running `ind` over `n` inputs. */
function run<T>(ind: Indicator<T>, n: number, feed: (i: number) => T): Float64Array[] {
  ind.reset();
  const outs = ind.outputs.map(() => new Float64Array(n));
  const k = outs.length;
  for (let i = 0; i < n; i++) {
    ind.update(feed(i));
    for (let j = 0; j < k; j++) (outs[j] as Float64Array)[i] = ind.output(j);
  }
  return outs;
}

/** Batch over a single series (close prices, say). */
export function batchValues(ind: Indicator<number>, values: ArrayLike<number>): Float64Array[] {
  return run(ind, values.length, (i) => values[i] as number);
}

/** Columns of bars; any missing column is read as NaN. */
export interface OhlcvColumns {
  readonly ts?: ArrayLike<number>;
  readonly open?: ArrayLike<number>;
  readonly high?: ArrayLike<number>;
  readonly low?: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume?: ArrayLike<number>;
}

/** Batch over bar columns, with one reused bar object (no allocation per bar). */
export function batchBars(ind: Indicator<OhlcvBar>, cols: OhlcvColumns): Float64Array[] {
  const bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const at = (a: ArrayLike<number> | undefined, i: number): number => (a === undefined ? Number.NaN : (a[i] as number));
  return run(ind, cols.close.length, (i) => {
    bar.ts = at(cols.ts, i);
    bar.open = at(cols.open, i);
    bar.high = at(cols.high, i);
    bar.low = at(cols.low, i);
    bar.close = at(cols.close, i);
    bar.volume = at(cols.volume, i);
    return bar;
  });
}

/** Batch over two aligned series. */
export function batchPairs(ind: Indicator<PairValue>, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array[] {
  const pair = { x: 0, y: 0 };
  return run(ind, Math.min(x.length, y.length), (i) => {
    pair.x = x[i] as number;
    pair.y = y[i] as number;
    return pair;
  });
}

/** A fixed-size ring buffer of numbers for rolling windows (no allocation after construction). */
export class RingBuffer {
  readonly #buf: Float64Array;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#buf = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get capacity(): number {
    return this.#buf.length;
  }

  get isFull(): boolean {
    return this.#size === this.#buf.length;
  }

  /** Adds a value; returns the value it pushed out when full, else NaN. */
  push(v: number): number {
    const cap = this.#buf.length;
    let out = Number.NaN;
    if (this.#size === cap) out = this.#buf[this.#head] as number;
    else this.#size++;
    this.#buf[this.#head] = v;
    this.#head = (this.#head + 1) % cap;
    return out;
  }

  /** The i-th oldest value held (0 = oldest). */
  at(i: number): number {
    const cap = this.#buf.length;
    return this.#buf[(this.#head - this.#size + i + cap * 2) % cap] as number;
  }

  /** The most recent value. */
  last(): number {
    return this.at(this.#size - 1);
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }
}

/** Throws a RangeError for a period that is not a whole number >= min (registry specs catch it earlier, with a flag). */
export function checkPeriod(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be a whole number >= ${min}, got ${value}`);
  return value;
}

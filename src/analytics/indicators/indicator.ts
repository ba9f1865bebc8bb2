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

/**
 * V8 optimises a call site for the classes it sees. One shared `update` or batch loop serving
 * every indicator class turns megamorphic and runs several times slower (measured: ROC 35 ns/bar
 * alone, 200 ns/bar after five other indicators had run). So each indicator class gets its own
 * copies of `update`/`output` and of the batch loops, compiled once per class with `new Function`
 * (same source, separate type feedback). The arithmetic stays in each class's `step`.
 */
const SPECIALIZED = Symbol('specialized');

type Proto = Record<PropertyKey, unknown>;

function specialize(proto: Proto): void {
  if (Object.hasOwn(proto, SPECIALIZED)) return;
  proto.update = new Function(
    'input',
    'this.seen++; this.step(input); return this.seen >= this.warmup ? this.current(0) : NaN;',
  );
  proto.output = new Function('i', 'return this.seen >= this.warmup ? this.current(i) : NaN;');
  proto[SPECIALIZED] = {
    values: new Function(
      'ind',
      'values',
      'outs',
      'n',
      'const k = outs.length; const o0 = outs[0];' +
        'if (k === 1) { for (let i = 0; i < n; i++) o0[i] = ind.update(values[i]); return; }' +
        'for (let i = 0; i < n; i++) { o0[i] = ind.update(values[i]); for (let j = 1; j < k; j++) outs[j][i] = ind.output(j); }',
    ),
    bars: new Function(
      'ind',
      'c',
      'outs',
      'n',
      'const k = outs.length; const o0 = outs[0]; const b = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };' +
        'for (let i = 0; i < n; i++) { b.ts = c.ts[i]; b.open = c.open[i]; b.high = c.high[i]; b.low = c.low[i]; b.close = c.close[i]; b.volume = c.volume[i];' +
        ' o0[i] = ind.update(b); for (let j = 1; j < k; j++) outs[j][i] = ind.output(j); }',
    ),
    pairs: new Function(
      'ind',
      'x',
      'y',
      'outs',
      'n',
      'const k = outs.length; const o0 = outs[0]; const p = { x: 0, y: 0 };' +
        'for (let i = 0; i < n; i++) { p.x = x[i]; p.y = y[i]; o0[i] = ind.update(p); for (let j = 1; j < k; j++) outs[j][i] = ind.output(j); }',
    ),
  };
}

interface Runners {
  values(ind: unknown, values: ArrayLike<number>, outs: Float64Array[], n: number): void;
  bars(ind: unknown, cols: Record<string, ArrayLike<number>>, outs: Float64Array[], n: number): void;
  pairs(ind: unknown, x: ArrayLike<number>, y: ArrayLike<number>, outs: Float64Array[], n: number): void;
}

function runners(ind: object): Runners {
  return (Object.getPrototypeOf(ind) as Proto)[SPECIALIZED] as Runners;
}

export abstract class Indicator<TInput> {
  /** Inputs needed before the first valid value: TA-Lib's lookback + 1. */
  abstract readonly warmup: number;
  /** Output names in order; the first is `value`. */
  abstract readonly outputs: readonly string[];
  /** Inputs seen since construction or the last reset (a plain field: read by the per-class code). */
  protected seen = 0;

  constructor() {
    specialize(new.target.prototype as unknown as Proto);
  }

  /** Inputs seen since construction or the last reset. */
  get count(): number {
    return this.seen;
  }

  get isReady(): boolean {
    return this.seen >= this.warmup;
  }

  /** Feeds the next input (forward only) and returns the first output (NaN before ready). */
  update(input: TInput): number {
    this.seen++;
    this.step(input);
    return this.seen >= this.warmup ? this.current(0) : Number.NaN;
  }

  /** The first output, NaN before ready. */
  get value(): number {
    return this.isReady ? this.current(0) : Number.NaN;
  }

  /** Output `i`, NaN before ready. */
  output(i: number): number {
    return this.seen >= this.warmup ? this.current(i) : Number.NaN;
  }

  /** Back to the state of a new instance. */
  reset(): void {
    this.seen = 0;
    this.clear();
  }

  /** Advances the state by one input. */
  protected abstract step(input: TInput): void;
  /** Output `i` of the current state (only read once ready). */
  protected abstract current(i: number): number;
  /** Clears the state. */
  protected abstract clear(): void;
}

function outputsFor(ind: Indicator<unknown>, n: number): Float64Array[] {
  ind.reset();
  return ind.outputs.map(() => new Float64Array(n));
}

/** Batch over a single series (close prices, say). */
export function batchValues(ind: Indicator<number>, values: ArrayLike<number>): Float64Array[] {
  const outs = outputsFor(ind, values.length);
  runners(ind).values(ind, values, outs, values.length);
  return outs;
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
  const n = cols.close.length;
  const nan = new Float64Array(n).fill(Number.NaN);
  const full = {
    ts: cols.ts ?? nan,
    open: cols.open ?? nan,
    high: cols.high ?? nan,
    low: cols.low ?? nan,
    close: cols.close,
    volume: cols.volume ?? nan,
  };
  const outs = outputsFor(ind, n);
  runners(ind).bars(ind, full, outs, n);
  return outs;
}

/** Batch over two aligned series. */
export function batchPairs(ind: Indicator<PairValue>, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array[] {
  const n = Math.min(x.length, y.length);
  const outs = outputsFor(ind, n);
  runners(ind).pairs(ind, x, y, outs, n);
  return outs;
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

/**
 * Points per call of a batch function's steady-state loop. Batch functions with their own loops
 * (sma, ema, rsi, atr, macd, bbands) check, allocate and warm up in the function itself, then run
 * the steady state as repeated calls of a small loop function over chunks of this many points,
 * with the loop's state passed in and out through a Float64Array.
 *
 * This is for V8 (Node 20). With one long loop per batch function, RSI ran at 46 to 146M points/s
 * from one fresh process to the next (median 88, 10M points): V8 allocates type feedback lazily,
 * so the code before the loop records none on the first call, the optimized code compiled next
 * deoptimizes there, and the loop falls back to code compiled on stack replacement, whose loop
 * variables are boxed numbers. As a loop function called per chunk, whose loop variables are read
 * from a Float64Array (so never boxed), RSI ran at 113 to 142M/s (median 138) and the other five
 * within a few percent of their one-loop speed. A call per 4096 points costs nothing measurable.
 */
export const BATCH_CHUNK = 4096;

/**
 * The output array of a batch function: the caller's `out` (exactly `n` long, so repeated runs
 * reuse memory, as TA-Lib's caller-allocated outputs do) or a new one.
 */
export function outputArray(out: Float64Array | undefined, n: number, name: string): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length !== n) throw new RangeError(`${name} output must hold ${n} values (one per input), got ${out.length}`);
  return out;
}

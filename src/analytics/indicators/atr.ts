import {
  BATCH_CHUNK,
  batchBars,
  checkPeriod,
  Indicator,
  type OhlcvBar,
  type OhlcvColumns,
  outputArray,
} from './indicator.js';
import { wilderNext } from './rsi.js';
import type { IndicatorDef } from './spec.js';
import { trueRange } from './trange.js';

/**
 * Average true range: Wilder's smoothing of the true range, seeded with the simple mean of the
 * first `period` true ranges (bars 1..period, since bar 0 has no previous close), then
 * atr = (atr * (period - 1) + tr) / period, in that order of operations as TA-Lib does.
 * NaN inputs propagate through the smoothing, as in TA-Lib.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ATR (lookback period)
 */
export class Atr extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['atr'] as const;
  readonly period: number;
  #prevClose = Number.NaN;
  #seedSum = 0;
  #atr = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('atr period', period);
    this.warmup = period + 1;
  }

  protected step(bar: OhlcvBar): void {
    const n = this.count;
    if (n > 1) {
      const tr = trueRange(bar.high, bar.low, this.#prevClose);
      if (n <= this.period + 1) {
        this.#seedSum += tr;
        if (n === this.period + 1) this.#atr = this.#seedSum / this.period;
      } else {
        this.#atr = wilderNext(this.#atr, tr, this.period);
      }
    }
    this.#prevClose = bar.close;
  }

  protected current(): number {
    return this.#atr;
  }

  protected clear(): void {
    this.#prevClose = Number.NaN;
    this.#seedSum = 0;
    this.#atr = Number.NaN;
  }
}

/**
 * ATR of whole columns, bit for bit what `Atr` gives one bar at a time, reading high, low and the
 * previous close straight from the columns. `out`, if given, receives the result (length n).
 */
export function atr(bars: OhlcvColumns, period = 14, out?: Float64Array): Float64Array {
  checkPeriod('atr period', period);
  const { high, low, close } = bars;
  const n = close.length;
  const o = outputArray(out, n, 'atr');
  if (high === undefined || low === undefined || high.length < n || low.length < n) {
    // Missing or short columns read as NaN: leave that to the bar-by-bar path.
    o.set(batchBars(new Atr(period), bars)[0] as Float64Array);
    return o;
  }
  const fill = Math.min(period + 1, n);
  let seedSum = 0;
  for (let i = 0; i < fill; i++) {
    if (i > 0) seedSum += trueRange(high[i] as number, low[i] as number, close[i - 1] as number);
    o[i] = Number.NaN;
  }
  if (n <= period) return o;
  const seed = seedSum / period;
  o[period] = seed;
  const state = Float64Array.of(seed);
  for (let from = period + 1; from < n; from += BATCH_CHUNK)
    atrSteady(high, low, close, o, period, from, Math.min(from + BATCH_CHUNK, n), state);
  return o;
}

/** `atr` over [from, to) in the steady state; state [atr] (see BATCH_CHUNK). */
function atrSteady(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  o: Float64Array,
  period: number,
  from: number,
  to: number,
  state: Float64Array,
): void {
  let a = state[0] as number;
  for (let i = from; i < to; i++) {
    a = wilderNext(a, trueRange(high[i] as number, low[i] as number, close[i - 1] as number), period);
    o[i] = a;
  }
  state[0] = a;
}

export const atrDef: IndicatorDef = {
  key: 'atr',
  title: 'Average true range',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 1, integer: true }],
  outputs: ['atr'],
  talib: 'ATR',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ATR (SMA-seeded Wilder smoothing)',
  create: ([period]) => new Atr(period),
};

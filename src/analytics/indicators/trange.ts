import { batchBars, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * TA-Lib's zero tolerance (`TA_EPSILON` behind `TA_IS_ZERO` and `TA_IS_ZERO_OR_NEG`): a value
 * within 1e-14 of zero is treated as zero. This is the value of the C library the parity fixtures
 * come from (TA-Lib 0.6.0-dev, bundled in npm talib 1.1.6); TA-Lib 0.4.0 used 1e-8. Indicators
 * that divide by a price-scaled quantity (DI, NATR, BBANDS' variance) use it to match TA-Lib.
 * @see TA-Lib src/ta_func/ta_utility.h
 */
export const TALIB_EPSILON = 1e-14;

/** `TA_IS_ZERO(v)`: true when |v| < TALIB_EPSILON. */
export function isTalibZero(v: number): boolean {
  return -TALIB_EPSILON < v && v < TALIB_EPSILON;
}

/**
 * Wilder's true range of one bar: the largest of high - low, |high - previous close| and
 * |low - previous close|, compared in that order as TA-Lib does.
 * @see J. Welles Wilder, New Concepts in Technical Trading Systems (1978); TA-Lib TA_TRANGE
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const toHigh = Math.abs(prevClose - high);
  if (toHigh > greatest) greatest = toHigh;
  const toLow = Math.abs(prevClose - low);
  if (toLow > greatest) greatest = toLow;
  return greatest;
}

/**
 * True range (TA-Lib TRANGE): needs the previous close, so the first bar has no value.
 * NaN handling is TA-Lib's: a NaN distance never wins a comparison, so a NaN high or low gives
 * NaN while a NaN previous close leaves high - low.
 * @see TA-Lib TA_TRANGE (lookback 1)
 */
export class TrueRange extends Indicator<OhlcvBar> {
  readonly warmup = 2;
  readonly outputs = ['trange'] as const;
  #prevClose = Number.NaN;
  #tr = Number.NaN;

  protected step(bar: OhlcvBar): void {
    if (this.count > 1) this.#tr = trueRange(bar.high, bar.low, this.#prevClose);
    this.#prevClose = bar.close;
  }

  protected current(): number {
    return this.#tr;
  }

  protected clear(): void {
    this.#prevClose = Number.NaN;
    this.#tr = Number.NaN;
  }
}

export function trange(bars: OhlcvColumns): Float64Array {
  return batchBars(new TrueRange(), bars)[0] as Float64Array;
}

export const trangeDef: IndicatorDef = {
  key: 'trange',
  title: 'True range',
  input: 'bar',
  params: [],
  outputs: ['trange'],
  talib: 'TRANGE',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_TRANGE',
  create: () => new TrueRange(),
};

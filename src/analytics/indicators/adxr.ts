import { Adx } from './adx.js';
import { batchBars, checkPeriod, Indicator, RingBuffer, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Average directional movement index rating: ADXR = (ADX + ADX from period - 1 bars ago) / 2.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ADXR
 *   (lookback = ADX lookback + period - 1 = 3 * period - 2)
 */
export class Adxr extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['adxr'] as const;
  readonly period: number;
  readonly #adx: Adx;
  /** The last `period` ADX values: the oldest is the one period - 1 bars ago. */
  readonly #history: RingBuffer;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('adxr period', period, 2);
    this.warmup = 3 * period - 1;
    this.#adx = new Adx(period);
    this.#history = new RingBuffer(period);
  }

  protected step(bar: OhlcvBar): void {
    const v = this.#adx.update(bar);
    if (this.#adx.isReady) this.#history.push(v);
  }

  protected current(): number {
    return (this.#history.last() + this.#history.at(0)) / 2;
  }

  protected clear(): void {
    this.#adx.reset();
    this.#history.clear();
  }
}

export function adxr(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Adxr(period), bars)[0] as Float64Array;
}

export const adxrDef: IndicatorDef = {
  key: 'adxr',
  title: 'Average directional movement index rating',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['adxr'],
  talib: 'ADXR',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ADXR',
  create: ([period]) => new Adxr(period),
};

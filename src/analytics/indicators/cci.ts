import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Commodity channel index (Lambert 1980): (TP - SMA(TP)) / (0.015 * mean absolute deviation of TP)
 * over `period` bars, TP = (high + low + close) / 3; 0 when either the numerator or the deviation
 * is exactly 0. The mean and deviation are summed over the window in ring-slot order, as TA-Lib
 * does, so values match it bit for bit. The mean deviation needs the whole window each bar:
 * O(period) per update, no allocation.
 * @see Donald Lambert, "Commodity Channel Index", Commodities (1980)
 * @see TA-Lib TA_CCI 0.4.0-0.6.x (lookback period - 1; exact zero test)
 */
export class Cci extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['cci'] as const;
  readonly period: number;
  readonly #tp: Float64Array;
  #slot = 0;
  #n = 0;
  #value = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('cci period', period, 2);
    this.warmup = period;
    this.#tp = new Float64Array(period);
  }

  protected step(bar: OhlcvBar): void {
    const p = this.period;
    const buf = this.#tp;
    const last = (bar.high + bar.low + bar.close) / 3;
    buf[this.#slot] = last;
    this.#slot = this.#slot + 1 === p ? 0 : this.#slot + 1;
    if (++this.#n < p) return;
    let mean = 0;
    for (let j = 0; j < p; j++) mean += buf[j] as number;
    mean /= p;
    let dev = 0;
    for (let j = 0; j < p; j++) dev += Math.abs((buf[j] as number) - mean);
    const num = last - mean;
    this.#value = num !== 0 && dev !== 0 ? num / (0.015 * (dev / p)) : 0;
  }

  protected current(): number {
    return this.#value;
  }

  protected clear(): void {
    this.#tp.fill(0);
    this.#slot = 0;
    this.#n = 0;
    this.#value = Number.NaN;
  }
}

export function cci(cols: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Cci(period), cols)[0] as Float64Array;
}

export const cciDef: IndicatorDef = {
  key: 'cci',
  title: 'Commodity channel index',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['cci'],
  talib: 'CCI',
  source: 'Lambert 1980, Commodities magazine; TA-Lib TA_CCI',
  create: ([period]) => new Cci(period),
};

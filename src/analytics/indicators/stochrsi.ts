import { batchValues, checkPeriod, Indicator } from './indicator.js';
import { Rsi } from './rsi.js';
import type { IndicatorDef } from './spec.js';
import { FastK, SlidingMean } from './window-helpers.js';

/**
 * Stochastic RSI (Chande and Kroll 1993): the fast stochastic applied to the RSI series, with the
 * RSI standing in for high, low and close as TA-Lib does. %K spans `fastkPeriod` RSI values and
 * %D is its simple average over `fastdPeriod`. Outputs `[stochrsi_k, stochrsi_d]`.
 * @see T. Chande, S. Kroll, "Stochastic RSI and Dynamic Momentum Index", TASC V.11:5 (1993)
 * @see TA-Lib TA_STOCHRSI with an SMA %D (lookback period + fastk - 1 + fastd - 1)
 */
export class StochRsi extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['stochrsi_k', 'stochrsi_d'] as const;
  readonly #rsi: Rsi;
  readonly #k: FastK;
  readonly #d: SlidingMean;
  #lastK = Number.NaN;

  constructor(period = 14, fastkPeriod = 5, fastdPeriod = 3) {
    super();
    this.#rsi = new Rsi(period);
    this.#k = new FastK(fastkPeriod);
    this.#d = new SlidingMean(checkPeriod('stochrsi fastd period', fastdPeriod));
    this.warmup = period + fastkPeriod + fastdPeriod - 1;
  }

  protected step(x: number): void {
    const r = this.#rsi.update(x);
    if (!this.#rsi.isReady) return;
    const k = this.#k.push(r, r, r);
    if (!this.#k.isReady) return;
    this.#lastK = k;
    this.#d.push(k);
  }

  protected current(i: number): number {
    return i === 0 ? this.#lastK : this.#d.value;
  }

  protected clear(): void {
    this.#rsi.reset();
    this.#k.clear();
    this.#d.clear();
    this.#lastK = Number.NaN;
  }
}

export function stochrsi(
  values: ArrayLike<number>,
  period = 14,
  fastkPeriod = 5,
  fastdPeriod = 3,
): { k: Float64Array; d: Float64Array } {
  const [k, d] = batchValues(new StochRsi(period, fastkPeriod, fastdPeriod), values) as [Float64Array, Float64Array];
  return { k, d };
}

export const stochrsiDef: IndicatorDef = {
  key: 'stochrsi',
  title: 'Stochastic RSI',
  input: 'value',
  params: [
    { name: 'period', default: 14, min: 2, integer: true },
    { name: 'fastk_period', default: 5, min: 1, integer: true },
    { name: 'fastd_period', default: 3, min: 1, integer: true },
  ],
  outputs: ['stochrsi_k', 'stochrsi_d'],
  talib: 'STOCHRSI',
  source: 'Chande and Kroll 1993, TASC V.11:5; TA-Lib TA_STOCHRSI (STOCHF on the RSI, fastd_matype SMA)',
  create: ([period, fastk, fastd]) => new StochRsi(period, fastk, fastd),
};

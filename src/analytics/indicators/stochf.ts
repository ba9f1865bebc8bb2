import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { FastK, SlidingMean } from './window-helpers.js';

export { FastK, SlidingMean, WindowExtreme } from './window-helpers.js';

/**
 * Fast stochastic (George Lane): %K over `fastkPeriod` bars and %D, its simple average over
 * `fastdPeriod` values. Outputs `[stochf_k, stochf_d]`.
 * @see TA-Lib TA_STOCHF with an SMA %D (lookback fastkPeriod - 1 + fastdPeriod - 1)
 */
export class StochF extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['stochf_k', 'stochf_d'] as const;
  readonly #k: FastK;
  readonly #d: SlidingMean;
  #lastK = Number.NaN;

  constructor(fastkPeriod = 5, fastdPeriod = 3) {
    super();
    this.#k = new FastK(fastkPeriod);
    this.#d = new SlidingMean(checkPeriod('stochf fastd period', fastdPeriod));
    this.warmup = fastkPeriod + fastdPeriod - 1;
  }

  protected step(bar: OhlcvBar): void {
    const k = this.#k.push(bar.high, bar.low, bar.close);
    if (!this.#k.isReady) return;
    this.#lastK = k;
    this.#d.push(k);
  }

  protected current(i: number): number {
    return i === 0 ? this.#lastK : this.#d.value;
  }

  protected clear(): void {
    this.#k.clear();
    this.#d.clear();
    this.#lastK = Number.NaN;
  }
}

export function stochf(cols: OhlcvColumns, fastkPeriod = 5, fastdPeriod = 3): { k: Float64Array; d: Float64Array } {
  const [k, d] = batchBars(new StochF(fastkPeriod, fastdPeriod), cols) as [Float64Array, Float64Array];
  return { k, d };
}

export const stochfDef: IndicatorDef = {
  key: 'stochf',
  title: 'Fast stochastic oscillator',
  input: 'bar',
  params: [
    { name: 'fastk_period', default: 5, min: 1, integer: true },
    { name: 'fastd_period', default: 3, min: 1, integer: true },
  ],
  outputs: ['stochf_k', 'stochf_d'],
  talib: 'STOCHF',
  source: 'George Lane, stochastics; TA-Lib TA_STOCHF (fastd_matype SMA)',
  create: ([fastk, fastd]) => new StochF(fastk, fastd),
};

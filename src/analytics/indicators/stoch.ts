import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { FastK, SlidingMean } from './window-helpers.js';

/**
 * Slow stochastic (George Lane): the raw %K over `fastkPeriod` bars smoothed by a simple
 * average over `slowkPeriod` (slow %K), and that smoothed again over `slowdPeriod` (slow %D).
 * Outputs `[stoch_k, stoch_d]`.
 * @see TA-Lib TA_STOCH with SMA slowing (lookback fastk - 1 + slowk - 1 + slowd - 1)
 */
export class Stoch extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['stoch_k', 'stoch_d'] as const;
  readonly #fastK: FastK;
  readonly #slowK: SlidingMean;
  readonly #slowD: SlidingMean;

  constructor(fastkPeriod = 5, slowkPeriod = 3, slowdPeriod = 3) {
    super();
    this.#fastK = new FastK(fastkPeriod);
    this.#slowK = new SlidingMean(checkPeriod('stoch slowk period', slowkPeriod));
    this.#slowD = new SlidingMean(checkPeriod('stoch slowd period', slowdPeriod));
    this.warmup = fastkPeriod + slowkPeriod + slowdPeriod - 2;
  }

  protected step(bar: OhlcvBar): void {
    const k = this.#fastK.push(bar.high, bar.low, bar.close);
    if (!this.#fastK.isReady) return;
    this.#slowK.push(k);
    if (this.#slowK.isReady) this.#slowD.push(this.#slowK.value);
  }

  protected current(i: number): number {
    return i === 0 ? this.#slowK.value : this.#slowD.value;
  }

  protected clear(): void {
    this.#fastK.clear();
    this.#slowK.clear();
    this.#slowD.clear();
  }
}

export function stoch(
  cols: OhlcvColumns,
  fastkPeriod = 5,
  slowkPeriod = 3,
  slowdPeriod = 3,
): { k: Float64Array; d: Float64Array } {
  const [k, d] = batchBars(new Stoch(fastkPeriod, slowkPeriod, slowdPeriod), cols) as [Float64Array, Float64Array];
  return { k, d };
}

export const stochDef: IndicatorDef = {
  key: 'stoch',
  title: 'Slow stochastic oscillator',
  input: 'bar',
  params: [
    { name: 'fastk_period', default: 5, min: 1, integer: true },
    { name: 'slowk_period', default: 3, min: 1, integer: true },
    { name: 'slowd_period', default: 3, min: 1, integer: true },
  ],
  outputs: ['stoch_k', 'stoch_d'],
  talib: 'STOCH',
  source: 'George Lane, stochastics; TA-Lib TA_STOCH (slowk_matype and slowd_matype SMA)',
  create: ([fastk, slowk, slowd]) => new Stoch(fastk, slowk, slowd),
};

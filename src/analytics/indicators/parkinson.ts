import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { checkPeriodsPerYear, RollingMoments } from './rolling-moments.js';
import type { IndicatorDef } from './spec.js';

/** 1 / (4 ln 2), Parkinson's scale of the squared log range. */
const PARKINSON_SCALE = 1 / (4 * Math.LN2);

/**
 * Parkinson's range volatility: variance per bar = mean over the last `period` bars of
 * (ln(high / low))^2 / (4 ln 2), annualized as sqrt(periodsPerYear * variance). Assumes a
 * driftless continuous random walk within the bar; it ignores overnight gaps (open vs previous
 * close), so it measures intraday variance only.
 * @see M. Parkinson, "The Extreme Value Method for Estimating the Variance of the Rate of Return",
 *   Journal of Business 53(1), 61-65, 1980
 */
export class Parkinson extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['parkinson'] as const;
  readonly period: number;
  readonly periodsPerYear: number;
  readonly #terms: RollingMoments;

  constructor(period = 20, periodsPerYear = 252) {
    super();
    this.period = checkPeriod('parkinson period', period);
    this.periodsPerYear = checkPeriodsPerYear('parkinson periods_per_year', periodsPerYear);
    this.warmup = period;
    this.#terms = new RollingMoments(period);
  }

  protected step(bar: OhlcvBar): void {
    const range = Math.log(bar.high / bar.low);
    this.#terms.push(range * range);
  }

  protected current(): number {
    return Math.sqrt(Math.max(0, this.#terms.mean * PARKINSON_SCALE) * this.periodsPerYear);
  }

  protected clear(): void {
    this.#terms.clear();
  }
}

export function parkinson(bars: OhlcvColumns, period = 20, periodsPerYear = 252): Float64Array {
  return batchBars(new Parkinson(period, periodsPerYear), bars)[0] as Float64Array;
}

export const parkinsonDef: IndicatorDef = {
  key: 'parkinson',
  title: 'Parkinson high-low range volatility (annualized)',
  input: 'bar',
  params: [
    { name: 'period', default: 20, min: 1, integer: true },
    { name: 'periods_per_year', default: 252, min: 1, integer: false },
  ],
  outputs: ['parkinson'],
  source: 'Parkinson (1980), Journal of Business 53(1): 61-65',
  create: ([period, periodsPerYear]) => new Parkinson(period, periodsPerYear),
};

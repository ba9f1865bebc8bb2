import { batchValues, checkPeriod, Indicator } from './indicator.js';
import { checkPeriodsPerYear, RollingMoments } from './rolling-moments.js';
import type { IndicatorDef } from './spec.js';

/**
 * Realized (close-to-close) volatility: the sample standard deviation (divisor n - 1, mean
 * removed) of the last `period` log returns ln(c_t / c_{t-1}), annualized by
 * sqrt(periodsPerYear). `period` returns need period + 1 closes, so warmup = period + 1.
 * @see J. Hull, Options, Futures, and Other Derivatives, "Estimating volatility from historical
 *   data" (standard deviation of log returns, scaled by the square root of periods per year)
 */
export class RealizedVol extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['realized_vol'] as const;
  readonly period: number;
  readonly periodsPerYear: number;
  readonly #returns: RollingMoments;
  #prev = Number.NaN;

  constructor(period = 20, periodsPerYear = 252) {
    super();
    this.period = checkPeriod('realized_vol period', period, 2);
    this.periodsPerYear = checkPeriodsPerYear('realized_vol periods_per_year', periodsPerYear);
    this.warmup = period + 1;
    this.#returns = new RollingMoments(period);
  }

  protected step(close: number): void {
    if (this.count > 1) this.#returns.push(Math.log(close / this.#prev));
    this.#prev = close;
  }

  protected current(): number {
    return Math.sqrt(this.#returns.variance * this.periodsPerYear);
  }

  protected clear(): void {
    this.#returns.clear();
    this.#prev = Number.NaN;
  }
}

export function realizedVol(values: ArrayLike<number>, period = 20, periodsPerYear = 252): Float64Array {
  return batchValues(new RealizedVol(period, periodsPerYear), values)[0] as Float64Array;
}

export const realizedVolDef: IndicatorDef = {
  key: 'realized_vol',
  title: 'Realized volatility (annualized sample std of log returns)',
  input: 'value',
  params: [
    { name: 'period', default: 20, min: 2, integer: true },
    { name: 'periods_per_year', default: 252, min: 1, integer: false },
  ],
  outputs: ['realized_vol'],
  source: 'Hull, Options, Futures, and Other Derivatives: historical volatility from log returns',
  create: ([period, periodsPerYear]) => new RealizedVol(period, periodsPerYear),
};

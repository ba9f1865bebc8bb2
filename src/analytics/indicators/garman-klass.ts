import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { checkPeriodsPerYear, RollingMoments } from './rolling-moments.js';
import type { IndicatorDef } from './spec.js';

/** 2 ln 2 - 1, the weight of the squared open-to-close return. */
const CLOSE_WEIGHT = 2 * Math.LN2 - 1;

/**
 * Garman-Klass volatility (their practical estimator): variance per bar = mean over the last
 * `period` bars of 0.5 (ln(high / low))^2 - (2 ln 2 - 1) (ln(close / open))^2, annualized as
 * sqrt(periodsPerYear * variance). Each term is >= 0 for a valid bar (low <= open, close <= high).
 * Assumes no drift; ignores overnight gaps (intraday variance only).
 * @see M. B. Garman and M. J. Klass, "On the Estimation of Security Price Volatilities from
 *   Historical Data", Journal of Business 53(1), 67-78, 1980
 */
export class GarmanKlass extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['garman_klass'] as const;
  readonly period: number;
  readonly periodsPerYear: number;
  readonly #terms: RollingMoments;

  constructor(period = 20, periodsPerYear = 252) {
    super();
    this.period = checkPeriod('garman_klass period', period);
    this.periodsPerYear = checkPeriodsPerYear('garman_klass periods_per_year', periodsPerYear);
    this.warmup = period;
    this.#terms = new RollingMoments(period);
  }

  protected step(bar: OhlcvBar): void {
    const range = Math.log(bar.high / bar.low);
    const body = Math.log(bar.close / bar.open);
    this.#terms.push(0.5 * range * range - CLOSE_WEIGHT * body * body);
  }

  protected current(): number {
    return Math.sqrt(Math.max(0, this.#terms.mean) * this.periodsPerYear);
  }

  protected clear(): void {
    this.#terms.clear();
  }
}

export function garmanKlass(bars: OhlcvColumns, period = 20, periodsPerYear = 252): Float64Array {
  return batchBars(new GarmanKlass(period, periodsPerYear), bars)[0] as Float64Array;
}

export const garmanKlassDef: IndicatorDef = {
  key: 'garman_klass',
  title: 'Garman-Klass OHLC volatility (annualized)',
  input: 'bar',
  params: [
    { name: 'period', default: 20, min: 1, integer: true },
    { name: 'periods_per_year', default: 252, min: 1, integer: false },
  ],
  outputs: ['garman_klass'],
  source: 'Garman and Klass (1980), Journal of Business 53(1): 67-78',
  create: ([period, periodsPerYear]) => new GarmanKlass(period, periodsPerYear),
};

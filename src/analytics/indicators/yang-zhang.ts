import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { rogersSatchellTerm } from './rogers-satchell.js';
import { checkPeriodsPerYear, RollingMoments } from './rolling-moments.js';
import type { IndicatorDef } from './spec.js';

/**
 * Yang-Zhang volatility, drift-independent and including overnight gaps. Over the last n =
 * `period` bars: sigma^2 = V_o + k V_c + (1 - k) V_rs, where V_o is the sample variance of the
 * overnight returns ln(open_t / close_{t-1}), V_c the sample variance of the open-to-close returns
 * ln(close_t / open_t), V_rs the mean Rogers-Satchell term, and k = 0.34 / (1.34 + (n+1)/(n-1))
 * (the paper's alpha = 1.34 minimizing the estimator's variance). Annualized as
 * sqrt(periodsPerYear * sigma^2). The overnight return needs the previous close, so the first of
 * the n bars is bar 1 and warmup = period + 1.
 * @see D. Yang and Q. Zhang, "Drift-Independent Volatility Estimation Based on High, Low, Open,
 *   and Close Prices", Journal of Business 73(3), 477-491, 2000
 */
export class YangZhang extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['yang_zhang'] as const;
  readonly period: number;
  readonly periodsPerYear: number;
  /** The weight of the open-to-close variance. */
  readonly k: number;
  readonly #overnight: RollingMoments;
  readonly #openClose: RollingMoments;
  readonly #rs: RollingMoments;
  #prevClose = Number.NaN;

  constructor(period = 20, periodsPerYear = 252) {
    super();
    this.period = checkPeriod('yang_zhang period', period, 2);
    this.periodsPerYear = checkPeriodsPerYear('yang_zhang periods_per_year', periodsPerYear);
    this.warmup = period + 1;
    this.k = 0.34 / (1.34 + (period + 1) / (period - 1));
    this.#overnight = new RollingMoments(period);
    this.#openClose = new RollingMoments(period);
    this.#rs = new RollingMoments(period);
  }

  protected step(bar: OhlcvBar): void {
    if (this.count > 1) {
      this.#overnight.push(Math.log(bar.open / this.#prevClose));
      this.#openClose.push(Math.log(bar.close / bar.open));
      this.#rs.push(rogersSatchellTerm(bar.open, bar.high, bar.low, bar.close));
    }
    this.#prevClose = bar.close;
  }

  protected current(): number {
    const k = this.k;
    const variance = this.#overnight.variance + k * this.#openClose.variance + (1 - k) * this.#rs.mean;
    return Math.sqrt(Math.max(0, variance) * this.periodsPerYear);
  }

  protected clear(): void {
    this.#overnight.clear();
    this.#openClose.clear();
    this.#rs.clear();
    this.#prevClose = Number.NaN;
  }
}

export function yangZhang(bars: OhlcvColumns, period = 20, periodsPerYear = 252): Float64Array {
  return batchBars(new YangZhang(period, periodsPerYear), bars)[0] as Float64Array;
}

export const yangZhangDef: IndicatorDef = {
  key: 'yang_zhang',
  title: 'Yang-Zhang drift-independent OHLC volatility with overnight gaps (annualized)',
  input: 'bar',
  params: [
    { name: 'period', default: 20, min: 2, integer: true },
    { name: 'periods_per_year', default: 252, min: 1, integer: false },
  ],
  outputs: ['yang_zhang'],
  source: 'Yang and Zhang (2000), Journal of Business 73(3): 477-491',
  create: ([period, periodsPerYear]) => new YangZhang(period, periodsPerYear),
};

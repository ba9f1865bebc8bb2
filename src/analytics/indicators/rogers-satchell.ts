import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { checkPeriodsPerYear, RollingMoments } from './rolling-moments.js';
import type { IndicatorDef } from './spec.js';

/**
 * The Rogers-Satchell variance term of one bar: ln(h/c) ln(h/o) + ln(l/c) ln(l/o) (>= 0 for a
 * valid bar). Unbiased for a continuous random walk whatever its drift.
 */
export function rogersSatchellTerm(open: number, high: number, low: number, close: number): number {
  return Math.log(high / close) * Math.log(high / open) + Math.log(low / close) * Math.log(low / open);
}

/**
 * Rogers-Satchell volatility: variance per bar = mean of the Rogers-Satchell term over the last
 * `period` bars, annualized as sqrt(periodsPerYear * variance). Drift-independent; ignores
 * overnight gaps (intraday variance only).
 * @see L. C. G. Rogers and S. E. Satchell, "Estimating Variance from High, Low and Closing
 *   Prices", Annals of Applied Probability 1(4), 504-512, 1991
 */
export class RogersSatchell extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['rogers_satchell'] as const;
  readonly period: number;
  readonly periodsPerYear: number;
  readonly #terms: RollingMoments;

  constructor(period = 20, periodsPerYear = 252) {
    super();
    this.period = checkPeriod('rogers_satchell period', period);
    this.periodsPerYear = checkPeriodsPerYear('rogers_satchell periods_per_year', periodsPerYear);
    this.warmup = period;
    this.#terms = new RollingMoments(period);
  }

  protected step(bar: OhlcvBar): void {
    this.#terms.push(rogersSatchellTerm(bar.open, bar.high, bar.low, bar.close));
  }

  protected current(): number {
    return Math.sqrt(Math.max(0, this.#terms.mean) * this.periodsPerYear);
  }

  protected clear(): void {
    this.#terms.clear();
  }
}

export function rogersSatchell(bars: OhlcvColumns, period = 20, periodsPerYear = 252): Float64Array {
  return batchBars(new RogersSatchell(period, periodsPerYear), bars)[0] as Float64Array;
}

export const rogersSatchellDef: IndicatorDef = {
  key: 'rogers_satchell',
  title: 'Rogers-Satchell drift-independent OHLC volatility (annualized)',
  input: 'bar',
  params: [
    { name: 'period', default: 20, min: 1, integer: true },
    { name: 'periods_per_year', default: 252, min: 1, integer: false },
  ],
  outputs: ['rogers_satchell'],
  source: 'Rogers and Satchell (1991), Annals of Applied Probability 1(4): 504-512',
  create: ([period, periodsPerYear]) => new RogersSatchell(period, periodsPerYear),
};

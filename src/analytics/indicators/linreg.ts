import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** Below this share of n * sum(y^2) the window's spread is rounding noise: R^2 is then 0 (see `Linreg`). */
const FLAT_SPREAD = 1e-12;

/**
 * Rolling least-squares line through the last `period` values against x = 0..period-1 (x = 0 the
 * oldest value of the window, x = period - 1 the newest):
 * - `linreg_slope`: slope m per bar, as TA-Lib LINEARREG_SLOPE;
 * - `linreg_intercept`: b, the fitted value at x = 0, i.e. at the window's FIRST (oldest) point,
 *   as TA-Lib LINEARREG_INTERCEPT (TA-Lib sums over a reversed axis and flips the sign of its
 *   divisor, which gives the same m and this same b = (sum(y) - m * sum(x)) / n); the fitted value
 *   at the newest point (TA-Lib LINEARREG) is b + m * (period - 1);
 * - `linreg_r2`: coefficient of determination of that fit, the squared Pearson correlation of y
 *   with x. A flat window (no variance in y) has R^2 = 0, as TA-Lib's CORREL answers 0 there.
 *
 * O(1) per update with running sums of y, x*y and y^2 (shifting x by one bar is
 * sum(x*y) -= sum(y) - y_old). TA-Lib 0.4/0.6 recomputes each window, so to keep the running sums
 * from drifting away from it they are rebuilt from the window every `period` updates (amortised
 * O(1)), and as soon as a NaN or infinite input has left the window.
 * @see TA-Lib TA_LINEARREG_SLOPE, TA_LINEARREG_INTERCEPT (lookback period - 1; period 2..100000)
 */
export class Linreg extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['linreg_slope', 'linreg_intercept', 'linreg_r2'] as const;
  readonly period: number;
  readonly #window: RingBuffer;
  /** sum(x) and n * sum(x^2) - sum(x)^2 over x = 0..n-1 (constants). */
  readonly #sumX: number;
  readonly #spreadX: number;
  #sumY = 0;
  #sumXY = 0;
  #sumYY = 0;
  #sinceRebuild = 0;
  #nonFinite = 0;
  #slope = Number.NaN;
  #intercept = Number.NaN;
  #r2 = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('linreg period', period, 2);
    this.warmup = period;
    this.#window = new RingBuffer(period);
    const n = period;
    this.#sumX = (n * (n - 1)) / 2;
    const sumXX = ((n - 1) * n * (2 * n - 1)) / 6;
    this.#spreadX = n * sumXX - this.#sumX * this.#sumX;
  }

  protected step(y: number): void {
    const n = this.period;
    const old = this.#window.push(y);
    if (!Number.isFinite(y)) this.#nonFinite++;
    if (this.count <= n) {
      this.#sumY += y;
      this.#sumXY += (this.count - 1) * y;
      this.#sumYY += y * y;
    } else {
      if (!Number.isFinite(old)) this.#nonFinite--;
      this.#sumXY += (n - 1) * y - (this.#sumY - old);
      this.#sumY += y - old;
      this.#sumYY += y * y - old * old;
      this.#sinceRebuild++;
      const poisoned = !Number.isFinite(this.#sumXY + this.#sumYY);
      if (this.#sinceRebuild >= n || (poisoned && this.#nonFinite === 0)) this.#rebuild();
    }
    if (this.count >= n) this.#fit();
  }

  /** Recomputes the sums from the window, dropping accumulated rounding (and spent NaNs). */
  #rebuild(): void {
    let sy = 0;
    let sxy = 0;
    let syy = 0;
    for (let j = 0; j < this.period; j++) {
      const y = this.#window.at(j);
      sy += y;
      sxy += j * y;
      syy += y * y;
    }
    this.#sumY = sy;
    this.#sumXY = sxy;
    this.#sumYY = syy;
    this.#sinceRebuild = 0;
  }

  #fit(): void {
    const n = this.period;
    const sumY = this.#sumY;
    const num = n * this.#sumXY - this.#sumX * sumY;
    this.#slope = num / this.#spreadX;
    this.#intercept = (sumY - this.#slope * this.#sumX) / n;
    const spreadY = n * this.#sumYY - sumY * sumY;
    if (Number.isNaN(num) || Number.isNaN(spreadY)) this.#r2 = Number.NaN;
    else if (spreadY <= 0 || spreadY <= FLAT_SPREAD * n * this.#sumYY) this.#r2 = 0;
    else this.#r2 = Math.min(1, (this.#slope * num) / spreadY);
  }

  protected current(i: number): number {
    if (i === 0) return this.#slope;
    if (i === 1) return this.#intercept;
    return this.#r2;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sumY = 0;
    this.#sumXY = 0;
    this.#sumYY = 0;
    this.#sinceRebuild = 0;
    this.#nonFinite = 0;
    this.#slope = Number.NaN;
    this.#intercept = Number.NaN;
    this.#r2 = Number.NaN;
  }
}

export interface LinregSeries {
  readonly slope: Float64Array;
  readonly intercept: Float64Array;
  readonly r2: Float64Array;
}

export function linreg(values: ArrayLike<number>, period = 14): LinregSeries {
  const [slope, intercept, r2] = batchValues(new Linreg(period), values) as [Float64Array, Float64Array, Float64Array];
  return { slope, intercept, r2 };
}

export const linregDef: IndicatorDef = {
  key: 'linreg',
  title: 'Linear regression (slope, intercept, R²)',
  input: 'value',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['linreg_slope', 'linreg_intercept', 'linreg_r2'],
  // linreg_slope is TA-Lib LINEARREG_SLOPE; linreg_intercept is TA-Lib LINEARREG_INTERCEPT (the
  // fitted value at the window's oldest point); linreg_r2 has no TA-Lib counterpart.
  talib: 'LINEARREG_SLOPE',
  source: 'Least squares against the bar index; TA-Lib TA_LINEARREG_SLOPE / TA_LINEARREG_INTERCEPT',
  create: ([period]) => new Linreg(period),
};

import { batchPairs, checkPeriod, Indicator, RingBuffer, type PairValue } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** TA-Lib's `TA_IS_ZERO_OR_NEG` threshold (epsilon 1e-14 in TA-Lib 0.6). */
const TA_EPSILON = 1e-14;

/**
 * Pearson correlation of x and y over the last `period` pairs, from running sums as TA-Lib:
 * (Sxy - Sx*Sy/n) / sqrt((Sxx - Sx^2/n) * (Syy - Sy^2/n)), and 0 when that product is below 1e-14
 * (a flat window in either series). The sums drop the oldest pair before adding the newest, in
 * TA-Lib's order. Period 1 is allowed (as TA-Lib) and always gives 0.
 * @see TA-Lib TA_CORREL (lookback period - 1; period 1..100000)
 */
export class Correl extends Indicator<PairValue> {
  readonly warmup: number;
  readonly outputs = ['correl'] as const;
  readonly period: number;
  readonly #xs: RingBuffer;
  readonly #ys: RingBuffer;
  #sumX = 0;
  #sumY = 0;
  #sumXX = 0;
  #sumYY = 0;
  #sumXY = 0;
  #correl = Number.NaN;

  constructor(period = 30) {
    super();
    this.period = checkPeriod('correl period', period, 1);
    this.warmup = period;
    this.#xs = new RingBuffer(period);
    this.#ys = new RingBuffer(period);
  }

  protected step({ x, y }: PairValue): void {
    const n = this.period;
    const ox = this.#xs.push(x);
    const oy = this.#ys.push(y);
    if (this.count > n) {
      this.#sumX -= ox;
      this.#sumXX -= ox * ox;
      this.#sumXY -= ox * oy;
      this.#sumY -= oy;
      this.#sumYY -= oy * oy;
    }
    this.#sumX += x;
    this.#sumXX += x * x;
    this.#sumXY += x * y;
    this.#sumY += y;
    this.#sumYY += y * y;
    if (this.count < n) return;
    const spread = (this.#sumXX - (this.#sumX * this.#sumX) / n) * (this.#sumYY - (this.#sumY * this.#sumY) / n);
    this.#correl = spread < TA_EPSILON ? 0.0 : (this.#sumXY - (this.#sumX * this.#sumY) / n) / Math.sqrt(spread);
  }

  protected current(): number {
    return this.#correl;
  }

  protected clear(): void {
    this.#xs.clear();
    this.#ys.clear();
    this.#sumX = 0;
    this.#sumY = 0;
    this.#sumXX = 0;
    this.#sumYY = 0;
    this.#sumXY = 0;
    this.#correl = Number.NaN;
  }
}

export function correl(x: ArrayLike<number>, y: ArrayLike<number>, period = 30): Float64Array {
  return batchPairs(new Correl(period), x, y)[0] as Float64Array;
}

export const correlDef: IndicatorDef = {
  key: 'correl',
  title: 'Pearson correlation',
  input: 'pair',
  params: [{ name: 'period', default: 30, min: 1, integer: true }],
  outputs: ['correl'],
  talib: 'CORREL',
  source: 'TA-Lib TA_CORREL (Pearson r from running sums; 0 on a flat window)',
  create: ([period]) => new Correl(period),
};

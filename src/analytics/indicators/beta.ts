import { batchPairs, checkPeriod, Indicator, RingBuffer, type PairValue } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** TA-Lib's `TA_IS_ZERO` threshold (epsilon 1e-14 in TA-Lib 0.6). */
const TA_EPSILON = 1e-14;

const isZero = (v: number): boolean => v > -TA_EPSILON && v < TA_EPSILON;

/**
 * Beta as TA-Lib computes it: the least-squares slope of the one-bar RETURNS of y regressed on the
 * one-bar returns of x over the last `period` returns,
 * beta = (n * S(rx*ry) - S(rx) * S(ry)) / (n * S(rx^2) - S(rx)^2) = cov(rx, ry) / var(rx),
 * with rx = x[t] / x[t-1] - 1 and ry likewise (a return is 0 when the previous price is 0, and
 * beta is 0 when var(rx) is 0). `period` returns need period + 1 prices: lookback = period.
 *
 * Which series is the market: TA-Lib's comment calls inReal0 the stock and inReal1 the index, but
 * its code regresses inReal1's returns on inReal0's (x = inReal0). This class follows the code, so
 * the beta of a stock to its market is `update({ x: market, y: stock })`.
 * @see TA-Lib TA_BETA (ta_BETA.c, lookback period; period 1..100000)
 */
export class Beta extends Indicator<PairValue> {
  readonly warmup: number;
  readonly outputs = ['beta'] as const;
  readonly period: number;
  readonly #rxs: RingBuffer;
  readonly #rys: RingBuffer;
  #lastX = Number.NaN;
  #lastY = Number.NaN;
  #sumX = 0;
  #sumY = 0;
  #sumXX = 0;
  #sumXY = 0;
  #beta = Number.NaN;

  constructor(period = 5) {
    super();
    this.period = checkPeriod('beta period', period, 1);
    this.warmup = period + 1;
    this.#rxs = new RingBuffer(period);
    this.#rys = new RingBuffer(period);
  }

  protected step({ x, y }: PairValue): void {
    const prevX = this.#lastX;
    const prevY = this.#lastY;
    this.#lastX = x;
    this.#lastY = y;
    if (this.count === 1) return;
    const rx = isZero(prevX) ? 0.0 : (x - prevX) / prevX;
    const ry = isZero(prevY) ? 0.0 : (y - prevY) / prevY;
    this.#rxs.push(rx);
    this.#rys.push(ry);
    this.#sumXX += rx * rx;
    this.#sumXY += rx * ry;
    this.#sumX += rx;
    this.#sumY += ry;
    if (this.count <= this.period) return;
    const n = this.period;
    const spread = n * this.#sumXX - this.#sumX * this.#sumX;
    this.#beta = isZero(spread) ? 0.0 : (n * this.#sumXY - this.#sumX * this.#sumY) / spread;
    // TA-Lib's order: output first, then drop the oldest return of the window.
    const ox = this.#rxs.at(0);
    const oy = this.#rys.at(0);
    this.#sumXX -= ox * ox;
    this.#sumXY -= ox * oy;
    this.#sumX -= ox;
    this.#sumY -= oy;
  }

  protected current(): number {
    return this.#beta;
  }

  protected clear(): void {
    this.#rxs.clear();
    this.#rys.clear();
    this.#lastX = Number.NaN;
    this.#lastY = Number.NaN;
    this.#sumX = 0;
    this.#sumY = 0;
    this.#sumXX = 0;
    this.#sumXY = 0;
    this.#beta = Number.NaN;
  }
}

export function beta(x: ArrayLike<number>, y: ArrayLike<number>, period = 5): Float64Array {
  return batchPairs(new Beta(period), x, y)[0] as Float64Array;
}

export const betaDef: IndicatorDef = {
  key: 'beta',
  title: 'Beta of returns (y on x)',
  input: 'pair',
  params: [{ name: 'period', default: 5, min: 1, integer: true }],
  outputs: ['beta'],
  talib: 'BETA',
  source: 'TA-Lib TA_BETA: slope of one-bar returns of input 1 on those of input 0 (x = input 0)',
  create: ([period]) => new Beta(period),
};

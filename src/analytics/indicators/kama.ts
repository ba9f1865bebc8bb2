import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** TA-Lib's zero test (`TA_IS_ZERO`, epsilon 1e-14 in TA-Lib 0.6). */
const TA_EPSILON = 1e-14;
/** Smoothing constants of the slowest (30-bar) and fastest (2-bar) EMA, fixed as in TA-Lib. */
const SLOW_SC = 2.0 / (30.0 + 1.0);
const SC_RANGE = 2.0 / (2.0 + 1.0) - SLOW_SC;

/**
 * Kaufman adaptive moving average. Efficiency ratio ER = |x[t] - x[t-n]| / sum of |x[i] - x[i-1]|
 * over the last n changes; smoothing constant sc = (ER * (2/3 - 2/31) + 2/31)^2; then
 * KAMA += sc * (x - KAMA). TA-Lib's seeding: the previous KAMA of the first step is the input just
 * before it (x[n-1]), so the first value is at index n (lookback n). ER is 1 when the summed
 * changes are zero or do not exceed the net change. The running sum of |changes| is updated in
 * TA-Lib's order (remove the oldest change, then add the newest).
 * @see P. J. Kaufman, "Smarter Trading" (1995), ch. 3
 * @see TA-Lib TA_KAMA (lookback period; period 2..100000; unstable period 0)
 */
export class Kama extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['kama'] as const;
  readonly period: number;
  /** The last period + 1 inputs: x[t-n] .. x[t]. */
  readonly #window: RingBuffer;
  #sumChanges = 0;
  #prev = Number.NaN;
  #trailing = Number.NaN;
  #kama = Number.NaN;

  constructor(period = 30) {
    super();
    this.period = checkPeriod('kama period', period, 2);
    this.warmup = period + 1;
    this.#window = new RingBuffer(period + 1);
  }

  protected step(x: number): void {
    this.#window.push(x);
    const t = this.count - 1;
    if (t === 0) {
      this.#prev = x;
      return;
    }
    const oldest = this.#window.at(0);
    if (t <= this.period) {
      this.#sumChanges += Math.abs(this.#prev - x);
      if (t === this.period) {
        this.#trailing = oldest;
        this.#kama = this.#prev;
        this.#smooth(x, x - oldest);
      }
    } else {
      this.#sumChanges -= Math.abs(this.#trailing - oldest);
      this.#sumChanges += Math.abs(x - this.#prev);
      this.#trailing = oldest;
      this.#smooth(x, x - oldest);
    }
    this.#prev = x;
  }

  #smooth(x: number, netChange: number): void {
    const sum = this.#sumChanges;
    const er = sum <= netChange || (sum > -TA_EPSILON && sum < TA_EPSILON) ? 1.0 : Math.abs(netChange / sum);
    let sc = er * SC_RANGE + SLOW_SC;
    sc *= sc;
    this.#kama = (x - this.#kama) * sc + this.#kama;
  }

  protected current(): number {
    return this.#kama;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sumChanges = 0;
    this.#prev = Number.NaN;
    this.#trailing = Number.NaN;
    this.#kama = Number.NaN;
  }
}

export function kama(values: ArrayLike<number>, period = 30): Float64Array {
  return batchValues(new Kama(period), values)[0] as Float64Array;
}

export const kamaDef: IndicatorDef = {
  key: 'kama',
  title: 'Kaufman adaptive moving average',
  input: 'value',
  params: [{ name: 'period', default: 30, min: 2, integer: true }],
  outputs: ['kama'],
  talib: 'KAMA',
  source: 'Kaufman, Smarter Trading (1995); TA-Lib TA_KAMA (fast 2 / slow 30, seeded with the prior input)',
  create: ([period]) => new Kama(period),
};

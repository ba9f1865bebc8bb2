import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * The largest (or smallest) of the last `period` values in O(1) amortized time, with a monotonic
 * deque of window positions (no allocation after construction). A NaN in the window makes the
 * extreme NaN until it leaves the window.
 */
export class RollingExtreme {
  readonly period: number;
  readonly #isMax: boolean;
  /** Deque slots: position (input index) and value, circular over `period` slots. */
  readonly #pos: Float64Array;
  readonly #val: Float64Array;
  #head = 0;
  #size = 0;
  /** Index of the next input. */
  #t = 0;
  /** Index of the last NaN input (the window holds a NaN while it is within the last `period`). */
  #lastNan = Number.NEGATIVE_INFINITY;

  constructor(period: number, kind: 'max' | 'min') {
    this.period = checkPeriod('rolling extreme period', period);
    this.#isMax = kind === 'max';
    this.#pos = new Float64Array(period);
    this.#val = new Float64Array(period);
  }

  push(x: number): void {
    const cap = this.period;
    const t = this.#t++;
    // Drop the front when it has left the window (at most one slot per input).
    if (this.#size > 0 && (this.#pos[this.#head] as number) <= t - cap) {
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1;
      this.#size--;
    }
    if (Number.isNaN(x)) {
      this.#lastNan = t;
      return;
    }
    // Drop the values x dominates from the back, then append x.
    const isMax = this.#isMax;
    while (this.#size > 0) {
      let back = this.#head + this.#size - 1;
      if (back >= cap) back -= cap;
      const v = this.#val[back] as number;
      if (isMax ? v > x : v < x) break;
      this.#size--;
    }
    let at = this.#head + this.#size;
    if (at >= cap) at -= cap;
    this.#pos[at] = t;
    this.#val[at] = x;
    this.#size++;
  }

  /** The extreme of the window (NaN when empty or when it holds a NaN). */
  get value(): number {
    return this.#size === 0 || this.#lastNan > this.#t - 1 - this.period
      ? Number.NaN
      : (this.#val[this.#head] as number);
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.#t = 0;
    this.#lastNan = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Donchian channel: up = the highest high and dn = the lowest low of the last `period` bars
 * INCLUDING the current one, mid = (up + dn) / 2. This is the charting convention (TradingView's
 * "DC", pandas-ta); a breakout rule compares today's close with yesterday's channel, since
 * today's close can never exceed a channel that already contains today's high.
 * @see Richard Donchian's four-week rule; StockCharts ChartSchool "Donchian Channels"
 */
export class Donchian extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['donchian_up', 'donchian_mid', 'donchian_dn'] as const;
  readonly period: number;
  readonly #high: RollingExtreme;
  readonly #low: RollingExtreme;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('donchian period', period);
    this.warmup = period;
    this.#high = new RollingExtreme(period, 'max');
    this.#low = new RollingExtreme(period, 'min');
  }

  protected step(bar: OhlcvBar): void {
    this.#high.push(bar.high);
    this.#low.push(bar.low);
  }

  protected current(i: number): number {
    const up = this.#high.value;
    const dn = this.#low.value;
    return i === 0 ? up : i === 1 ? (up + dn) / 2 : dn;
  }

  protected clear(): void {
    this.#high.clear();
    this.#low.clear();
  }
}

export interface DonchianBands {
  readonly up: Float64Array;
  readonly mid: Float64Array;
  readonly dn: Float64Array;
}

export function donchian(bars: OhlcvColumns, period = 20): DonchianBands {
  const [up, mid, dn] = batchBars(new Donchian(period), bars) as [Float64Array, Float64Array, Float64Array];
  return { up, mid, dn };
}

export const donchianDef: IndicatorDef = {
  key: 'donchian',
  title: 'Donchian channel (highest high, lowest low, including the current bar)',
  input: 'bar',
  params: [{ name: 'period', default: 20, min: 1, integer: true }],
  outputs: ['donchian_up', 'donchian_mid', 'donchian_dn'],
  source: 'Donchian channel as charted by StockCharts ChartSchool and TradingView (window includes the current bar)',
  create: ([period]) => new Donchian(period),
};

import { Atr } from './atr.js';
import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** Trend directions of `supertrend_dir`. */
export const TrendDirection = { up: 1, down: -1 } as const;
export type TrendDirection = (typeof TrendDirection)[keyof typeof TrendDirection];

/**
 * SuperTrend (Olivier Seban): an ATR trailing stop that flips with the trend.
 * Basic bands: hl2 +/- multiplier * ATR(period), hl2 = (high + low) / 2, ATR Wilder-smoothed as in
 * TA-Lib ATR. Final bands (the standard rules):
 * - upper = basic upper if basic upper < previous upper or previous close > previous upper, else
 *   previous upper (the upper band only falls, unless price closed above it);
 * - lower = basic lower if basic lower > previous lower or previous close < previous lower, else
 *   previous lower.
 * Direction: in a down trend (line = upper) it turns up when close > upper; in an up trend
 * (line = lower) it turns down when close < lower. The line is the lower band in an up trend
 * (+1) and the upper band in a down trend (-1). On the first bar with an ATR the final bands are
 * the basic bands and the trend is taken as down, as TradingView's `ta.supertrend` does.
 * @see TradingView Pine Script reference, `ta.supertrend`
 */
export class Supertrend extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['supertrend', 'supertrend_dir'] as const;
  readonly period: number;
  readonly multiplier: number;
  readonly #atr: Atr;
  #upper = Number.NaN;
  #lower = Number.NaN;
  #dir: TrendDirection = TrendDirection.down;
  #prevClose = Number.NaN;

  constructor(period = 10, multiplier = 3) {
    super();
    this.period = checkPeriod('supertrend period', period);
    if (!Number.isFinite(multiplier) || multiplier < 0)
      throw new RangeError(`supertrend multiplier must be a finite number >= 0, got ${multiplier}`);
    this.multiplier = multiplier;
    this.warmup = period + 1;
    this.#atr = new Atr(period);
  }

  protected step(bar: OhlcvBar): void {
    const atr = this.#atr.update(bar);
    const { close } = bar;
    if (this.#atr.isReady) {
      const hl2 = (bar.high + bar.low) / 2;
      const basicUpper = hl2 + this.multiplier * atr;
      const basicLower = hl2 - this.multiplier * atr;
      if (this.count === this.warmup) {
        this.#upper = basicUpper;
        this.#lower = basicLower;
        this.#dir = TrendDirection.down;
      } else {
        const prevClose = this.#prevClose;
        if (basicUpper < this.#upper || prevClose > this.#upper) this.#upper = basicUpper;
        if (basicLower > this.#lower || prevClose < this.#lower) this.#lower = basicLower;
        if (this.#dir === TrendDirection.down) {
          if (close > this.#upper) this.#dir = TrendDirection.up;
        } else if (close < this.#lower) this.#dir = TrendDirection.down;
      }
    }
    this.#prevClose = close;
  }

  protected current(i: number): number {
    if (i === 1) return this.#dir;
    return this.#dir === TrendDirection.up ? this.#lower : this.#upper;
  }

  protected clear(): void {
    this.#atr.reset();
    this.#upper = Number.NaN;
    this.#lower = Number.NaN;
    this.#dir = TrendDirection.down;
    this.#prevClose = Number.NaN;
  }
}

export interface SupertrendSeries {
  readonly supertrend: Float64Array;
  readonly dir: Float64Array;
}

export function supertrend(bars: OhlcvColumns, period = 10, multiplier = 3): SupertrendSeries {
  const [line, dir] = batchBars(new Supertrend(period, multiplier), bars) as [Float64Array, Float64Array];
  return { supertrend: line, dir };
}

export const supertrendDef: IndicatorDef = {
  key: 'supertrend',
  title: 'SuperTrend (ATR trailing stop and trend direction +1/-1)',
  input: 'bar',
  params: [
    { name: 'period', default: 10, min: 1, integer: true },
    { name: 'multiplier', default: 3, min: 0, integer: false },
  ],
  outputs: ['supertrend', 'supertrend_dir'],
  source: 'Olivier Seban SuperTrend, final-band rules as in TradingView ta.supertrend; ATR as TA-Lib ATR',
  create: ([period, multiplier]) => new Supertrend(period, multiplier),
};

import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { WindowExtreme } from './window-helpers.js';

/**
 * Aroon (Chande 1995): over the last `period` + 1 bars, Aroon up = 100 * (period - bars since the
 * highest high) / period and Aroon down likewise with the lowest low. When the extreme occurs more
 * than once in the window the most recent occurrence counts, as in TA-Lib. Outputs in TA-Lib's
 * order: `[aroon_down, aroon_up]`.
 * @see Tushar Chande, "A Time Price Oscillator", TASC (1995)
 * @see TA-Lib TA_AROON (lookback period)
 */
export class Aroon extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['aroon_down', 'aroon_up'] as const;
  readonly period: number;
  readonly #factor: number;
  readonly #highs: WindowExtreme;
  readonly #lows: WindowExtreme;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('aroon period', period, 2);
    this.warmup = period + 1;
    this.#factor = 100 / period;
    this.#highs = new WindowExtreme(period + 1, 'max');
    this.#lows = new WindowExtreme(period + 1, 'min');
  }

  protected step(bar: OhlcvBar): void {
    this.#highs.push(bar.high);
    this.#lows.push(bar.low);
  }

  protected current(i: number): number {
    const today = this.#highs.count - 1;
    const idx = i === 0 ? this.#lows.index : this.#highs.index;
    return this.#factor * (this.period - (today - idx));
  }

  protected clear(): void {
    this.#highs.clear();
    this.#lows.clear();
  }
}

export function aroon(cols: OhlcvColumns, period = 14): { down: Float64Array; up: Float64Array } {
  const [down, up] = batchBars(new Aroon(period), cols) as [Float64Array, Float64Array];
  return { down, up };
}

export const aroonDef: IndicatorDef = {
  key: 'aroon',
  title: 'Aroon',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['aroon_down', 'aroon_up'],
  talib: 'AROON',
  source: 'Chande 1995, TASC; TA-Lib TA_AROON (latest extreme wins ties)',
  create: ([period]) => new Aroon(period),
};

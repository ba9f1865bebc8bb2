import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { WindowExtreme } from './window-helpers.js';

/**
 * Williams %R: -100 * (highest high - close) / (highest high - lowest low) over `period` bars,
 * in [-100, 0]; 0 when the range is zero, as TA-Lib returns.
 * @see Larry Williams, How I Made One Million Dollars... Trading Commodities (1973)
 * @see TA-Lib TA_WILLR (lookback period - 1)
 */
export class WillR extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['willr'] as const;
  readonly period: number;
  readonly #highs: WindowExtreme;
  readonly #lows: WindowExtreme;
  #value = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('willr period', period, 2);
    this.warmup = period;
    this.#highs = new WindowExtreme(period, 'max');
    this.#lows = new WindowExtreme(period, 'min');
  }

  protected step(bar: OhlcvBar): void {
    this.#highs.push(bar.high);
    this.#lows.push(bar.low);
    const highest = this.#highs.value;
    // TA-Lib's arithmetic: (HH - close) / ((HH - LL) / -100).
    const diff = (highest - this.#lows.value) / -100;
    this.#value = diff !== 0 ? (highest - bar.close) / diff : 0;
  }

  protected current(): number {
    return this.#value;
  }

  protected clear(): void {
    this.#highs.clear();
    this.#lows.clear();
    this.#value = Number.NaN;
  }
}

export function willr(cols: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new WillR(period), cols)[0] as Float64Array;
}

export const willrDef: IndicatorDef = {
  key: 'willr',
  title: 'Williams %R',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['willr'],
  talib: 'WILLR',
  source: 'Larry Williams 1973; TA-Lib TA_WILLR',
  create: ([period]) => new WillR(period),
};

import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { WindowExtreme } from './window-helpers.js';

/**
 * Aroon oscillator (Chande 1995): Aroon up minus Aroon down over the last `period` + 1 bars, which
 * simplifies to 100 / period * (index of the highest high - index of the lowest low); ties go to
 * the most recent extreme, as in TA-Lib.
 * @see Tushar Chande, "A Time Price Oscillator", TASC (1995)
 * @see TA-Lib TA_AROONOSC (lookback period)
 */
export class AroonOsc extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['aroonosc'] as const;
  readonly period: number;
  readonly #factor: number;
  readonly #highs: WindowExtreme;
  readonly #lows: WindowExtreme;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('aroonosc period', period, 2);
    this.warmup = period + 1;
    this.#factor = 100 / period;
    this.#highs = new WindowExtreme(period + 1, 'max');
    this.#lows = new WindowExtreme(period + 1, 'min');
  }

  protected step(bar: OhlcvBar): void {
    this.#highs.push(bar.high);
    this.#lows.push(bar.low);
  }

  protected current(): number {
    return this.#factor * (this.#highs.index - this.#lows.index);
  }

  protected clear(): void {
    this.#highs.clear();
    this.#lows.clear();
  }
}

export function aroonosc(cols: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new AroonOsc(period), cols)[0] as Float64Array;
}

export const aroonoscDef: IndicatorDef = {
  key: 'aroonosc',
  title: 'Aroon oscillator',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['aroonosc'],
  talib: 'AROONOSC',
  source: 'Chande 1995, TASC; TA-Lib TA_AROONOSC',
  create: ([period]) => new AroonOsc(period),
};

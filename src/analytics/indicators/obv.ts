import { batchBars, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * On-balance volume (Granville 1963): a running total that adds the bar's volume when the close
 * rose, subtracts it when the close fell and keeps it when unchanged. As TA-Lib does, the total
 * starts at the first bar's volume (not 0), so it is defined from the first bar.
 * @see Joseph Granville, Granville's New Key to Stock Market Profits (1963)
 * @see TA-Lib TA_OBV(close, volume) (lookback 0)
 */
export class Obv extends Indicator<OhlcvBar> {
  readonly warmup = 1;
  readonly outputs = ['obv'] as const;
  #obv = Number.NaN;
  #prevClose = Number.NaN;
  #started = false;

  protected step(bar: OhlcvBar): void {
    if (!this.#started) {
      this.#started = true;
      this.#obv = bar.volume;
    } else if (bar.close > this.#prevClose) this.#obv += bar.volume;
    else if (bar.close < this.#prevClose) this.#obv -= bar.volume;
    this.#prevClose = bar.close;
  }

  protected current(): number {
    return this.#obv;
  }

  protected clear(): void {
    this.#obv = Number.NaN;
    this.#prevClose = Number.NaN;
    this.#started = false;
  }
}

export function obv(cols: OhlcvColumns): Float64Array {
  return batchBars(new Obv(), cols)[0] as Float64Array;
}

export const obvDef: IndicatorDef = {
  key: 'obv',
  title: 'On-balance volume',
  input: 'bar',
  params: [],
  outputs: ['obv'],
  talib: 'OBV',
  source: 'Granville 1963; TA-Lib TA_OBV (starts at the first bar volume)',
  create: () => new Obv(),
};

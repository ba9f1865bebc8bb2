import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { Atr } from './atr.js';
import type { IndicatorDef } from './spec.js';
import { isTalibZero } from './trange.js';

/**
 * Normalized ATR: ATR / close * 100 (in percent of the bar's close), 0 when the close is zero
 * within TA-Lib's tolerance, as TA-Lib does.
 *
 * Period 1 is refused: TA-Lib's NATR(1) returns the raw true range without normalizing it (a
 * special case in its source), which would silently change the unit of the output.
 * @see John Forman, "Cross-Market Evaluations With Normalized Average True Range", TASC May 2006;
 *   TA-Lib TA_NATR (lookback period)
 */
export class Natr extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['natr'] as const;
  readonly period: number;
  readonly #atr: Atr;
  #close = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('natr period', period, 2);
    this.warmup = period + 1;
    this.#atr = new Atr(period);
  }

  protected step(bar: OhlcvBar): void {
    this.#atr.update(bar);
    this.#close = bar.close;
  }

  protected current(): number {
    return isTalibZero(this.#close) ? 0 : (this.#atr.value / this.#close) * 100;
  }

  protected clear(): void {
    this.#atr.reset();
    this.#close = Number.NaN;
  }
}

export function natr(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Natr(period), bars)[0] as Float64Array;
}

export const natrDef: IndicatorDef = {
  key: 'natr',
  title: 'Normalized average true range (percent of close)',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['natr'],
  talib: 'NATR',
  source: 'Forman, TASC May 2006; TA-Lib TA_NATR (ATR / close * 100)',
  create: ([period]) => new Natr(period),
};

import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { trueRange } from './trange.js';

/**
 * Average true range: Wilder's smoothing of the true range, seeded with the simple mean of the
 * first `period` true ranges (bars 1..period, since bar 0 has no previous close), then
 * atr = (atr * (period - 1) + tr) / period, in that order of operations as TA-Lib does.
 * NaN inputs propagate through the smoothing, as in TA-Lib.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ATR (lookback period)
 */
export class Atr extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['atr'] as const;
  readonly period: number;
  #prevClose = Number.NaN;
  #seedSum = 0;
  #atr = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('atr period', period);
    this.warmup = period + 1;
  }

  protected step(bar: OhlcvBar): void {
    const n = this.count;
    if (n > 1) {
      const tr = trueRange(bar.high, bar.low, this.#prevClose);
      if (n <= this.period + 1) {
        this.#seedSum += tr;
        if (n === this.period + 1) this.#atr = this.#seedSum / this.period;
      } else {
        this.#atr *= this.period - 1;
        this.#atr += tr;
        this.#atr /= this.period;
      }
    }
    this.#prevClose = bar.close;
  }

  protected current(): number {
    return this.#atr;
  }

  protected clear(): void {
    this.#prevClose = Number.NaN;
    this.#seedSum = 0;
    this.#atr = Number.NaN;
  }
}

export function atr(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Atr(period), bars)[0] as Float64Array;
}

export const atrDef: IndicatorDef = {
  key: 'atr',
  title: 'Average true range',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 1, integer: true }],
  outputs: ['atr'],
  talib: 'ATR',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ATR (SMA-seeded Wilder smoothing)',
  create: ([period]) => new Atr(period),
};

import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Money flow index: a volume-weighted RSI. Money flow = TP * volume (TP = (high + low + close) / 3)
 * counts as positive when TP rose from the previous bar, negative when it fell, and not at all
 * when unchanged; MFI = 100 * positive / (positive + negative) over the last `period` flows.
 * As TA-Lib does, MFI reads 0 when positive + negative < 1 (not only when it is 0).
 * @see G. Quong, A. Soudack, "Volume-Weighted RSI: Money Flow", TASC (1989)
 * @see TA-Lib TA_MFI, unstable period 0 (lookback period)
 */
export class Mfi extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['mfi'] as const;
  readonly period: number;
  readonly #pos: Float64Array;
  readonly #neg: Float64Array;
  #slot = 0;
  #n = 0;
  #prevTp = Number.NaN;
  #posSum = 0;
  #negSum = 0;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('mfi period', period, 2);
    this.warmup = period + 1;
    this.#pos = new Float64Array(period);
    this.#neg = new Float64Array(period);
  }

  protected step(bar: OhlcvBar): void {
    const tp = (bar.high + bar.low + bar.close) / 3;
    const change = tp - this.#prevTp;
    this.#prevTp = tp;
    if (this.#n++ === 0) return;
    const s = this.#slot;
    // Past the first `period` flows, the flow in this slot leaves the window.
    if (this.#n > this.period + 1) {
      this.#posSum -= this.#pos[s] as number;
      this.#negSum -= this.#neg[s] as number;
    }
    const flow = tp * bar.volume;
    if (change < 0) {
      this.#neg[s] = flow;
      this.#negSum += flow;
      this.#pos[s] = 0;
    } else if (change > 0) {
      this.#pos[s] = flow;
      this.#posSum += flow;
      this.#neg[s] = 0;
    } else {
      this.#pos[s] = 0;
      this.#neg[s] = 0;
    }
    this.#slot = s + 1 === this.period ? 0 : s + 1;
  }

  protected current(): number {
    const total = this.#posSum + this.#negSum;
    return total < 1 ? 0 : 100 * (this.#posSum / total);
  }

  protected clear(): void {
    this.#pos.fill(0);
    this.#neg.fill(0);
    this.#slot = 0;
    this.#n = 0;
    this.#prevTp = Number.NaN;
    this.#posSum = 0;
    this.#negSum = 0;
  }
}

export function mfi(cols: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Mfi(period), cols)[0] as Float64Array;
}

export const mfiDef: IndicatorDef = {
  key: 'mfi',
  title: 'Money flow index',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['mfi'],
  talib: 'MFI',
  source: 'Quong and Soudack 1989, TASC; TA-Lib TA_MFI',
  create: ([period]) => new Mfi(period),
};

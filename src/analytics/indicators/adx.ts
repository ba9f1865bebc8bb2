import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { DirectionalMovement } from './directional-movement.js';
import type { IndicatorDef } from './spec.js';
import { isTalibZero } from './trange.js';

/**
 * Average directional index, Wilder's trend strength. From bar `period` on each bar has
 * DX = 100 * |(-DI) - (+DI)| / ((-DI) + (+DI)); the first ADX (bar 2 * period - 1) is the sum of
 * the first `period` DX divided by `period`, then ADX = (ADX * (period - 1) + DX) / period.
 * As in TA-Lib, a bar whose smoothed true range or DI sum is zero contributes no DX: it is left
 * out of the seed sum (still divided by `period`) and leaves the ADX unchanged afterwards.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ADX (lookback 2 * period - 1)
 */
export class Adx extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['adx'] as const;
  readonly period: number;
  readonly #dm: DirectionalMovement;
  #sumDx = 0;
  #adx = Number.NaN;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('adx period', period, 2);
    this.warmup = 2 * period;
    this.#dm = new DirectionalMovement(period);
  }

  protected step(bar: OhlcvBar): void {
    const dm = this.#dm;
    dm.update(bar);
    if (!dm.isSeeded || dm.isFlat) {
      this.#seal();
      return;
    }
    const minus = dm.minusDi();
    const plus = dm.plusDi();
    const sum = minus + plus;
    if (!isTalibZero(sum)) {
      const dx = 100 * (Math.abs(minus - plus) / sum);
      if (this.count <= this.warmup) this.#sumDx += dx;
      else this.#adx = (this.#adx * (this.period - 1) + dx) / this.period;
    }
    this.#seal();
  }

  /** The seed sum becomes the first ADX at the end of the warm-up. */
  #seal(): void {
    if (this.count === this.warmup) this.#adx = this.#sumDx / this.period;
  }

  protected current(): number {
    return this.#adx;
  }

  protected clear(): void {
    this.#dm.reset();
    this.#sumDx = 0;
    this.#adx = Number.NaN;
  }
}

export function adx(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new Adx(period), bars)[0] as Float64Array;
}

export const adxDef: IndicatorDef = {
  key: 'adx',
  title: 'Average directional index',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['adx'],
  talib: 'ADX',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_ADX',
  create: ([period]) => new Adx(period),
};

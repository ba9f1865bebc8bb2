import { Ema } from './ema.js';
import { batchValues, checkPeriod, Indicator } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Triple exponential moving average (Mulloy): 3 * EMA1 - 3 * EMA2 + EMA3, each EMA the EMA of the
 * previous one and each seeded with the simple mean of its first `period` inputs (TA-Lib), so the
 * first TEMA comes after 3 * (period - 1) inputs. Not to be confused with EMA3 alone.
 * @see P. G. Mulloy, "Smoothing Data With Less Lag", Stocks & Commodities 12:2 (1994)
 * @see TA-Lib TA_TEMA (lookback 3 * (period - 1); period 2..100000)
 */
export class Tema extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['tema'] as const;
  readonly period: number;
  readonly #ema1: Ema;
  readonly #ema2: Ema;
  readonly #ema3: Ema;
  #tema = Number.NaN;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('tema period', period, 2);
    this.warmup = 3 * (period - 1) + 1;
    this.#ema1 = new Ema(period);
    this.#ema2 = new Ema(period);
    this.#ema3 = new Ema(period);
  }

  protected step(x: number): void {
    const e1 = this.#ema1.update(x);
    if (!this.#ema1.isReady) return;
    const e2 = this.#ema2.update(e1);
    if (!this.#ema2.isReady) return;
    const e3 = this.#ema3.update(e2);
    // TA-Lib's order of operations: EMA3 + (3 * EMA1 - 3 * EMA2).
    if (this.#ema3.isReady) this.#tema = e3 + (3.0 * e1 - 3.0 * e2);
  }

  protected current(): number {
    return this.#tema;
  }

  protected clear(): void {
    this.#ema1.reset();
    this.#ema2.reset();
    this.#ema3.reset();
    this.#tema = Number.NaN;
  }
}

export function tema(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Tema(period), values)[0] as Float64Array;
}

export const temaDef: IndicatorDef = {
  key: 'tema',
  title: 'Triple exponential moving average',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 2, integer: true }],
  outputs: ['tema'],
  talib: 'TEMA',
  source: 'Mulloy, Stocks & Commodities 12:2 (1994); TA-Lib TA_TEMA (SMA-seeded EMAs)',
  create: ([period]) => new Tema(period),
};

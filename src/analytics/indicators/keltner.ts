import { Atr } from './atr.js';
import { Ema } from './ema.js';
import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Keltner channel, modern version (Linda Raschke's, as charted by StockCharts):
 * mid = EMA(close, period), up = mid + multiplier * ATR(atrPeriod), dn = mid - multiplier * ATR.
 * The EMA is TA-Lib's (seeded with the simple mean of the first `period` closes) and the ATR is
 * Wilder's as in TA-Lib ATR, so the first value comes when both are ready:
 * warmup = max(period, atrPeriod + 1). (Chester Keltner's 1960 original used a 10-day SMA of the
 * typical price and the average high-low range; this is not it.)
 * @see StockCharts ChartSchool "Keltner Channels" (20-day EMA, 2 x ATR(10))
 */
export class Keltner extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['keltner_up', 'keltner_mid', 'keltner_dn'] as const;
  readonly period: number;
  readonly multiplier: number;
  readonly atrPeriod: number;
  readonly #ema: Ema;
  readonly #atr: Atr;

  constructor(period = 20, multiplier = 2, atrPeriod = 10) {
    super();
    this.period = checkPeriod('keltner period', period);
    this.atrPeriod = checkPeriod('keltner atr period', atrPeriod);
    if (!Number.isFinite(multiplier) || multiplier < 0)
      throw new RangeError(`keltner multiplier must be a finite number >= 0, got ${multiplier}`);
    this.multiplier = multiplier;
    this.warmup = Math.max(period, atrPeriod + 1);
    this.#ema = new Ema(period);
    this.#atr = new Atr(atrPeriod);
  }

  protected step(bar: OhlcvBar): void {
    this.#ema.update(bar.close);
    this.#atr.update(bar);
  }

  protected current(i: number): number {
    const mid = this.#ema.value;
    if (i === 1) return mid;
    const width = this.multiplier * this.#atr.value;
    return i === 0 ? mid + width : mid - width;
  }

  protected clear(): void {
    this.#ema.reset();
    this.#atr.reset();
  }
}

export interface KeltnerBands {
  readonly up: Float64Array;
  readonly mid: Float64Array;
  readonly dn: Float64Array;
}

export function keltner(bars: OhlcvColumns, period = 20, multiplier = 2, atrPeriod = 10): KeltnerBands {
  const [up, mid, dn] = batchBars(new Keltner(period, multiplier, atrPeriod), bars) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { up, mid, dn };
}

export const keltnerDef: IndicatorDef = {
  key: 'keltner',
  title: 'Keltner channel (EMA +/- multiplier x ATR)',
  input: 'bar',
  params: [
    { name: 'period', default: 20, min: 1, integer: true },
    { name: 'multiplier', default: 2, min: 0, integer: false },
    { name: 'atr_period', default: 10, min: 1, integer: true },
  ],
  outputs: ['keltner_up', 'keltner_mid', 'keltner_dn'],
  source: 'StockCharts ChartSchool "Keltner Channels": EMA(close, 20) +/- 2 x ATR(10) (Raschke version)',
  create: ([period, multiplier, atrPeriod]) => new Keltner(period, multiplier, atrPeriod),
};

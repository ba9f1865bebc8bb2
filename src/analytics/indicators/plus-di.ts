import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { DirectionalMovement } from './directional-movement.js';
import type { IndicatorDef } from './spec.js';

/**
 * +DI, Wilder's positive directional indicator: 100 * smoothed +DM / smoothed true range (see
 * DirectionalMovement for the seeding), 0 when the smoothed true range is zero.
 *
 * Period 1 is refused: TA-Lib's PLUS_DI(1) is a special case that returns +DM1 / TR1 without
 * the factor 100, a different unit from every other period.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_PLUS_DI (lookback period)
 */
export class PlusDi extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['plus_di'] as const;
  readonly period: number;
  readonly #dm: DirectionalMovement;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('plus_di period', period, 2);
    this.#dm = new DirectionalMovement(period);
    this.warmup = period + 1;
  }

  protected step(bar: OhlcvBar): void {
    this.#dm.update(bar);
  }

  protected current(): number {
    return this.#dm.plusDi();
  }

  protected clear(): void {
    this.#dm.reset();
  }
}

export function plusDi(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new PlusDi(period), bars)[0] as Float64Array;
}

export const plusDiDef: IndicatorDef = {
  key: 'plus_di',
  title: 'Plus directional indicator (+DI)',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['plus_di'],
  talib: 'PLUS_DI',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_PLUS_DI',
  create: ([period]) => new PlusDi(period),
};

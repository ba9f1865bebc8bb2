import { batchBars, checkPeriod, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import { DirectionalMovement } from './directional-movement.js';
import type { IndicatorDef } from './spec.js';

/**
 * -DI, Wilder's negative directional indicator: 100 * smoothed -DM / smoothed true range (see
 * DirectionalMovement for the seeding), 0 when the smoothed true range is zero.
 *
 * Period 1 is refused: TA-Lib's MINUS_DI(1) is a special case that returns -DM1 / TR1 without
 * the factor 100, a different unit from every other period.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_MINUS_DI (lookback period)
 */
export class MinusDi extends Indicator<OhlcvBar> {
  readonly warmup: number;
  readonly outputs = ['minus_di'] as const;
  readonly period: number;
  readonly #dm: DirectionalMovement;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('minus_di period', period, 2);
    this.#dm = new DirectionalMovement(period);
    this.warmup = period + 1;
  }

  protected step(bar: OhlcvBar): void {
    this.#dm.update(bar);
  }

  protected current(): number {
    return this.#dm.minusDi();
  }

  protected clear(): void {
    this.#dm.reset();
  }
}

export function minusDi(bars: OhlcvColumns, period = 14): Float64Array {
  return batchBars(new MinusDi(period), bars)[0] as Float64Array;
}

export const minusDiDef: IndicatorDef = {
  key: 'minus_di',
  title: 'Minus directional indicator (-DI)',
  input: 'bar',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['minus_di'],
  talib: 'MINUS_DI',
  source: 'Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_MINUS_DI',
  create: ([period]) => new MinusDi(period),
};

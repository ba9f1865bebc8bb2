import { checkPeriod, type OhlcvBar } from './indicator.js';
import { isTalibZero, trueRange } from './trange.js';

/**
 * Wilder's directional movement state shared by PLUS_DI, MINUS_DI, ADX and ADXR (not an
 * indicator itself). One-bar movements: up = high - prevHigh, down = prevLow - low; +DM1 = up when
 * up > 0 and up > down, -DM1 = down when down > 0 and up < down, else 0 (so equal moves give
 * neither). The first `period - 1` one-bar values (bars 1..period-1) are summed, then every bar
 * applies Wilder's smoothing sum = sum - sum / period + value, to +DM, -DM and the true range,
 * in TA-Lib's order of operations. A DI is 100 * DM / TR, or 0 when TR is zero within TA-Lib's
 * tolerance.
 * @see Wilder (1978), New Concepts in Technical Trading Systems; TA-Lib TA_PLUS_DI, TA_MINUS_DI, TA_ADX
 */
export class DirectionalMovement {
  readonly period: number;
  #n = 0;
  #prevHigh = Number.NaN;
  #prevLow = Number.NaN;
  #prevClose = Number.NaN;
  #plusDm = 0;
  #minusDm = 0;
  #tr = 0;

  constructor(period: number) {
    this.period = checkPeriod('directional movement period', period, 2);
  }

  /** Bars seen; the DIs are defined from bar `period + 1` on (TA-Lib lookback = period). */
  get count(): number {
    return this.#n;
  }

  get isSeeded(): boolean {
    return this.#n > this.period;
  }

  update(bar: OhlcvBar): void {
    const n = ++this.#n;
    const { high, low } = bar;
    if (n > 1) {
      const up = high - this.#prevHigh;
      const down = this.#prevLow - low;
      const tr = trueRange(high, low, this.#prevClose);
      const p = this.period;
      if (n > p) {
        this.#minusDm -= this.#minusDm / p;
        this.#plusDm -= this.#plusDm / p;
      }
      if (down > 0 && up < down) this.#minusDm += down;
      else if (up > 0 && up > down) this.#plusDm += up;
      this.#tr = n > p ? this.#tr - this.#tr / p + tr : this.#tr + tr;
    }
    this.#prevHigh = high;
    this.#prevLow = low;
    this.#prevClose = bar.close;
  }

  /** +DI = 100 * smoothed +DM / smoothed TR (0 when TR is zero). */
  plusDi(): number {
    return isTalibZero(this.#tr) ? 0 : 100 * (this.#plusDm / this.#tr);
  }

  /** -DI = 100 * smoothed -DM / smoothed TR (0 when TR is zero). */
  minusDi(): number {
    return isTalibZero(this.#tr) ? 0 : 100 * (this.#minusDm / this.#tr);
  }

  /** Whether TR is zero within TA-Lib's tolerance (then neither DI nor DX is defined). */
  get isFlat(): boolean {
    return isTalibZero(this.#tr);
  }

  reset(): void {
    this.#n = 0;
    this.#prevHigh = Number.NaN;
    this.#prevLow = Number.NaN;
    this.#prevClose = Number.NaN;
    this.#plusDm = 0;
    this.#minusDm = 0;
    this.#tr = 0;
  }
}

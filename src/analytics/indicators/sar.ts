import { batchBars, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** Raises `v` to at least `a` and `b` with TA-Lib's sequential comparisons. */
function atLeast(v: number, a: number, b: number): number {
  if (v < a) v = a;
  if (v < b) v = b;
  return v;
}

/** Lowers `v` to at most `a` and `b` with TA-Lib's sequential comparisons. */
function atMost(v: number, a: number, b: number): number {
  if (v > a) v = a;
  if (v > b) v = b;
  return v;
}

function checkFactor(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

/**
 * Parabolic SAR (Wilder 1978), bootstrapped as TA-Lib does: the first bar is consumed; the trade
 * on the second bar is short when the first two bars' -DM is positive (a down move larger than the
 * up move), long otherwise (ties go long), with the first bar's low (long) or high (short) as the
 * initial SAR and the second bar's high (long) or low (short) as the extreme point. Each bar the
 * SAR moves by af * (ep - sar) and is kept outside the previous and current bars' range; when a bar
 * penetrates it the trade reverses, the SAR becomes the old extreme point (clamped the same way),
 * af restarts at `acceleration` and grows by it with each new extreme up to `maximum`. An
 * acceleration above the maximum is lowered to the maximum.
 * @see J. Welles Wilder, New Concepts in Technical Trading Systems (1978)
 * @see TA-Lib TA_SAR(high, low, acceleration, maximum) (lookback 1)
 */
export class Sar extends Indicator<OhlcvBar> {
  readonly warmup = 2;
  readonly outputs = ['sar'] as const;
  readonly acceleration: number;
  readonly maximum: number;
  #n = 0;
  #isLong = true;
  #af = 0;
  #ep = 0;
  #sar = 0;
  #high = 0;
  #low = 0;
  #out = Number.NaN;

  constructor(acceleration = 0.02, maximum = 0.2) {
    super();
    this.maximum = checkFactor('sar maximum', maximum);
    this.acceleration = Math.min(checkFactor('sar acceleration', acceleration), maximum);
  }

  protected step(bar: OhlcvBar): void {
    const n = this.#n++;
    if (n === 0) {
      this.#high = bar.high;
      this.#low = bar.low;
      return;
    }
    if (n === 1) this.#start(bar);
    const prevHigh = this.#high;
    const prevLow = this.#low;
    const high = bar.high;
    const low = bar.low;
    this.#high = high;
    this.#low = low;
    const acc = this.acceleration;
    let sar = this.#sar;
    if (this.#isLong) {
      if (low <= sar) {
        // Reversal to short: the SAR jumps to the old extreme point, kept above both bars' highs.
        this.#isLong = false;
        sar = atLeast(this.#ep, prevHigh, high);
        this.#out = sar;
        this.#af = acc;
        this.#ep = low;
        sar = atLeast(sar + this.#af * (this.#ep - sar), prevHigh, high);
      } else {
        this.#out = sar;
        if (high > this.#ep) {
          this.#ep = high;
          this.#af += acc;
          if (this.#af > this.maximum) this.#af = this.maximum;
        }
        sar = atMost(sar + this.#af * (this.#ep - sar), prevLow, low);
      }
    } else if (high >= sar) {
      // Reversal to long: the SAR jumps to the old extreme point, kept below both bars' lows.
      this.#isLong = true;
      sar = atMost(this.#ep, prevLow, low);
      this.#out = sar;
      this.#af = acc;
      this.#ep = high;
      sar = atMost(sar + this.#af * (this.#ep - sar), prevLow, low);
    } else {
      this.#out = sar;
      if (low < this.#ep) {
        this.#ep = low;
        this.#af += acc;
        if (this.#af > this.maximum) this.#af = this.maximum;
      }
      sar = atLeast(sar + this.#af * (this.#ep - sar), prevHigh, high);
    }
    this.#sar = sar;
  }

  /** TA-Lib's bootstrap on the second bar; the first iteration then sees this bar as its own previous one. */
  #start(bar: OhlcvBar): void {
    const upMove = bar.high - this.#high;
    const downMove = this.#low - bar.low;
    const minusDm = downMove > 0 && upMove < downMove ? downMove : 0;
    this.#isLong = !(minusDm > 0);
    this.#sar = this.#isLong ? this.#low : this.#high;
    this.#ep = this.#isLong ? bar.high : bar.low;
    this.#af = this.acceleration;
    this.#high = bar.high;
    this.#low = bar.low;
  }

  protected current(): number {
    return this.#out;
  }

  protected clear(): void {
    this.#n = 0;
    this.#isLong = true;
    this.#af = 0;
    this.#ep = 0;
    this.#sar = 0;
    this.#high = 0;
    this.#low = 0;
    this.#out = Number.NaN;
  }
}

export function sar(cols: OhlcvColumns, acceleration = 0.02, maximum = 0.2): Float64Array {
  return batchBars(new Sar(acceleration, maximum), cols)[0] as Float64Array;
}

export const sarDef: IndicatorDef = {
  key: 'sar',
  title: 'Parabolic SAR',
  input: 'bar',
  params: [
    { name: 'acceleration', default: 0.02, min: 0, integer: false },
    { name: 'maximum', default: 0.2, min: 0, integer: false },
  ],
  outputs: ['sar'],
  talib: 'SAR',
  source: 'Wilder 1978, New Concepts in Technical Trading Systems; TA-Lib TA_SAR (first-bar -DM direction rule)',
  create: ([acceleration, maximum]) => new Sar(acceleration, maximum),
};

/**
 * Population standard deviation of the last `window` values, with Welford-style add/remove on a
 * ring buffer (no running-sum drift over long minute series). NaN until `window` values; NaN
 * inputs are skipped.
 */
export class RollingStd {
  readonly #buf: Float64Array;
  #n = 0;
  #i = 0;
  #mean = 0;
  #m2 = 0;

  constructor(window: number) {
    this.#buf = new Float64Array(window);
  }

  update(x: number): number {
    if (Number.isNaN(x)) return this.value;
    const w = this.#buf.length;
    if (this.#n < w) {
      this.#n++;
      const d = x - this.#mean;
      this.#mean += d / this.#n;
      this.#m2 += d * (x - this.#mean);
    } else {
      const old = this.#buf[this.#i] as number;
      const mean = this.#mean + (x - old) / w;
      this.#m2 += (x - old) * (x - mean + old - this.#mean);
      this.#mean = mean;
    }
    this.#buf[this.#i] = x;
    this.#i = (this.#i + 1) % w;
    return this.value;
  }

  get value(): number {
    const w = this.#buf.length;
    return this.#n < w ? NaN : Math.sqrt(Math.max(0, this.#m2 / w));
  }
}

/**
 * A seeded random stream for the ML code (sequential bootstrap, shuffled folds, synthetic
 * tests): the same seed gives the same draws on every machine. src/core has no generator and
 * ml/ may not import the synthetic venue's one (eslint-rules/import-direction.js), so this is
 * the same algorithm kept here.
 *
 * @see D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 *   2021 (xoshiro128**, https://prng.di.unimi.it/xoshiro128starstar.c).
 * @see S. Vigna, splitmix (http://prng.di.unimi.it/splitmix64.c), in its 32-bit form, to fill
 *   the state from one integer seed.
 */
import { checkInteger } from './check.js';

const TWO_POW_32 = 4_294_967_296;

export class SeededRandom {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** `seed`: any whole number in 0..2^32 - 1. */
  constructor(seed: number) {
    checkInteger('seed', seed, 0, TWO_POW_32 - 1);
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A whole number uniform on [0, n). */
  index(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal deviate (Box-Muller; one uniform pair per deviate, so streams stay simple). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Fisher-Yates shuffle of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.index(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

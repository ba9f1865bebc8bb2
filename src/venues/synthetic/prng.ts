/**
 * Seeded pseudo-random numbers for the synthetic provider: xoshiro128** streams keyed by 64-bit
 * hashes, so each (seed, symbol, purpose) or (seed, symbol, session) has its own reproducible
 * stream that does not depend on what else was generated before.
 *
 * @see D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 *   2021 (xoshiro128**, https://prng.di.unimi.it/xoshiro128starstar.c).
 * @see A. Appleby, MurmurHash3 `fmix32` finalizer (public domain), used to mix keys into states.
 * @see G. Box, M. Muller, "A note on the generation of random normal deviates", Ann. Math.
 *   Statist. 29(2), 1958.
 */

const TWO_PI = 2 * Math.PI;
const TWO_POW_32 = 4_294_967_296;

/** MurmurHash3's 32-bit finalizer: a bijection that spreads every input bit over the output. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 64-bit key as two 32-bit words. */
export type Key = readonly [number, number];

/** Two independent 32-bit FNV-1a hashes of the text (different offset bases), finalized: a 64-bit key. */
export function keyOf(text: string): Key {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [fmix32(a), fmix32(b ^ text.length)];
}

/** A key derived from another and an integer (e.g. a day number), without building strings. */
export function deriveKey(key: Key, n: number): Key {
  const m = fmix32((n | 0) ^ 0x9e3779b9);
  return [fmix32(key[0] ^ m), fmix32((key[1] + Math.imul(m, 0x27d4eb2f)) | 0)];
}

/** xoshiro128**: 128-bit state, period 2^128 - 1, fast with `Math.imul` on 32-bit integers. */
export class Xoshiro128 {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare = 0;
  #hasSpare = false;

  /** A stream whose state is filled from the 64-bit key (never the all-zero state). */
  constructor(key: Key) {
    this.#s0 = fmix32(key[0] ^ 0x243f6a88) | 0;
    this.#s1 = fmix32(key[1] ^ 0x85a308d3) | 0;
    this.#s2 = fmix32((key[0] + 0x13198a2e) ^ key[1]) | 0;
    this.#s3 = fmix32((key[1] + 0x03707344) ^ fmix32(key[0])) | 0;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** A stream with an explicit state (not all zero), as in the reference implementation. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    const g = new Xoshiro128([0, 0]);
    g.#s0 = s0 | 0;
    g.#s1 = s1 | 0;
    g.#s2 = s2 | 0;
    g.#s3 = s3 | 0;
    return g;
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

  /** Uniform on the open interval (0, 1): never 0, so `Math.log` of it is finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Standard normal (Box-Muller; the second deviate of each pair is kept for the next call). */
  normal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = TWO_PI * this.uniform();
    this.#spare = r * Math.sin(theta);
    this.#hasSpare = true;
    return r * Math.cos(theta);
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(this.uniform());
  }

  /** Uniform on [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Log-uniform on [lo, hi) (both > 0). */
  logBetween(lo: number, hi: number): number {
    return Math.exp(this.between(Math.log(lo), Math.log(hi)));
  }

  /** Integer uniform on [0, n). */
  index(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

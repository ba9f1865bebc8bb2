/**
 * expf as GNU libc computes it, so XGBoost's float32 sigmoid (`1.0f / (1.0f + expf(-x))`) is
 * reproduced to the bit on Linux builds. libc's expf is not correctly rounded: rounding
 * `Math.exp` to float32 differs from it in about 1 value in 6,000. Its method: exp(x) =
 * 2^(k/32) * 2^(r/32) with k = round(x * 32 / ln 2), 2^(k/32) from a 32-entry table of
 * correctly rounded powers of two, and 2^(r/32) from a cubic, all in double, rounded once to
 * float at the end. The cubic's coefficients are libc's. Checked against libc's expf over 10^8
 * sampled floats (scripts/ml-import-fixtures/README.md).
 * @see glibc sysdeps/ieee754/flt-32/e_expf.c (from Arm's optimized-routines)
 */

/** A double from its C99 hex form `1.hhhh...p±e` (JavaScript has no hex float literals). */
function hexDouble(mantissa: string, exponent: number): number {
  const digits = mantissa.replace('.', '');
  return (parseInt(digits, 16) / 16 ** (digits.length - 1)) * 2 ** exponent;
}

const N = 32;
/** 1.5 * 2^52: adding it rounds a double below 2^51 in magnitude to an integer, ties to even. */
const SHIFT = 6755399441055744;
const INV_LN2_N = Math.LOG2E * N;
const C0 = hexDouble('1.c6af84b912394', -5) / N / N / N;
const C1 = hexDouble('1.ebfce50fac4f3', -3) / N / N;
const C2 = hexDouble('1.62e42ff0c52d6', -1) / N;
/** log(2^128) and log(2^-150) as floats: past them expf overflows to Infinity or underflows to 0. */
const OVERFLOW = hexDouble('1.62e42e', 6);
const UNDERFLOW = -hexDouble('1.9fe368', 6);

/** 2^(i/32) for i in [0, 32), each correctly rounded to double (found exactly with integers). */
const TABLE = Float64Array.from({ length: N }, (_, i) => {
  // m / 2^52 is the nearest double to 2^(i/32) when (2m - 1)^32 < 2^(i + 53 * 32) < (2m + 1)^32.
  const target = 1n << BigInt(i + 53 * 32);
  const guess = Math.round(2 ** (i / N) * 2 ** 52);
  for (const m of [guess - 1, guess, guess + 1]) {
    const two = 2n * BigInt(m);
    if ((two - 1n) ** 32n < target && target < (two + 1n) ** 32n) return m / 2 ** 52;
  }
  throw new Error(`no double found for 2^(${i}/32)`);
});

/** libc's expf of a float32 value `x`, as a float32 value. */
export function expf(x: number): number {
  if (x !== x) return x;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const z = INV_LN2_N * x;
  const k = z + SHIFT - SHIFT;
  const r = z - k;
  const i = k & (N - 1);
  const s = (TABLE[i] as number) * 2 ** ((k - i) / N);
  const p = C0 * r + C1;
  const y = (p * (r * r) + (C2 * r + 1)) * s;
  return Math.fround(y);
}

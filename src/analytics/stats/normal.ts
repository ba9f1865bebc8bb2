/**
 * The standard normal distribution: CDF and quantile, to double precision, for the Sharpe ratio
 * inference of psr.ts and dsr.ts.
 */

const LOG_SQRT_2PI = 0.9189385332046728;

/**
 * Standard normal CDF by the Taylor series of G. Marsaglia, "Evaluating the Normal Distribution",
 * Journal of Statistical Software 11(4), 2004: Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...).
 * Absolute error below 1e-15; outside ±8.5 the result is 0 or 1 (Φ(-8.5) ≈ 1e-17).
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -8.5) return 0;
  if (x > 8.5) return 1;
  const q = x * x;
  let sum = x;
  let term = x;
  let prev = 0;
  for (let i = 3; sum !== prev; i += 2) {
    prev = sum;
    term *= q / i;
    sum += term;
  }
  return 0.5 + sum * Math.exp(-0.5 * q - LOG_SQRT_2PI);
}

// P. J. Acklam's rational approximation of the normal quantile (relative error 1.15e-9),
// refined by one Halley step on normCdf to full double precision.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function poly(c: readonly number[], x: number): number {
  let s = 0;
  for (const k of c) s = s * x + k;
  return s;
}

/** Inverse standard normal CDF; -Infinity at 0, Infinity at 1, NaN outside [0, 1]. */
export function normInv(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = poly(C, q) / (poly(D, q) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x = (poly(A, r) * q) / (poly(B, r) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -poly(C, q) / (poly(D, q) * q + 1);
  }
  if (x > -8 && x < 8) {
    const e = normCdf(x) - p;
    const u = e * Math.exp(0.5 * x * x + LOG_SQRT_2PI);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

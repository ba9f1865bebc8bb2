/**
 * Return statistics over plain arrays, in empyrical's conventions (quantopian/empyrical,
 * empyrical/stats.py): simple returns, sample standard deviation (ddof = 1), annualisation by
 * the number of periods per year, a constant per-period risk-free rate. Each function returns
 * NaN where the statistic is undefined; `performance.ts` turns that into null with a reason.
 */

/**
 * Simple returns of an equity curve whose value before the first row was `initial`:
 * r[0] = e[0] / initial - 1, r[i] = e[i] / e[i-1] - 1. One return per row, so the compounded
 * returns equal equity / initial (empyrical's cumulative curve also starts before the first return).
 */
export function simpleReturns(equity: ArrayLike<number>, initial: number): Float64Array {
  const n = equity.length;
  const r = new Float64Array(n);
  let prev = initial;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    r[i] = e / prev - 1;
    prev = e;
  }
  return r;
}

export function mean(x: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]!;
  return s / n;
}

/**
 * Sample standard deviation (ddof = 1), two-pass; NaN for fewer than two values. Exactly 0 when
 * every value is the same (the computed mean of equal values can be an ulp off, which would
 * leave a spurious ~1e-18 deviation and a huge Sharpe ratio).
 */
export function sampleStd(x: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  if (n < 2) return NaN;
  const first = x[from]!;
  let isConstant = true;
  for (let i = from + 1; i < to && isConstant; i++) isConstant = x[i] === first;
  if (isConstant) return Number.isFinite(first) ? 0 : NaN;
  const m = mean(x, from, to);
  let ss = 0;
  for (let i = from; i < to; i++) ss += (x[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Annualised volatility: sampleStd * sqrt(periodsPerYear). */
export function annualVolatility(r: ArrayLike<number>, periodsPerYear: number): number {
  return sampleStd(r) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sharpe ratio: mean(r - rf) / std(r - rf, ddof=1) * sqrt(P) (empyrical sharpe_ratio).
 * NaN for fewer than two returns or zero variance.
 */
export function sharpe(r: ArrayLike<number>, periodsPerYear: number, riskFree = 0, from = 0, to = r.length): number {
  const sd = sampleStd(r, from, to);
  if (!(sd > 0)) return NaN;
  return ((mean(r, from, to) - riskFree) / sd) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised downside deviation (empyrical downside_risk): sqrt(mean(min(r - required, 0)^2))
 * * sqrt(P), the mean taken over ALL periods (zeros included), not only the losing ones.
 */
export function downsideRisk(r: ArrayLike<number>, periodsPerYear: number, required = 0): number {
  const n = r.length;
  if (n === 0) return NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - required;
    if (d < 0) ss += d * d;
  }
  return Math.sqrt(ss / n) * Math.sqrt(periodsPerYear);
}

/** Sortino ratio (empyrical sortino_ratio): mean(r - required) * P / downsideRisk. NaN when no downside. */
export function sortino(r: ArrayLike<number>, periodsPerYear: number, required = 0): number {
  const dr = downsideRisk(r, periodsPerYear, required);
  if (!(dr > 0)) return NaN;
  return ((mean(r) - required) * periodsPerYear) / dr;
}

/**
 * CAGR as empyrical annual_return / cagr: ending ** (1 / years) - 1 with ending = the compounded
 * growth and years = number of returns / P. NaN when ending <= 0 (a power of a loss of more
 * than everything has no real value).
 */
export function cagr(ending: number, periods: number, periodsPerYear: number): number {
  if (periods < 1 || !(ending > 0)) return NaN;
  return ending ** (periodsPerYear / periods) - 1;
}

export interface DrawdownStats {
  /** Most negative equity / running peak - 1 (0 when never below a peak). */
  readonly maxDrawdown: number;
  /** Longest time under water, peak to recovery (or to the last row), in ms. */
  readonly maxDurationMs: number;
  /** Longest spell under water in rows (the initial value's peak counts as row 0, like its time). */
  readonly maxDurationPeriods: number;
}

/**
 * Drawdowns of an equity curve whose high-water mark starts at `initial` (empyrical
 * max_drawdown prepends the starting value). The peak of the initial value is dated at the
 * first row's time. A spell under water lasts from the time of its peak to the first row back
 * at or above that peak, or to the last row when it never recovers.
 */
export function drawdownStats(equity: ArrayLike<number>, ts: ArrayLike<number>, initial: number): DrawdownStats {
  const n = equity.length;
  let peak = initial;
  let peakTs = n > 0 ? ts[0]! : 0;
  let peakRow = 0;
  let maxDd = 0;
  let maxDur = 0;
  let maxRows = 0;
  let isUnder = false;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const t = ts[i]!;
    if (e >= peak) {
      if (isUnder) {
        maxDur = Math.max(maxDur, t - peakTs);
        maxRows = Math.max(maxRows, i - peakRow);
      }
      isUnder = false;
      peak = e;
      peakTs = t;
      peakRow = i;
      continue;
    }
    isUnder = true;
    const dd = e / peak - 1;
    if (dd < maxDd) maxDd = dd;
    maxDur = Math.max(maxDur, t - peakTs);
    maxRows = Math.max(maxRows, i - peakRow);
  }
  return { maxDrawdown: maxDd, maxDurationMs: maxDur, maxDurationPeriods: maxRows };
}

/**
 * Beta and alpha against benchmark returns (empyrical beta_aligned / alpha_aligned): pairs with a
 * NaN on either side are dropped; beta = cov(r - rf, b) / var(b), both with ddof = 0 (which
 * cancels); alpha = (1 + mean(r - rf - beta (b - rf))) ** P - 1. NaN with fewer than two pairs
 * or a benchmark variance below 1e-30 (empyrical's threshold).
 */
export function alphaBeta(
  r: ArrayLike<number>,
  b: ArrayLike<number>,
  periodsPerYear: number,
  riskFree = 0,
): { alpha: number; beta: number; pairs: number } {
  const [x, y] = pairs(r, b);
  const n = x.length;
  if (n < 2) return { alpha: NaN, beta: NaN, pairs: n };
  const mx = mean(x);
  const my = mean(y);
  let cov = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    cov += (x[i]! - mx) * (y[i]! - my);
    vy += (y[i]! - my) ** 2;
  }
  if (Math.abs(vy / n) < 1e-30) return { alpha: NaN, beta: NaN, pairs: n };
  const beta = cov / vy;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! - riskFree - beta * (y[i]! - riskFree);
  return { alpha: (1 + s / n) ** periodsPerYear - 1, beta, pairs: n };
}

/**
 * Annualised information ratio: mean(r - b) / std(r - b, ddof=1) * sqrt(P). empyrical's
 * excess_sharpe (its former information_ratio) is the same without the sqrt(P) factor.
 */
export function informationRatio(r: ArrayLike<number>, b: ArrayLike<number>, periodsPerYear: number): number {
  const [x, y] = pairs(r, b);
  const active = x.map((v, i) => v - y[i]!);
  const sd = sampleStd(active);
  if (!(sd > 0)) return NaN;
  return (mean(active) / sd) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised tracking error (empyrical tracking_error): std(r − b, ddof=1) · √P over the pairs
 * where both returns are finite. NaN with fewer than two pairs.
 */
export function trackingError(r: ArrayLike<number>, b: ArrayLike<number>, periodsPerYear: number): number {
  const [x, y] = pairs(r, b);
  return sampleStd(x.map((v, i) => v - y[i]!)) * Math.sqrt(periodsPerYear);
}

/** Pairs (r[i], b[i]) where both are finite. */
function pairs(r: ArrayLike<number>, b: ArrayLike<number>): [Float64Array, Float64Array] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(r.length, b.length); i++) {
    if (Number.isFinite(r[i]!) && Number.isFinite(b[i]!)) {
      xs.push(r[i]!);
      ys.push(b[i]!);
    }
  }
  return [Float64Array.from(xs), Float64Array.from(ys)];
}

/** Sharpe over each trailing window of `window` returns (NaN before the window fills or at zero variance). */
export function rollingSharpe(
  r: ArrayLike<number>,
  window: number,
  periodsPerYear: number,
  riskFree = 0,
): Float64Array {
  const out = new Float64Array(r.length).fill(NaN);
  for (let i = window - 1; i < r.length; i++) out[i] = sharpe(r, periodsPerYear, riskFree, i - window + 1, i + 1);
  return out;
}

/** Population skewness and (non-excess) kurtosis, the moments of the PSR formula. */
export function moments(x: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = x.length;
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0) || sampleStd(x) === 0) return { skew: NaN, kurtosis: NaN };
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

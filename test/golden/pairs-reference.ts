/**
 * An independent reference for the pairs golden runs: the textbook formulas recomputed from
 * scratch at every row (no ring buffers, no shared code with src/): the OLS slope of A on B over
 * the last `window` rows, the spread A - beta B, its z-score against the last `zWindow` spreads
 * (population standard deviation), the relative momentum, and the entry/exit state machine.
 */
import type { RawBars } from '../support/raw-bars.js';

export interface PairRow {
  readonly date: string;
  readonly beta: number;
  readonly spread: number;
  readonly z: number;
  readonly mom: number;
}

export interface SideChange {
  readonly date: string;
  /** +1 long spread, -1 short spread, 0 flat. */
  readonly side: number;
  readonly z: number;
  readonly beta: number;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The pair series over the rows of `a` and `b` on their common dates from `from` on. */
export function pairRows(a: RawBars, b: RawBars, from: string, window = 60, zWindow = 60, momentum = 60): PairRow[] {
  const inB = new Set(b.date);
  const dates = a.date.filter((d) => d >= from && inB.has(d));
  const A = dates.map((d) => a.close[a.row(d)] as number);
  const B = dates.map((d) => b.close[b.row(d)] as number);
  const spreads: number[] = [];
  return dates.map((date, t) => {
    let beta = NaN;
    let spread = NaN;
    if (t >= window - 1) {
      const x = B.slice(t - window + 1, t + 1);
      const y = A.slice(t - window + 1, t + 1);
      const mx = mean(x);
      const my = mean(y);
      const sxy = x.reduce((s, xi, i) => s + (xi - mx) * ((y[i] as number) - my), 0);
      const sxx = x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
      beta = sxy / sxx;
      spread = (A[t] as number) - beta * (B[t] as number);
      spreads.push(spread);
    }
    let z = NaN;
    if (spreads.length >= zWindow) {
      const last = spreads.slice(-zWindow);
      const m = mean(last);
      const sd = Math.sqrt(last.reduce((s, v) => s + (v - m) ** 2, 0) / zWindow);
      z = (spread - m) / sd;
    }
    const mom = t >= momentum ? (A[t] as number) / (A[t - momentum] as number) - (B[t] as number) / (B[t - momentum] as number) : NaN; // prettier-ignore
    return { date, beta, spread, z, mom };
  });
}

/** Where the spread side changes: mean reversion trades against |z| > entry, momentum with it. */
export function sideChanges(
  rows: readonly PairRow[],
  rule: 'mean-reversion' | 'momentum',
  entry = 2,
  exit = 0.5,
): SideChange[] {
  const out: SideChange[] = [];
  let side = 0;
  for (const r of rows) {
    if (Number.isNaN(r.z)) continue;
    let want = Math.abs(r.z) < exit ? 0 : side;
    if (rule === 'mean-reversion') {
      if (r.z > entry) want = -1;
      else if (r.z < -entry) want = 1;
    } else if (r.z > entry && r.mom > 0) want = 1;
    else if (r.z < -entry && r.mom < 0) want = -1;
    if (want !== side) out.push({ date: r.date, side: want, z: r.z, beta: r.beta });
    side = want;
  }
  return out;
}

import type { Bar } from '../../../src/core/bar.js';
import type { Timeframe } from '../../../src/core/enums.js';
import { dateToTs } from '../../../src/data/schema.js';
import type { SyntheticProvider } from '../../../src/venues/synthetic/index.js';
import { collect } from '../../contracts/data-provider.contract.js';

/** Bars with from <= date < to (dates as YYYY-MM-DD, at 00:00 UTC). */
export async function bars(
  provider: SyntheticProvider,
  symbol: string,
  timeframe: Timeframe,
  from: string,
  to: string,
): Promise<Bar[]> {
  return (await collect(provider, { symbol, timeframe, start: dateToTs(from), end: dateToTs(to) })).bars;
}

/** Close-to-close log returns. */
export function logReturns(series: readonly Bar[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < series.length; i++) out.push(Math.log((series[i] as Bar).close / (series[i - 1] as Bar).close));
  return out;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Population variance. */
export function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    c += da * db;
    va += da * da;
    vb += db * db;
  }
  return c / Math.sqrt(va * vb);
}

/** Sample excess kurtosis (moment estimator): 0 for a normal distribution. */
export function excessKurtosis(xs: readonly number[]): number {
  const m = mean(xs);
  const v = mean(xs.map((x) => (x - m) ** 2));
  return mean(xs.map((x) => (x - m) ** 4)) / (v * v) - 3;
}

/** Lag-k sample autocorrelation. */
export function autocorrelation(xs: readonly number[], lag: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] as number) - m;
    den += d * d;
    if (i >= lag) num += d * ((xs[i - lag] as number) - m);
  }
  return num / den;
}

/** True when the number is a whole number of cents (what a cent-rounded price reads back as). */
export function isCents(x: number): boolean {
  return Math.round(x * 100) / 100 === x;
}

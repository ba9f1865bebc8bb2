import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignBenchmark } from '../../../src/analytics/features/cross-asset.js';
import type { FeatureInput } from '../../../src/analytics/features/feature.js';
import { SHARED_DATA } from '../../support/paths.js';

/** Mutable bar columns (tests replace parts of them). */
export type Cols = { -readonly [K in 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume']: Float64Array };

/** Daily bars of one of the shared Yahoo sample files (backtrader's datas/), first `n` rows. */
export function yahooColumns(file: string, n = Infinity): Cols {
  const rows = readFileSync(join(SHARED_DATA, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1, n === Infinity ? undefined : n + 1)
    .map((l) => l.split(','));
  const col = (i: number): Float64Array => Float64Array.from(rows, (r) => Number(r[i]));
  return {
    ts: Float64Array.from(rows, (r) => Date.parse(`${r[0]}T00:00:00Z`)),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(6),
  };
}

/** ORCL's first n bars with NVDA's closes aligned by date as the benchmark (NaN before NVDA's IPO in 1999). */
export function orclWithNvda(n: number): FeatureInput {
  const orcl = yahooColumns('orcl-1995-2014.txt', n);
  const nvda = yahooColumns('nvda-1999-2014.txt');
  return { ...orcl, benchmarkClose: alignBenchmark(orcl.ts, nvda.ts, nvda.close), periodsPerYear: 252 };
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills bars [from, to) of `cols` (and `bench` when given) with a seeded random walk continuing
 * from bar from - 1 (or 100 at the start): valid OHLC (low <= open, close <= high), positive volume.
 */
export function fillRandomWalk(cols: Cols, from: number, seed: number, bench?: Float64Array): void {
  const rnd = prng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  let c = from > 0 ? (cols.close[from - 1] as number) : 100;
  let b =
    bench !== undefined && from > 0 && !Number.isNaN(bench[from - 1] as number) ? (bench[from - 1] as number) : 50;
  for (let i = from; i < cols.close.length; i++) {
    const m = 0.012 * gauss();
    const o = c * Math.exp(0.004 * gauss());
    c = o * Math.exp(0.015 * gauss() + 0.8 * m);
    cols.open[i] = o;
    cols.close[i] = c;
    cols.high[i] = Math.max(o, c) * (1 + 0.01 * rnd());
    cols.low[i] = Math.min(o, c) * (1 - 0.01 * rnd());
    cols.volume[i] = Math.round(1e6 * (0.5 + rnd()));
    if (bench !== undefined) {
      b *= Math.exp(m + 0.005 * gauss());
      bench[i] = b;
    }
  }
}

/** A seeded random-walk input of n daily bars with a correlated benchmark on every bar. */
export function randomWalkInput(n: number, seed: number): FeatureInput {
  const cols: Cols = {
    ts: Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const bench = new Float64Array(n);
  fillRandomWalk(cols, 0, seed, bench);
  return { ...cols, benchmarkClose: bench, periodsPerYear: 252 };
}

/** Bars of hand-written OHLCV rows [open, high, low, close, volume]. */
export function barsOf(rows: readonly (readonly number[])[], benchmarkClose?: readonly number[]): FeatureInput {
  const col = (i: number): Float64Array => Float64Array.from(rows, (r) => r[i] as number);
  return {
    ts: Float64Array.from(rows, (_, i) => i * 86_400_000),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: col(4),
    ...(benchmarkClose === undefined ? {} : { benchmarkClose: Float64Array.from(benchmarkClose) }),
    periodsPerYear: 252,
  };
}

/** Same value bit for bit, NaN equal to NaN. */
export const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** The same bars with no benchmark. */
export function withoutBenchmark(input: FeatureInput): FeatureInput {
  const { ts, open, high, low, close, volume, periodsPerYear } = input;
  return { ts, open, high, low, close, volume, periodsPerYear };
}

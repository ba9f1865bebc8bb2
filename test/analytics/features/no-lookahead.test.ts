import { describe, expect, it } from 'vitest';
import type { FeatureInput } from '../../../src/analytics/features/feature.js';
import { computeFeatures, FEATURE_SETS } from '../../../src/analytics/features/registry.js';
import { type Cols, fillRandomWalk, orclWithNvda, randomWalkInput, same } from './fixtures.js';

const FULL = FEATURE_SETS.full;

/** A copy of `input` whose bars after t (all of OHLCV and the benchmark) are a different random walk. */
function rewriteAfter(input: FeatureInput, t: number, seed: number): FeatureInput {
  const cols: Cols = {
    ts: input.ts,
    open: Float64Array.from(input.open),
    high: Float64Array.from(input.high),
    low: Float64Array.from(input.low),
    close: Float64Array.from(input.close),
    volume: Float64Array.from(input.volume),
  };
  const bench = input.benchmarkClose === undefined ? undefined : Float64Array.from(input.benchmarkClose);
  fillRandomWalk(cols, t + 1, seed, bench);
  return { ...cols, ...(bench === undefined ? {} : { benchmarkClose: bench }), periodsPerYear: input.periodsPerYear };
}

/**
 * For every feature of `full` and every cut t: values at indices <= t are bit-identical after the
 * bars after t are replaced. Also counts, per feature, whether some value after t did change, so
 * the property is not vacuously true.
 */
function expectNoLookahead(input: FeatureInput, cuts: readonly number[]): void {
  const base = computeFeatures(input, FULL).values;
  const moved = new Set<string>();
  cuts.forEach((t, k) => {
    const after = computeFeatures(rewriteAfter(input, t, 1000 + k), FULL).values;
    FULL.forEach((def, j) => {
      const a = base[j] as Float64Array;
      const b = after[j] as Float64Array;
      for (let i = 0; i <= t; i++) {
        if (!same(a[i] as number, b[i] as number))
          expect.fail(`${def.name} at ${i} changed from ${a[i]} to ${b[i]} when bars after ${t} changed`);
      }
      for (let i = t + 1; i < a.length; i++) if (!same(a[i] as number, b[i] as number)) moved.add(def.name);
    });
  });
  expect(FULL.filter((d) => !moved.has(d.name)).map((d) => d.name)).toEqual([]);
}

/** Cut points right at and right after every feature's warm-up, plus `extra`. */
function cutsAround(extra: readonly number[], n: number): number[] {
  const cuts = new Set<number>(extra);
  for (const d of FULL) for (const t of [d.warmup, d.warmup + 1]) if (t < n - 1) cuts.add(t);
  return [...cuts].sort((a, b) => a - b);
}

describe('features never look ahead', () => {
  it('ORCL with NVDA as benchmark: every feature of full, cuts after each warm-up, mid-series and where the benchmark starts', () => {
    const input = orclWithNvda(1400);
    const nvdaStart = (input.benchmarkClose as Float64Array).findIndex((v) => !Number.isNaN(v));
    expect(nvdaStart).toBeGreaterThan(900); // NVDA listed in 1999: the benchmark has a leading NaN gap
    const cuts = cutsAround([nvdaStart + 1, nvdaStart + 60, nvdaStart + 61, 700, 1398], 1400);
    expectNoLookahead(input, cuts);
  });

  it('a seeded random walk with a benchmark on every bar: every feature of full', () => {
    expectNoLookahead(randomWalkInput(600, 7), cutsAround([300, 598], 600));
  });
});

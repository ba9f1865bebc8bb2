/**
 * FeatureStream gives at each bar, bit for bit, the value `momentic features build` writes for
 * that bar (the batch column over the whole series), for every feature of the store, and a
 * feature's value at a bar never depends on later bars.
 */
import { describe, expect, it } from 'vitest';
import {
  FEATURES,
  FeatureStream,
  WINDOWED_FEATURES,
  type FeatureInput,
} from '../../../src/analytics/features/index.js';
import { featureStep } from '../../../src/analytics/features/stream-steps.js';

/** A deterministic random walk with ranges, volumes and a benchmark. */
function walk(n: number, seed: number): FeatureInput {
  let s = seed;
  const u = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const cols = Array.from({ length: 7 }, () => new Float64Array(n));
  const [ts, open, high, low, close, volume, bench] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  let c = 50;
  let b = 100;
  for (let i = 0; i < n; i++) {
    const o = c * (1 + (u() - 0.5) * 0.01);
    c = o * (1 + (u() - 0.5) * 0.04 + 0.003 * Math.sin(i / 11));
    ts[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + u() * 0.01);
    low[i] = Math.min(o, c) * (1 - u() * 0.01);
    volume[i] = 1000 + Math.floor(u() * 5000);
    b *= 1 + (u() - 0.5) * 0.02 + 0.3 * (c / (i === 0 ? c : (close[i - 1] as number)) - 1);
    // The benchmark misses a bar now and then (NaN, as alignment leaves it).
    bench[i] = i % 97 === 5 ? Number.NaN : b;
  }
  return { ts, open, high, low, close, volume, benchmarkClose: bench, periodsPerYear: 252 };
}

function streamed(
  input: FeatureInput,
  upTo: number,
  stream = new FeatureStream(FEATURES, input.periodsPerYear),
): Float64Array[] {
  const out = FEATURES.map(() => new Float64Array(upTo));
  const row = new Float64Array(FEATURES.length);
  for (let t = 0; t < upTo; t++) {
    stream.push({
      ts: input.ts[t]!,
      open: input.open[t]!,
      high: input.high[t]!,
      low: input.low[t]!,
      close: input.close[t]!,
      volume: input.volume[t]!,
      benchmarkClose: input.benchmarkClose![t]!,
    });
    stream.latest(row);
    row.forEach((v, c) => (out[c]![t] = v));
  }
  return out;
}

/** Features whose streamed column differs from the batch column at some bar (the first such bar each). */
function mismatches(input: FeatureInput, live: Float64Array[], n: number): string[] {
  const wrong: string[] = [];
  FEATURES.forEach((d, c) => {
    const batch = d.compute(input);
    for (let t = 0; t < n; t++) {
      if (!Object.is(live[c]![t], batch[t])) {
        wrong.push(`${d.name} at bar ${t}: ${live[c]![t]} vs ${batch[t]}`);
        break;
      }
    }
  });
  return wrong;
}

describe('FeatureStream', () => {
  const N = 330;
  const input = walk(N, 11);
  const live = streamed(input, N);

  it('equals the batch column of every feature at every bar, bit for bit', () => {
    expect(mismatches(input, live, N)).toEqual([]);
    // The check is not vacuous: most features have values past their warm-up.
    const ready = FEATURES.filter((_, c) => live[c]!.some((v) => Number.isFinite(v)));
    expect(ready.map((d) => d.name)).toEqual(FEATURES.map((d) => d.name));
    expect(WINDOWED_FEATURES.size).toBeGreaterThan(30);
    for (const name of WINDOWED_FEATURES)
      expect(
        FEATURES.some((d) => d.name === name),
        name,
      ).toBe(true);
  });

  it('reads every feature over its window or carries it forward by a step: none recomputes the whole history', () => {
    const whole = FEATURES.filter((d) => !WINDOWED_FEATURES.has(d.name) && featureStep(d, 252) === undefined);
    expect(whole.map((d) => d.name)).toEqual([]);
    // The steps are the 26 recursive or running-sum features, not windowed ones given a second form.
    expect(FEATURES.filter((d) => featureStep(d, 252) !== undefined).length).toBe(26);
    expect(FEATURES.filter((d) => WINDOWED_FEATURES.has(d.name) && featureStep(d, 252) !== undefined)).toEqual([]);
  });

  it('stays equal to the batch through missing bars (NaN closes, volumes and ranges)', () => {
    const gappy = walk(N, 23);
    for (const t of [40, 41, 150, 260]) {
      gappy.close[t] = Number.NaN;
      gappy.volume[t] = Number.NaN;
    }
    gappy.high[90] = Number.NaN;
    gappy.low[200] = Number.NaN;
    gappy.open[120] = Number.NaN;
    expect(mismatches(gappy, streamed(gappy, N), N)).toEqual([]);
  });

  it('starts every step afresh after clear()', () => {
    const stream = new FeatureStream(FEATURES, input.periodsPerYear);
    streamed(walk(120, 5), 120, stream);
    stream.clear();
    expect(mismatches(input, streamed(input, N, stream), N)).toEqual([]);
  });

  it('never changes a past value when later bars change', () => {
    const cut = 290;
    const other = walk(N, 77);
    const spliced = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [
        k,
        v instanceof Float64Array
          ? Float64Array.from(v, (x, i) =>
              i < cut || k === 'ts' ? x : (other as unknown as Record<string, Float64Array>)[k]![i]! * 0.5,
            )
          : v,
      ]),
    ) as unknown as FeatureInput;
    const changed = streamed(spliced, N);
    FEATURES.forEach((d, c) => {
      expect(Array.from(changed[c]!.subarray(0, cut)), d.name).toEqual(Array.from(live[c]!.subarray(0, cut)));
    });
    // The later bars did change: some feature differs after the cut.
    expect(FEATURES.some((_, c) => changed[c]![N - 1] !== live[c]![N - 1])).toBe(true);
  });
});

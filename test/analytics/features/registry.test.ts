import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../src/core/errors.js';
import { FEATURE_FAMILIES } from '../../../src/analytics/features/feature.js';
import { canonicalJson, FEATURES_VERSION, featureSetHash } from '../../../src/analytics/features/hash.js';
import { amihud } from '../../../src/analytics/features/microstructure.js';
import { computeFeatures, FEATURE_SETS, FEATURES, featureSet } from '../../../src/analytics/features/registry.js';
import { rsiN } from '../../../src/analytics/features/trend-momentum.js';
import { REPO } from '../../support/paths.js';
import { orclWithNvda, randomWalkInput, withoutBenchmark } from './fixtures.js';

const FULL = FEATURE_SETS.full;

describe('feature registry', () => {
  it('full has at least 42 features with unique snake_case names covering all nine families', () => {
    expect(FULL.length).toBeGreaterThanOrEqual(42);
    expect(FULL).toBe(FEATURES);
    const names = FULL.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    expect(new Set(FULL.map((d) => d.family))).toEqual(new Set(FEATURE_FAMILIES));
    expect(FEATURE_FAMILIES).toHaveLength(9);
  });

  it('default is a compact subset of full touching every family', () => {
    const dflt = FEATURE_SETS.default;
    expect(dflt.length).toBeGreaterThanOrEqual(15);
    expect(dflt.length).toBeLessThanOrEqual(20);
    for (const d of dflt) expect(FULL).toContain(d);
    expect(new Set(dflt.map((d) => d.family))).toEqual(new Set(FEATURE_FAMILIES));
  });

  it('the first value of every feature is at index warmup (random walk with a benchmark on every bar)', () => {
    const table = computeFeatures(randomWalkInput(700, 3), 'full');
    FULL.forEach((def, j) => {
      const v = table.values[j] as Float64Array;
      const first = v.findIndex((x) => !Number.isNaN(x));
      expect(first, def.name).toBe(def.warmup);
    });
  });

  it('every feature starts at its warm-up and stays finite over 20 years of ORCL (benchmark features from NVDA listing + warm-up)', () => {
    const input = orclWithNvda(Infinity);
    const nvdaStart = (input.benchmarkClose as Float64Array).findIndex((v) => !Number.isNaN(v));
    const table = computeFeatures(input, 'full');
    expect(table.values[0]).toHaveLength(5036);
    FULL.forEach((def, j) => {
      const v = table.values[j] as Float64Array;
      const from = def.needsBenchmark === true ? nvdaStart + def.warmup : def.warmup;
      const first = v.findIndex((x) => !Number.isNaN(x));
      expect(first, def.name).toBe(from);
      for (let i = from; i < v.length; i++)
        if (!Number.isFinite(v[i] as number)) expect.fail(`${def.name} at ${i} is ${v[i]}`);
    });
  });

  it('without a benchmark the cross-asset columns are NaN and the others are unchanged', () => {
    const withBench = randomWalkInput(400, 11);
    const noBench = withoutBenchmark(withBench);
    const a = computeFeatures(withBench, 'full');
    const b = computeFeatures(noBench, 'full');
    FULL.forEach((def, j) => {
      const x = a.values[j] as Float64Array;
      const y = b.values[j] as Float64Array;
      if (def.needsBenchmark === true) {
        expect(def.family, def.name).toBe('cross_asset');
        expect(y.every(Number.isNaN), def.name).toBe(true);
        expect(
          x.some((v) => !Number.isNaN(v)),
          def.name,
        ).toBe(true);
      } else expect(y, def.name).toEqual(x);
    });
  });

  it('computes a named set or a list of defs, columns in order', () => {
    const input = randomWalkInput(300, 5);
    const t = computeFeatures(input, 'default');
    expect(t.columns).toEqual(FEATURE_SETS.default.map((d) => d.name));
    expect(t.values).toHaveLength(t.columns.length);
    const two = computeFeatures(input, [rsiN(14), amihud(20)]);
    expect(two.columns).toEqual(['rsi_14', 'amihud_20']);
    expect(two.values[0]).toEqual(t.values[t.columns.indexOf('rsi_14')]);
  });

  it('rejects an unknown set, a duplicate column and misaligned columns with fixable errors', () => {
    expect(() => featureSet('ful')).toThrow(UsageError);
    try {
      featureSet('ful');
    } catch (e) {
      expect((e as UsageError).hint).toContain('did you mean "full"?');
    }
    const input = randomWalkInput(50, 1);
    expect(() => computeFeatures(input, [rsiN(14), rsiN(14)])).toThrow(/rsi_14 appears twice/);
    const short = { ...input, volume: input.volume.subarray(1) };
    expect(() => computeFeatures(short, 'default')).toThrow(DataError);
    expect(() => computeFeatures({ ...input, benchmarkClose: new Float64Array(3) }, 'default')).toThrow(
      /benchmarkClose has 3 values/,
    );
    expect(() => computeFeatures({ ...input, periodsPerYear: 0 }, 'default')).toThrow(/periodsPerYear/);
  });
});

describe('feature-set hash', () => {
  it('is stable for the same definitions and matches the returned table hash', () => {
    const h = featureSetHash(FULL);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(featureSetHash([...FULL])).toBe(h);
    expect(computeFeatures(randomWalkInput(30, 2), 'full').hash).toBe(h);
    expect(featureSetHash(FEATURE_SETS.default)).not.toBe(h);
  });

  it('changes when a parameter, the order or the version changes', () => {
    const base = featureSetHash([rsiN(14), amihud(20)]);
    expect(featureSetHash([rsiN(14), amihud(20)])).toBe(base);
    expect(featureSetHash([rsiN(15), amihud(20)])).not.toBe(base);
    expect(featureSetHash([rsiN(14), amihud(20, 1e3)])).not.toBe(base); // same name, other scale
    expect(featureSetHash([amihud(20), rsiN(14)])).not.toBe(base);
    expect(featureSetHash([rsiN(14), amihud(20)], FEATURES_VERSION + 1)).not.toBe(base);
    const tweaked = { ...rsiN(14), formula: rsiN(14).formula + ' ' };
    expect(featureSetHash([tweaked, amihud(20)])).not.toBe(base);
  });

  it('hashes a canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 'x' }], u: undefined })).toBe('{"a":[{"c":"x","d":2}],"b":1}');
  });
});

describe('docs/features.md', () => {
  const doc = readFileSync(join(REPO, 'docs', 'features.md'), 'utf8');
  /** Table rows `| \`name\` ... | params | warm-up | source |` by feature name. */
  const rows = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const m = /^\| `([a-z0-9_]+)`/.exec(line);
    if (m === null) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    rows.set(m[1] as string, cells.slice(1, -1));
  }

  it('documents every feature of full once, with its family section and its warm-up', () => {
    expect([...rows.keys()].sort()).toEqual(FULL.map((d) => d.name).sort());
    for (const def of FULL) {
      const cells = rows.get(def.name) as string[];
      expect(cells[3], `${def.name} warm-up in the doc`).toBe(String(def.warmup));
      const section = doc.lastIndexOf('\n### ', doc.indexOf(`| \`${def.name}\``));
      expect(doc.slice(section + 5, doc.indexOf('\n', section + 1)), def.name).toBe(def.family);
    }
  });

  it('marks the default set and the benchmark features', () => {
    for (const def of FULL) {
      const first = (rows.get(def.name) as string[])[0] as string;
      expect(first.includes('*'), `${def.name} default marker`).toBe(FEATURE_SETS.default.includes(def));
      expect(first.includes('(b)'), `${def.name} benchmark marker`).toBe(def.needsBenchmark === true);
    }
  });
});

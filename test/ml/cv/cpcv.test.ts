import { describe, expect, it } from 'vitest';
import { binomial, combinatorialPurgedCv, cpcvPaths } from '../../../src/ml/cv/cpcv.js';
import { failure } from '../support.js';

/** n labels, sample i on bars i..i+len. */
function spans(n: number, len: number): { t0: Int32Array; t1: Int32Array } {
  return { t0: Int32Array.from({ length: n }, (_, i) => i), t1: Int32Array.from({ length: n }, (_, i) => i + len) };
}

describe('combinatorialPurgedCv (AFML 12.4)', () => {
  it('has C(N, k) splits and φ = k/N · C(N, k) paths: N = 6, k = 2 gives 15 and 5', () => {
    const plan = combinatorialPurgedCv(spans(60, 3), { groups: 6, testGroups: 2 });
    expect(plan.splits.length).toBe(15);
    expect(plan.paths).toBe(5);
    expect(plan.paths).toBe((2 / 6) * binomial(6, 2));
    expect(plan.splits.map((s) => s.testGroups.join(''))).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '12',
      '13',
      '14',
      '15',
      '23',
      '24',
      '25',
      '34',
      '35',
      '45',
    ]);
  });

  it("assigns splits to paths as AFML's Figure 12.1 (1-based: path 1 = S1 S1 S2 S3 S4 S5, path 5 = S5 S9 S12 S14 S15 S15)", () => {
    const plan = combinatorialPurgedCv(spans(60, 3), { groups: 6, testGroups: 2 });
    expect([...plan.pathSplits[0]!].map((s) => s + 1)).toEqual([1, 1, 2, 3, 4, 5]);
    expect([...plan.pathSplits[4]!].map((s) => s + 1)).toEqual([5, 9, 12, 14, 15, 15]);
    // Each path's split for a group tests that group; every (split, group) is used once.
    const used = new Set<string>();
    plan.pathSplits.forEach((row) =>
      row.forEach((s, g) => {
        expect(plan.splits[s]!.testGroups).toContain(g);
        used.add(`${s}:${g}`);
      }),
    );
    expect(used.size).toBe(15 * 2);
  });

  it('purges around every test group and embargoes only after a block of adjacent test groups', () => {
    // 30 samples on bars i..i+2 (32 bars), N = 5 groups of 6; embargo 0.1 -> h = ⌈3.2⌉ = 4 bars.
    const plan = combinatorialPurgedCv(spans(30, 2), { groups: 5, testGroups: 2, embargo: 0.1 });
    expect(plan.embargoBars).toBe(4);
    // Split (1, 2): test samples 6..17 (bars 6..19); purged 4, 5 and 18, 19; embargo bars 20..23
    // takes samples 20..23 (t0 in 20..23, none of them overlap a test label).
    const s = plan.splits.find((x) => x.testGroups.join() === '1,2')!;
    expect([...s.test]).toEqual(Array.from({ length: 12 }, (_, i) => 6 + i));
    expect([...s.purged]).toEqual([4, 5, 18, 19]);
    expect([...s.embargoed]).toEqual([20, 21, 22, 23]);
    expect([...s.train]).toEqual([0, 1, 2, 3, 24, 25, 26, 27, 28, 29]);
    // Split (1, 3): blocks 6..11 (bars 6..13) and 18..23 (bars 18..25), each with its own purge
    // and embargo: bars 14..17 take 14, 15 (16, 17 reach bar 18: purged), bars 26..29 take 26..29.
    const t = plan.splits.find((x) => x.testGroups.join() === '1,3')!;
    expect([...t.purged]).toEqual([4, 5, 12, 13, 16, 17, 24, 25]);
    expect([...t.embargoed]).toEqual([14, 15, 26, 27, 28, 29]);
  });

  it('reassembles the φ paths from the per-split test predictions', () => {
    const plan = combinatorialPurgedCv(spans(24, 1), { groups: 4, testGroups: 2 });
    // Split s predicts 100·s + i for sample i, so each value names its split.
    const preds = plan.splits.map((s) => Float64Array.from(s.test, (i) => 100 * s.index + i));
    const paths = cpcvPaths(plan, preds);
    expect(paths.length).toBe(3);
    paths.forEach((path, p) => {
      plan.groups.forEach((g, gi) => {
        for (let i = g.from; i < g.to; i++) expect(path[i]).toBe(100 * plan.pathSplits[p]![gi]! + i);
      });
    });
    // Group 0 is tested by splits 0 (0,1), 1 (0,2), 2 (0,3): paths 0, 1, 2 in that order.
    expect(paths.map((p) => Math.floor(p[0]! / 100))).toEqual([0, 1, 2]);
  });

  it('rejects k >= N, k < 1, N > samples, too many splits, and predictions that do not fit the splits', () => {
    const s = spans(30, 2);
    expect(failure(() => combinatorialPurgedCv(s, { groups: 4, testGroups: 4 }))).toBe(
      'UsageError USAGE_INVALID_OPTION testGroups',
    );
    expect(failure(() => combinatorialPurgedCv(s, { groups: 4, testGroups: 0 }))).toBe(
      'UsageError USAGE_INVALID_OPTION testGroups',
    );
    expect(failure(() => combinatorialPurgedCv(s, { groups: 31, testGroups: 2 }))).toBe(
      'UsageError USAGE_INVALID_OPTION groups',
    );
    expect(failure(() => combinatorialPurgedCv(spans(100, 1), { groups: 30, testGroups: 10 }))).toBe(
      'UsageError USAGE_INVALID_OPTION groups',
    );
    expect(failure(() => combinatorialPurgedCv(s, { groups: 4, testGroups: 2, embargo: 2 }))).toBe(
      'UsageError USAGE_INVALID_OPTION embargo',
    );
    const plan = combinatorialPurgedCv(s, { groups: 4, testGroups: 2 });
    expect(failure(() => cpcvPaths(plan, []))).toBe('DataError DATA_INVALID predictions');
    const short = plan.splits.map((x) => new Float64Array(x.test.length));
    short[3] = new Float64Array(1);
    expect(failure(() => cpcvPaths(plan, short))).toBe('DataError DATA_INVALID predictions');
  });
});

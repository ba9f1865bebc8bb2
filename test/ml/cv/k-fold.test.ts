import { describe, expect, it } from 'vitest';
import { purgedKFold, shuffledKFold } from '../../../src/ml/cv/k-fold.js';
import { SeededRandom } from '../../../src/ml/random.js';
import { failure } from '../support.js';

// Ten labels, sample i on bars i..i+2 (12 bars). embargo 0.1 -> h = ⌈1.2⌉ = 2 bars.
const ten = { t0: Int32Array.from({ length: 10 }, (_, i) => i), t1: Int32Array.from({ length: 10 }, (_, i) => i + 2) };

describe('purgedKFold (AFML 7.4)', () => {
  it('purges training labels overlapping the test fold and embargoes h bars after it (worked by hand)', () => {
    const plan = purgedKFold(ten, { folds: 5, embargo: 0.1 });
    expect(plan.embargoBars).toBe(2);
    expect(plan.groups).toEqual([
      { from: 0, to: 2 },
      { from: 2, to: 4 },
      { from: 4, to: 6 },
      { from: 6, to: 8 },
      { from: 8, to: 10 },
    ]);
    // Fold 2 tests samples 4, 5 (bars 4..7). Samples 2 [2,4], 3 [3,5], 6 [6,8], 7 [7,9] overlap
    // bars 4..7: purged. The embargo covers bars 8, 9: samples 8 [8,10] and 9 [9,11].
    const f2 = plan.splits[2]!;
    expect([...f2.test]).toEqual([4, 5]);
    expect([...f2.purged]).toEqual([2, 3, 6, 7]);
    expect([...f2.embargoed]).toEqual([8, 9]);
    expect([...f2.train]).toEqual([0, 1]);
    // Fold 0 (bars 0..3): 2, 3 purged; embargo bars 4, 5 takes 4 [4,6] and 5 [5,7].
    const f0 = plan.splits[0]!;
    expect([...f0.purged]).toEqual([2, 3]);
    expect([...f0.embargoed]).toEqual([4, 5]);
    expect([...f0.train]).toEqual([6, 7, 8, 9]);
    // The last fold has nothing after it to embargo.
    expect([...plan.splits[4]!.embargoed]).toEqual([]);
    expect([...plan.splits[4]!.train]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('without an embargo only purges', () => {
    const f2 = purgedKFold(ten, { folds: 5 }).splits[2]!;
    expect([...f2.embargoed]).toEqual([]);
    expect([...f2.train]).toEqual([0, 1, 8, 9]);
  });

  it('never trains on a label that overlaps a test label, and accounts for every sample (random spans, brute force)', () => {
    const rng = new SeededRandom(3);
    const t0 = Int32Array.from({ length: 300 }, () => rng.index(1000)).sort();
    const t1 = t0.map((a) => a + rng.index(40));
    const plan = purgedKFold({ t0, t1 }, { folds: 7, embargo: 0.02 });
    const h = plan.embargoBars;
    expect(h).toBe(Math.ceil(0.02 * plan.bars));
    const tested = new Set<number>();
    for (const s of plan.splits) {
      const all = [...s.train, ...s.test, ...s.purged, ...s.embargoed].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
      for (const i of s.test) tested.add(i);
      const overlaps = (j: number): boolean => [...s.test].some((i) => t0[j]! <= t1[i]! && t0[i]! <= t1[j]!);
      const testEnd = Math.max(...[...s.test].map((i) => t1[i]!));
      const inEmbargo = (j: number): boolean => t0[j]! <= testEnd + h && t1[j]! > testEnd;
      for (const j of s.train) expect(overlaps(j) || inEmbargo(j)).toBe(false);
      for (const j of s.purged) expect(overlaps(j)).toBe(true);
      for (const j of s.embargoed) expect(!overlaps(j) && inEmbargo(j)).toBe(true);
    }
    expect(tested.size).toBe(300);
  });

  it('rejects fewer than 2 folds, more folds than samples, an embargo outside [0, 1), t1 < t0 and unsorted samples', () => {
    expect(failure(() => purgedKFold(ten, { folds: 1 }))).toBe('UsageError USAGE_INVALID_OPTION folds');
    expect(failure(() => purgedKFold(ten, { folds: 11 }))).toBe('UsageError USAGE_INVALID_OPTION folds');
    expect(failure(() => purgedKFold(ten, { folds: 5, embargo: 1 }))).toBe('UsageError USAGE_INVALID_OPTION embargo');
    expect(failure(() => purgedKFold(ten, { folds: 5, embargo: -0.01 }))).toBe(
      'UsageError USAGE_INVALID_OPTION embargo',
    );
    expect(failure(() => purgedKFold({ t0: [0, 1, 2], t1: [2, 0, 3] }, { folds: 2 }))).toBe(
      'DataError DATA_INVALID t1',
    );
    expect(failure(() => purgedKFold({ t0: [0, 2, 1], t1: [2, 3, 3] }, { folds: 2 }))).toBe(
      'DataError DATA_INVALID t0',
    );
    expect(failure(() => purgedKFold({ t0: [0, 1], t1: [2] }, { folds: 2 }))).toBe('DataError DATA_INVALID t1');
    expect(failure(() => purgedKFold(ten, { folds: 2, bars: 5 }))).toBe('DataError DATA_INVALID t1');
  });
});

describe('shuffledKFold (the leaky reference)', () => {
  it('tests every sample once in shuffled folds, purges nothing, and repeats for a seed', () => {
    const plan = shuffledKFold(20, { folds: 4, seed: 9 });
    const tested = plan.splits.flatMap((s) => [...s.test]).sort((a, b) => a - b);
    expect(tested).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const s of plan.splits) {
      expect(s.test.length + s.train.length).toBe(20);
      expect(s.purged.length + s.embargoed.length).toBe(0);
    }
    // Shuffled: the first fold is not samples 0..4.
    expect([...plan.splits[0]!.test]).not.toEqual([0, 1, 2, 3, 4]);
    expect(shuffledKFold(20, { folds: 4, seed: 9 }).splits.map((s) => [...s.test])).toEqual(
      plan.splits.map((s) => [...s.test]),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { walkForwardSplits } from '../../../src/ml/cv/walk-forward.js';
import { failure } from '../support.js';

// Ten labels, sample i on bars i..i+1 (11 bars); embargo 0.05 -> h = ⌈0.55⌉ = 1 bar.
const ten = { t0: Int32Array.from({ length: 10 }, (_, i) => i), t1: Int32Array.from({ length: 10 }, (_, i) => i + 1) };

describe('walkForwardSplits', () => {
  it('rolls a training window before each test window, purging into the test and embargoing h bars before it', () => {
    const plan = walkForwardSplits(ten, { train: 6, test: 2, embargo: 0.05 });
    expect(plan.embargoBars).toBe(1);
    expect(plan.splits.length).toBe(2);
    const [a, b] = plan.splits;
    // Test 6, 7 (bars 6..8): sample 5 [5,6] overlaps -> purged; the embargo bar 5 takes sample 4 [4,5].
    expect([...a!.test]).toEqual([6, 7]);
    expect([...a!.purged]).toEqual([5]);
    expect([...a!.embargoed]).toEqual([4]);
    expect([...a!.train]).toEqual([0, 1, 2, 3]);
    // Test 8, 9: the rolling window holds 2..7; 7 purged, 6 embargoed.
    expect([...b!.test]).toEqual([8, 9]);
    expect([...b!.purged]).toEqual([7]);
    expect([...b!.embargoed]).toEqual([6]);
    expect([...b!.train]).toEqual([2, 3, 4, 5]);
  });

  it('anchors the training window at the first sample, steps by `step`, and cuts the last test window short', () => {
    const plan = walkForwardSplits(ten, { train: 4, test: 3, step: 2, mode: 'anchored' });
    expect(plan.splits.map((s) => [...s.test])).toEqual([
      [4, 5, 6],
      [6, 7, 8],
      [8, 9],
    ]);
    expect([...plan.splits[1]!.train]).toEqual([0, 1, 2, 3, 4]);
    expect([...plan.splits[1]!.purged]).toEqual([5]);
  });

  it('rejects a step longer than the test window and a training window that leaves nothing to test', () => {
    expect(failure(() => walkForwardSplits(ten, { train: 4, test: 2, step: 3 }))).toBe(
      'UsageError USAGE_INVALID_OPTION step',
    );
    expect(failure(() => walkForwardSplits(ten, { train: 10, test: 2 }))).toBe('UsageError USAGE_INVALID_RANGE train');
    expect(failure(() => walkForwardSplits(ten, { train: 0, test: 2 }))).toBe('UsageError USAGE_INVALID_OPTION train');
  });
});

import { describe, expect, it } from 'vitest';
import { returnAttributionWeights } from '../../../src/ml/labels/return-attribution.js';
import { timeDecay } from '../../../src/ml/labels/time-decay.js';
import { averageUniqueness, concurrency } from '../../../src/ml/labels/uniqueness.js';
import { failure } from '../support.js';

// Three overlapping labels on bars 0..4: [0, 2], [1, 3], [2, 4].
const three = { t0: [0, 1, 2], t1: [2, 3, 4] };

describe('concurrency and average uniqueness (AFML 4.3-4.4)', () => {
  it('counts the labels spanning each bar', () => {
    expect([...concurrency(three)]).toEqual([1, 2, 3, 2, 1]);
    expect([...concurrency(three, 7)]).toEqual([1, 2, 3, 2, 1, 0, 0]);
  });

  it('averages 1 / c_t over each span: 11/18, 4/9, 11/18 by hand', () => {
    const u = averageUniqueness(three);
    expect(u[0]).toBeCloseTo((1 + 1 / 2 + 1 / 3) / 3, 14); // 11/18
    expect(u[1]).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 2) / 3, 14); // 4/9
    expect(u[2]).toBeCloseTo(11 / 18, 14);
  });

  it("reproduces AFML 4.5.3's indicator matrix: labels [0, 2], [2, 3], [4, 5] have ū = 5/6, 3/4, 1", () => {
    const u = averageUniqueness({ t0: [0, 2, 4], t1: [2, 3, 5] });
    expect(u[0]).toBeCloseTo(5 / 6, 14);
    expect(u[1]).toBeCloseTo(3 / 4, 14);
    expect(u[2]).toBeCloseTo(1, 14);
  });

  it('gives labels that overlap nothing a uniqueness of 1', () => {
    expect([...averageUniqueness({ t0: [0, 3, 10], t1: [2, 9, 10] })]).toEqual([1, 1, 1]);
  });

  it('rejects a label that ends before it starts, non-integer bars and misaligned spans', () => {
    expect(failure(() => averageUniqueness({ t0: [0, 3], t1: [2, 1] }))).toBe('DataError DATA_INVALID t1');
    expect(failure(() => averageUniqueness({ t0: [0.5], t1: [2] }))).toBe('DataError DATA_INVALID t1');
    expect(failure(() => averageUniqueness({ t0: [0, 1], t1: [2] }))).toBe('DataError DATA_INVALID t1');
    expect(failure(() => concurrency(three, 4))).toBe('DataError DATA_INVALID t1');
  });
});

describe('returnAttributionWeights (AFML 4.6, snippet 4.10)', () => {
  it('weights |Σ r_t / c_t| over each span, scaled to sum to the number of labels', () => {
    // r_1 = ln 1.1, r_2 = ln 0.9, r_3 = 0, r_4 = ln 1.1; labels [0, 2], [1, 3], [3, 4]; c = 1, 2, 2, 2, 1.
    const close = [100, 110, 99, 99, 108.9];
    const spans = { t0: [0, 1, 3], t1: [2, 3, 4] };
    const a = Math.abs(Math.log(1.1) / 2 + Math.log(0.9) / 2); // r_0 = 0
    const b = Math.abs(Math.log(1.1) / 2 + Math.log(0.9) / 2 + 0 / 2);
    const c = Math.abs(0 / 2 + Math.log(1.1) / 1);
    const scale = 3 / (a + b + c);
    const w = returnAttributionWeights(spans, close);
    expect(w[0]).toBeCloseTo(a * scale, 12);
    expect(w[1]).toBeCloseTo(b * scale, 12);
    expect(w[2]).toBeCloseTo(c * scale, 12);
    // The label over the big move outweighs the two that round-tripped.
    expect(w[2]!).toBeGreaterThan(10 * w[0]!);
  });

  it('weighs every label 1 when prices never move', () => {
    expect([...returnAttributionWeights(three, [5, 5, 5, 5, 5])]).toEqual([1, 1, 1]);
  });

  it('rejects spans past the end of the prices', () => {
    expect(failure(() => returnAttributionWeights(three, [1, 2, 3]))).toBe('DataError DATA_INVALID t1');
  });
});

describe('timeDecay (AFML 4.7, snippet 4.11)', () => {
  // Cumulative uniqueness 0.5, 1, 2.
  const u = [0.5, 0.5, 1];

  it('decays linearly in cumulative uniqueness from 1 (newest) down to `oldest`', () => {
    // oldest 0.5: slope 0.5 / 2, intercept 0.5 -> 0.625, 0.75, 1.
    expect([...timeDecay(u, 0.5)]).toEqual([0.625, 0.75, 1]);
    // oldest 0: slope 1/2, intercept 0 -> 0.25, 0.5, 1.
    expect([...timeDecay(u, 0)]).toEqual([0.25, 0.5, 1]);
    expect([...timeDecay(u, 1)]).toEqual([1, 1, 1]);
  });

  it('zeroes the oldest share of the history when oldest < 0', () => {
    // oldest -0.5: slope 1 / (0.5 · 2) = 1, intercept -1 -> max(0, -0.5), 0, 1.
    expect([...timeDecay(u, -0.5)]).toEqual([0, 0, 1]);
  });

  it('rejects oldest outside (-1, 1]', () => {
    expect(failure(() => timeDecay(u, -1))).toBe('UsageError USAGE_INVALID_OPTION oldest');
    expect(failure(() => timeDecay(u, 1.5))).toBe('UsageError USAGE_INVALID_OPTION oldest');
  });
});

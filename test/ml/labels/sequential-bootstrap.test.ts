import { describe, expect, it } from 'vitest';
import {
  sampleAverageUniqueness,
  sequentialBootstrap,
  sequentialBootstrapProbabilities,
} from '../../../src/ml/labels/sequential-bootstrap.js';
import { SeededRandom } from '../../../src/ml/random.js';
import { failure } from '../support.js';

// AFML 4.5.3: t1 = pd.Series([2, 3, 5], index=[0, 2, 4]).
const afml = { t0: [0, 2, 4], t1: [2, 3, 5] };

describe('sequential bootstrap (AFML 4.5)', () => {
  it("reproduces AFML 4.5.3's draw probabilities: 1/3 each, then 5/14, 3/14, 6/14, then 5/11, 3/11, 3/11", () => {
    const first = sequentialBootstrapProbabilities(afml, []);
    for (const p of first) expect(p).toBeCloseTo(1 / 3, 14);
    // Label 2 of the book (index 1) drawn first.
    const second = sequentialBootstrapProbabilities(afml, [1]);
    expect(second[0]).toBeCloseTo(5 / 14, 14);
    expect(second[1]).toBeCloseTo(3 / 14, 14);
    expect(second[2]).toBeCloseTo(6 / 14, 14);
    // Then label 3 (index 2).
    const third = sequentialBootstrapProbabilities(afml, [1, 2]);
    expect(third[0]).toBeCloseTo(5 / 11, 14);
    expect(third[1]).toBeCloseTo(3 / 11, 14);
    expect(third[2]).toBeCloseTo(3 / 11, 14);
  });

  it('draws the same labels for the same seed and different ones for another', () => {
    const spans = randomSpans(7, 60, 200, 20);
    const a = sequentialBootstrap(spans, { seed: 11 });
    expect([...sequentialBootstrap(spans, { seed: 11 })]).toEqual([...a]);
    expect([...sequentialBootstrap(spans, { seed: 12 })]).not.toEqual([...a]);
    expect(a.length).toBe(60);
    expect(sequentialBootstrap(spans, { seed: 11, size: 5 }).length).toBe(5);
  });

  it('draws samples more unique than the standard bootstrap (the Monte Carlo of AFML 4.5.4)', () => {
    // AFML's setup (snippets 4.7-4.9: 10 labels on 100 bars, spans up to 5 bars) reports median
    // average uniqueness ~0.6 for the standard bootstrap and ~0.7 for the sequential one.
    const rng = new SeededRandom(5);
    let standard = 0;
    let sequential = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const spans = randomSpans(1000 + r, 10, 100, 5);
      const iid = Int32Array.from({ length: 10 }, () => rng.index(10));
      standard += sampleAverageUniqueness(spans, iid) / runs;
      sequential += sampleAverageUniqueness(spans, sequentialBootstrap(spans, { seed: r })) / runs;
    }
    expect(standard).toBeGreaterThan(0.52);
    expect(standard).toBeLessThan(0.63);
    expect(sequential).toBeGreaterThan(standard + 0.05);
  });

  it('averages uniqueness over the drawn sample, repeats counted (AFML snippet 4.4)', () => {
    // Drawing label 0 twice: c = 2 on its bars -> ū = 1/2 for both copies; with label 2: 1.
    expect(sampleAverageUniqueness(afml, [0, 0, 2])).toBeCloseTo((0.5 + 0.5 + 1) / 3, 14);
  });

  it('rejects a drawn index out of range and a negative size', () => {
    expect(failure(() => sequentialBootstrapProbabilities(afml, [3]))).toBe(
      'UsageError USAGE_INVALID_OPTION drawn label',
    );
    expect(failure(() => sequentialBootstrap(afml, { seed: 1, size: -1 }))).toBe(
      'UsageError USAGE_INVALID_OPTION size',
    );
  });
});

/** n labels with random starts in 0..bars-1 and lengths 1..maxLen (the setup of AFML snippet 4.7). */
function randomSpans(seed: number, n: number, bars: number, maxLen: number): { t0: Int32Array; t1: Int32Array } {
  const rng = new SeededRandom(seed);
  const t0 = Int32Array.from({ length: n }, () => rng.index(bars)).sort();
  const t1 = t0.map((a) => a + 1 + rng.index(maxLen));
  return { t0, t1 };
}

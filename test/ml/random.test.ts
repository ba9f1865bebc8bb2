import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/ml/random.js';
import { failure } from './support.js';

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs across seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (g) => () =>
          g.nextUint32()
      )(new SeededRandom(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (g) => () =>
          g.nextUint32()
      )(new SeededRandom(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (g) => () =>
          g.nextUint32()
      )(new SeededRandom(43)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and normals with mean 0, variance 1 (n = 100,000)', () => {
    const g = new SeededRandom(1);
    let su = 0;
    let sn = 0;
    let snn = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = g.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = g.normal();
      sn += z;
      snn += z * z;
    }
    // Standard errors: 0.29 / √n ≈ 0.0009 and 1 / √n ≈ 0.003; allow about 5 of them.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sn / n)).toBeLessThan(0.015);
    expect(Math.abs(snn / n - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation', () => {
    const p = new SeededRandom(3).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects a seed that is not a whole number in 0..2^32 - 1', () => {
    expect(failure(() => new SeededRandom(-1))).toBe('UsageError USAGE_INVALID_OPTION seed');
    expect(failure(() => new SeededRandom(1.5))).toBe('UsageError USAGE_INVALID_OPTION seed');
  });
});

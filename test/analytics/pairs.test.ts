import { describe, expect, it } from 'vitest';
import { buildPair } from '../../src/analytics/pairs.js';

const f = (a: number[]): Float64Array => Float64Array.from(a);

describe('pairs', () => {
  it('recovers an exact hedge ratio and gives a flat spread (rolling and static)', () => {
    const S = f([10, 11, 12, 11, 13, 14, 12, 15]);
    const L = S.map((s) => 5 + 2 * s);
    const ts = f([...S].map((_, i) => i));
    for (const hedgeMode of ['rolling', 'static'] as const) {
      const p = buildPair({ ts, closeLong: L, closeShort: S }, { window: 3, momentum: 2, hedgeMode });
      expect([...p.beta].slice(0, 2)).toEqual([NaN, NaN]);
      for (let t = 2; t < 8; t++) expect(p.beta[t]).toBeCloseTo(2, 12);
      // spread = L - 2 S = 5 exactly; its z-score has zero deviation -> NaN
      for (let t = 2; t < 8; t++) expect(p.spread[t]).toBeCloseTo(5, 12);
      expect([...p.zscore].every((z) => Number.isNaN(z))).toBe(true);
    }
  });

  it('computes returns, momentum and the z-score by hand', () => {
    const S = f([10, 10, 10, 10, 10]);
    const L = f([10, 11, 12, 12, 15]);
    const p = buildPair(
      { ts: f([0, 1, 2, 3, 4]), closeLong: L, closeShort: S },
      { window: 3, momentum: 2, hedgeMode: 'static' },
    );
    expect(p.retLong[1]).toBeCloseTo(0.1, 15);
    expect(p.retShort[1]).toBe(0);
    // mom at 2: 12/10 - 10/10 = 0.2
    expect(p.mom[2]).toBeCloseTo(0.2, 15);
    // S is constant: beta undefined (zero variance) -> NaN, no spread
    expect(p.beta[2]).toBeNaN();
  });

  it('z-scores the spread over the window (population sd)', () => {
    // S alternates so beta is defined; with window 2 the static beta from (10,12) vs (20,25): 2.5
    const S = f([10, 12, 11, 13]);
    const L = f([20, 25, 21, 30]);
    const p = buildPair(
      { ts: f([0, 1, 2, 3]), closeLong: L, closeShort: S },
      { window: 2, momentum: 1, hedgeMode: 'static' },
    );
    expect(p.beta[1]).toBeCloseTo(2.5, 12);
    const s = [NaN, 25 - 2.5 * 12, 21 - 2.5 * 11, 30 - 2.5 * 13];
    expect(p.spread[2]).toBeCloseTo(s[2] as number, 12);
    // window 2: z = (x - mean) / sd with sd = |a-b|/2 -> +-1
    expect(p.zscore[2]).toBeCloseTo(Math.sign((s[2] as number) - (s[1] as number)), 12);
    expect(p.zscore[3]).toBeCloseTo(Math.sign((s[3] as number) - (s[2] as number)), 12);
  });

  it('never looks ahead', () => {
    const n = 200;
    const S = f(Array.from({ length: n }, (_, i) => 50 + 5 * Math.sin(i / 9) + i * 0.05));
    const L = f(Array.from({ length: n }, (_, i) => 20 + 1.7 * (S[i] as number) + Math.cos(i / 4)));
    const ts = f(Array.from({ length: n }, (_, i) => i));
    const a = buildPair({ ts, closeLong: L, closeShort: S }, { hedgeMode: 'rolling' });
    const L2 = L.map((v, i) => (i > 130 ? v * 3 : v));
    const b = buildPair({ ts, closeLong: L2, closeShort: S }, { hedgeMode: 'rolling' });
    for (const k of ['beta', 'spread', 'zscore', 'mom', 'retLong'] as const) {
      for (let i = 0; i <= 130; i++) expect(Object.is(a[k][i], b[k][i])).toBe(true);
    }
  });
});

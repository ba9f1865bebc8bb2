import { describe, expect, it } from 'vitest';
import { PairSpread } from '../../src/analytics/pair-spread.js';
import { buildPair, type HedgeMode } from '../../src/analytics/pairs.js';
import { sharedBars } from '../support/raw-bars.js';

describe('PairSpread (streaming pair series)', () => {
  it('computes the hedge ratio, spread and z-score of a small example by hand', () => {
    // short leg S = 1..5, long leg L = 2, 4, 6, 9, 10; window 3.
    // Rolling: t = 2: x 1,2,3, y 2,4,6 -> beta 2, spread 6 - 2 x 3 = 0. t = 3: x 2,3,4 (mean 3),
    //   y 4,6,9 (mean 19/3): sxy = (-1)(4 - 19/3) + (1)(9 - 19/3) = 5, sxx = 2 -> beta 2.5, spread
    //   9 - 2.5 x 4 = -1.
    // Static: beta 2 from t = 0..2, kept: spreads 0, 9 - 8 = 1, 10 - 10 = 0; at t = 4 the mean of
    //   the last 3 is 1/3, the population variance ((1/3)^2 + (2/3)^2 + (1/3)^2) / 3 = 2/9, so
    //   z = (0 - 1/3) / (sqrt(2) / 3) = -1 / sqrt(2).
    const S = [1, 2, 3, 4, 5];
    const L = [2, 4, 6, 9, 10];
    const rolling = new PairSpread({ window: 3, momentum: 2 });
    const seen: number[][] = [];
    for (let t = 0; t < 5; t++) {
      rolling.update(L[t] as number, S[t] as number);
      seen.push([rolling.beta, rolling.spread]);
    }
    expect(seen[1]).toEqual([NaN, NaN]);
    expect(seen[2]?.[0]).toBeCloseTo(2, 14);
    expect(seen[2]?.[1]).toBeCloseTo(0, 14);
    expect(seen[3]?.[0]).toBeCloseTo(2.5, 14);
    expect(seen[3]?.[1]).toBeCloseTo(-1, 14);
    // momentum 2 at t = 4: 10 / 6 - 5 / 3 = 0
    expect(rolling.mom).toBeCloseTo(0, 14);
    const fixed = new PairSpread({ window: 3, hedgeMode: 'static' });
    const z: number[] = [];
    for (let t = 0; t < 5; t++) z.push(fixed.update(L[t] as number, S[t] as number));
    expect(fixed.beta).toBeCloseTo(2, 14);
    expect(z.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(z[4]).toBeCloseTo(-1 / Math.SQRT2, 14);
  });

  it('gives the same numbers as buildPair over ORCL and NVDA 1999-2014 (rolling and static)', () => {
    const orcl = sharedBars('orcl-1995-2014.txt');
    const nvda = sharedBars('nvda-1999-2014.txt');
    const o0 = orcl.row(nvda.date[0] as string);
    const n = nvda.date.length;
    const closeLong = Float64Array.from(orcl.close.slice(o0, o0 + n));
    const closeShort = Float64Array.from(nvda.close);
    for (const hedgeMode of ['rolling', 'static'] as HedgeMode[]) {
      const batch = buildPair(
        { ts: new Float64Array(n), closeLong, closeShort },
        { window: 60, momentum: 60, hedgeMode },
      );
      const s = new PairSpread({ window: 60, momentum: 60, hedgeMode });
      let checked = 0;
      const differ: string[] = [];
      for (let t = 0; t < n; t++) {
        const z = s.update(closeLong[t] as number, closeShort[t] as number);
        if (!Object.is(z, batch.zscore[t])) differ.push(`z at ${t}`);
        if (t >= 59 && !(s.beta === batch.beta[t] && s.spread === batch.spread[t])) differ.push(`beta at ${t}`);
        if (t >= 60 && s.mom !== batch.mom[t]) differ.push(`mom at ${t}`);
        if (!Number.isNaN(z)) checked++;
      }
      expect(differ, hedgeMode).toEqual([]);
      expect(checked).toBe(n - 118);
    }
  });

  it('takes a z-score window apart from the hedge window', () => {
    // window 2 (beta from two points), zWindow 3: z needs 3 spreads, so the first is at t = 3.
    const s = new PairSpread({ window: 2, zWindow: 3 });
    const z = [
      [2, 1],
      [4, 2],
      [7, 3],
      [7, 4],
    ].map(([l, x]) => s.update(l as number, x as number));
    expect(z.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    // betas: t1 (1,2)->(2,4): 2, spread 0; t2 (2,3)->(4,7): 3, spread 7 - 9 = -2; t3 (3,4)->(7,7): 0,
    // spread 7. Spreads 0, -2, 7: mean 5/3, variance ((5/3)^2 + (11/3)^2 + (16/3)^2) / 3 = 402/27.
    expect(z[3]).toBeCloseTo((7 - 5 / 3) / Math.sqrt(402 / 27), 12);
  });

  it('rejects windows under 2', () => {
    expect(() => new PairSpread({ window: 1 })).toThrow('window 1');
    expect(() => new PairSpread({ window: 5, zWindow: 1.5 })).toThrow('zWindow 1.5');
  });
});

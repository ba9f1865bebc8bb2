import { describe, expect, it } from 'vitest';
import { Kama, kama, kamaDef } from '../../../src/analytics/indicators/kama.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

const SLOW = 2 / 31;
const RANGE = 2 / 3 - 2 / 31;

/**
 * Kaufman's definition recomputed per bar (O(n) sums), with TA-Lib's seed (previous KAMA of the
 * first step = x[n-1]) and its ER rule (1 when the summed changes are 0 or <= the net change).
 */
function naiveKama(x: ArrayLike<number>, n: number): number[] {
  const out: number[] = Array.from({ length: x.length }, () => Number.NaN);
  let prev = x[n - 1] as number;
  for (let t = n; t < x.length; t++) {
    let noise = 0;
    for (let i = t - n + 1; i <= t; i++) noise += Math.abs((x[i] as number) - (x[i - 1] as number));
    const net = (x[t] as number) - (x[t - n] as number);
    const er = noise <= net || noise === 0 ? 1 : Math.abs(net / noise);
    const sc = (er * RANGE + SLOW) ** 2;
    prev = prev + sc * ((x[t] as number) - prev);
    out[t] = prev;
  }
  return out;
}

describe('KAMA', () => {
  it('follows the efficiency ratio and TA-Lib seeding (hand-computed, period 2)', () => {
    // x = 1, 2, 4, 3, 5. Index 2: changes |1-2| + |2-4| = 3, net 4 - 1 = 3 -> ER 1, sc = (2/3)^2;
    // seed x[1] = 2 -> 2 + 4/9 * (4 - 2) = 26/9.
    // Index 3: changes |2-4| + |4-3| = 3, net 3 - 2 = 1 -> ER 1/3, sc = (RANGE/3 + SLOW)^2 = (74/279)^2.
    // Index 4: changes |4-3| + |3-5| = 3, net 5 - 4 = 1 -> same sc.
    const k = kama([1, 2, 4, 3, 5], 2);
    const sc = (74 / 279) ** 2;
    const k2 = 26 / 9;
    const k3 = k2 + sc * (3 - k2);
    const k4 = k3 + sc * (5 - k3);
    expect(k[1]).toBeNaN();
    expect(k[2]).toBeCloseTo(k2, 14);
    expect(k[3]).toBeCloseTo(k3, 14);
    expect(k[4]).toBeCloseTo(k4, 14);
    expect(new Kama(2).warmup).toBe(3);
  });

  it('moves at the fast constant (2/3)^2 when the trend is perfectly efficient', () => {
    const k = kama([1, 2, 3, 4, 5, 6], 3);
    // seed x[2] = 3; index 3: 3 + 4/9 * (4 - 3)
    expect(k[3]).toBeCloseTo(3 + 4 / 9, 14);
  });

  it('stays on a flat series (no change at all gives ER 1 by TA-Lib rule)', () => {
    expect([...kama([5, 5, 5, 5, 5, 5], 3)].slice(3)).toEqual([5, 5, 5]);
  });

  it('matches the per-bar definition on ORCL closes (1e-10 relative)', () => {
    const { close } = orclColumns();
    for (const n of [2, 10, 30]) {
      const got = kama(close, n);
      naiveKama(close, n).forEach((v, t) => {
        if (Number.isNaN(v)) expect(got[t], `index ${t}`).toBeNaN();
        else expect(Math.abs((got[t] as number) - v)).toBeLessThanOrEqual(1e-10 * Math.abs(v));
      });
    }
  });

  it('rejects a period below 2', () => expect(() => new Kama(1)).toThrow(/kama period/));
  it('meets the indicator contract (default period 30)', () => expectIndicatorContract(kamaDef));
  it('meets the indicator contract (period 10)', () => expectIndicatorContract(kamaDef, [10]));
});

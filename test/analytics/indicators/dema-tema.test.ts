import { describe, expect, it } from 'vitest';
import { Dema, dema, demaDef } from '../../../src/analytics/indicators/dema.js';
import { Tema, tema, temaDef } from '../../../src/analytics/indicators/tema.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/** EMA over the finite part of `x` (leading NaNs skipped), seeded with the SMA of its first n values. */
function naiveEma(x: ArrayLike<number>, n: number): number[] {
  const out: number[] = Array.from({ length: x.length }, () => Number.NaN);
  const k = 2 / (n + 1);
  let start = 0;
  while (start < x.length && Number.isNaN(x[start] as number)) start++;
  let sum = 0;
  for (let t = start; t < x.length; t++) {
    const v = x[t] as number;
    if (t < start + n - 1) sum += v;
    else if (t === start + n - 1) out[t] = (sum + v) / n;
    else out[t] = (out[t - 1] as number) + k * (v - (out[t - 1] as number));
  }
  return out;
}

const closeEnough = (a: number | undefined, b: number): boolean =>
  Number.isNaN(b) ? Number.isNaN(a as number) : Math.abs((a as number) - b) <= 1e-12 * Math.abs(b);

describe('DEMA', () => {
  it('is 2 EMA1 - EMA2 with SMA-seeded EMAs (hand-computed, period 2)', () => {
    // k = 2/3. EMA1: 1.5 (seed of 1,2), then 1.5 + 2/3 (3 - 1.5) = 2.5, 3.5, 4.5.
    // EMA2 (of EMA1): seed (1.5 + 2.5) / 2 = 2 at index 2, then 3, 4. DEMA: 2*2.5 - 2 = 3, 4, 5.
    const d = dema([1, 2, 3, 4, 5], 2);
    expect(d[1]).toBeNaN();
    [3, 4, 5].forEach((v, i) => expect(d[2 + i]).toBeCloseTo(v, 12));
    expect(new Dema(2).warmup).toBe(3);
  });

  it('has no lag on a straight line (SMA seed lag (n-1)/2 equals the EMA lag (1-k)/k)', () => {
    const line = Array.from({ length: 80 }, (_, t) => 10 + 0.5 * t);
    const d = dema(line, 14);
    for (let t = 26; t < 80; t++) expect(d[t]).toBeCloseTo(line[t] as number, 9);
  });

  it('matches EMA-of-EMA composition on ORCL closes', () => {
    const { close } = orclColumns();
    const e1 = naiveEma(close, 20);
    const e2 = naiveEma(e1, 20);
    const got = dema(close, 20);
    e1.forEach((v, t) => expect(closeEnough(got[t], 2 * v - (e2[t] as number)), `index ${t}`).toBe(true));
  });

  it('rejects a period below 2', () => expect(() => new Dema(1)).toThrow(/dema period/));
  it('meets the indicator contract (default period)', () => expectIndicatorContract(demaDef));
  it('meets the indicator contract (period 5)', () => expectIndicatorContract(demaDef, [5]));
});

describe('TEMA', () => {
  it('is 3 EMA1 - 3 EMA2 + EMA3 (hand-computed, period 2)', () => {
    // EMA1 1.5, 2.5, 3.5, 4.5, 5.5; EMA2 from index 2: 2, 3, 4, 5; EMA3 from index 3: 2.5, 3.5, 4.5.
    // TEMA: 2.5 + 3*3.5 - 3*3 = 4, then 5, 6 (a straight line comes back unchanged).
    const t = tema([1, 2, 3, 4, 5, 6], 2);
    expect(t[2]).toBeNaN();
    [4, 5, 6].forEach((v, i) => expect(t[3 + i]).toBeCloseTo(v, 12));
    expect(new Tema(2).warmup).toBe(4);
  });

  it('matches EMA-of-EMA-of-EMA composition on ORCL closes', () => {
    const { close } = orclColumns();
    const e1 = naiveEma(close, 10);
    const e2 = naiveEma(e1, 10);
    const e3 = naiveEma(e2, 10);
    const got = tema(close, 10);
    e1.forEach((v, t) =>
      expect(closeEnough(got[t], 3 * v - 3 * (e2[t] as number) + (e3[t] as number)), `index ${t}`).toBe(true),
    );
  });

  it('returns the constant of a flat series', () => {
    expect(
      [
        ...tema(
          Array.from({ length: 10 }, () => 4.25),
          3,
        ),
      ].slice(6),
    ).toEqual([4.25, 4.25, 4.25, 4.25]);
  });

  it('rejects a period below 2', () => expect(() => new Tema(1)).toThrow(/tema period/));
  it('meets the indicator contract (default period)', () => expectIndicatorContract(temaDef));
  it('meets the indicator contract (period 5)', () => expectIndicatorContract(temaDef, [5]));
});

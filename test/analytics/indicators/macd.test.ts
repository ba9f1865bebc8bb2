import { describe, expect, it } from 'vitest';
import { Macd, macd, macdDef } from '../../../src/analytics/indicators/macd.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/** EMA seeded with the SMA of x[from .. from + n - 1] (NaN before), then k = 2 / (n + 1). */
function emaFrom(x: ArrayLike<number>, n: number, from: number): number[] {
  const out: number[] = Array.from({ length: x.length }, () => Number.NaN);
  let s = 0;
  for (let t = from; t < from + n; t++) s += x[t] as number;
  out[from + n - 1] = s / n;
  for (let t = from + n; t < x.length; t++)
    out[t] = (out[t - 1] as number) + (2 / (n + 1)) * ((x[t] as number) - (out[t - 1] as number));
  return out;
}

describe('MACD', () => {
  it('seeds the fast EMA on the slow EMA bar and the signal on the first MACDs (hand-computed)', () => {
    // fast 2, slow 3, signal 2 on 1, 5, 2, 8, 3, 9.
    // slow EMA (k 1/2): seed (1+5+2)/3 = 8/3 at index 2, then 16/3, 25/6, 79/12.
    // fast EMA (k 2/3) seeded with (5+2)/2 = 3.5 at index 2 (NOT from index 0), then 6.5, 25/6, 133/18.
    // MACD: 5/6, 7/6, 0, 29/36. Signal (k 2/3): seed (5/6 + 7/6)/2 = 1 at index 3, then 1/3, 35/54.
    const m = macd([1, 5, 2, 8, 3, 9], 2, 3, 2);
    expect(m.macd[2]).toBeNaN();
    expect(m.signal[2]).toBeNaN();
    expect(m.hist[2]).toBeNaN();
    const want = [
      [7 / 6, 1, 1 / 6],
      [0, 1 / 3, -1 / 3],
      [29 / 36, 35 / 54, 29 / 36 - 35 / 54],
    ];
    want.forEach(([mv, sv, hv], i) => {
      expect(m.macd[3 + i]).toBeCloseTo(mv as number, 13);
      expect(m.signal[3 + i]).toBeCloseTo(sv as number, 13);
      expect(m.hist[3 + i]).toBeCloseTo(hv as number, 13);
    });
  });

  it('starts all outputs at slow + signal - 2 (TA-Lib lookback)', () => {
    expect(new Macd().warmup).toBe(26 - 1 + 9 - 1 + 1);
    expect(new Macd(5, 13, 4).warmup).toBe(16);
  });

  it('has macd_hist = macd - macd_signal on every bar', () => {
    const { close } = orclColumns();
    const m = macd(close);
    m.hist.forEach((h, t) => {
      if (t < 33) expect(h).toBeNaN();
      else expect(h).toBe((m.macd[t] as number) - (m.signal[t] as number));
    });
  });

  it('matches the aligned EMA composition on ORCL closes', () => {
    const { close } = orclColumns();
    const slow = emaFrom(close, 26, 0);
    const fast = emaFrom(close, 12, 26 - 12);
    const line = slow.map((s, t) => (fast[t] as number) - s);
    const signal = emaFrom(line, 9, 25);
    const m = macd(close);
    for (let t = 33; t < close.length; t++) {
      expect(Math.abs((m.macd[t] as number) - (line[t] as number))).toBeLessThan(1e-12);
      expect(Math.abs((m.signal[t] as number) - (signal[t] as number))).toBeLessThan(1e-12);
    }
  });

  it('swaps a slow period shorter than the fast one, as TA-Lib does', () => {
    const { close } = orclColumns(300);
    const a = macd(close, 12, 26, 9);
    const b = macd(close, 26, 12, 9);
    expect([...b.macd]).toEqual([...a.macd]);
    expect([...b.signal]).toEqual([...a.signal]);
  });

  it('rejects a fast period of 1 and a signal period of 0', () => {
    expect(() => new Macd(1, 26, 9)).toThrow(/macd fast period/);
    expect(() => new Macd(12, 26, 0)).toThrow(/macd signal period/);
  });

  it('meets the indicator contract (12, 26, 9)', () => expectIndicatorContract(macdDef));
  it('meets the indicator contract (5, 13, 4)', () => expectIndicatorContract(macdDef, [5, 13, 4]));
});

import { describe, expect, it } from 'vitest';
import { Atr, atr, atrDef } from '../../../src/analytics/indicators/atr.js';
import { Natr, natr, natrDef } from '../../../src/analytics/indicators/natr.js';
import { TrueRange, trange, trangeDef, trueRange } from '../../../src/analytics/indicators/trange.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/**
 * Six bars whose true ranges (Wilder 1978: the largest of high - low, |high - prev close|,
 * |low - prev close|) are worked out by hand:
 *   b1 h 11   l 9.5 (prev c 9):    1.5, |11 - 9| = 2,     |9.5 - 9| = 0.5    -> 2   (gap up)
 *   b2 h 10   l 9   (prev c 10.5): 1,   |10 - 10.5| = 0.5, |9 - 10.5| = 1.5  -> 1.5 (gap down)
 *   b3 h 9.6  l 9.4 (prev c 9.2):  0.2, |9.6 - 9.2| = 0.4, |9.4 - 9.2| = 0.2 -> 0.4
 *   b4 h 10   l 9.5 (prev c 9.5):  0.5, 0.5,               0                 -> 0.5
 *   b5 h 9.8  l 8.8 (prev c 9.8):  1,   0,                 1                 -> 1
 */
const bars = {
  high: [10, 11, 10, 9.6, 10, 9.8],
  low: [8, 9.5, 9, 9.4, 9.5, 8.8],
  close: [9, 10.5, 9.2, 9.5, 9.8, 9],
};

function flat(n: number, price: number): { high: number[]; low: number[]; close: number[] } {
  return { high: Array(n).fill(price), low: Array(n).fill(price), close: Array(n).fill(price) };
}

describe('TRANGE', () => {
  it('is the largest of the three distances (hand-computed), none on the first bar', () => {
    const tr = [...trange(bars)];
    expect(tr[0]).toBeNaN();
    [2, 1.5, 0.4, 0.5, 1].forEach((v, i) => expect(tr[i + 1]).toBeCloseTo(v, 12));
    expect(new TrueRange().warmup).toBe(2);
  });

  it('is high - low when the previous close is NaN, NaN when the high is NaN (TA-Lib comparisons)', () => {
    expect(trueRange(11, 9, Number.NaN)).toBe(2);
    expect(trueRange(Number.NaN, 9, 10)).toBeNaN();
  });

  it('is 0 on zero-range bars without gaps', () => {
    expect([...trange(flat(4, 5))].slice(1)).toEqual([0, 0, 0]);
  });

  it('meets the indicator contract', () => expectIndicatorContract(trangeDef));
});

describe('ATR', () => {
  it('seeds with the mean of the first period true ranges, then smooths the Wilder way (hand-computed)', () => {
    // period 3: seed at bar 3 = (2 + 1.5 + 0.4) / 3 = 1.3
    // bar 4: (1.3 * 2 + 0.5) / 3 = 3.1 / 3 = 1.0333..., bar 5: (1.0333... * 2 + 1) / 3 = 1.0222...
    const out = atr(bars, 3);
    expect([out[0], out[1], out[2]]).toEqual([NaN, NaN, NaN]);
    expect(out[3]).toBeCloseTo(1.3, 12);
    expect(out[4]).toBeCloseTo(3.1 / 3, 12);
    expect(out[5]).toBeCloseTo(((3.1 / 3) * 2 + 1) / 3, 12);
    expect(new Atr(3).warmup).toBe(4);
  });

  it('with period 1 is the true range', () => {
    const cols = orclColumns(300);
    const a = atr(cols, 1);
    const tr = trange(cols);
    for (let i = 1; i < 300; i++) expect(a[i]).toBeCloseTo(tr[i] as number, 12);
  });

  it('is 0 on a flat series', () => {
    expect([...atr(flat(6, 3), 3)].slice(3)).toEqual([0, 0, 0]);
  });

  it('rejects a period of zero', () => {
    expect(() => new Atr(0)).toThrow(/atr period must be a whole number >= 1/);
  });

  it('meets the indicator contract', () => expectIndicatorContract(atrDef));
  it('meets the indicator contract with period 5', () => expectIndicatorContract(atrDef, [5]));
});

describe('NATR', () => {
  it('is ATR / close * 100 (hand-computed)', () => {
    // Same ATR(3) as above: 1.3 / 9.5 * 100 = 13.684..., 1.0333... / 9.8 * 100 = 10.544...
    const out = natr(bars, 3);
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo(13.684210526315791, 10);
    expect(out[4]).toBeCloseTo(10.54421768707483, 10);
    expect(out[5]).toBeCloseTo(11.358024691358025, 10);
  });

  it('is 0 when the close is zero within TA-Lib tolerance (1e-14), and on a flat series', () => {
    // ATR(2) at bar 2 = (1 + 1) / 2 = 1. Reference values from the TA-Lib C library (0.6.0-dev via
    // npm talib 1.1.6): a close of 1e-15 gives 0, a close of 1e-9 gives 1 / 1e-9 * 100 = 1e11.
    expect(natr({ high: [1, 1, 1], low: [0, 0, 0], close: [0.5, 0.5, 1e-15] }, 2)[2]).toBe(0);
    expect(natr({ high: [1, 1, 1], low: [0, 0, 0], close: [0.5, 0.5, 1e-9] }, 2)[2]).toBe(99999999999.99998);
    expect([...natr(flat(5, 2), 2)].slice(2)).toEqual([0, 0, 0]);
  });

  it('refuses period 1 (TA-Lib returns the unnormalized true range there)', () => {
    expect(() => new Natr(1)).toThrow(/natr period must be a whole number >= 2/);
  });

  it('meets the indicator contract', () => expectIndicatorContract(natrDef));
  it('meets the indicator contract with period 5', () => expectIndicatorContract(natrDef, [5]));
});

import { describe, expect, it } from 'vitest';
import { Adx, adx, adxDef } from '../../../src/analytics/indicators/adx.js';
import { Adxr, adxr, adxrDef } from '../../../src/analytics/indicators/adxr.js';
import { MinusDi, minusDi, minusDiDef } from '../../../src/analytics/indicators/minus-di.js';
import { PlusDi, plusDi, plusDiDef } from '../../../src/analytics/indicators/plus-di.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

/**
 * Five bars worked by hand with period 2 (Wilder 1978; TA-Lib's seeding: the one-bar DM and TR of
 * bars 1..period-1 are summed, then each bar does sum = sum - sum / period + value):
 *   bar  h     l    c     up = h - prev h   down = prev l - l   +DM1  -DM1  TR1
 *   b0   10    9    9.5
 *   b1   11    9.5  10.5  1                 -0.5                1     0     max(1.5, 1.5, 0) = 1.5
 *   b2   10.5  9    9.5   -0.5              0.5                 0     0.5   max(1.5, 0, 1.5) = 1.5
 *   b3   10    8.5  9     -0.5              0.5                 0     0.5   max(1.5, 0.5, 1) = 1.5
 *   b4   11    9    10.5  1                 -0.5                1     0     max(2, 2, 0)     = 2
 * Smoothed (+DM, -DM, TR): b1 seed (1, 0, 1.5); b2 (0.5, 0.5, 2.25); b3 (0.25, 0.75, 2.625);
 * b4 (1.125, 0.375, 3.3125).
 */
const bars = {
  high: [10, 11, 10.5, 10, 11],
  low: [9, 9.5, 9, 8.5, 9],
  close: [9.5, 10.5, 9.5, 9, 10.5],
};

function flat(n: number): { high: number[]; low: number[]; close: number[] } {
  return { high: Array(n).fill(7), low: Array(n).fill(7), close: Array(n).fill(7) };
}

describe('PLUS_DI and MINUS_DI', () => {
  it('are 100 * smoothed DM / smoothed TR from bar period on (hand-computed)', () => {
    const p = plusDi(bars, 2);
    const m = minusDi(bars, 2);
    expect([p[0], p[1], m[0], m[1]]).toEqual([NaN, NaN, NaN, NaN]);
    // b2: 100 * 0.5 / 2.25 both; b3: 25 / 2.625 and 75 / 2.625; b4: 112.5 / 3.3125 and 37.5 / 3.3125
    expect(p[2]).toBeCloseTo(50 / 2.25, 12);
    expect(m[2]).toBeCloseTo(50 / 2.25, 12);
    expect(p[3]).toBeCloseTo(25 / 2.625, 12);
    expect(m[3]).toBeCloseTo(75 / 2.625, 12);
    expect(p[4]).toBeCloseTo(112.5 / 3.3125, 12);
    expect(m[4]).toBeCloseTo(37.5 / 3.3125, 12);
    expect(new PlusDi(2).warmup).toBe(3);
  });

  it('give no DM on an outside bar whose moves are equal, nor on an inside bar', () => {
    // b1 is outside b0 by 1 on both sides (up = down = 1), b2 is inside b1: all DM are 0.
    const cols = { high: [10, 11, 10.5], low: [9, 8, 8.5], close: [9.5, 9.5, 9.5] };
    expect(plusDi(cols, 2)[2]).toBe(0);
    expect(minusDi(cols, 2)[2]).toBe(0);
  });

  it('are 0 on a flat series (true range zero)', () => {
    expect([...plusDi(flat(6), 3)].slice(3)).toEqual([0, 0, 0]);
    expect([...minusDi(flat(6), 3)].slice(3)).toEqual([0, 0, 0]);
  });

  it('refuse period 1 (TA-Lib drops the factor 100 there)', () => {
    expect(() => new PlusDi(1)).toThrow(/plus_di period must be a whole number >= 2/);
    expect(() => new MinusDi(1)).toThrow(/minus_di period must be a whole number >= 2/);
  });

  it('meet the indicator contract', () => {
    expectIndicatorContract(plusDiDef);
    expectIndicatorContract(minusDiDef);
    expectIndicatorContract(plusDiDef, [5]);
    expectIndicatorContract(minusDiDef, [5]);
  });
});

describe('ADX', () => {
  it('averages the first period DX, then smooths the Wilder way (hand-computed)', () => {
    // DX = 100 * |-DI - +DI| / (-DI + +DI) = 100 * |-DM - +DM| / (-DM + +DM):
    // b2: 0 (equal DM); b3: 100 * 0.5 / 1 = 50; b4: 100 * 0.75 / 1.5 = 50.
    // First ADX at b3 (lookback 2 * 2 - 1 = 3): (0 + 50) / 2 = 25; b4: (25 * 1 + 50) / 2 = 37.5.
    const out = adx(bars, 2);
    expect([out[0], out[1], out[2]]).toEqual([NaN, NaN, NaN]);
    expect(out[3]).toBeCloseTo(25, 12);
    expect(out[4]).toBeCloseTo(37.5, 12);
    expect(new Adx(14).warmup).toBe(28);
  });

  it('is 0 on a flat series (no DX is ever defined)', () => {
    expect([...adx(flat(10), 3)].slice(5)).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects period 1 as TA-Lib does', () => {
    expect(() => new Adx(1)).toThrow(/adx period must be a whole number >= 2/);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(adxDef);
    expectIndicatorContract(adxDef, [5]);
  });
});

describe('ADXR', () => {
  it('averages the ADX with the ADX period - 1 bars earlier (hand-computed)', () => {
    // period 2: first value at b4 (lookback 3 * 2 - 2 = 4): (ADX b4 + ADX b3) / 2 = (37.5 + 25) / 2
    const out = adxr(bars, 2);
    expect([...out].slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(out[4]).toBeCloseTo(31.25, 12);
    expect(new Adxr(14).warmup).toBe(41);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(adxrDef);
    expectIndicatorContract(adxrDef, [5]);
  });
});

import { describe, expect, it } from 'vitest';
import { atr } from '../../../src/analytics/indicators/atr.js';
import { Donchian, donchian, donchianDef, RollingExtreme } from '../../../src/analytics/indicators/donchian.js';
import { ema } from '../../../src/analytics/indicators/ema.js';
import { Keltner, keltner, keltnerDef } from '../../../src/analytics/indicators/keltner.js';
import { columnNames } from '../../../src/analytics/indicators/spec.js';
import { Supertrend, supertrend, supertrendDef } from '../../../src/analytics/indicators/supertrend.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

describe('Donchian channel', () => {
  it('spans the highest high and lowest low of the last period bars, current bar included (hand-computed)', () => {
    const cols = { high: [5, 7, 6, 4, 8], low: [3, 4, 2, 3, 5], close: [4, 5, 3, 3.5, 7] };
    const { up, mid, dn } = donchian(cols, 3);
    expect([up[1], mid[1], dn[1]]).toEqual([NaN, NaN, NaN]);
    // bars 0-2: max(5, 7, 6) = 7, min(3, 4, 2) = 2, mid 4.5
    // bars 1-3: max(7, 6, 4) = 7, min(4, 2, 3) = 2
    // bars 2-4: max(6, 4, 8) = 8 (the current bar's high), min(2, 3, 5) = 2
    expect([...up].slice(2)).toEqual([7, 7, 8]);
    expect([...dn].slice(2)).toEqual([2, 2, 2]);
    expect([...mid].slice(2)).toEqual([4.5, 4.5, 5]);
    expect(new Donchian(3).warmup).toBe(3);
  });

  it('with period 1 is the bar itself; on zero-range bars all three lines are the price', () => {
    const cols = orclColumns(50);
    const one = donchian(cols, 1);
    expect([...one.up]).toEqual([...cols.high]);
    expect([...one.dn]).toEqual([...cols.low]);
    const flat = donchian({ high: [3, 3, 3], low: [3, 3, 3], close: [3, 3, 3] }, 2);
    expect([flat.up[2], flat.mid[2], flat.dn[2]]).toEqual([3, 3, 3]);
  });

  it('agrees with a brute-force window max/min over 1500 real bars (monotonic deque)', () => {
    const cols = orclColumns(1500);
    const { up, dn } = donchian(cols, 20);
    for (let i = 19; i < 1500; i++) {
      const hs = cols.high.subarray(i - 19, i + 1);
      const ls = cols.low.subarray(i - 19, i + 1);
      expect(up[i]).toBe(Math.max(...hs));
      expect(dn[i]).toBe(Math.min(...ls));
    }
  });

  it('is NaN while a NaN is in the window, then recovers', () => {
    const max = new RollingExtreme(2, 'max');
    const seen = [1, Number.NaN, 3, 2, 1].map((x) => (max.push(x), max.value));
    expect(seen).toEqual([1, NaN, NaN, 3, 2]);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(donchianDef);
    expectIndicatorContract(donchianDef, [55]);
  });
});

describe('Keltner channel', () => {
  it('is EMA(close) +/- multiplier x ATR (hand-computed)', () => {
    // TR: b1 max(2, |11 - 9|, |9 - 9|) = 2, b2 max(2, |12 - 10|, 0) = 2, b3 max(1, 0, |10 - 11|) = 1.
    // EMA(2), k = 2/3: seed (9 + 10) / 2 = 9.5 at b1, b2 9.5 + 2/3 (11 - 9.5) = 10.5, b3 10.5.
    // ATR(2): seed (2 + 2) / 2 = 2 at b2, b3 (2 * 1 + 1) / 2 = 1.5. warmup max(2, 2 + 1) = 3.
    const cols = { high: [10, 11, 12, 11], low: [8, 9, 10, 10], close: [9, 10, 11, 10.5] };
    const { up, mid, dn } = keltner(cols, 2, 2, 2);
    expect([up[1], mid[1], dn[1]]).toEqual([NaN, NaN, NaN]);
    expect(mid[2]).toBeCloseTo(10.5, 12);
    expect(up[2]).toBeCloseTo(14.5, 12);
    expect(dn[2]).toBeCloseTo(6.5, 12);
    expect(up[3]).toBeCloseTo(13.5, 12);
    expect(dn[3]).toBeCloseTo(7.5, 12);
    expect(new Keltner().warmup).toBe(20);
    expect(new Keltner(5, 2, 10).warmup).toBe(11);
  });

  it('is built from the EMA and ATR indicators on real bars', () => {
    const cols = orclColumns(500);
    const { up, mid, dn } = keltner(cols, 20, 1.5, 10);
    const e = ema(cols.close, 20);
    const a = atr(cols, 10);
    for (let i = 19; i < 500; i++) {
      expect(mid[i]).toBe(e[i]);
      expect(up[i]).toBeCloseTo((e[i] as number) + 1.5 * (a[i] as number), 10);
      expect(dn[i]).toBeCloseTo((e[i] as number) - 1.5 * (a[i] as number), 10);
    }
  });

  it('collapses onto the price on zero-range bars', () => {
    const flat = { high: Array(12).fill(4), low: Array(12).fill(4), close: Array(12).fill(4) };
    const { up, dn } = keltner(flat, 3, 2, 3);
    expect([up[11], dn[11]]).toEqual([4, 4]);
  });

  it('names columns with period, multiplier and ATR period', () => {
    expect(columnNames(keltnerDef, [20, 2, 10])).toEqual([
      'keltner_up_20_2_10',
      'keltner_mid_20_2_10',
      'keltner_dn_20_2_10',
    ]);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(keltnerDef);
    expectIndicatorContract(keltnerDef, [10, 1.5, 20]);
  });
});

describe('SuperTrend', () => {
  it('follows the final-band rules and flips both ways (hand-computed, period 2, multiplier 1)', () => {
    // TR: b1 max(1, 1.5, 0.5) = 1.5, b2 1.5, b3 1.5, b4 max(1, 1.2, 0.2) = 1.2, b5 max(1.6, 0.1, 1.5) = 1.6,
    //     b6 max(1.5, 0.3, 1.2) = 1.5.  ATR(2): b2 1.5, b3 1.5, b4 1.35, b5 1.475, b6 1.4875.
    // b2: hl2 11.5, basic 13 / 10; first bar: bands = basic, trend down, line = upper 13.
    // b3: basic 14 / 11. upper keeps 13 (14 > 13, prev close 11.5 <= 13); lower 11 > 10 -> 11.
    //     close 12.8 <= 13: still down, line 13.
    // b4: basic 14.85 / 12.15. upper keeps 13; lower -> 12.15. close 13.5 > 13: turns up, line 12.15.
    // b5: basic 14.275 / 11.325. prev close 13.5 > 13 resets upper to 14.275; lower keeps 12.15.
    //     close 12.2 >= 12.15: still up.
    // b6: basic 13.2375 / 10.2625. upper -> 13.2375 (falls); lower keeps 12.15. close 11.2 < 12.15:
    //     turns down, line = upper 13.2375.
    const cols = {
      high: [10, 11, 12, 13, 14, 13.6, 12.5],
      low: [9, 10, 11, 12, 13, 12, 11],
      close: [9.5, 10.5, 11.5, 12.8, 13.5, 12.2, 11.2],
    };
    const { supertrend: line, dir } = supertrend(cols, 2, 1);
    expect([line[1], dir[1]]).toEqual([NaN, NaN]);
    [13, 13, 12.15, 12.15, 13.2375].forEach((v, i) => expect(line[i + 2]).toBeCloseTo(v, 12));
    expect([...dir].slice(2)).toEqual([-1, -1, 1, 1, -1]);
    expect(new Supertrend().warmup).toBe(11);
  });

  it('stays on one side of the close it follows over real bars', () => {
    const cols = orclColumns(1500);
    const { supertrend: line, dir } = supertrend(cols, 10, 3);
    let flips = 0;
    for (let i = 10; i < 1500; i++) {
      // In an up trend the line (lower band) is at or below the close, in a down trend above it.
      if (dir[i] === 1) expect(line[i]).toBeLessThanOrEqual(cols.close[i] as number);
      else expect(line[i]).toBeGreaterThanOrEqual(cols.close[i] as number);
      if (dir[i] !== dir[i - 1] && i > 10) flips++;
    }
    expect(flips).toBeGreaterThan(10);
  });

  it('is flat at the price on zero-range bars (ATR 0)', () => {
    const flat = { high: Array(6).fill(9), low: Array(6).fill(9), close: Array(6).fill(9) };
    const { supertrend: line, dir } = supertrend(flat, 2, 3);
    expect([...line].slice(2)).toEqual([9, 9, 9, 9]);
    expect([...dir].slice(2)).toEqual([-1, -1, -1, -1]);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(supertrendDef);
    expectIndicatorContract(supertrendDef, [7, 2]);
  });
});

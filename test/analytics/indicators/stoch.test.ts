import { describe, expect, it } from 'vitest';
import { Stoch, stoch, stochDef } from '../../../src/analytics/indicators/stoch.js';
import { SlidingMean, StochF, stochf, stochfDef, WindowExtreme } from '../../../src/analytics/indicators/stochf.js';
import { StochRsi, stochrsi, stochrsiDef } from '../../../src/analytics/indicators/stochrsi.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

// Six bars; raw %K(3) by Lane's definition 100 * (C - LL) / (HH - LL):
// i=2: (11-8)/(12-8) = 75, i=3: (12-9)/(13-9) = 75, i=4: (10-9)/(13-9) = 25, i=5: (9-8)/(13-8) = 20.
const BARS = {
  high: [10, 11, 12, 13, 12, 11],
  low: [8, 9, 9, 10, 10, 8],
  close: [9, 10, 11, 12, 10, 9],
};

/** Deterministic integer-valued series with many ties. */
function tieSeries(n: number): number[] {
  let s = 17;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * 6);
  });
}

describe('WindowExtreme', () => {
  it('equals a brute-force scan, value and index of the latest occurrence, on tie-heavy data', () => {
    const xs = tieSeries(400);
    for (const size of [1, 2, 5, 15]) {
      const max = new WindowExtreme(size, 'max');
      const min = new WindowExtreme(size, 'min');
      xs.forEach((x, i) => {
        max.push(x);
        min.push(x);
        const win = xs.slice(Math.max(0, i - size + 1), i + 1);
        const hi = Math.max(...win);
        const lo = Math.min(...win);
        expect(max.value).toBe(hi);
        expect(min.value).toBe(lo);
        expect(max.index).toBe(i - win.length + 1 + win.lastIndexOf(hi));
        expect(min.index).toBe(i - win.length + 1 + win.lastIndexOf(lo));
      });
    }
  });

  it('reads NaN while a NaN input is in the window, then recovers', () => {
    const w = new WindowExtreme(3, 'max');
    const seen = [1, NaN, 5, 2, 0, 1].map((x) => (w.push(x), w.value));
    expect(seen).toEqual([1, NaN, NaN, NaN, 5, 2]);
  });
});

describe('SlidingMean', () => {
  it('averages the last period values (hand-computed)', () => {
    const m = new SlidingMean(2);
    expect([1, 2, 3, 4].map((x) => m.push(x))).toEqual([NaN, 1.5, 2.5, 3.5]);
  });
});

describe('STOCHF', () => {
  it('gives raw %K and its simple mean as %D (hand-computed, Lane)', () => {
    const { k, d } = stochf(BARS, 3, 2);
    expectSeries(k, [NaN, NaN, NaN, 75, 25, 20]);
    expectSeries(d, [NaN, NaN, NaN, 75, 50, 22.5]);
    expect(new StochF(3, 2).warmup).toBe(4);
  });

  it('equals the brute-force definition over ORCL bars', () => {
    const cols = orclColumns(600);
    const { k, d } = stochf(cols, 14, 3);
    const raw = Array.from(cols.close, (c, i) => {
      if (i < 13) return NaN;
      const hh = Math.max(...cols.high.subarray(i - 13, i + 1));
      const ll = Math.min(...cols.low.subarray(i - 13, i + 1));
      return hh === ll ? 0 : (100 * (c - ll)) / (hh - ll);
    });
    for (let i = 15; i < raw.length; i++) {
      expect(k[i]).toBeCloseTo(raw[i] as number, 9);
      expect(d[i]).toBeCloseTo(((raw[i] as number) + (raw[i - 1] as number) + (raw[i - 2] as number)) / 3, 9);
    }
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(stochfDef));
  it('meets the indicator contract with 14, 1', () => expectIndicatorContract(stochfDef, [14, 1]));
});

describe('STOCH', () => {
  it('smooths raw %K into slow %K and slow %D with simple means (hand-computed, Lane)', () => {
    // slow %K(2) = 75, 50, 22.5 from i=3; slow %D(2) = 62.5, 36.25 from i=4.
    const { k, d } = stoch(BARS, 3, 2, 2);
    expectSeries(k, [NaN, NaN, NaN, NaN, 50, 22.5]);
    expectSeries(d, [NaN, NaN, NaN, NaN, 62.5, 36.25]);
    expect(new Stoch(3, 2, 2).warmup).toBe(5);
    expect(new Stoch().warmup).toBe(9);
  });

  it('with slowing periods of 1 is raw %K', () => {
    const { k, d } = stoch(BARS, 3, 1, 1);
    expectSeries(k, [NaN, NaN, 75, 75, 25, 20]);
    expectSeries(d, [NaN, NaN, 75, 75, 25, 20]);
  });

  it('reads 0 over zero-range bars, as TA-Lib does', () => {
    const flat = new Array(12).fill(7);
    const { k, d } = stoch({ high: flat, low: flat, close: flat });
    expectSeries(k.subarray(8), [0, 0, 0, 0]);
    expectSeries(d.subarray(8), [0, 0, 0, 0]);
  });

  it('rejects a zero period', () => {
    expect(() => new Stoch(0)).toThrow(/fastk period/);
    expect(() => new Stoch(5, 0)).toThrow(/slowk period/);
    expect(() => new Stoch(5, 3, 0)).toThrow(/slowd period/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(stochDef));
  it('meets the indicator contract with 14, 3, 5', () => expectIndicatorContract(stochDef, [14, 3, 5]));
});

describe('STOCHRSI', () => {
  it('applies the fast stochastic to the RSI series (hand-computed)', () => {
    // RSI(2) of the closes from i=2: 200/3, 600/7, 600/11, 2200/27, 2200/91 (Wilder smoothing).
    // %K(3) at i=5: (2200/27 - 600/11) / (600/7 - 600/11) = 70/81 -> 7000/81; at i=4 and i=6 the
    // RSI is the window's lowest -> 0. %D(2) at i=5 and i=6: 3500/81.
    const { k, d } = stochrsi([10, 12, 11, 13, 12, 14, 10], 2, 3, 2);
    expectSeries(k, [NaN, NaN, NaN, NaN, NaN, 7000 / 81, 0]);
    expectSeries(d, [NaN, NaN, NaN, NaN, NaN, 3500 / 81, 3500 / 81]);
    expect(new StochRsi(2, 3, 2).warmup).toBe(6);
    expect(new StochRsi().warmup).toBe(21);
  });

  it('reads 0 when the RSI is flat over the window', () => {
    const { k, d } = stochrsi(new Array(30).fill(5));
    expectSeries(k.subarray(20), new Array(10).fill(0));
    expectSeries(d.subarray(20), new Array(10).fill(0));
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(stochrsiDef));
  it('meets the indicator contract with 14, 14, 1', () => expectIndicatorContract(stochrsiDef, [14, 14, 1]));
});

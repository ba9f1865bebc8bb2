import { describe, expect, it } from 'vitest';
import { Aroon, aroon, aroonDef } from '../../../src/analytics/indicators/aroon.js';
import { AroonOsc, aroonosc, aroonoscDef } from '../../../src/analytics/indicators/aroonosc.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

// period 3 looks at 4 bars. Highs: 7 at i=1 and again at i=3 (a tie), then lower highs.
const BARS = {
  high: [5, 7, 6, 7, 4, 3, 2, 1],
  low: [3, 2, 4, 2, 1, 2, 3, 5],
  close: [4, 4, 5, 3, 2, 2, 3, 4],
};
const third = 100 / 3;

/** Brute force from Chande's definition, counting the most recent extreme (TA-Lib's tie rule). */
function bruteForce(high: readonly number[], low: readonly number[], period: number) {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < high.length; i++) {
    if (i < period) {
      up.push(NaN);
      down.push(NaN);
      continue;
    }
    const hs = high.slice(i - period, i + 1);
    const ls = low.slice(i - period, i + 1);
    const barsSinceHigh = period - hs.lastIndexOf(Math.max(...hs));
    const barsSinceLow = period - ls.lastIndexOf(Math.min(...ls));
    up.push((100 * (period - barsSinceHigh)) / period);
    down.push((100 * (period - barsSinceLow)) / period);
  }
  return { up, down };
}

describe('AROON', () => {
  it('counts bars since the highest high and lowest low (hand-computed, Chande)', () => {
    // i=3: the latest 7 is today -> up 100 (the earlier 7 at i=1 would give 33.3); low 2 today -> 100.
    // i=4: 7 one bar ago -> 66.7; new low 1 -> 100. i=5: 33.3, 66.7. i=6: 0, 33.3.
    // i=7: the 7 left the window; highest is 4 at i=4, three bars ago -> 0; low 1 at i=4 -> 0.
    const { down, up } = aroon(BARS, 3);
    expectSeries(up, [NaN, NaN, NaN, 100, 2 * third, third, 0, 0]);
    expectSeries(down, [NaN, NaN, NaN, 100, 100, 2 * third, third, 0]);
    expect(new Aroon(3).warmup).toBe(4);
  });

  it("outputs in TA-Lib's order: down, then up", () => {
    expect(new Aroon().outputs).toEqual(['aroon_down', 'aroon_up']);
    expect(aroonDef.outputs).toEqual(['aroon_down', 'aroon_up']);
  });

  it('counts the most recent of equal extremes, on tie-heavy data', () => {
    let s = 5;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648), Math.floor((s / 2147483648) * 4));
    const high = Array.from({ length: 300 }, () => 10 + rnd());
    const low = high.map((h) => h - 2 - rnd());
    const { down, up } = aroon({ high, low, close: high }, 5);
    const ref = bruteForce(high, low, 5);
    expectSeries(up, ref.up);
    expectSeries(down, ref.down);
  });

  it('reads 100 up and 100 down on a flat series (every bar ties the extreme)', () => {
    const flat = new Array(20).fill(9);
    const { down, up } = aroon({ high: flat, low: flat, close: flat });
    expectSeries(up.subarray(14), new Array(6).fill(100));
    expectSeries(down.subarray(14), new Array(6).fill(100));
  });

  it('rejects a period below 2 (TA-Lib minimum)', () => {
    expect(() => new Aroon(1)).toThrow(/aroon period must be a whole number >= 2/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(aroonDef));
  it('meets the indicator contract with period 25', () => expectIndicatorContract(aroonDef, [25]));
});

describe('AROONOSC', () => {
  it('is Aroon up minus Aroon down (hand-computed)', () => {
    expectSeries(aroonosc(BARS, 3), [NaN, NaN, NaN, 0, -third, -third, -third, 0]);
    expect(new AroonOsc(3).warmup).toBe(4);
  });

  it('equals AROON up minus down on a random walk', () => {
    let s = 99;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
    let p = 50;
    const close = Array.from({ length: 500 }, () => (p += rnd() - 0.5));
    const cols = { high: close.map((c) => c + rnd()), low: close.map((c) => c - rnd()), close };
    const { down, up } = aroon(cols, 14);
    const osc = aroonosc(cols, 14);
    expectSeries(
      osc,
      Array.from(up, (u, i) => u - (down[i] as number)),
    );
  });

  it('reads 0 on a flat series', () => {
    const flat = new Array(20).fill(9);
    expectSeries(aroonosc({ high: flat, low: flat, close: flat }).subarray(14), new Array(6).fill(0));
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(aroonoscDef));
  it('meets the indicator contract with period 25', () => expectIndicatorContract(aroonoscDef, [25]));
});

import { describe, expect, it } from 'vitest';
import { Sar, sar, sarDef } from '../../../src/analytics/indicators/sar.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

const hl = (high: number[], low: number[]) => ({ high, low, close: high });

describe('SAR', () => {
  it('follows a long trade, reverses on penetration and clamps to the two bars (hand-computed, Wilder)', () => {
    // Bars 0-1: up move 1 > down move -1 -> long; SAR starts at bar 0's low (9), ep = bar 1's high (11).
    // i=1: out 9; sar = 9 + 0.02 * (11 - 9) = 9.04.
    // i=2: out 9.04; new high 12 -> af 0.04; sar = 9.04 + 0.04 * (12 - 9.04) = 9.1584.
    // i=3: out 9.1584; new high 13 -> af 0.06; sar = 9.1584 + 0.06 * (13 - 9.1584) = 9.388896.
    // i=4: low 9 <= 9.388896 -> short at ep 13; af 0.02, ep 9; sar = 13 - 0.08 = 12.92, raised to
    //      the previous bar's high 13.
    // i=5: out 13; new low 8 -> af 0.04; sar = 13 + 0.04 * (8 - 13) = 12.8.
    // i=6: high 12.9 >= 12.8 -> long at ep 8; sar = 8 + 0.02 * (12.9 - 8) = 8.098, lowered to the
    //      previous bar's low 8.
    const out = sar(hl([10, 11, 12, 13, 12, 11, 12.9], [9, 10, 10.5, 11, 9, 8, 9]));
    expectSeries(out, [NaN, 9, 9.04, 9.1584, 13, 13, 8]);
  });

  it('starts short when the first two bars move down more than up (TA-Lib -DM rule)', () => {
    // Down move 1 > up move -0.5 -> short; SAR starts at bar 0's high (10), ep = bar 1's low (8).
    // i=1: out 10; sar = 10 + 0.02 * (8 - 10) = 9.96. i=2: out 9.96.
    expectSeries(sar(hl([10, 9.5, 9], [9, 8, 7])), [NaN, 10, 9.96]);
  });

  it('starts long when the up and down moves tie', () => {
    // Up move 1 = down move 1 -> long with SAR 9; bar 1's low 8 penetrates it at once, so the first
    // value is the reversal SAR: ep 11 (bar 1's high). Starting short would have given 8.
    expectSeries(sar(hl([10, 11], [9, 8])), [NaN, 11]);
  });

  it('equals the price on a flat series', () => {
    const flat = new Array(10).fill(20);
    expectSeries(sar(hl(flat, flat)).subarray(1), new Array(9).fill(20));
  });

  it('lowers an acceleration above the maximum to the maximum, as TA-Lib does', () => {
    const cols = orclColumns(300);
    expect([...sar(cols, 0.5, 0.2)]).toEqual([...sar(cols, 0.2, 0.2)]);
    expect(new Sar(0.5, 0.2).acceleration).toBe(0.2);
  });

  it('needs two bars (TA-Lib lookback 1)', () => {
    expect(new Sar().warmup).toBe(2);
  });

  it('rejects a negative or non-finite factor', () => {
    expect(() => new Sar(-0.01)).toThrow(/sar acceleration must be a finite number >= 0/);
    expect(() => new Sar(0.02, Number.NaN)).toThrow(/sar maximum/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(sarDef));
  it('meets the indicator contract with 0.01, 0.1', () => expectIndicatorContract(sarDef, [0.01, 0.1]));
});

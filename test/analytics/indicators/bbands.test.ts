import { describe, expect, it } from 'vitest';
import { BollingerBands, bbands, bbandsDef } from '../../../src/analytics/indicators/bbands.js';
import { columnNames } from '../../../src/analytics/indicators/spec.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

describe('BBANDS', () => {
  it('is the SMA plus and minus nbdev population standard deviations (hand-computed)', () => {
    // period 3 over 1, 2, 3: mid 2, variance (1 + 4 + 9) / 3 - 2^2 = 2/3 (population),
    // sd = sqrt(2/3) = 0.8165; up = 2 + 2 sd = 3.63299, dn = 2 - 2 sd = 0.36701. The window 2, 3, 4
    // has the same spread around 3.
    const { up, mid, dn } = bbands([1, 2, 3, 4], 3, 2, 2);
    expect([up[1], mid[1], dn[1]]).toEqual([NaN, NaN, NaN]);
    expect(mid[2]).toBeCloseTo(2, 12);
    expect(up[2]).toBeCloseTo(3.632993161855452, 12);
    expect(dn[2]).toBeCloseTo(0.36700683814454793, 12);
    expect(mid[3]).toBeCloseTo(3, 12);
    expect(up[3]).toBeCloseTo(3 + 2 * Math.sqrt(2 / 3), 12);
  });

  it('applies nbdevup and nbdevdn separately', () => {
    // period 2 over 10, 14: mid 12, sd = 2 (population); up = 12 + 1 * 2, dn = 12 - 3 * 2
    const { up, mid, dn } = bbands([10, 14], 2, 1, 3);
    expect([up[1], mid[1], dn[1]]).toEqual([14, 12, 6]);
  });

  it('collapses onto the SMA on a flat series', () => {
    const { up, mid, dn } = bbands(Array(6).fill(42.5), 3);
    for (let i = 2; i < 6; i++) expect([up[i], mid[i], dn[i]]).toEqual([42.5, 42.5, 42.5]);
  });

  it('treats a variance below 1e-14 as zero and keeps the E[x^2] - mean^2 rounding, as TA-Lib does', () => {
    // Reference values from the TA-Lib C library (0.6.0-dev via npm talib 1.1.6, scripts/talib/),
    // BBANDS(3, 2, 2, SMA). Near 1, 1 + 1e-7 has a true variance of 2.2e-15: under the tolerance, sd = 0.
    const nearOne = bbands([1, 1.0000001, 1], 3);
    expect(nearOne.up[2]).toBe(nearOne.mid[2]);
    expect(nearOne.mid[2]).toBe(1.0000000333333334);
    // 1 + 1e-6 (variance 2.2e-13) keeps its sd.
    const wider = bbands([1, 1.000001, 1], 3);
    expect([wider.up[2], wider.mid[2], wider.dn[2]]).toEqual([
      1.0000012762366148, 1.0000003333333334, 0.9999993904300519,
    ]);
    // Near 100 the subtraction cancels: the true sd of 100, 100 + 1e-7, 100 is 4.7e-8, but the
    // running sums give TA-Lib's (and our) 1.35e-6. Bit-for-bit equality shows the same arithmetic.
    const cancel = bbands([100, 100.0000001, 100], 3);
    expect([cancel.up[2], cancel.mid[2], cancel.dn[2]]).toEqual([
      100.00000273073162, 100.00000003333332, 99.99999733593502,
    ]);
  });

  it('names its columns in TA-Lib order with all three params', () => {
    expect(columnNames(bbandsDef, [20, 2, 2])).toEqual(['bb_up_20_2_2', 'bb_mid_20_2_2', 'bb_dn_20_2_2']);
    expect(new BollingerBands().warmup).toBe(20);
  });

  it('rejects period 1 and negative widths', () => {
    expect(() => new BollingerBands(1)).toThrow(/bbands period must be a whole number >= 2/);
    expect(() => new BollingerBands(20, -1)).toThrow(/bbands nbdevup must be a finite number >= 0/);
  });

  it('meets the indicator contract', () => expectIndicatorContract(bbandsDef));
  it('meets the indicator contract with 10, 1.5, 1.5', () => expectIndicatorContract(bbandsDef, [10, 1.5, 1.5]));
});

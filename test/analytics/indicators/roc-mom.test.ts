import { describe, expect, it } from 'vitest';
import { Mom, mom, momDef } from '../../../src/analytics/indicators/mom.js';
import { Roc, roc, rocDef } from '../../../src/analytics/indicators/roc.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

describe('MOM', () => {
  it('is x[t] - x[t - period] (hand-computed)', () => {
    expect([...mom([1, 2, 4, 7, 11], 2)]).toEqual([NaN, NaN, 3, 5, 7]);
    expect([...mom([3, 1, 4, 1, 5], 1)]).toEqual([NaN, -2, 3, -3, 4]);
    expect(new Mom(10).warmup).toBe(11);
  });

  it('is 0 on a flat series', () => expect([...mom([2, 2, 2, 2], 2)].slice(2)).toEqual([0, 0]));

  it('gives NaN only while a NaN input is one of the two ends', () => {
    expect([...mom([1, NaN, 3, 4, 5], 2)]).toEqual([NaN, NaN, 2, NaN, 2]);
  });

  it('rejects a period of zero', () => expect(() => new Mom(0)).toThrow(/mom period/));
  it('meets the indicator contract (default period 10)', () => expectIndicatorContract(momDef));
  it('meets the indicator contract (period 1)', () => expectIndicatorContract(momDef, [1]));
});

describe('ROC', () => {
  it('is ((x[t] / x[t - period]) - 1) * 100 (hand-computed)', () => {
    const r = roc([100, 110, 99, 121], 1);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeCloseTo(10, 12);
    expect(r[2]).toBeCloseTo(-10, 12);
    expect(r[3]).toBeCloseTo((121 / 99 - 1) * 100, 12);
    expect(roc([50, 60, 75], 2)[2]).toBe(50);
  });

  it('is 0 when the earlier value is exactly 0, as TA-Lib', () => {
    expect([...roc([0, 5, 0, 7], 1)].slice(1)).toEqual([0, -100, 0]);
  });

  it('gives NaN only while a NaN input is one of the two ends', () => {
    const r = roc([10, NaN, 20, 30, 40], 2);
    expect(r[2]).toBe(100);
    expect(r[3]).toBeNaN();
    expect(r[4]).toBe(100);
  });

  it('rejects a period of zero', () => expect(() => new Roc(0)).toThrow(/roc period/));
  it('meets the indicator contract (default period 10)', () => expectIndicatorContract(rocDef));
  it('meets the indicator contract (period 1)', () => expectIndicatorContract(rocDef, [1]));
});

import { describe, expect, it } from 'vitest';
import { Ema, ema, emaDef } from '../../../src/analytics/indicators/ema.js';
import { Sma, sma, smaDef } from '../../../src/analytics/indicators/sma.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

describe('SMA', () => {
  it('averages the last period values (hand-computed)', () => {
    expect([...sma([1, 2, 3, 4, 5], 3)]).toEqual([NaN, NaN, 2, 3, 4]);
    const s = new Sma(2);
    expect(s.update(10)).toBeNaN();
    expect(s.isReady).toBe(false);
    expect(s.update(20)).toBe(15);
    expect(s.isReady).toBe(true);
  });

  it('rejects a period of zero', () => {
    expect(() => new Sma(0)).toThrow(/sma period must be a whole number >= 1/);
  });

  it('meets the indicator contract', () => expectIndicatorContract(smaDef));
});

describe('EMA', () => {
  it('seeds with the simple mean, then smooths with k = 2/(n+1) (hand-computed)', () => {
    // period 3: seed (1+2+3)/3 = 2; then 2 + 0.5*(4-2) = 3; 3 + 0.5*(8-3) = 5.5
    expect([...ema([1, 2, 3, 4, 8], 3)]).toEqual([NaN, NaN, 2, 3, 5.5]);
    expect(new Ema(3).warmup).toBe(3);
  });

  it('meets the indicator contract', () => expectIndicatorContract(emaDef));
});

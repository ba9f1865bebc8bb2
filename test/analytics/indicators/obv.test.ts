import { describe, expect, it } from 'vitest';
import { Obv, obv, obvDef } from '../../../src/analytics/indicators/obv.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

describe('OBV', () => {
  it('adds volume on up closes, subtracts on down closes, starting from the first volume (Granville; TA-Lib)', () => {
    const out = obv({ close: [10, 11, 11, 10, 12], volume: [100, 200, 300, 400, 500] });
    expect([...out]).toEqual([100, 300, 300, -100, 400]);
  });

  it('is defined from the first bar (lookback 0)', () => {
    const o = new Obv();
    expect(o.warmup).toBe(1);
    const bar = { ts: 0, open: 1, high: 1, low: 1, close: 1, volume: 250 };
    expect(o.update(bar)).toBe(250);
    expect(o.isReady).toBe(true);
  });

  it('stays at the first volume while the close is flat', () => {
    expect([...obv({ close: [5, 5, 5, 5], volume: [7, 8, 9, 10] })]).toEqual([7, 7, 7, 7]);
  });

  it('names its single column obv (no parameters)', () => {
    expect(obvDef.params).toEqual([]);
    expect(obvDef.outputs).toEqual(['obv']);
  });

  it('meets the indicator contract', () => expectIndicatorContract(obvDef));
});

import { describe, expect, it } from 'vitest';
import { limitOffset, limitPriceFor } from '../../src/execution/limit-offset.js';

describe('limit-price offset', () => {
  it('is 5 bps by default: a buy at 100 pays up to 100.05, a sell accepts down to 99.95', () => {
    expect(limitPriceFor('buy', 100)).toBeCloseTo(100.05, 12);
    expect(limitPriceFor('sell', 100)).toBeCloseTo(99.95, 12);
  });

  it('widens to half the spread and to a quarter of the per-bar volatility, capped at 50 bps', () => {
    expect(limitOffset({ spread: 0.002 })).toBeCloseTo(0.001, 15); // half of 20 bps
    expect(limitOffset({ volatility: 0.008 })).toBeCloseTo(0.002, 15); // 0.25 x 80 bps
    expect(limitOffset({ spread: 0.0004, volatility: 0.0001 })).toBeCloseTo(0.0005, 15); // the 5 bps base wins
    expect(limitOffset({ volatility: 0.1 })).toBeCloseTo(0.005, 15); // 250 bps capped at 50
  });
});

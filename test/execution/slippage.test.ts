import { describe, expect, it } from 'vitest';
import {
  fixedBpsSlippage,
  halfSpreadSlippage,
  NO_SLIPPAGE,
  sqrtImpactSlippage,
  volatilitySlippage,
  type SlippageInput,
} from '../../src/execution/slippage.js';

const input = (fields: Partial<SlippageInput> = {}): SlippageInput => ({
  symbol: 'AAA',
  side: 'buy',
  price: 50,
  qty: 1000,
  volume: 100_000,
  ...fields,
});

describe('slippage models', () => {
  it('adds nothing with none', () => {
    expect(NO_SLIPPAGE.slippage(input())).toBe(0);
  });

  it('moves a fixed number of bps of the price', () => {
    expect(fixedBpsSlippage(10).slippage(input())).toBeCloseTo(0.05, 12); // 50 x 10 / 10,000
  });

  it('crosses half of the configured spread', () => {
    expect(halfSpreadSlippage(20).slippage(input())).toBeCloseTo(0.05, 12); // 50 x 20 / 2 / 10,000
  });

  it('scales with the caller-supplied volatility', () => {
    const sigma = new Map([['AAA', 0.02]]);
    const model = volatilitySlippage({ k: 0.5, volatility: (s) => sigma.get(s) ?? NaN });
    expect(model.slippage(input())).toBeCloseTo(0.5, 12); // 0.5 x 0.02 x 50
    sigma.set('AAA', 0.04); // the caller updates its estimate each bar
    expect(model.slippage(input())).toBeCloseTo(1, 12);
    expect(model.slippage(input({ symbol: 'UNKNOWN' }))).toBe(0); // NaN: no estimate yet
  });

  it('grows with the square root of the participation in the bar volume', () => {
    const model = sqrtImpactSlippage({ k: 1, volatility: () => 0.02 });
    // 1 x 0.02 x sqrt(1,000 / 100,000) x 50 = 0.02 x 0.1 x 50 = 0.10
    expect(model.slippage(input())).toBeCloseTo(0.1, 12);
    // four times the quantity doubles the impact: sqrt(0.04) = 0.2 -> 0.20
    expect(model.slippage(input({ qty: 4000 }))).toBeCloseTo(0.2, 12);
    // a bar without volume counts as full participation: 0.02 x 1 x 50 = 1.00
    expect(model.slippage(input({ volume: 0 }))).toBeCloseTo(1, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  bpsFees,
  ibkrFixedFees,
  makerTakerFees,
  NO_FEES,
  perShareFees,
  type FeeInput,
  type FeeModel,
} from '../../src/execution/fees.js';

const fill = (qty: number, price: number, extra: Partial<FeeInput> = {}): FeeInput => ({
  side: 'buy',
  qty,
  price,
  liquidity: 'taker',
  priorQty: 0,
  priorNotional: 0,
  ...extra,
});

/** Fees of an order split into fills [qty, price][], each seeing what came before. */
function split(model: FeeModel, fills: [number, number][]): number[] {
  let priorQty = 0;
  let priorNotional = 0;
  return fills.map(([qty, price]) => {
    const fee = model.fee(fill(qty, price, { priorQty, priorNotional }));
    priorQty += qty;
    priorNotional += qty * price;
    return fee;
  });
}

describe('fee models', () => {
  it('charges nothing with none', () => {
    expect(NO_FEES.fee(fill(1000, 50))).toBe(0);
  });

  it('charges per share with a per-order minimum and a maximum share of notional (IBKR fixed)', () => {
    const ibkr = ibkrFixedFees();
    expect(ibkr.fee(fill(100, 50))).toBe(1); // 100 x 0.005 = 0.50 -> minimum 1.00
    expect(ibkr.fee(fill(1000, 50))).toBeCloseTo(5, 12); // 1000 x 0.005 = 5.00
    // 300 x 0.005 = 1.50, but 1% of 300 x 0.20 = 60 notional is 0.60
    expect(ibkr.fee(fill(300, 0.2))).toBeCloseTo(0.6, 12);
  });

  it('charges a per-order minimum once across partial fills', () => {
    const model = perShareFees({ perShare: 0.005, minimum: 1 });
    // order of 250 filled 100, 80, 70: totals max(1, 0.5) = 1, max(1, 0.9) = 1, max(1, 1.25) = 1.25
    const fees = split(model, [
      [100, 10],
      [80, 10.5],
      [70, 11],
    ]);
    expect(fees[0]).toBe(1);
    expect(fees[1]).toBe(0);
    expect(fees[2]).toBeCloseTo(0.25, 12);
    expect(fees.reduce((a, b) => a + b, 0)).toBeCloseTo(model.fee(fill(250, 10.44)), 12);
  });

  it('charges bps of notional with a minimum', () => {
    expect(bpsFees({ bps: 5 }).fee(fill(200, 50))).toBeCloseTo(5, 12); // 10,000 x 0.0005
    const withMin = bpsFees({ bps: 5, minimum: 2 });
    expect(withMin.fee(fill(20, 50))).toBe(2); // 1,000 x 0.0005 = 0.50 -> 2.00
    // 1,000 then 9,000 of notional: totals 2.00 then 10,000 x 0.0005 = 5.00 -> 2.00 + 3.00
    const fees = split(withMin, [
      [20, 50],
      [180, 50],
    ]);
    expect(fees[0]).toBe(2);
    expect(fees[1]).toBeCloseTo(3, 12);
  });

  it('charges crypto maker and taker rates by liquidity', () => {
    const model = makerTakerFees({ makerBps: 2, takerBps: 5 });
    // 0.5 BTC x 40,000 = 20,000 notional: maker 2 bps = 4.00, taker 5 bps = 10.00
    expect(model.fee(fill(0.5, 40_000, { liquidity: 'maker' }))).toBeCloseTo(4, 12);
    expect(model.fee(fill(0.5, 40_000, { liquidity: 'taker' }))).toBeCloseTo(10, 12);
  });

  it('rejects negative parameters as configuration errors', () => {
    expect(() => perShareFees({ perShare: -0.005 })).toThrow(ConfigError);
    expect(() => bpsFees({ bps: Number.NaN })).toThrow(/bps must be a number >= 0/);
  });
});

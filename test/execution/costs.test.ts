import { describe, expect, it } from 'vitest';
import { bpsFees, makerTakerFees } from '../../src/execution/fees.js';
import type { OrderFilledEvent } from '../../src/engine/ports.js';
import { fixedBpsSlippage, sqrtImpactSlippage, volatilitySlippage } from '../../src/execution/slippage.js';
import { bar, day, fillsOf, harness, order } from './support.js';

const b0 = bar(0, 50, 50, 50, 50);
const filledEvents = (events: readonly { kind: string }[]) =>
  events.filter((e): e is OrderFilledEvent => e.kind === 'filled' || e.kind === 'partially_filled');

describe('slippage, tick rounding and fees at the exchange', () => {
  it('moves market fills against the trader and rounds them to the tick against the trader', () => {
    const h = harness({ slippage: fixedBpsSlippage(7), positions: { BBB: 100 } });
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 50, 50, 50, 50, 1e6, 'BBB'));
    h.ex.submit(order('buy'));
    h.ex.submit(order('sell', { symbol: 'BBB', side: 'sell' }));
    h.ex.onBar(bar(1, 50, 50.5, 49.5, 50));
    h.ex.onBar(bar(1, 50, 50.5, 49.5, 50, 1e6, 'BBB'));
    // 7 bps of 50 = 0.035: buy 50.035 -> 50.04, sell 49.965 -> 49.96
    expect(fillsOf(h)).toEqual([
      [100, 50.04, day(1)],
      [100, 49.96, day(1)],
    ]);
    expect(filledEvents(h.events).map((e) => e.slippage)).toEqual([expect.closeTo(0.04, 12), expect.closeTo(0.04, 12)]);
  });

  it("keeps the rule's exact price with priceRounding: 'none' (adjusted, off-grid data)", () => {
    const h = harness({ slippage: fixedBpsSlippage(7), priceRounding: 'none' });
    h.ex.onBar(b0);
    h.ex.submit(order('buy'));
    h.ex.onBar(bar(1, 2.179012, 2.191358, 2.117284, 2.117284));
    // 2.179012 x (1 + 0.0007) = 2.1805373084
    expect(h.fills()[0]?.price).toBeCloseTo(2.1805373084, 12);
  });

  it('rounds an off-grid open to the tick against the trader by default', () => {
    const h = harness({ positions: { BBB: 100 } });
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 50, 50, 50, 50, 1e6, 'BBB'));
    h.ex.submit(order('buy'));
    h.ex.submit(order('sell', { symbol: 'BBB', side: 'sell' }));
    h.ex.onBar(bar(1, 12.3456, 12.4, 12.3, 12.35));
    h.ex.onBar(bar(1, 12.3456, 12.4, 12.3, 12.35, 1e6, 'BBB'));
    expect(h.fills().map((f) => f.price)).toEqual([12.35, 12.34]);
  });

  it('never slips a limit fill beyond its limit', () => {
    const h = harness({ slippage: fixedBpsSlippage(10) });
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 50, 50, 50, 50, 1e6, 'BBB'));
    h.ex.submit(order('gap', { type: 'limit', limitPrice: 50 }));
    h.ex.submit(order('touch', { type: 'limit', limitPrice: 50, symbol: 'BBB' }));
    // gap: open 49.99 + 10 bps (0.04999) = 50.03999 -> capped at the limit 50
    h.ex.onBar(bar(1, 49.99, 50.2, 49.9, 50.1));
    // touched: the rule gives the limit 50 itself; slippage cannot push it past 50
    h.ex.onBar(bar(1, 50.5, 50.6, 49.95, 50.2, 1e6, 'BBB'));
    expect(h.fills().map((f) => [f.clientOrderId, f.price])).toEqual([
      ['gap', 50],
      ['touch', 50],
    ]);
    // a gap far enough below the limit keeps its slippage: 49.50 + 0.0495 = 49.5495 -> 49.55
    const g = harness({ slippage: fixedBpsSlippage(10) });
    g.ex.onBar(b0);
    g.ex.submit(order('deep', { type: 'limit', limitPrice: 50 }));
    g.ex.onBar(bar(1, 49.5, 49.8, 49.4, 49.7));
    expect(g.fills()[0]?.price).toBe(49.55);
  });

  it('rounds order prices to the tick at acceptance, never making them more aggressive', () => {
    const h = harness();
    h.ex.submit(order('bl', { type: 'limit', limitPrice: 10.017 }));
    h.ex.submit(order('ss', { side: 'sell', type: 'stop', stopPrice: 10.019 }));
    h.ex.submit(
      order('br', { orderClass: 'bracket', takeProfit: { limitPrice: 12.001 }, stopLoss: { stopPrice: 8.999 } }),
    );
    expect(h.ex.order('bl')?.limitPrice).toBe(10.01); // buy limit down
    expect(h.ex.order('ss')?.stopPrice).toBe(10.01); // sell stop down
    expect(h.ex.order('br')?.takeProfit).toEqual({ limitPrice: 12.01 }); // sell take-profit up
    expect(h.ex.order('br')?.stopLoss).toEqual({ stopPrice: 8.99 }); // sell stop-loss down
  });

  it('charges makers and takers their own rates', () => {
    const h = harness({ fees: makerTakerFees({ makerBps: 2, takerBps: 5 }) });
    h.ex.onBar(b0);
    h.ex.submit(order('taker'));
    h.ex.submit(order('maker', { type: 'limit', limitPrice: 49.5 }));
    h.ex.onBar(bar(1, 50, 50.2, 49.4, 49.8)); // market at 50; the resting limit at 49.50
    const [taker, maker] = h.fills();
    // taker: 100 x 50 = 5,000 x 5 bps = 2.50; maker: 100 x 49.50 = 4,950 x 2 bps = 0.99
    expect([taker?.liquidity, taker?.fee]).toEqual(['taker', expect.closeTo(2.5, 12)]);
    expect([maker?.liquidity, maker?.fee]).toEqual(['maker', expect.closeTo(0.99, 12)]);
  });

  it('charges bps of the slipped, rounded notional', () => {
    const h = harness({ fees: bpsFees({ bps: 10 }), slippage: fixedBpsSlippage(7) });
    h.ex.onBar(b0);
    h.ex.submit(order('buy'));
    h.ex.onBar(bar(1, 50, 50.5, 49.5, 50));
    expect(h.fills()[0]?.fee).toBeCloseTo(5.004, 12); // 100 x 50.04 x 0.001
  });

  it('scales volatility slippage with the estimate the caller keeps for each bar', () => {
    const sigma = new Map<string, number>();
    const h = harness({ slippage: volatilitySlippage({ k: 0.5, volatility: (s) => sigma.get(s) ?? NaN }) });
    h.ex.onBar(b0);
    h.ex.submit(order('v1'));
    sigma.set('AAA', 0.02); // the engine updates its estimate before the bar reaches the exchange
    h.ex.onBar(bar(1, 50, 50.5, 49.5, 50)); // 0.5 x 0.02 x 50 = 0.50 -> 50.50
    expect(h.fills()[0]?.price).toBe(50.5);
  });

  it('charges square-root impact on the filled quantity against the bar volume', () => {
    const h = harness({ slippage: sqrtImpactSlippage({ k: 1, volatility: () => 0.02 }) });
    h.ex.onBar(b0);
    h.ex.submit(order('i1', { qty: 1000 }));
    h.ex.onBar(bar(1, 50, 50.5, 49.5, 50, 100_000)); // 0.02 x sqrt(0.01) x 50 = 0.10 -> 50.10
    expect(h.fills()[0]?.price).toBe(50.1);
  });
});

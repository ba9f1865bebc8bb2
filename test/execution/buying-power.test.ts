/**
 * Buying power at the simulated exchange: gross exposure (positions and open orders, at the
 * latest closes) may reach `leverage` x equity, checked at submission. Numbers are derived by
 * hand from bars whose open, high, low and close are all equal.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { OrderRejectedEvent } from '../../src/engine/ports.js';
import { bar, fillsOf, harness, order } from './support.js';

/** A harness whose account has `equity` (fixed: these tests read the check, not the marking). */
function account(equity: number, leverage: number) {
  const h = harness({ priceRounding: 'none', buyingPower: { account: { equity: () => equity }, leverage } });
  // Day 0 prices AAA and BBB at 100: orders placed now work from day 1.
  h.ex.onBar(bar(0, 100, 100, 100, 100));
  h.ex.onBar(bar(0, 100, 100, 100, 100, 1_000_000, 'BBB'));
  return h;
}

const rejection = (h: ReturnType<typeof harness>, id: string) =>
  h.events.find((e): e is OrderRejectedEvent => e.kind === 'rejected' && e.rejection.clientOrderId === id);

describe('SimulatedExchange buying power', () => {
  it('rejects buying 1e15 shares on $100,000 with insufficient_buying_power and never fills it', () => {
    const h = account(100_000, 2);
    h.ex.submit(order('huge', { qty: 1e15 }));
    h.ex.onBar(bar(1, 100, 100, 100, 100));
    const r = rejection(h, 'huge');
    expect(r?.code).toBe('insufficient_buying_power');
    expect(r?.rejection.source).toBe('venue');
    // 1e15 x 100 = 1e17 against 2 x 100,000 = 200,000.
    expect(r?.rejection.reason).toContain('would take gross exposure to 100000000000000000');
    expect(r?.rejection.reason).toContain('2x equity 100000 (200000)');
    expect(h.ex.order('huge')?.status).toBe('rejected');
    expect(fillsOf(h)).toEqual([]);
    expect(h.ex.position('AAA')).toBe(0);
  });

  it('accepts an order up to exactly leverage x equity and rejects one share more', () => {
    // 2x of 100,000 at 100 a share: 2,000 shares.
    const h = account(100_000, 2);
    h.ex.submit(order('over', { qty: 2_001 }));
    h.ex.submit(order('at', { qty: 2_000 }));
    h.ex.onBar(bar(1, 100, 100, 100, 100));
    expect(h.log()).toEqual(['rejected over', 'accepted at', 'filled at']);
    expect(fillsOf(h, 'at')).toEqual([[2_000, 100, bar(1, 0, 0, 0, 0).ts]]);
  });

  it('counts open buy orders and held positions of every symbol, shorts as exposure too', () => {
    const h = account(100_000, 1);
    h.ex.submit(order('a', { qty: 600 })); // 60,000
    h.ex.submit(order('b', { symbol: 'BBB', side: 'sell', qty: 300 })); // short 30,000: 90,000
    h.ex.submit(order('c', { qty: 101 })); // 90,000 + 10,100 > 100,000
    h.ex.submit(order('d', { qty: 100 })); // 100,000: fits
    expect(h.log()).toEqual(['accepted a', 'accepted b', 'rejected c', 'accepted d']);
  });

  it('never rejects an order that only reduces exposure, even beyond buying power', () => {
    // 400 shares at 100 use all of 40,000 at 1x: one more share is refused, a sell is not.
    const h = account(40_000, 1);
    h.ex.submit(order('long', { qty: 400 }));
    h.ex.onBar(bar(1, 100, 100, 100, 100));
    h.ex.submit(order('more', { qty: 1 }));
    h.ex.submit(order('sell', { side: 'sell', qty: 200 }));
    h.ex.submit(order('flip', { side: 'sell', qty: 1_000 })); // both sells filled: short 800, 80,000
    expect(h.log()).toEqual(['accepted long', 'filled long', 'rejected more', 'accepted sell', 'rejected flip']);
  });

  it("credits a rebalance's open market sell for its buy, but not an open limit sell", () => {
    // Full at 1x: 1,000 AAA at 100 on 100,000.
    const market = account(100_000, 1);
    market.ex.submit(order('long', { qty: 1_000 }));
    market.ex.onBar(bar(1, 100, 100, 100, 100));
    market.ex.submit(order('out', { side: 'sell', qty: 1_000 }));
    market.ex.submit(order('in', { symbol: 'BBB', qty: 1_000 }));
    expect(market.log().slice(2)).toEqual(['accepted out', 'accepted in']);

    const limit = account(100_000, 1);
    limit.ex.submit(order('long', { qty: 1_000 }));
    limit.ex.onBar(bar(1, 100, 100, 100, 100));
    limit.ex.submit(order('out', { side: 'sell', qty: 1_000, type: 'limit', limitPrice: 110 }));
    limit.ex.submit(order('in', { symbol: 'BBB', qty: 1_000 }));
    expect(limit.log().slice(2)).toEqual(['accepted out', 'rejected in']);
    expect(rejection(limit, 'in')?.code).toBe('insufficient_buying_power');
  });

  it('values an order on a symbol without a bar yet at its limit price', () => {
    const h = harness({ priceRounding: 'none', buyingPower: { account: { equity: () => 10_000 }, leverage: 1 } });
    h.ex.submit(order('ok', { type: 'limit', limitPrice: 100, qty: 100 })); // 10,000
    h.ex.submit(order('no', { type: 'limit', limitPrice: 100, qty: 1 })); // 10,100
    expect(h.log()).toEqual(['accepted ok', 'rejected no']);
  });

  it('refuses a leverage that is not a positive number', () => {
    for (const leverage of [0, -1, Number.NaN, Infinity]) {
      expect(() => harness({ buyingPower: { account: { equity: () => 1 }, leverage } })).toThrow(ConfigError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { fixedLatency } from '../../src/execution/latency.js';
import { bar, day, fillsOf, harness, order } from './support.js';

/** An order decided at the close of day 1 (its session's close, 21:00 UTC in January). */
const placed = day(1) + 21 * 3_600_000;

describe('orders carried into a new simulated exchange (SimulatedExchange.restore)', () => {
  it('fills a carried market order at the open of the first bar after it was placed, never on older bars', () => {
    const h = harness();
    h.ex.restore([{ request: order('m1', { qty: 40 }), filledQty: 0, createdAt: placed }]);
    // The warm-up history delivered again: days 0 and 1 started before the order was placed.
    h.ex.onBar(bar(0, 9, 9.5, 8.5, 9));
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(2, 11, 11.5, 10.5, 11));
    expect(fillsOf(h, 'm1')).toEqual([[40, 11, day(2)]]);
    // No accepted event for it: it was accepted by the session that placed it.
    expect(h.log()).toEqual(['filled m1']);
    expect(h.ex.order('m1')?.history.map((t) => t.status)).toEqual(['new', 'accepted', 'filled']);
  });

  it('fills only what is left of a partly filled order, and counts the earlier fill', () => {
    const h = harness();
    h.ex.restore([
      { request: order('p1', { type: 'limit', limitPrice: 10, qty: 100 }), filledQty: 30, createdAt: placed },
    ]);
    h.ex.onBar(bar(2, 10.5, 10.6, 9.8, 10.2));
    expect(fillsOf(h, 'p1')).toEqual([[70, 10, day(2)]]);
    expect(h.ex.order('p1')).toMatchObject({ status: 'filled', filledQty: 100 });
  });

  it('keeps the latency of the exchange: an order placed just before a bar waits for the next one', () => {
    const h = harness({ latency: fixedLatency(4 * 3_600_000) });
    h.ex.restore([{ request: order('l1'), filledQty: 0, createdAt: day(2) - 3_600_000 }]);
    h.ex.onBar(bar(2, 11, 11.5, 10.5, 11));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(3, 12, 12.5, 11.5, 12));
    expect(fillsOf(h, 'l1')).toEqual([[100, 12, day(3)]]);
  });

  it('cancels with the reason an order whose group cannot be rebuilt, or whose symbol it does not know', () => {
    const h = harness();
    h.ex.restore([
      {
        request: order('b1', { orderClass: 'bracket', takeProfit: { limitPrice: 12 }, stopLoss: { stopPrice: 9 } }),
        filledQty: 0,
        createdAt: placed,
      },
      { request: order('u1', { symbol: 'ZZZ' }), filledQty: 0, createdAt: placed },
    ]);
    h.ex.onBar(bar(2, 11, 11.5, 10.5, 11));
    expect(h.fills()).toEqual([]);
    expect(h.log()).toEqual(['cancelled b1', 'cancelled u1']);
    expect(h.ex.order('b1')?.reason).toBe(
      'not carried over: a bracket group cannot be carried into a new session of the simulated exchange',
    );
    expect(h.ex.order('u1')?.reason).toBe('not carried over: no instrument is known for symbol ZZZ');
  });

  it('refuses a new order that reuses the id of a carried one', () => {
    const h = harness();
    h.ex.restore([{ request: order('m1'), filledQty: 0, createdAt: placed }]);
    h.ex.onBar(bar(2, 11, 11.5, 10.5, 11));
    h.ex.submit(order('m1'));
    expect(h.log()).toEqual(['filled m1', 'rejected m1']);
  });
});

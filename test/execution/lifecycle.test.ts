import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import type { OrderRequest } from '../../src/core/order.js';
import { ibkrFixedFees } from '../../src/execution/fees.js';
import type { ExecutionEvent } from '../../src/engine/ports.js';
import { fixedBpsSlippage } from '../../src/execution/slippage.js';
import { bar, day, fillsOf, harness, order } from './support.js';

describe('cancels', () => {
  it('cancel a working order at once with a recorded reason', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5));
    h.ex.submit(order('c1', { type: 'limit', limitPrice: 9 }));
    h.ex.cancel('c1');
    expect(h.log()).toEqual(['accepted c1', 'cancelled c1']);
    expect(h.ex.order('c1')?.history.at(-1)).toEqual({
      status: 'cancelled',
      ts: day(0),
      reason: 'cancelled by request',
    });
    h.ex.onBar(bar(1, 8, 8, 8, 8));
    expect(h.fills()).toEqual([]);
  });

  it('ignore unknown and finished orders', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5));
    h.ex.submit(order('c2'));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5));
    h.ex.cancel('c2');
    h.ex.cancel('nope');
    expect(h.log()).toEqual(['accepted c2', 'filled c2']);
  });

  it('let a bar of the symbol already under way at the current time still fill the order', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'BBB'));
    h.ex.submit(order('c3', { symbol: 'BBB', type: 'limit', limitPrice: 9.5 }));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'AAA')); // AAA's bar 1 closes first; a strategy cancels
    h.ex.cancel('c3');
    expect(h.ex.order('c3')?.status).toBe('accepted');
    h.ex.onBar(bar(1, 9.8, 9.9, 9.4, 9.6, 1e6, 'BBB')); // ran at the same time as AAA's bar 1
    expect(fillsOf(h)).toEqual([[100, 9.5, day(1)]]);
  });

  it('apply a pending cancel before the next bar of the symbol matches', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'BBB'));
    h.ex.submit(order('c4', { symbol: 'BBB', type: 'limit', limitPrice: 9.5 }));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'AAA'));
    h.ex.cancel('c4');
    h.ex.onBar(bar(1, 9.8, 9.9, 9.6, 9.7, 1e6, 'BBB')); // not reached
    h.ex.onBar(bar(2, 9, 9, 9, 9, 1e6, 'BBB')); // would fill, but the cancel lands first
    expect(h.fills()).toEqual([]);
    expect(h.ex.order('c4')?.history.at(-1)).toEqual({
      status: 'cancelled',
      ts: day(2),
      reason: 'cancelled by request',
    });
  });
});

describe('events', () => {
  it('reach listeners after the bar is done, so a listener may place orders from onFill', () => {
    const h = harness();
    h.ex.subscribe((e) => {
      if (e.kind === 'filled' && e.order.clientOrderId === 'first') {
        expect(h.ex.openOrders()).toEqual([]); // the exchange is between bars, not mid-loop
        h.ex.submit(order('second', { side: 'sell' }));
      }
    });
    h.ex.onBar(bar(0, 10, 11, 9, 10.5));
    h.ex.submit(order('first'));
    h.ex.onBar(bar(1, 10.8, 11, 10.5, 10.9));
    expect(h.log()).toEqual(['accepted first', 'filled first', 'accepted second']);
    h.ex.onBar(bar(2, 11.2, 11.5, 11, 11.3));
    expect(fillsOf(h, 'second')).toEqual([[100, 11.2, day(2)]]); // the bar after the fill
  });

  it('stop reaching a listener once it unsubscribes', () => {
    const h = harness();
    const seen: string[] = [];
    const off = h.ex.subscribe((e) => seen.push(e.kind));
    h.ex.submit(order('a'));
    off();
    h.ex.submit(order('b'));
    expect(seen).toEqual(['accepted']);
    expect(h.events).toHaveLength(2);
  });

  it('throw on bars of a symbol that go back in time (an engine bug)', () => {
    const h = harness();
    h.ex.onBar(bar(1, 10, 11, 9, 10.5));
    expect(() => h.ex.onBar(bar(1, 10, 11, 9, 10.5))).toThrow(/out of order/);
  });
});

describe('determinism', () => {
  /** A seeded script of bars and orders of every kind, replayed on a fresh exchange. */
  function run(): { events: ExecutionEvent[]; orders: unknown } {
    const h = harness({ participation: 0.2, fees: ibkrFixedFees(), slippage: fixedBpsSlippage(3) });
    let seed = 42;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let px = 100;
    const reqs: ((i: number) => OrderRequest)[] = [
      (i) => order(`m${i}`, { qty: 30 + i }),
      (i) => order(`l${i}`, { side: 'sell', type: 'limit', limitPrice: Math.round(px * 102) / 100 }),
      (i) => order(`s${i}`, { side: 'sell', type: 'stop', stopPrice: Math.round(px * 97) / 100, tif: 'day' }),
      (i) => order(`t${i}`, { side: 'sell', type: 'trailing_stop', trailPercent: 2 }),
      (i) =>
        order(`b${i}`, {
          orderClass: 'bracket',
          takeProfit: { limitPrice: Math.round(px * 103) / 100 },
          stopLoss: { stopPrice: Math.round(px * 98) / 100 },
        }),
    ];
    for (let i = 0; i < 60; i++) {
      const o = px * (1 + (rnd() - 0.5) * 0.02);
      const c = o * (1 + (rnd() - 0.5) * 0.04);
      const b: Bar = bar(
        i,
        o,
        Math.max(o, c) * (1 + rnd() * 0.01),
        Math.min(o, c) * (1 - rnd() * 0.01),
        c,
        500 + rnd() * 1000,
      );
      h.ex.onBar(b);
      px = c;
      if (i % 3 === 0) h.ex.submit((reqs[(i / 3) % reqs.length] as (i: number) => OrderRequest)(i));
      if (i % 11 === 5) h.ex.cancel(`l${i - 2}`);
    }
    return { events: h.events, orders: h.ex.orders() };
  }

  it('produces the same events and order records from the same inputs', () => {
    const a = run();
    const b = run();
    expect(a.events.length).toBeGreaterThan(40);
    expect(new Set(a.events.map((e) => e.kind))).toEqual(
      new Set(['accepted', 'partially_filled', 'filled', 'cancelled', 'expired']),
    );
    expect(b).toEqual(a);
  });
});

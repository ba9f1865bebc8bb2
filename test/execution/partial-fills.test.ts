import { describe, expect, it } from 'vitest';
import { perShareFees } from '../../src/execution/fees.js';
import { bar, day, fillsOf, harness, order } from './support.js';

const b0 = bar(0, 10, 11, 9, 10.5);

describe('partial fills under a volume participation cap', () => {
  it('carries the remainder across bars and tracks the average price', () => {
    const h = harness({ participation: 0.1, fees: perShareFees({ perShare: 0.005, minimum: 1 }) });
    h.ex.onBar(b0);
    h.ex.submit(order('p1', { qty: 250 }));
    h.ex.onBar(bar(1, 10, 10.2, 9.8, 10.1, 1000)); // cap 100 at the open 10
    h.ex.onBar(bar(2, 10.5, 10.6, 10.4, 10.5, 800)); // cap 80 at 10.50
    h.ex.onBar(bar(3, 11, 11.1, 10.9, 11, 2000)); // cap 200 >= the 70 left, at 11
    expect(fillsOf(h)).toEqual([
      [100, 10, day(1)],
      [80, 10.5, day(2)],
      [70, 11, day(3)],
    ]);
    const rec = h.ex.order('p1');
    // (100 x 10 + 80 x 10.5 + 70 x 11) / 250 = (1000 + 840 + 770) / 250 = 10.44
    expect(rec?.avgFillPrice).toBeCloseTo(10.44, 12);
    expect(rec?.filledQty).toBe(250);
    expect(rec?.history.map((t) => [t.status, t.ts])).toEqual([
      ['new', day(0)],
      ['accepted', day(0)],
      ['partially_filled', day(1)],
      ['partially_filled', day(2)],
      ['filled', day(3)],
    ]);
    // per-order minimum once: totals max(1, 0.50) = 1, max(1, 0.90) = 1, max(1, 1.25) = 1.25
    expect(h.fills().map((f) => f.fee)).toEqual([1, 0, expect.closeTo(0.25, 12)]);
    expect(rec?.fees).toBeCloseTo(1.25, 12);
    expect(h.events.map((e) => e.kind)).toEqual(['accepted', 'partially_filled', 'partially_filled', 'filled']);
  });

  it('keeps a limit remainder working and fills it only on bars that reach the limit', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(order('p2', { type: 'limit', limitPrice: 10, qty: 150 }));
    h.ex.onBar(bar(1, 10.2, 10.3, 9.9, 10, 1000)); // 100 at 10
    h.ex.onBar(bar(2, 10.2, 10.3, 10.1, 10.2, 1000)); // low 10.10: nothing
    h.ex.onBar(bar(3, 9.9, 10, 9.8, 9.9, 500)); // open 9.90 below the limit: 50 at 9.90
    expect(fillsOf(h)).toEqual([
      [100, 10, day(1)],
      [50, 9.9, day(3)],
    ]);
    expect(h.ex.order('p2')?.avgFillPrice).toBeCloseTo((100 * 10 + 50 * 9.9) / 150, 12); // 9.9666...
  });

  it('shares one bar budget between the orders of a symbol, first come first served', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(order('a', { qty: 60 }));
    h.ex.submit(order('b', { qty: 60 }));
    h.ex.onBar(bar(1, 10, 10.2, 9.8, 10.1, 1000)); // 100: a gets 60, b 40
    h.ex.onBar(bar(2, 10.4, 10.6, 10.3, 10.5, 1000)); // b's last 20
    expect(fillsOf(h, 'a')).toEqual([[60, 10, day(1)]]);
    expect(fillsOf(h, 'b')).toEqual([
      [40, 10, day(1)],
      [20, 10.4, day(2)],
    ]);
  });

  it('rounds the budget down to the lot and fills fractional lots for crypto', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 40_000, 40_000, 40_000, 40_000, 10, 'BTCUSD'));
    h.ex.submit(order('p3', { qty: 150 })); // AAA
    h.ex.submit(order('p4', { symbol: 'BTCUSD', qty: 0.123456 })); // lot 1e-5: 0.12345
    h.ex.onBar(bar(1, 10, 10.2, 9.8, 10.1, 995)); // 99.5 -> 99
    h.ex.onBar(bar(1, 40_000, 40_100, 39_900, 40_050, 1.00009, 'BTCUSD')); // 0.100009 -> 0.1
    h.ex.onBar(bar(2, 40_000, 40_100, 39_900, 40_050, 5, 'BTCUSD')); // the remaining 0.02345
    expect(fillsOf(h, 'p3')).toEqual([[99, 10, day(1)]]);
    expect(fillsOf(h, 'p4').map(([q]) => q)).toEqual([0.1, 0.02345]);
    expect(h.ex.order('p4')?.status).toBe('filled');
    expect(h.ex.position('BTCUSD')).toBe(0.12345);
  });

  it('fills nothing on a bar without volume when capped', () => {
    const h = harness({ participation: 0.5 });
    h.ex.onBar(b0);
    h.ex.submit(order('p5'));
    h.ex.onBar(bar(1, 10, 10, 10, 10, 0));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(2, 10.1, 10.2, 10, 10.1, 1000));
    expect(fillsOf(h)).toEqual([[100, 10.1, day(2)]]);
  });
});

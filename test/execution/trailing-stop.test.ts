import { describe, expect, it } from 'vitest';
import { bar, day, fillsOf, harness, order } from './support.js';

describe('trailing stops', () => {
  it('trail a sell stop 1.00 below the best price, updating from the high only after the trigger check', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(bar(0, 9.8, 10.1, 9.7, 10)); // close 10: best 10, stop 9
    h.ex.submit(order('tr', { side: 'sell', type: 'trailing_stop', trailAmount: 1 }));
    const stop = () => h.ex.openOrders()[0]?.stopPrice;
    expect(stop()).toBe(9);
    // b1: open 10.20 lifts best to 10.20 (stop 9.20); low 9.60 > 9.20; then the high 11 -> stop 10
    h.ex.onBar(bar(1, 10.2, 11, 9.6, 10.8));
    expect(stop()).toBe(10);
    // b2: open 10.90 < best 11; low 10.30 > 10; the high 11.50 -> stop 10.50. Updating from the
    // high first would have put the stop at 10.50 above the low 10.30 and exited on this bar.
    h.ex.onBar(bar(2, 10.9, 11.5, 10.3, 11.3));
    expect(h.fills()).toEqual([]);
    expect(stop()).toBe(10.5);
    // b3: open 11.20 > 10.50, low 10.40 <= 10.50 -> fills at the stop
    h.ex.onBar(bar(3, 11.2, 11.4, 10.4, 10.6));
    expect(fillsOf(h)).toEqual([[100, 10.5, day(3)]]);
  });

  it('fill at the open when the bar gaps below the trailing stop', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(bar(0, 9.8, 10.1, 9.7, 10));
    h.ex.submit(order('tr', { side: 'sell', type: 'trailing_stop', trailAmount: 1 }));
    h.ex.onBar(bar(1, 10.2, 11, 9.6, 10.8)); // stop 10 after this bar
    h.ex.onBar(bar(2, 9.5, 9.9, 9.2, 9.4)); // open 9.50 below the stop 10
    expect(fillsOf(h)).toEqual([[100, 9.5, day(2)]]);
  });

  it('trail a buy stop 5% above the lowest price (covering a short)', () => {
    const h = harness({ positions: { AAA: -100 } });
    h.ex.onBar(bar(0, 101, 102, 99, 100)); // best 100, stop 105
    h.ex.submit(order('tb', { side: 'buy', type: 'trailing_stop', trailPercent: 5 }));
    const stop = () => h.ex.openOrders()[0]?.stopPrice;
    expect(stop()).toBe(105);
    // b1: open 98 -> best 98, stop 102.90; high 101 < 102.90; low 95 -> stop 95 x 1.05 = 99.75
    h.ex.onBar(bar(1, 98, 101, 95, 96));
    expect(stop()).toBe(99.75);
    // b2: open 96 (best stays 95), high 99 < 99.75; low 94 -> stop 94 x 1.05 = 98.70
    h.ex.onBar(bar(2, 96, 99, 94, 98));
    expect(stop()).toBe(98.7);
    // b3: open 97 < 98.70, high 99.50 >= 98.70 -> fills at the stop
    h.ex.onBar(bar(3, 97, 99.5, 96.5, 99));
    expect(fillsOf(h)).toEqual([[100, 98.7, day(3)]]);
    expect(h.ex.position('AAA')).toBe(0);
  });

  it('rounds a percent trail to the tick so that it never triggers earlier', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(bar(0, 10, 10.37, 10, 10.37));
    // 3% below 10.37 = 10.0589: a sell stop rounds down to 10.05
    h.ex.submit(order('tp', { side: 'sell', type: 'trailing_stop', trailPercent: 3 }));
    expect(h.ex.openOrders()[0]?.stopPrice).toBe(10.05);
  });

  it('starts from the first open when no price was known at submission', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.submit(order('tr', { side: 'sell', type: 'trailing_stop', trailAmount: 0.5 }));
    expect(h.ex.openOrders()[0]?.stopPrice).toBeUndefined();
    h.ex.onBar(bar(0, 10, 10.2, 9.4, 9.6)); // best 10 at the open, stop 9.50, low 9.40 -> 9.50
    expect(fillsOf(h)).toEqual([[100, 9.5, day(0)]]);
  });
});

import { describe, expect, it } from 'vitest';
import { bar, day, fillsOf, harness, order } from './support.js';

// Bars are daily (ts = session date 00:00 UTC). Orders submitted after onBar(b0) were placed by a
// strategy reacting to b0's close: the earliest bar they can fill on is b1.
const b0 = bar(0, 10, 11, 9, 10.5);

describe('market orders', () => {
  it('fill at the next bar open, never on the bar they were placed on', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('m1'));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(1, 10.8, 11.2, 10.6, 11));
    expect(fillsOf(h)).toEqual([[100, 10.8, day(1)]]);
    expect(h.log()).toEqual(['accepted m1', 'filled m1']);
    expect(h.fills()[0]?.liquidity).toBe('taker');
  });

  it('placed for another symbol whose bar at the same time was not yet processed, wait for its next bar', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'AAA'));
    h.ex.submit(order('b1', { symbol: 'BBB' }));
    h.ex.onBar(bar(0, 20, 21, 19, 20.5, 1e6, 'BBB')); // BBB's bar 0 ran while AAA's close was known: too early
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'AAA'));
    h.ex.onBar(bar(1, 20.4, 21, 19, 20.5, 1e6, 'BBB'));
    expect(fillsOf(h)).toEqual([[100, 20.4, day(1)]]);
  });

  it("fill at the signal bar's close with fill: 'close' when the engine ends the bar", () => {
    const h = harness({ fill: 'close' });
    h.ex.onBar(b0);
    h.ex.submit(order('c1'));
    h.ex.onBarEnd(b0);
    expect(fillsOf(h)).toEqual([[100, 10.5, day(0)]]);
  });

  it("ignore onBarEnd with the default fill: 'next-open'", () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('n1'));
    h.ex.onBarEnd(b0);
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(1, 10.8, 11.2, 10.6, 11));
    expect(fillsOf(h)).toEqual([[100, 10.8, day(1)]]);
  });
});

describe('limit orders', () => {
  it('fill a buy at the limit when the low touches it, as maker', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('l1', { type: 'limit', limitPrice: 10 }));
    h.ex.onBar(bar(1, 10.5, 10.8, 9.9, 10.2)); // low 9.90 <= 10, open above
    expect(fillsOf(h)).toEqual([[100, 10, day(1)]]);
    expect(h.fills()[0]?.liquidity).toBe('maker');
  });

  it('fill a buy at the open when the bar gaps below the limit (taker on arrival)', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('l2', { type: 'limit', limitPrice: 10 }));
    h.ex.onBar(bar(1, 9.5, 9.8, 9.2, 9.6)); // min(open 9.50, limit 10) = 9.50
    expect(fillsOf(h)).toEqual([[100, 9.5, day(1)]]);
    expect(h.fills()[0]?.liquidity).toBe('taker');
  });

  it('keep working until a bar reaches the limit (gtc)', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('l3', { type: 'limit', limitPrice: 10 }));
    h.ex.onBar(bar(1, 10.5, 10.8, 10.01, 10.2)); // low 10.01 > 10
    h.ex.onBar(bar(2, 10.3, 10.4, 10.05, 10.1));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(3, 9.8, 10.1, 9.7, 10)); // gap below while resting: open 9.80, maker
    expect(fillsOf(h)).toEqual([[100, 9.8, day(3)]]);
    expect(h.fills()[0]?.liquidity).toBe('maker');
  });

  it('fill a sell at the limit or at a higher opening gap', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('s1', { side: 'sell', type: 'limit', limitPrice: 12 }));
    h.ex.submit(order('s2', { side: 'sell', type: 'limit', limitPrice: 12, symbol: 'BBB' }));
    h.ex.onBar(bar(1, 11.5, 12.2, 11.4, 12)); // high 12.20 >= 12: at 12
    h.ex.onBar(bar(1, 12.5, 12.7, 12.3, 12.6, 1e6, 'BBB')); // gap above: max(12.50, 12)
    expect(fillsOf(h, 's1')).toEqual([[100, 12, day(1)]]);
    expect(fillsOf(h, 's2')).toEqual([[100, 12.5, day(1)]]);
  });
});

describe('stop orders', () => {
  it('fill a buy stop at the stop when touched and at the open when gapping through', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 10, 10, 10, 10, 1e6, 'BBB'));
    h.ex.submit(order('t1', { type: 'stop', stopPrice: 11 }));
    h.ex.submit(order('t2', { type: 'stop', stopPrice: 11, symbol: 'BBB' }));
    h.ex.onBar(bar(1, 10.5, 11.3, 10.4, 11.1)); // max(10.50, 11) = 11
    h.ex.onBar(bar(1, 11.4, 11.6, 11.2, 11.5, 1e6, 'BBB')); // max(11.40, 11) = 11.40
    expect(fillsOf(h, 't1')).toEqual([[100, 11, day(1)]]);
    expect(fillsOf(h, 't2')).toEqual([[100, 11.4, day(1)]]);
  });

  it('fill a sell stop at the stop or at a lower opening gap', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 10, 10, 10, 10, 1e6, 'BBB'));
    h.ex.submit(order('t3', { side: 'sell', type: 'stop', stopPrice: 9 }));
    h.ex.submit(order('t4', { side: 'sell', type: 'stop', stopPrice: 9, symbol: 'BBB' }));
    h.ex.onBar(bar(1, 9.5, 9.7, 8.8, 9.1)); // min(9.50, 9) = 9
    h.ex.onBar(bar(1, 8.7, 8.9, 8.5, 8.8, 1e6, 'BBB')); // gap: 8.70
    expect(fillsOf(h, 't3')).toEqual([[100, 9, day(1)]]);
    expect(fillsOf(h, 't4')).toEqual([[100, 8.7, day(1)]]);
  });

  it('do nothing while the stop is not reached', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('t5', { type: 'stop', stopPrice: 11 }));
    h.ex.onBar(bar(1, 10.5, 10.99, 10.4, 10.9));
    expect(h.fills()).toEqual([]);
    expect(h.ex.openOrders()).toHaveLength(1);
  });
});

describe('stop-limit orders', () => {
  const stopLimit = (id: string, limitPrice: number) => order(id, { type: 'stop_limit', stopPrice: 11, limitPrice });

  it('fill at the stop when triggered inside the bar within the limit', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(stopLimit('sl1', 11.2));
    h.ex.onBar(bar(1, 10.5, 11.3, 10.4, 11.1));
    expect(fillsOf(h)).toEqual([[100, 11, day(1)]]);
  });

  it('fill at the limit when the open gaps above it and the bar trades back down', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(stopLimit('sl2', 11.2));
    h.ex.onBar(bar(1, 11.5, 11.6, 11.15, 11.4)); // triggered at the open 11.50, low 11.15 <= 11.20
    expect(fillsOf(h)).toEqual([[100, 11.2, day(1)]]);
  });

  it('rest as a limit after a trigger bar that never came back to the limit', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(stopLimit('sl3', 11.2));
    h.ex.onBar(bar(1, 11.5, 11.6, 11.3, 11.4)); // triggered, low 11.30 > 11.20
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(2, 11.4, 11.5, 11.1, 11.2)); // now a limit: min(11.40, 11.20)
    expect(fillsOf(h)).toEqual([[100, 11.2, day(2)]]);
    expect(h.fills()[0]?.liquidity).toBe('maker');
  });

  it('do not fill on the trigger bar when the limit is below an intrabar trigger (conservative)', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(stopLimit('sl4', 10.9));
    h.ex.onBar(bar(1, 10.5, 11.3, 10.4, 11.1)); // low 10.40 <= 10.90, but maybe before the trigger
    expect(h.fills()).toEqual([]);
    h.ex.onBar(bar(2, 11, 11.1, 10.8, 10.9)); // resting limit 10.90: min(11, 10.90)
    expect(fillsOf(h)).toEqual([[100, 10.9, day(2)]]);
  });
});

describe('market-on-open and market-on-close', () => {
  it('fill a market-on-open order at the next open', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('moo', { type: 'market_on_open', tif: 'opg' }));
    h.ex.onBar(bar(1, 10.8, 11.2, 10.6, 11));
    expect(fillsOf(h)).toEqual([[100, 10.8, day(1)]]);
  });

  it('fill a market-on-close order at the close of the next session', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('moc', { type: 'market_on_close', tif: 'cls' }));
    h.ex.onBar(bar(1, 10.8, 11.2, 10.6, 11));
    expect(fillsOf(h)).toEqual([[100, 11, day(1)]]);
  });

  it('expire a limit-on-open whose limit the open misses, even if the bar reaches it later', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('loo', { type: 'limit', limitPrice: 10.5, tif: 'opg' }));
    h.ex.onBar(bar(1, 10.8, 11.2, 10.4, 11));
    expect(h.fills()).toEqual([]);
    expect(h.ex.order('loo')?.status).toBe('expired');
    expect(h.ex.order('loo')?.reason).toBe('opg: not filled at the open');
  });

  it('fill a limit-on-close at the close when the close satisfies the limit', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('loc', { side: 'sell', type: 'limit', limitPrice: 10.9, tif: 'cls' }));
    h.ex.onBar(bar(1, 10.8, 11.2, 10.6, 11)); // close 11 >= 10.90
    expect(fillsOf(h)).toEqual([[100, 11, day(1)]]);
  });
});

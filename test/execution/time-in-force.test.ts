import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { BacktestClock } from '../../src/core/clock.js';
import { fixedLatency } from '../../src/execution/latency.js';
import { bar, day, fillsOf, harness, order } from './support.js';

const b0 = bar(0, 10, 11, 9, 10.5);

/** A 15-minute AAA bar starting at `iso` (XNYS: 2024-01-02 and 03 trade 14:30-21:00 UTC). */
function m15(iso: string, o: number, h: number, l: number, c: number, volume = 1e6): Bar {
  return { symbol: 'AAA', ts: Date.parse(iso), open: o, high: h, low: l, close: c, volume };
}

describe('time in force on daily bars', () => {
  it('expires a day order after the one session it was live in, with the reason and times recorded', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('d1', { type: 'limit', limitPrice: 9, tif: 'day' }));
    h.ex.onBar(bar(1, 10.5, 10.8, 9.5, 10)); // low 9.50 > 9
    const rec = h.ex.order('d1');
    expect(rec?.status).toBe('expired');
    expect(rec?.history).toEqual([
      { status: 'new', ts: day(0) },
      { status: 'accepted', ts: day(0) },
      { status: 'expired', ts: day(1), reason: 'day: session ended' },
    ]);
    h.ex.onBar(bar(2, 9, 9, 8, 8.5)); // would have filled
    expect(h.fills()).toEqual([]);
  });

  it('keeps a gtc order until it fills', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('g1', { type: 'limit', limitPrice: 9 }));
    for (let i = 1; i <= 5; i++) h.ex.onBar(bar(i, 10, 10.5, 9.5, 10));
    h.ex.onBar(bar(6, 9.6, 9.7, 8.9, 9.2));
    expect(fillsOf(h)).toEqual([[100, 9, day(6)]]);
  });

  it('ioc fills what the first bar allows and cancels the rest', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(order('i1', { qty: 80, tif: 'ioc' }));
    h.ex.onBar(bar(1, 10.8, 11, 10.5, 10.9, 500)); // cap 10% of 500 = 50
    expect(fillsOf(h)).toEqual([[50, 10.8, day(1)]]);
    const rec = h.ex.order('i1');
    expect([rec?.status, rec?.filledQty, rec?.reason]).toEqual(['cancelled', 50, 'ioc: unfilled remainder cancelled']);
  });

  it('ioc limit not reached on its first bar is cancelled whole', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('i2', { type: 'limit', limitPrice: 9, tif: 'ioc' }));
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10));
    h.ex.onBar(bar(2, 9, 9, 8, 8.5));
    expect(h.fills()).toEqual([]);
    expect(h.ex.order('i2')?.reason).toBe('ioc: not fillable on its first bar');
  });

  it('fok fills all at once or nothing: the whole quantity must fit in the volume cap', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(order('f1', { qty: 80, tif: 'fok' }));
    h.ex.submit(order('f2', { qty: 40, tif: 'fok', symbol: 'BBB' }));
    h.ex.onBar(bar(1, 10.8, 11, 10.5, 10.9, 500)); // cap 50 < 80
    h.ex.onBar(bar(1, 20, 21, 19, 20, 500, 'BBB')); // 40 <= 50
    expect(fillsOf(h, 'f1')).toEqual([]);
    expect(h.ex.order('f1')?.status).toBe('cancelled');
    expect(h.ex.order('f1')?.reason).toBe('fok: 80 exceeds the 50 the volume cap allows on this bar');
    expect(fillsOf(h, 'f2')).toEqual([[40, 20, day(1)]]);
  });

  it('fok limit not reached on its first bar is cancelled', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('f3', { type: 'limit', limitPrice: 9, tif: 'fok' }));
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10));
    expect(h.ex.order('f3')?.reason).toBe('fok: not fillable on its first bar');
  });
});

describe('time in force on intraday bars (XNYS sessions)', () => {
  it('expires a day order at the session close', () => {
    const h = harness({ timeframe: '15m' });
    h.ex.onBar(m15('2024-01-02T20:30:00Z', 10, 10.2, 9.9, 10));
    h.ex.submit(order('d2', { type: 'limit', limitPrice: 9, tif: 'day' }));
    h.ex.onBar(m15('2024-01-02T20:45:00Z', 10, 10.1, 9.8, 9.9)); // the session's last bar
    expect(h.ex.order('d2')?.status).toBe('expired');
    expect(h.ex.order('d2')?.updatedAt).toBe(Date.parse('2024-01-02T20:45:00Z'));
  });

  it('lets a day order placed after the last bar live through the next session', () => {
    const h = harness({ timeframe: '15m' });
    h.ex.onBar(m15('2024-01-02T20:45:00Z', 10, 10.1, 9.8, 9.9));
    h.ex.submit(order('d3', { type: 'limit', limitPrice: 9, tif: 'day' }));
    h.ex.onBar(m15('2024-01-03T14:30:00Z', 10, 10.1, 9.5, 9.9));
    expect(h.ex.order('d3')?.status).toBe('accepted');
    h.ex.onBar(m15('2024-01-03T14:45:00Z', 9.9, 10, 9.6, 9.8));
    h.ex.onBar(m15('2024-01-03T20:45:00Z', 9.9, 10, 9.6, 9.8));
    expect(h.ex.order('d3')?.status).toBe('expired');
  });

  it("expires a day order whose session's closing bar is missing when the next session starts", () => {
    const h = harness({ timeframe: '15m' });
    h.ex.onBar(m15('2024-01-02T20:00:00Z', 10, 10.2, 9.9, 10));
    h.ex.submit(order('d4', { type: 'limit', limitPrice: 9, tif: 'day' }));
    h.ex.onBar(m15('2024-01-02T20:15:00Z', 10, 10.1, 9.8, 9.9));
    h.ex.onBar(m15('2024-01-03T14:30:00Z', 8.5, 8.6, 8.4, 8.5)); // would fill: too late
    expect(h.fills()).toEqual([]);
    expect(h.ex.order('d4')?.reason).toBe('day: its session closed before it filled');
  });

  it('fills market-on-close at the close of the session’s last bar, not the next bar', () => {
    const h = harness({ timeframe: '15m' });
    h.ex.onBar(m15('2024-01-02T20:15:00Z', 10, 10.2, 9.9, 10));
    h.ex.submit(order('moc', { type: 'market_on_close', tif: 'cls' }));
    h.ex.onBar(m15('2024-01-02T20:30:00Z', 10, 10.1, 9.8, 9.9));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(m15('2024-01-02T20:45:00Z', 9.9, 10.3, 9.9, 10.25));
    expect(fillsOf(h)).toEqual([[100, 10.25, Date.parse('2024-01-02T20:45:00Z')]]);
  });

  it("fills market-on-open at the next session's first bar", () => {
    const h = harness({ timeframe: '15m' });
    h.ex.onBar(m15('2024-01-02T20:30:00Z', 10, 10.2, 9.9, 10));
    h.ex.submit(order('moo', { type: 'market_on_open', tif: 'opg' }));
    h.ex.onBar(m15('2024-01-02T20:45:00Z', 10, 10.1, 9.8, 9.9));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(m15('2024-01-03T14:30:00Z', 10.4, 10.6, 10.3, 10.5));
    expect(fillsOf(h)).toEqual([[100, 10.4, Date.parse('2024-01-03T14:30:00Z')]]);
  });
});

describe('latency', () => {
  // The engine's clock reads the close of the bar strategies react to (bar start + 15 min).
  const at = (iso: string) => Date.parse(iso);

  it('with no latency, an order placed at a bar close fills at the next bar open', () => {
    const clock = new BacktestClock(0);
    const h = harness({ timeframe: '15m', clock });
    h.ex.onBar(m15('2024-01-02T15:00:00Z', 10, 10.2, 9.9, 10));
    clock.advanceTo(at('2024-01-02T15:15:00Z'));
    h.ex.submit(order('lat0'));
    h.ex.onBar(m15('2024-01-02T15:15:00Z', 10.1, 10.2, 10, 10.1));
    expect(fillsOf(h)).toEqual([[100, 10.1, at('2024-01-02T15:15:00Z')]]);
  });

  it('skips bars that start before submission time + latency', () => {
    const clock = new BacktestClock(0);
    const h = harness({ timeframe: '15m', clock, latency: fixedLatency(20 * 60_000) }); // 20 minutes
    h.ex.onBar(m15('2024-01-02T15:00:00Z', 10, 10.2, 9.9, 10));
    clock.advanceTo(at('2024-01-02T15:15:00Z'));
    h.ex.submit(order('lat1')); // live from 15:35: the 15:15 and 15:30 bars are too early
    h.ex.onBar(m15('2024-01-02T15:15:00Z', 10.1, 10.2, 10, 10.1));
    h.ex.onBar(m15('2024-01-02T15:30:00Z', 10.2, 10.3, 10.1, 10.2));
    expect(h.fills()).toEqual([]);
    h.ex.onBar(m15('2024-01-02T15:45:00Z', 10.3, 10.4, 10.2, 10.3));
    expect(fillsOf(h)).toEqual([[100, 10.3, at('2024-01-02T15:45:00Z')]]);
  });

  it('delays cancels by the latency too: the order can still fill before the cancel lands', () => {
    const clock = new BacktestClock(0);
    const h = harness({ timeframe: '15m', clock, latency: fixedLatency(1000) });
    h.ex.onBar(m15('2024-01-02T15:00:00Z', 10, 10.2, 9.9, 10));
    h.ex.submit(order('lat2', { type: 'limit', limitPrice: 9.5 })); // live from 15:00:01: the 15:15 bar
    clock.advanceTo(at('2024-01-02T15:15:00Z'));
    h.ex.onBar(m15('2024-01-02T15:15:00Z', 10, 10.1, 9.8, 9.9));
    clock.advanceTo(at('2024-01-02T15:30:00Z'));
    h.ex.cancel('lat2'); // lands at 15:30:01: the 15:30 bar still sees the order
    expect(h.ex.order('lat2')?.status).toBe('accepted');
    h.ex.onBar(m15('2024-01-02T15:30:00Z', 9.7, 9.8, 9.4, 9.6));
    expect(fillsOf(h)).toEqual([[100, 9.5, at('2024-01-02T15:30:00Z')]]);
    expect(h.log()).not.toContain('cancelled lat2');
  });
});

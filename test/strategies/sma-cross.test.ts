import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/core/bar.js';
import { tsToDate } from '../../src/data/schema.js';
import { runBacktest, type BacktestOptions } from '../../src/orchestration/node.js';
import { flat } from '../backtest/support.js';

/** sma-cross on one symbol whose bars all trade at the given closes; orders as `side qty @index` of the bar they were placed on (created at its close). */
function smaCross(closes: readonly number[], params: Record<string, unknown>, extra: Partial<BacktestOptions> = {}) {
  const s: BarSeries = flat('AAA', closes);
  const rec = runBacktest({ strategy: 'sma-cross', params, series: [s], runId: 't', priceRounding: 'none', ...extra });
  const at = (ts: number): number => s.indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty} @${at(o.createdAt)}`),
    signals: rec.signals.map((g) => `${g.direction}${g.meta.skipped === undefined ? '' : ' skipped'} @${at(g.ts)}`),
  };
}

describe('sma-cross', () => {
  it('acts on a cross, not on a state: a series already above its average is not bought', () => {
    // fast = 1, slow = 3. SMA3 at i = 2..: 11, 12, 13, 13.33, 13, 12, 11.67, 12, 13.
    // i = 2 (12 > 11) only sets the sign; i = 5 (13 < 13.33) turns it negative while flat: no order;
    // i = 8 (12 > 11.67) turns it positive: buy, filled at i = 9's open.
    const r = smaCross([10, 11, 12, 13, 14, 13, 12, 11, 12, 13, 14], { fast: 1, slow: 3, qty: 1 });
    expect(r.signals).toEqual(['flat @5', 'long @8']);
    expect(r.orders).toEqual(['buy 1 @8']);
    expect(r.rec.trades.map((t) => [tsToDate(t.entryTs), t.entryPrice, t.isOpen])).toEqual([
      [tsToDate(r.rec.prices.get('AAA')?.ts[9] as number), 13, true],
    ]);
  });

  it('keeps the previous sign on a bar where fast equals slow', () => {
    // i = 3: SMA3 (9 + 8 + 10) / 3 = 9 < 10, up-cross: buy. i = 6: SMA3 of 11, 11, 11 = 11 = close:
    // a tie keeps the long sign, so no exit and no re-entry. i = 8: SMA3 (11 + 12 + 9) / 3 > 9: exit.
    expect(smaCross([10, 9, 8, 10, 11, 11, 11, 12, 9, 9], { fast: 1, slow: 3, qty: 1 }).orders).toEqual([
      'buy 1 @3',
      'sell 1 @8',
    ]);
    // After the tie at i = 6 the next bar below its average (10 < 10.67) is a down-cross.
    expect(smaCross([10, 9, 8, 10, 11, 11, 11, 10, 10], { fast: 1, slow: 3, qty: 1 }).orders).toEqual([
      'buy 1 @3',
      'sell 1 @7',
    ]);
  });

  it('exits on a down-cross, or goes short and reverses with allowShort', () => {
    // i = 2 sets +; i = 3 (10 < 11) down-cross; i = 5 (11 > 10) up-cross.
    const closes = [10, 11, 12, 10, 9, 11, 12];
    expect(smaCross(closes, { fast: 1, slow: 3, qty: 2 }).orders).toEqual(['buy 2 @5']);
    expect(smaCross(closes, { fast: 1, slow: 3, qty: 2, allowShort: true }).orders).toEqual(['sell 2 @3', 'buy 4 @5']);
  });

  it('places no new order while one of the symbol is still open, and records the skipped crosses', () => {
    // Crosses: up at i = 3, down at i = 5 (9 < 10), up at i = 8 (12 > 9).
    const closes = [10, 9, 8, 10, 11, 9, 8, 7, 12, 13];
    expect(smaCross(closes, { fast: 1, slow: 3, qty: 1 }).orders).toEqual(['buy 1 @3', 'sell 1 @5', 'buy 1 @8']);
    // 10% of a 1,000,000 volume per bar: 3,000,000 units need 30 bars, so the buy stays open.
    const pending = smaCross(closes, { fast: 1, slow: 3, qty: 3_000_000 }, { participation: 0.1, cash: 1e9 });
    expect(pending.orders).toEqual(['buy 3000000 @3']);
    expect(pending.signals).toEqual(['long @3', 'flat skipped @5', 'long skipped @8']);
  });

  it('sizes by weight of equity, by default 1 / number of symbols', () => {
    const a = flat('AAA', [10, 9, 8, 10, 10, 10]);
    const b = flat('BBB', [50, 45, 40, 50, 50, 50]);
    const rec = runBacktest({ strategy: 'sma-cross', params: { fast: 1, slow: 3 }, series: [a, b], cash: 10_000 });
    // Both cross up at i = 3; each targets 0.5 x 10,000 at its close: 500 AAA and 100 BBB.
    expect(rec.orders.map((o) => `${o.side} ${o.qty} ${o.symbol}`)).toEqual(['buy 500 AAA', 'buy 100 BBB']);
    expect(rec.signals.map((g) => g.targetWeight)).toEqual([0.5, 0.5]);
    const weighted = runBacktest({
      strategy: 'sma-cross',
      params: { fast: 1, slow: 3, weight: 0.2 },
      series: [a, b],
      cash: 10_000,
    });
    expect(weighted.orders.map((o) => o.qty)).toEqual([200, 40]);
  });
});

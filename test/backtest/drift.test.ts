import { beforeAll, describe, expect, it } from 'vitest';
import { compareDrift } from '../../src/backtest/drift.js';
import { driftHtml } from '../../src/backtest/drift-report.js';
import type { RunRecord } from '../../src/backtest/run-record.js';
import type { OrderRecord } from '../../src/engine/ports.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { flat } from './support.js';

/** A session that decided exactly as its replay, with some of its orders changed. */
function sessionOf(replay: RunRecord, change: (o: OrderRecord, i: number) => OrderRecord | undefined): RunRecord {
  const orders: OrderRecord[] = [];
  replay.orders.forEach((o, i) => {
    const c = change(o, i);
    if (c !== undefined) orders.push(c);
  });
  return { ...replay, orders };
}

describe('compareDrift', () => {
  let replay: RunRecord;
  let buys: OrderRecord[];
  let sells: OrderRecord[];
  beforeAll(() => {
    // Flat bars (open = close) on a wave: crosses of a 1/3 SMA buy and sell at the next bar's open.
    const closes = Array.from({ length: 60 }, (_, i) => Math.round(100 + 10 * Math.sin(i / 2)));
    replay = runBacktest({
      strategy: 'sma-cross',
      params: { fast: 1, slow: 3, qty: 10 },
      series: [flat('AAA', closes)],
      runId: 'session-1',
      cash: 10_000,
      priceRounding: 'none',
    });
    buys = replay.orders.filter((o) => o.side === 'buy' && o.filledQty > 0);
    sells = replay.orders.filter((o) => o.side === 'sell' && o.filledQty > 0);
  });

  it('finds no drift between a replay and itself', () => {
    expect(buys.length).toBeGreaterThanOrEqual(2);
    expect(sells.length).toBeGreaterThanOrEqual(2);
    const d = compareDrift(replay, replay, { toleranceBps: 0 });
    expect(d.ok).toBe(true);
    expect(d.orders).toEqual({
      session: replay.orders.length,
      replay: replay.orders.length,
      matched: replay.orders.length,
    });
    expect(d.orderDifferences).toEqual([]);
    expect(d.signalDifferences).toEqual([]);
    expect(d.fills).toHaveLength(buys.length + sells.length);
    expect(d.fills.every((f) => f.slippageBps === 0 && f.timeDiffMs === 0)).toBe(true);
    expect(d.pnl.difference).toBe(0);
    expect(d.latency).toBeNull();
  });

  it('measures adverse slippage in basis points for buys and sells', () => {
    const buy = buys[0]!;
    const sell = sells[0]!;
    const session = sessionOf(replay, (o) =>
      o === buy
        ? { ...o, avgFillPrice: o.avgFillPrice * 1.001 } // paid 0.1% more: 10 bps worse
        : o === sell
          ? { ...o, avgFillPrice: o.avgFillPrice * 1.002 } // sold 0.2% higher: 20 bps better
          : o,
    );
    const d = compareDrift(session, replay, { toleranceBps: 5 });
    const byId = new Map(d.fills.map((f) => [f.clientOrderId, f]));
    expect(byId.get(buy.clientOrderId)?.slippageBps).toBeCloseTo(10, 9);
    expect(byId.get(sell.clientOrderId)?.slippageBps).toBeCloseTo(-20, 9);
    expect(d.slippage.worstBps).toBeCloseTo(10, 9);
    expect(d.slippage.over).toEqual([buy.clientOrderId]);
    expect(d.ok).toBe(false);
    expect(compareDrift(session, replay, { toleranceBps: 10.5 }).ok).toBe(true);
  });

  it('names missing, extra and different orders', () => {
    const [first, second, third] = replay.orders;
    const session = sessionOf(replay, (o) => (o === first ? undefined : o === second ? { ...o, qty: o.qty + 1 } : o));
    const extra: OrderRecord = { ...third!, clientOrderId: 'manual-1' };
    const d = compareDrift({ ...session, orders: [...session.orders, extra] }, replay, { toleranceBps: 100 });
    expect(d.orderDifferences.map((x) => [x.kind, x.clientOrderId])).toEqual([
      ['different', second!.clientOrderId],
      ['extra', 'manual-1'],
      ['missing', first!.clientOrderId],
    ]);
    expect(d.ok).toBe(false);
  });

  it('compares signals in sequence per symbol, whatever their times', () => {
    expect(replay.signals.length).toBeGreaterThan(1);
    const shifted = replay.signals.map((s) => ({ ...s, ts: s.ts + 37_000 })); // a live clock's times
    expect(compareDrift({ ...replay, signals: shifted }, replay, { toleranceBps: 0 }).signalDifferences).toEqual([]);
    // A weight that moved with the equity is the same decision; another direction is not.
    const reweighted = shifted.map((s) => ({ ...s, targetWeight: s.targetWeight * 1.01 }));
    expect(compareDrift({ ...replay, signals: reweighted }, replay, { toleranceBps: 0 }).signalDifferences).toEqual([]);
    const changed = shifted.map((s, i) =>
      i === 1 ? { ...s, direction: s.direction === 'long' ? ('short' as const) : ('long' as const) } : s,
    );
    const d = compareDrift({ ...replay, signals: changed }, replay, { toleranceBps: 0 });
    expect(d.signalDifferences).toHaveLength(1);
    expect(d.signalDifferences[0]).toMatchObject({ index: 1, symbol: 'AAA' });
    expect(d.ok).toBe(false);
  });

  it('measures latency from the decision bar close to the send (nearest-rank percentiles)', () => {
    const filled = [...buys, ...sells].slice(0, 3);
    const delays = [200, 5_000, 100];
    const sentAt = new Map(filled.map((o, i) => [o.clientOrderId, o.createdAt + delays[i]!]));
    const d = compareDrift(replay, replay, { toleranceBps: 0, sentAt });
    expect(d.latency).toEqual({ count: 3, p50Ms: 200, p99Ms: 5_000, maxMs: 5_000 });
  });
});

describe('driftHtml', () => {
  it('states the verdict and lists every difference, escaped', () => {
    const replay = runBacktest({
      strategy: 'sma-cross',
      params: { fast: 1, slow: 3, qty: 10 },
      series: [
        flat(
          'AAA',
          Array.from({ length: 40 }, (_, i) => Math.round(100 + 10 * Math.sin(i / 2))),
        ),
      ],
      runId: 's<1>',
      cash: 10_000,
      priceRounding: 'none',
    });
    const clean = driftHtml('s<1>', compareDrift(replay, replay, { toleranceBps: 1 }));
    expect(clean).toContain('No drift beyond the tolerance');
    expect(clean).toContain('s&lt;1&gt;');
    expect(clean).not.toContain('s<1>');
    const session = { ...replay, orders: replay.orders.slice(1) };
    const page = driftHtml('s<1>', compareDrift(session, replay, { toleranceBps: 1 }));
    expect(page).toContain('Drift: 1 order and 0 signal differences');
    expect(page).toContain('order missing');
  });
});

import { describe, expect, it } from 'vitest';
import { cryptoPair, equity } from '../../src/core/instrument.js';
import type { Fill, OrderRejection } from '../../src/core/order.js';
import { flat, ohlc, run } from './support.js';

const ROWS = [
  [10, 11, 9, 10.5],
  [12, 13, 11, 12.5],
  [14, 15, 13, 14.5],
  [16, 17, 15, 16.5],
] as const;

describe('fill timing', () => {
  it('fills a market order at the next bar open by default and at the signal bar close with fill: close', () => {
    const fills = (fill: 'next-open' | 'close'): [number, number][] => {
      const s = ohlc('AAA', ROWS);
      const out: [number, number][] = [];
      run(
        {
          onBar(ctx, bar) {
            if (bar.ts === s.ts[1]) ctx.buy('AAA', 3);
          },
          onFill: (_ctx, f) => void out.push([f.price, s.indexAtOrBefore(f.ts)]),
        },
        { series: [s], fill },
      );
      return out;
    };
    expect(fills('next-open')).toEqual([[14, 2]]); // bar 2's open
    expect(fills('close')).toEqual([[12.5, 1]]); // bar 1's close
  });

  it('books fills in the portfolio before onFill and marks at the close', () => {
    const s = ohlc('AAA', ROWS);
    const seen: number[] = [];
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) ctx.buy('AAA', 10);
          seen.push(ctx.portfolio.equity);
        },
        onFill(ctx) {
          seen.push(ctx.portfolio.qty('AAA'), ctx.portfolio.avgPrice('AAA'), ctx.portfolio.cash);
        },
      },
      { series: [s], cash: 1000 },
    );
    // Bought 10 at 12 (bar 1 open): cash 880; equity at bar 1 close 880 + 10 x 12.5 = 1005.
    expect(seen).toEqual([1000, 10, 12, 880, 1005, 1025, 1045]);
    expect([...rec.equity.column('equity')]).toEqual([1000, 1005, 1025, 1045]);
  });
});

describe('rejections', () => {
  it('delivers a venue rejection to onOrderRejected after the hook returns, and lists the order', () => {
    const s = flat('NOS', [10, 11, 12]);
    const log: string[] = [];
    let rejection: OrderRejection | undefined;
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts !== s.ts[0]) return;
          const id = ctx.sell('NOS', 5);
          log.push(`sell returned ${id === rejection?.clientOrderId ? 'after' : 'before'} the rejection`);
        },
        onOrderRejected(_ctx, r) {
          rejection = r;
          log.push('rejected');
        },
      },
      { series: [s], instrument: (sym) => equity(sym, { shortable: false }) },
    );
    expect(log).toEqual(['sell returned before the rejection', 'rejected']);
    expect(rejection?.source).toBe('venue');
    expect(rejection?.reason).toContain('NOS is not shortable');
    expect(rec.orders).toHaveLength(1);
    expect(rec.orders[0]).toMatchObject({ status: 'rejected', side: 'sell', qty: 5, symbol: 'NOS' });
    expect(rec.orders[0]?.reason).toContain('not shortable');
  });

  it('denies orders during the warm-up and in init, with a reason, and records them in order', () => {
    const s = flat('AAA', [10, 11, 12, 13, 14, 15]);
    const warm: boolean[] = [];
    const denied: string[] = [];
    const rec = run(
      {
        init(ctx) {
          ctx.warmUp(3);
          ctx.buy('AAA', 1);
        },
        onBar(ctx) {
          warm.push(ctx.isWarmingUp);
          ctx.buy('AAA', 1);
        },
        onOrderRejected: (_ctx, r) => void denied.push(r.reason),
      },
      { series: [s] },
    );
    expect(warm).toEqual([true, true, true, false, false, false]);
    expect(denied).toEqual([
      'orders are accepted from the first bar on, not during init',
      'warm-up: no orders during the first 3 bars (this is bar 1)',
      'warm-up: no orders during the first 3 bars (this is bar 2)',
      'warm-up: no orders during the first 3 bars (this is bar 3)',
    ]);
    expect(rec.orders.map((o) => `${o.id} ${o.status}`)).toEqual([
      'denied-1 rejected',
      'denied-2 rejected',
      'denied-3 rejected',
      'denied-4 rejected',
      'sim-1 filled',
      'sim-2 filled',
      'sim-3 accepted',
    ]);
    expect(rec.config.warmup).toBe(3);
  });

  it('refuses a client order id used before in the run without touching the first order', () => {
    const s = flat('AAA', [10, 11, 12]);
    const denied: string[] = [];
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) ctx.buy('AAA', 1, { clientOrderId: 'mine' });
          if (bar.ts === s.ts[1]) ctx.sell('AAA', 1, { clientOrderId: 'mine' });
        },
        onOrderRejected: (_ctx, r) => void denied.push(r.reason),
      },
      { series: [s] },
    );
    expect(denied).toEqual(['client order id mine was already used in this run']);
    expect(rec.orders.map((o) => `${o.clientOrderId} ${o.side} ${o.status}`)).toEqual([
      'mine buy filled',
      'mine sell rejected',
    ]);
  });

  it('refuses a generated id that a strategy already gave as its own', () => {
    const s = flat('AAA', [10, 11, 12, 13]);
    const denied: string[] = [];
    let first = '';
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) first = ctx.buy('AAA', 1);
          // The engine's next id for AAA is the first one with its counter at 2.
          if (bar.ts === s.ts[1]) ctx.buy('AAA', 1, { clientOrderId: first.replace(/-1$/, '-2') });
          if (bar.ts === s.ts[2]) ctx.sell('AAA', 2);
        },
        onOrderRejected: (_ctx, r) => void denied.push(r.reason),
      },
      { series: [s] },
    );
    const taken = first.replace(/-1$/, '-2');
    expect(denied).toEqual([`client order id ${taken} was already used in this run`]);
    expect(
      rec.orders.map(
        (o) =>
          `${o.clientOrderId === first ? 'first' : o.clientOrderId === taken ? 'taken' : o.clientOrderId} ${o.side} ${o.status}`,
      ),
    ).toEqual(['first buy filled', 'taken buy filled', 'taken sell rejected']);
  });
});

describe('order entry', () => {
  it('lists open orders in submission order over all symbols, or of one symbol', () => {
    const a = flat('AAA', [10, 10, 10]);
    const b = flat('BBB', [20, 20, 20]);
    const seen: string[][] = [];
    run(
      {
        onSlice(ctx, slice) {
          if (slice.ts === a.ts[0]) {
            // Limits far below the prices: they stay open.
            ctx.buy('BBB', 1, { type: 'limit', limitPrice: 1, clientOrderId: 'b1' });
            ctx.buy('AAA', 1, { type: 'limit', limitPrice: 1, clientOrderId: 'a1' });
            ctx.buy('BBB', 1, { type: 'limit', limitPrice: 1, clientOrderId: 'b2' });
          }
          if (slice.ts === a.ts[1]) {
            seen.push(ctx.openOrders().map((o) => o.clientOrderId));
            ctx.cancel('b1');
          }
          if (slice.ts === a.ts[2]) {
            seen.push(ctx.openOrders().map((o) => o.clientOrderId));
            seen.push(ctx.openOrders('BBB').map((o) => o.clientOrderId));
            seen.push([String(ctx.hasOpenOrders()), String(ctx.hasOpenOrders('AAA'))]);
          }
        },
      },
      { series: [a, b] },
    );
    expect(seen).toEqual([
      ['b1', 'a1', 'b2'], // submission order, not symbol order
      ['a1', 'b2'],
      ['b2'],
      ['true', 'true'],
    ]);
  });

  it('makes deterministic client order ids from run, strategy and symbol, plus a per-symbol counter', () => {
    const ids = (runId: string): string[] => {
      const s = flat('AAA', [10, 11, 12]);
      return run({ onBar: (ctx) => void ctx.buy('AAA', 1) }, { series: [s], runId }).orders.map((o) => o.clientOrderId);
    };
    const a = ids('run-a');
    expect(ids('run-a')).toEqual(a);
    expect(new Set(a).size).toBe(3);
    expect(a).toEqual([1, 2, 3].map((n) => `${(a[0] as string).slice(0, -2)}-${n}`));
    expect(a[0]).toMatch(/^test-[0-9a-f]{20}-1$/);
    expect(ids('run-b')[0]).not.toBe(a[0]);
  });

  it('sizes targetWeights from equity and the latest close, down to the lot, net of open orders, sells first', () => {
    const a = flat('AAA', [37, 40, 40]);
    const b = flat('BBB', [150, 150, 150]);
    const placed: string[][] = [];
    const rec = run(
      {
        onSlice(ctx, slice) {
          const describe = (ids: readonly string[]): string[] =>
            ids.map((id) => {
              const o = ctx.openOrders().find((x) => x.clientOrderId === id);
              return `${o?.side} ${o?.qty} ${o?.symbol}`;
            });
          if (slice.ts === a.ts[0]) {
            placed.push(describe(ctx.targetWeights({ BBB: 0.5, AAA: 0.25 })));
            // Open orders already carry the targets: nothing more to do.
            placed.push(describe(ctx.targetWeights(new Map([['AAA', 0.25]]))));
          }
          if (slice.ts === a.ts[1]) placed.push(describe(ctx.targetWeights({ BBB: 0.6, AAA: 0.1 })));
        },
      },
      { series: [a, b], cash: 100_000 },
    );
    // Bar 0: AAA floor(25,000 / 37) = 675, BBB floor(50,000 / 150) = 333.
    // Bar 1 fills at the opens (40, 150): cash 100,000 - 27,000 - 49,950 = 23,050, equity 100,000.
    // Then AAA 0.1 -> floor(10,000 / 40) = 250 (sell 425); BBB 0.6 -> 400 (buy 67). Sells go first.
    expect(placed).toEqual([['buy 675 AAA', 'buy 333 BBB'], [], ['sell 425 AAA', 'buy 67 BBB']]);
    expect(rec.orders).toHaveLength(4);
  });

  it('rounds targetWeights to fractional lots and goes short on negative weights', () => {
    const btc = flat('BTCUSD', [30_000, 30_000]);
    const eth = flat('ETHUSD', [2_000, 2_000]);
    let ids: readonly string[] = [];
    const rec = run(
      {
        onSlice(ctx, slice) {
          if (slice.ts === btc.ts[0]) ids = ctx.targetWeights({ BTCUSD: 0.5, ETHUSD: -0.25 });
        },
      },
      {
        series: [btc, eth],
        instrument: (s) => cryptoPair(s, { shortable: true }),
      },
    );
    expect(ids).toHaveLength(2);
    // 50,000 / 30,000 = 1.666666... -> 1.66666; 25,000 / 2,000 = 12.5 short.
    expect(rec.orders.map((o) => `${o.side} ${o.qty} ${o.symbol} ${o.status}`)).toEqual([
      'sell 12.5 ETHUSD filled',
      'buy 1.66666 BTCUSD filled',
    ]);
  });

  it('flatten cancels open orders and closes the position at market', () => {
    const s = flat('AAA', [10, 11, 12, 13]);
    const fills: Fill[] = [];
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) ctx.buy('AAA', 5);
          if (bar.ts === s.ts[1]) {
            ctx.buy('AAA', 1, { type: 'limit', limitPrice: 1 }); // will never fill
            expect(ctx.hasOpenOrders('AAA')).toBe(true);
            ctx.flatten();
            expect(ctx.openOrders('AAA').map((o) => o.side)).toEqual(['sell']);
          }
        },
        onFill: (_ctx, f) => void fills.push(f),
      },
      { series: [s] },
    );
    expect(fills.map((f) => `${f.side} ${f.qty} @${f.price}`)).toEqual(['buy 5 @11', 'sell 5 @12']);
    expect(rec.orders.map((o) => o.status)).toEqual(['filled', 'cancelled', 'filled']);
  });

  it('tracks bracket legs the venue creates as open orders until the group is done', () => {
    const s = ohlc('AAA', [
      [10, 10, 10, 10],
      [10, 11, 9.5, 10.5],
      [11, 12, 10.5, 11],
      [12, 16, 11.5, 15],
      [15, 15, 15, 15],
    ]);
    const open: boolean[] = [];
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) {
            ctx.buy('AAA', 2, { orderClass: 'bracket', takeProfit: { limitPrice: 15.5 }, stopLoss: { stopPrice: 8 } });
          }
          open.push(ctx.hasOpenOrders('AAA'));
        },
      },
      { series: [s] },
    );
    // Entry fills at bar 1's open; its legs work until bar 3 reaches the take-profit (high 16).
    expect(open).toEqual([true, true, true, false, false]);
    expect(
      rec.orders.map(
        (o) =>
          `${o.clientOrderId.endsWith('.sl') ? 'sl' : o.clientOrderId.endsWith('.tp') ? 'tp' : 'entry'} ${o.status}`,
      ),
    ).toEqual(['entry filled', 'sl cancelled', 'tp filled']);
    expect(rec.trades[0]).toMatchObject({ entryPrice: 10, exitPrice: 15.5, qty: 2, isOpen: false });
  });

  it('rejects order entry for a symbol outside the run with a clear error', () => {
    expect(() => run({ onBar: (ctx) => void ctx.buy('XYZ', 1) }, { series: [flat('AAA', [1, 2])] })).toThrow(
      'buy: XYZ is not a symbol of this run',
    );
  });
});

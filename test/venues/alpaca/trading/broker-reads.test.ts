import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../../src/core/order.js';
import { VenueError } from '../../../../src/core/errors.js';
import { closeAll, startTrading } from './support.js';

afterEach(closeAll);

const limit = (id: string, symbol = 'AAPL', price = 50): OrderRequest => ({
  clientOrderId: id,
  symbol,
  side: 'buy',
  type: 'limit',
  limitPrice: price,
  qty: 2,
  tif: 'gtc',
});

describe('Alpaca broker reads', () => {
  it('reads the account as numbers: cash, equity, buying power', async () => {
    const s = await startTrading({ cash: 25_000, connect: false });
    s.fake.venue.positions.set('AAPL', { qty: 10, avg: 100 });
    s.fake.setPrice('AAPL', 110);
    expect(await s.client.api.account()).toEqual({
      accountId: '904837e3-3b76-47ec-b432-046db621571b',
      status: 'ACTIVE',
      currency: 'USD',
      cash: 25_000,
      equity: 26_100, // 25,000 + 10 x 110
      buyingPower: 25_000,
      isTradingBlocked: false,
    });
  });

  it('reads positions with signed quantities and our crypto symbols', async () => {
    const s = await startTrading({ connect: false });
    s.fake.venue.positions.set('AAPL', { qty: -5, avg: 120 });
    s.fake.venue.positions.set('BTCUSD', { qty: 0.25, avg: 60_000 });
    s.fake.setPrice('BTC/USD', 64_000);
    const positions = await s.client.api.positions();
    expect(positions).toEqual([
      { symbol: 'AAPL', qty: -5, avgEntryPrice: 120, marketValue: -600 },
      { symbol: 'BTC/USD', qty: 0.25, avgEntryPrice: 60_000, marketValue: 16_000 },
    ]);
  });

  it('lists every open order across pages, oldest first, and finds one by client order id', async () => {
    const s = await startTrading();
    // 105 orders: more than one page of 100. The fake's clock steps 1 ms per order, except that
    // orders 98 to 101 share a millisecond across the page boundary.
    const t0 = Date.parse('2026-03-02T15:00:00Z');
    for (let i = 0; i < 105; i++) {
      s.fake.setNow(t0 + (i >= 98 && i <= 101 ? 98 : i));
      s.client.submit(limit(`o${i}`));
      await s.client.whenIdle();
    }
    await s.settle();
    s.fake.trade('AAPL', 49, 1); // every order partly filled: still open
    s.fake.venue.end(s.fake.venue.byClientId('o7')!, 'canceled');
    await s.settle();
    const open = await s.client.api.openOrders();
    expect(open).toHaveLength(104);
    expect(open.slice(0, 3).map((o) => o.clientOrderId)).toEqual(['o0', 'o1', 'o2']);
    expect(open.at(-1)?.clientOrderId).toBe('o104');
    expect(open[0]).toMatchObject({ side: 'buy', type: 'limit', tif: 'gtc', qty: 2, filledQty: 1, avgFillPrice: 50 });
    expect(open[0]).toMatchObject({ limitPrice: 50, status: 'partially_filled', venueStatus: 'partially_filled' });
    expect(s.fake.requests.filter((r) => r.path === '/v2/orders' && r.method === 'GET')).toHaveLength(2);
    expect(await s.client.api.brokerOrder('o7')).toMatchObject({ status: 'cancelled', filledQty: 1 });
    expect(await s.client.api.brokerOrder('nope')).toBeUndefined();
  });

  it('lists fills after a time with our client order ids, oldest first', async () => {
    const s = await startTrading({ cash: 1_000_000 });
    s.fake.setNow(Date.parse('2026-03-02T15:00:00Z'));
    s.client.submit(limit('a'));
    s.client.submit(limit('b', 'BTC/USD', 60_000));
    await s.settle();
    s.fake.trade('AAPL', 50, 1);
    s.fake.setNow(Date.parse('2026-03-02T15:01:00Z'));
    s.fake.trade('AAPL', 50);
    s.fake.trade('BTC/USD', 59_000);
    await s.settle();
    const all = await s.client.api.fillsSince(Date.parse('2026-03-02T14:00:00Z'));
    expect(all.map((f) => [f.clientOrderId, f.symbol, f.side, f.qty, f.price])).toEqual([
      ['a', 'AAPL', 'buy', 1, 50],
      ['a', 'AAPL', 'buy', 1, 50],
      ['b', 'BTC/USD', 'buy', 2, 60_000],
    ]);
    expect(all[1]?.venueOrderId).toBe(s.client.venueOrderId('a'));
    const later = await s.client.api.fillsSince(Date.parse('2026-03-02T15:00:30Z'));
    expect(later.map((f) => f.clientOrderId)).toEqual(['a', 'b']);
    expect(new Set(all.map((f) => f.executionId)).size).toBe(3);
  });

  it('refuses a payload that breaks the schema with a clear VENUE_BAD_RESPONSE', async () => {
    const s = await startTrading({
      connect: false,
      faults: [
        {
          match: 'GET /v2/account',
          kind: 'payload',
          body: { id: 'x', status: 'ACTIVE', cash: 12.5, equity: '1', buying_power: '1' },
        },
      ],
    });
    const e = await s.client.api.account().catch((x: unknown) => x as VenueError);
    expect(e).toBeInstanceOf(VenueError);
    expect(e).toMatchObject({ code: 'VENUE_BAD_RESPONSE', exitCode: 4 });
    expect((e as VenueError).message).toContain('GET /v2/account');
    expect((e as VenueError).message).toContain('cash');
  });
});

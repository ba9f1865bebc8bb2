import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../../src/core/order.js';
import type { OrderFilledEvent } from '../../../../src/engine/ports.js';
import { closeAll, startTrading, waitFor } from './support.js';

afterEach(closeAll);

const req = (id: string, fields: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  qty: 10,
  tif: 'day',
  ...fields,
});

describe('AlpacaExecutionClient', () => {
  it('posts the order under our client order id with decimal strings, and follows it to the fill', async () => {
    const s = await startTrading();
    s.client.submit(req('o1', { type: 'limit', limitPrice: 99.5, tif: 'gtc' }));
    await s.settle();
    const post = s.fake.requests.find((r) => r.method === 'POST');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'limit',
      time_in_force: 'gtc',
      client_order_id: 'o1',
      limit_price: '99.5',
    });
    expect(s.of('o1').map((e) => e.kind)).toEqual(['accepted']);
    s.fake.trade('AAPL', 100); // above the limit: nothing
    s.fake.trade('AAPL', 99);
    await s.settle();
    const fill = s.of('o1').at(-1) as OrderFilledEvent;
    expect(fill).toMatchObject({ kind: 'filled', fill: { qty: 10, price: 99.5, side: 'buy', fee: 0 } });
    expect(fill.fill.orderId).toBe(s.client.venueOrderId('o1'));
    expect(s.client.order('o1')).toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 99.5 });
  });

  it('turns partial fills into partially_filled events of each execution, then the fill of the rest', async () => {
    const s = await startTrading();
    s.client.submit(req('p1', { qty: 10 }));
    await s.settle();
    s.fake.trade('AAPL', 100, 4);
    s.fake.trade('AAPL', 103, 6);
    await s.settle();
    const fills = s.of('p1').filter((e): e is OrderFilledEvent => e.kind !== 'accepted' && 'fill' in e);
    // Each with the venue's cumulative filled quantity, which the ledger books up to.
    expect(fills.map((e) => [e.kind, e.fill.qty, e.fill.price, e.fill.cumQty])).toEqual([
      ['partially_filled', 4, 100, 4],
      ['filled', 6, 103, 10],
    ]);
    // (4 x 100 + 6 x 103) / 10 = 101.8
    expect(s.client.order('p1')?.avgFillPrice).toBeCloseTo(101.8, 9);
    expect(s.client.order('p1')?.history.map((t) => t.status)).toEqual([
      'new',
      'accepted',
      'partially_filled',
      'filled',
    ]);
  });

  it('trades crypto in fractional quantities', async () => {
    const s = await startTrading();
    s.client.submit(req('c1', { symbol: 'BTC/USD', qty: 0.0015, tif: 'gtc' }));
    await s.settle();
    s.fake.trade('BTC/USD', 64_000.5);
    await s.settle();
    expect((s.of('c1').at(-1) as OrderFilledEvent).fill).toMatchObject({
      symbol: 'BTC/USD',
      qty: 0.0015,
      price: 64_000.5,
    });
    expect(s.fake.venue.positions.get('BTCUSD')?.qty).toBeCloseTo(0.0015, 12);
  });

  it('maps the venue ending an order: expired, rejected after acceptance; done_for_day keeps it open', async () => {
    const s = await startTrading();
    for (const id of ['e', 'r', 'd']) s.client.submit(req(id, { type: 'limit', limitPrice: 50 }));
    await s.settle();
    const wire = (id: string) => s.fake.venue.byClientId(id)!;
    s.fake.venue.end(wire('e'), 'expired');
    s.fake.venue.end(wire('r'), 'rejected');
    s.fake.venue.doneForDay(wire('d'));
    await s.settle();
    expect(s.of('e').map((e) => e.kind)).toEqual(['accepted', 'expired']);
    expect(s.of('r').at(-1)).toMatchObject({ kind: 'rejected', code: 'invalid_order', order: { status: 'rejected' } });
    expect(s.of('d').map((e) => e.kind)).toEqual(['accepted']);
    expect(s.client.openOrders().map((o) => o.clientOrderId)).toEqual(['d']);
  });

  it('answers a refused order with a rejected event carrying the venue reason', async () => {
    const s = await startTrading({ cash: 1000 });
    s.fake.setPrice('AAPL', 100);
    s.client.submit(req('big', { qty: 50 }));
    s.client.submit(req('unknown', { symbol: 'ZZZZ' }));
    s.client.submit(req('short', { symbol: 'ETH/USD', side: 'sell', qty: 1, tif: 'gtc' }));
    await s.settle();
    expect(s.of('big')).toMatchObject([{ kind: 'rejected', code: 'insufficient_buying_power' }]);
    expect(s.of('unknown')).toMatchObject([{ kind: 'rejected', code: 'unknown_symbol' }]);
    expect(s.of('short')).toMatchObject([{ kind: 'rejected', code: 'not_shortable' }]);
    const r = s.of('unknown')[0];
    expect(r?.kind === 'rejected' && r.rejection).toMatchObject({
      source: 'venue',
      reason: 'alpaca: asset "ZZZZ" not found',
    });
  });

  it('refuses an order Alpaca cannot take without any request', async () => {
    const s = await startTrading();
    s.client.submit(req('opg', { symbol: 'BTC/USD', tif: 'opg' }));
    await s.settle();
    expect(s.of('opg')).toMatchObject([{ kind: 'rejected', code: 'invalid_order', order: { status: 'rejected' } }]);
    expect(s.fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('sends a cancel asked before the order was answered once the venue id is known', async () => {
    const s = await startTrading({ faults: [{ match: 'POST /v2/orders', kind: 'delay', ms: 300 }] });
    s.client.submit(req('early', { type: 'limit', limitPrice: 50 }));
    s.client.cancel('early');
    await s.settle();
    expect(s.fake.requests.map((r) => r.method)).toEqual(['POST', 'DELETE']);
    expect(s.of('early').map((e) => e.kind)).toEqual(['accepted', 'cancelled']);
  });

  it('leaves a filled order filled when its cancel comes too late (422 not cancelable)', async () => {
    const s = await startTrading();
    s.client.submit(req('late', { type: 'limit', limitPrice: 50 }));
    await s.settle();
    s.fake.stream.hold(); // the fill happens, but its update has not reached us yet
    s.fake.trade('AAPL', 49);
    s.client.cancel('late');
    await s.client.whenIdle();
    expect(s.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(s.client.order('late')?.status).toBe('filled'); // learnt from the 422, by asking for the order
    s.fake.stream.release();
    await s.settle();
    expect(s.of('late').map((e) => e.kind)).toEqual(['accepted', 'filled']);
  });

  it('follows an order sent in an earlier session, and a resend under its id creates nothing new', async () => {
    const s = await startTrading();
    s.client.submit(req('kept', { type: 'limit', limitPrice: 50 }));
    await s.settle();
    // A restarted process: a new client that never saw the order.
    const { AlpacaExecutionClient } = await import('../../../../src/venues/alpaca/trading/execution-client.js');
    const again = new AlpacaExecutionClient(s.ctx);
    const seen: string[] = [];
    again.subscribe((e) =>
      seen.push(`${e.kind}:${e.kind === 'rejected' ? e.rejection.clientOrderId : e.order.clientOrderId}`),
    );
    await again.connect();
    try {
      again.submit(req('kept', { type: 'limit', limitPrice: 50 })); // the venue answers 422: already there
      again.follow(req('other'));
      await again.whenIdle();
      expect(s.fake.venue.orders.map((o) => o.client_order_id)).toEqual(['kept']);
      expect([...seen].sort()).toEqual(['accepted:kept', 'rejected:other']); // two requests in parallel
      expect(again.order('other')?.reason).toContain('never took the order');
      s.fake.trade('AAPL', 49);
      await waitFor(() => seen.includes('filled:kept'), 'the fill of the followed order');
    } finally {
      again.close();
    }
  });

  it('follows an order the venue replaced under a new id, and takes its fill', async () => {
    const s = await startTrading();
    s.client.submit(req('rep', { type: 'limit', limitPrice: 50 }));
    await s.settle();
    const wire = s.fake.venue.byClientId('rep')!;
    // A replacement (a corporate action, or a PATCH): the old order ends as replaced, a new id lives on.
    s.fake.stream.publish({ event: 'replaced', order: { ...wire, status: 'replaced', replaced_by: 'new-id' } });
    s.fake.stream.publish({
      event: 'fill',
      timestamp: '2026-03-02T15:00:00.123456789Z',
      price: '49.5',
      qty: '10',
      order: {
        ...wire,
        id: 'new-id',
        client_order_id: 'venue-made-id',
        status: 'filled',
        filled_qty: '10',
        filled_avg_price: '49.5',
      },
    });
    await s.settle();
    expect(s.of('rep').map((e) => e.kind)).toEqual(['accepted', 'filled']);
    const fill = s.of('rep').at(-1) as OrderFilledEvent;
    expect(fill.fill).toMatchObject({
      orderId: 'new-id',
      qty: 10,
      price: 49.5,
      ts: Date.parse('2026-03-02T15:00:00.123Z'),
    });
    expect(s.client.venueOrderId('rep')).toBe('new-id');
  });

  it('ignores updates of orders that are not ours', async () => {
    const s = await startTrading();
    s.client.submit(req('mine', { type: 'limit', limitPrice: 50 }));
    await s.settle();
    const wire = s.fake.venue.byClientId('mine')!;
    s.fake.stream.publish({
      event: 'canceled',
      order: { ...wire, id: 'other', client_order_id: 'not-ours', status: 'canceled' },
    });
    await s.settle();
    expect(s.events.map((e) => e.kind)).toEqual(['accepted']);
    expect(s.client.malformedUpdates).toBe(0);
  });
});

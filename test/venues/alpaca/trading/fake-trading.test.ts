/** The fake Alpaca trading venue itself: its REST shapes and its matcher, which other tests trust. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAKE_KEY_ID,
  FAKE_SECRET_KEY,
  startFakeTrading,
  type FakeTrading,
} from '../../../fakes/alpaca/trading-server.js';

const fakes: FakeTrading[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function start(options: Parameters<typeof startFakeTrading>[0] = {}): Promise<FakeTrading> {
  const f = await startFakeTrading(options);
  fakes.push(f);
  return f;
}

const headers = { 'APCA-API-KEY-ID': FAKE_KEY_ID, 'APCA-API-SECRET-KEY': FAKE_SECRET_KEY };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read field by field in the asserts
type Json = any;
async function call(
  f: FakeTrading,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${f.url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}
const order = (id: string, fields: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '1',
  side: 'buy',
  type: 'market',
  time_in_force: 'day',
  client_order_id: id,
  ...fields,
});

describe('fake Alpaca trading server', () => {
  it('refuses requests without the key pair (401 with the spec body)', async () => {
    const f = await start();
    const res = await fetch(`${f.url}/v2/account`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 40110000, message: 'request is not authorized' });
  });

  it('answers clock, calendar and assets in the shapes of the spec', async () => {
    const f = await start({ now: Date.parse('2026-03-06T15:00:00Z') }); // a Friday, 10:00 New York (UTC-5)
    expect((await call(f, 'GET', '/v2/clock')).body).toEqual({
      timestamp: '2026-03-06T15:00:00.000Z',
      is_open: true,
      next_open: '2026-03-09T14:30:00.000Z',
      next_close: '2026-03-06T21:00:00.000Z',
    });
    f.setNow(Date.parse('2026-03-07T15:00:00Z')); // a clock jump into Saturday
    expect((await call(f, 'GET', '/v2/clock')).body).toMatchObject({
      is_open: false,
      next_open: '2026-03-09T14:30:00.000Z',
    });
    const cal = (await call(f, 'GET', '/v2/calendar?start=2026-03-06&end=2026-03-09')).body;
    expect(cal.map((d: { date: string }) => d.date)).toEqual(['2026-03-06', '2026-03-09']);
    expect(cal[0]).toEqual({
      date: '2026-03-06',
      open: '09:30',
      close: '16:00',
      session_open: '0400',
      session_close: '2000',
    });
    const crypto = (await call(f, 'GET', '/v2/assets?asset_class=crypto')).body;
    expect(crypto.map((a: { symbol: string }) => a.symbol)).toEqual(['BTC/USD', 'ETH/USD']);
    expect((await call(f, 'GET', '/v2/assets/AAPL')).body).toMatchObject({ class: 'us_equity', tradable: true });
  });

  it('takes an order, answers a second one under the same client id with 422, and cancels with 204 then 422', async () => {
    const f = await start();
    const first = await call(f, 'POST', '/v2/orders', order('a', { type: 'limit', limit_price: '10' }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      client_order_id: 'a',
      qty: '1',
      filled_qty: '0',
      status: 'accepted',
      type: 'limit',
    });
    expect(await call(f, 'POST', '/v2/orders', order('a'))).toEqual({
      status: 422,
      body: { code: 40010001, message: 'client_order_id must be unique' },
    });
    expect((await call(f, 'GET', '/v2/orders:by_client_order_id?client_order_id=a')).body.id).toBe(first.body.id);
    expect((await call(f, 'DELETE', `/v2/orders/${first.body.id}`)).status).toBe(204);
    expect((await call(f, 'DELETE', `/v2/orders/${first.body.id}`)).status).toBe(422);
    expect(f.venue.log.map((l) => l.kind)).toEqual(['order', 'refused', 'end']);
  });

  it('matches stops once triggered, stop-limits within their limit, and trailing stops off the best price', async () => {
    const f = await start();
    f.setPrice('AAPL', 100);
    await call(f, 'POST', '/v2/orders', order('stop', { side: 'buy', type: 'stop', stop_price: '105' }));
    await call(f, 'POST', '/v2/orders', order('sl', { type: 'stop_limit', stop_price: '105', limit_price: '106' }));
    await call(
      f,
      'POST',
      '/v2/orders',
      order('trail', { side: 'sell', type: 'trailing_stop', trail_price: '3', time_in_force: 'gtc' }),
    );
    f.venue.positions.set('AAPL', { qty: 1, avg: 90 });
    f.trade('AAPL', 104); // no trigger; the trail's best is 104, its stop 101
    f.trade('AAPL', 108); // both stops trigger; the stop-limit's limit 106 is not reached; trail stop 105
    f.trade('AAPL', 104.5); // the trail fires at 104.5; the stop-limit now reaches its limit
    const fills = f.venue.log.flatMap((l) => (l.kind === 'fill' ? [[l.clientOrderId, l.price]] : []));
    // Orders match in the order they were placed, at each print.
    expect(fills).toEqual([
      ['stop', 108],
      ['sl', 106],
      ['trail', 104.5],
    ]);
  });

  it('fills on demand in parts and writes activities with cumulative quantities', async () => {
    const f = await start();
    await call(f, 'POST', '/v2/orders', order('p', { qty: '5' }));
    f.trade('AAPL', 10, 2);
    f.trade('AAPL', 11, 2);
    f.trade('AAPL', 12);
    const acts = (await call(f, 'GET', '/v2/account/activities/FILL?direction=asc')).body;
    expect(acts.map((a: Record<string, string>) => [a.type, a.qty, a.price, a.cum_qty, a.leaves_qty])).toEqual([
      ['partial_fill', '2', '10', '2', '3'],
      ['partial_fill', '2', '11', '4', '1'],
      ['fill', '1', '12', '5', '0'],
    ]);
    const o = (await call(f, 'GET', '/v2/orders:by_client_order_id?client_order_id=p')).body;
    expect(o).toMatchObject({ status: 'filled', filled_qty: '5', filled_avg_price: '10.8' }); // 54 / 5
    expect((await call(f, 'GET', '/v2/account')).body.cash).toBe(String(100_000 - 54));
  });
});

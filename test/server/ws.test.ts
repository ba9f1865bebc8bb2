/**
 * The WebSocket feed's protocol over a real socket: authentication by header or by a first
 * message (and the window for it), each channel's role, bad messages, snapshots and sequence
 * numbers, the symbol filter, unsubscribing, and the clients gauge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/server/routes/index.js';
import { FeedHub } from '../../src/server/ws/hub.js';
import type { WsPayload } from '../../src/server/ws/protocol.js';
import { WS_CHANNEL_ACCESS, wsFeedRoutes } from '../../src/server/ws/route.js';
import { METRICS } from '../../src/server/metrics/service-metrics.js';
import { parsePromText, sampleValue } from '../support/prom-text.js';
import { bearer, testServer, type TestServer } from './support.js';
import { FeedClient } from './ws-client.js';

const fill = (i: number, symbol = 'AAPL'): WsPayload<'fills'> => ({
  run_id: 'run-1',
  client_order_id: `c-${i}`,
  symbol,
  side: i % 2 === 0 ? 'buy' : 'sell',
  qty: i + 1,
  price: 100 + i,
  fee: 0.01,
  time: new Date(Date.UTC(2026, 0, 5, 15, i)).toISOString(),
});

describe('/ws', () => {
  const hub = new FeedHub();
  let s: TestServer;
  let url: string;
  const clients: FeedClient[] = [];
  const open = async (headers: Record<string, string> = {}): Promise<FeedClient> => {
    const c = new FeedClient(url, headers);
    clients.push(c);
    await c.opened;
    return c;
  };

  beforeAll(async () => {
    s = await testServer({
      feed: hub,
      routes: [...ROUTES.filter((m) => m.name !== 'ws'), wsFeedRoutes({ authTimeoutMs: 400, maxBadMessages: 3 })],
    });
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const a = s.app.server.address() as { port: number };
    url = `ws://127.0.0.1:${a.port}/ws`;
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await s?.close();
  });

  it('greets a client authenticated by its header with its role and the channels with their access', async () => {
    const c = await open(bearer(s.tokens.viewer));
    const hello = await c.next('hello');
    expect(hello.role).toBe('viewer');
    expect(hello.v).toBe(1);
    expect(Object.fromEntries(hello.channels.map((x) => [x.name, x.access]))).toEqual({
      equity: 'viewer',
      orders: 'viewer',
      fills: 'viewer',
      positions: 'viewer',
      signals: 'viewer',
      risk: 'viewer',
      logs: 'operator',
      jobs: 'viewer',
    });
    expect(Object.keys(WS_CHANNEL_ACCESS)).toHaveLength(8);
  });

  it('takes the token from a first auth message, and refuses a subscribe before it', async () => {
    const c = await open();
    expect((await c.next('hello')).role).toBeNull();
    c.send({ type: 'subscribe', id: 'early', channels: ['fills'] });
    const refused = await c.next('error');
    expect(refused).toMatchObject({ id: 'early', error: { code: 'API_UNAUTHORIZED' } });
    c.send({ type: 'auth', id: 'a1', token: s.tokens.operator });
    // A subscribe right behind the auth waits for the token check.
    c.send({ type: 'subscribe', id: 's1', channels: ['logs'] });
    const hello = await c.next('hello', refused.index);
    expect(hello.role).toBe('operator');
    expect(await c.next('subscribed', hello.index)).toMatchObject({ id: 's1', channels: ['logs'], symbols: null });
    expect(c.closed).toBeUndefined();
  });

  it('closes a client with no token after the window (4001)', async () => {
    const c = await open();
    await c.until(() => c.closed !== undefined, 'the close', 5_000);
    expect(c.closed?.code).toBe(4001);
    expect(c.ofType('error')[0]?.error.code).toBe('API_UNAUTHORIZED');
  });

  it('closes a client whose token is unknown, malformed or revoked (4001), with the error first', async () => {
    const wrong = s.tokens.viewer.replace(/\.(.)/, (_, ch: string) => `.${ch === 'A' ? 'B' : 'A'}`);
    for (const headers of [bearer(wrong), { authorization: 'Basic dXNlcjpwYXNz' }, bearer(s.tokens.revoked)]) {
      const c = await open(headers);
      await c.until(() => c.closed !== undefined, 'the close');
      expect(c.closed?.code, headers.authorization).toBe(4001);
      expect(c.ofType('error')[0]?.error.code).toBe('API_UNAUTHORIZED');
      expect(c.ofType('hello')).toEqual([]);
    }
    const byMessage = await open();
    byMessage.send({ type: 'auth', token: s.tokens.revoked });
    await byMessage.until(() => byMessage.closed !== undefined, 'the close');
    expect(byMessage.closed?.code).toBe(4001);
    expect(byMessage.ofType('error')[0]?.error.message).toMatch(/was revoked/);
  });

  it("refuses a channel above the token's role with API_FORBIDDEN, as a whole, and keeps the connection", async () => {
    const c = await open(bearer(s.tokens.viewer));
    c.send({ type: 'subscribe', id: 'x', channels: ['fills', 'logs'] });
    const e = await c.next('error');
    expect(e).toMatchObject({ id: 'x', error: { code: 'API_FORBIDDEN' } });
    expect(e.error.message).toMatch(/logs needs the operator role/);
    expect(e.error.hint).not.toBe('');
    await c.sync('after-refusal');
    expect(c.ofType('subscribed')).toEqual([]);
    expect(c.ofType('snapshot')).toEqual([]);
    c.send({ type: 'subscribe', channels: ['fills'] });
    expect((await c.next('subscribed')).channels).toEqual(['fills']);
    expect(c.closed).toBeUndefined();
  });

  it('answers bad messages with API_INVALID_REQUEST naming the field, and closes after too many (4000)', async () => {
    const c = await open(bearer(s.tokens.viewer));
    await c.next('hello');
    c.send('not json');
    c.send({ type: 'subscribe', id: 'b', channels: ['nope'] });
    c.send({ type: 'subscribe', id: 'c', channels: ['fills'], extra: 1 });
    await c.until(() => c.ofType('error').length === 3, 'three errors');
    const [notJson, badChannel, extra] = c.ofType('error');
    expect(notJson?.error).toMatchObject({ code: 'API_INVALID_REQUEST', message: 'a message is not JSON text' });
    expect(badChannel).toMatchObject({ id: 'b', error: { code: 'API_INVALID_REQUEST' } });
    expect(badChannel?.error.message).toMatch(/at channels\.0/);
    expect(extra?.error.message).toMatch(/extra/);
    expect(c.closed).toBeUndefined();
    c.send({ type: 'dance' });
    await c.until(() => c.closed !== undefined, 'the close');
    expect(c.closed?.code).toBe(4000);
  });

  it('answers ping with pong and its id', async () => {
    const c = await open(bearer(s.tokens.viewer));
    c.send({ type: 'ping', id: 'p-7' });
    const pong = await c.next('pong');
    expect(pong.id).toBe('p-7');
    expect(Date.parse(pong.time)).not.toBeNaN();
  });

  it('sends the snapshot, then each later event once with the next seq; the filter keeps its symbols only', async () => {
    const before = hub.seq('fills');
    for (let i = 0; i < 3; i++) hub.publish('fills', fill(i, i === 1 ? 'MSFT' : 'AAPL'));
    const all = await open(bearer(s.tokens.viewer));
    const some = await open(bearer(s.tokens.viewer));
    all.send({ type: 'subscribe', channels: ['fills', 'equity'] });
    some.send({ type: 'subscribe', channels: ['fills', 'equity'], symbols: ['MSFT'] });
    const snapAll = await all.next('snapshot');
    const snapSome = await some.next('snapshot');
    expect(snapAll.channel).toBe('fills');
    expect(snapAll.seq).toBe(before + 3);
    expect((snapAll.items as WsPayload<'fills'>[]).slice(-3).map((f) => f.client_order_id)).toEqual([
      'c-0',
      'c-1',
      'c-2',
    ]);
    // A filtered subscription counts its own events from 0.
    expect(snapSome.seq).toBe(0);
    expect((snapSome.items as WsPayload<'fills'>[]).every((f) => f.symbol === 'MSFT')).toBe(true);
    expect((snapSome.items as WsPayload<'fills'>[]).map((f) => f.client_order_id)).toContain('c-1');
    await all.next('snapshot', snapAll.index + 1); // equity's
    for (let i = 3; i < 8; i++) hub.publish('fills', fill(i, i % 2 === 0 ? 'MSFT' : 'AAPL'));
    hub.publish('equity', {
      run_id: 'run-1',
      time: '2026-01-05T15:10:00.000Z',
      equity: 1000,
      cash: 900,
      drawdown: 0,
      gross_exposure: 100,
      net_exposure: 100,
    });
    await all.sync('s1');
    await some.sync('s2');
    const fillsAll = all.ofType('event').filter((e) => e.channel === 'fills');
    expect(fillsAll.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8].map((k) => before + k));
    expect(fillsAll.map((e) => (e.data as WsPayload<'fills'>).client_order_id)).toEqual([
      'c-3',
      'c-4',
      'c-5',
      'c-6',
      'c-7',
    ]);
    const fillsSome = some.ofType('event').filter((e) => e.channel === 'fills');
    expect(fillsSome.map((e) => [e.seq, (e.data as WsPayload<'fills'>).client_order_id])).toEqual([
      [1, 'c-4'],
      [2, 'c-6'],
    ]);
    // The filter is for channels whose payloads have a symbol: equity comes whole.
    expect(some.ofType('event').filter((e) => e.channel === 'equity')).toHaveLength(1);
    // Events come after their channel's snapshot.
    const firstEvent = all.messages.findIndex((m) => m.type === 'event');
    expect(firstEvent).toBeGreaterThan(snapAll.index);
  });

  it('sends nothing more of a channel once unsubscribed, and counts the clients of each channel', async () => {
    const gauge = async (): Promise<number> => {
      const r = await s.app.inject({ url: '/metrics', headers: bearer(s.tokens.viewer) });
      return sampleValue(parsePromText(r.body), METRICS.wsClients, { channel: 'orders' }) ?? 0;
    };
    const base = await gauge();
    const c = await open(bearer(s.tokens.viewer));
    c.send({ type: 'subscribe', channels: ['orders'] });
    await c.next('snapshot');
    expect(await gauge()).toBe(base + 1);
    c.send({ type: 'unsubscribe', id: 'u', channels: ['orders'] });
    const unsubscribed = await c.next('unsubscribed');
    expect(unsubscribed).toMatchObject({ id: 'u', channels: ['orders'] });
    expect(await gauge()).toBe(base);
    hub.publish('orders', {
      run_id: 'run-1',
      client_order_id: 'o-1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      qty: 1,
      limit_price: null,
      status: 'new',
      filled_qty: 0,
      avg_fill_price: null,
      reason: null,
      time: '2026-01-05T15:00:00.000Z',
    });
    await c.sync('after');
    expect(c.ofType('event')).toEqual([]);
    // Resubscribing gets the order in the snapshot; a closed client is no longer counted.
    c.send({ type: 'subscribe', channels: ['orders'] });
    const snap = await c.next('snapshot', unsubscribed.index);
    expect((snap.items as WsPayload<'orders'>[]).map((o) => o.client_order_id)).toEqual(['o-1']);
    expect(await gauge()).toBe(base + 1);
    await c.close();
    await c.until(() => hub.subscribers('orders') === 0, 'the hub to drop the subscription');
    expect(await gauge()).toBe(base);
  });

  it('tells its clients it is going away (1001) when the server closes', async () => {
    const other = await testServer({ feed: new FeedHub() });
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    const c = new FeedClient(
      `ws://127.0.0.1:${(other.app.server.address() as { port: number }).port}/ws`,
      bearer(other.tokens.viewer),
    );
    clients.push(c);
    await c.opened;
    await c.next('hello');
    await other.close();
    await c.until(() => c.closed !== undefined, 'the close');
    expect(c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });

  it('answers a plain GET with 426 and the error shape', async () => {
    const r = await s.app.inject({ url: '/ws' });
    expect(r.statusCode).toBe(426);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'API_INVALID_REQUEST' } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../../src/core/order.js';
import { VenueError } from '../../../../src/core/errors.js';
import { AlpacaExecutionClient } from '../../../../src/venues/alpaca/trading/execution-client.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from '../../../fakes/alpaca/trading-server.js';
import { closeAll, KEYS, startTrading, waitFor } from './support.js';

afterEach(closeAll);

const req = (id: string, fields: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  limitPrice: 50,
  qty: 3,
  tif: 'gtc',
  ...fields,
});

const posts = (s: Awaited<ReturnType<typeof startTrading>>) => s.fake.requests.filter((r) => r.method === 'POST');

describe('Alpaca execution faults', () => {
  it('waits out a 429 for its Retry-After, then places the order once', async () => {
    const s = await startTrading({
      faults: [{ match: 'POST /v2/orders', kind: 'status', status: 429, headers: { 'retry-after': '2' } }],
    });
    s.client.submit(req('r1'));
    await s.settle();
    expect(s.sleeps).toContain(2000);
    expect(posts(s)).toHaveLength(2);
    expect(s.fake.venue.orders).toHaveLength(1);
    expect(s.of('r1').map((e) => e.kind)).toEqual(['accepted']);
  });

  it('retries a 500 and places the order once', async () => {
    const s = await startTrading({ faults: [{ match: 'POST /v2/orders', kind: 'status', status: 500 }] });
    s.client.submit(req('r2'));
    await s.settle();
    expect(posts(s)).toHaveLength(2);
    expect(s.of('r2').map((e) => e.kind)).toEqual(['accepted']);
  });

  it('rejects with venue_unavailable when every attempt fails and the venue has no such order', async () => {
    const fail = { match: 'POST /v2/orders', kind: 'status', status: 503 } as const;
    const s = await startTrading({ faults: [fail, fail, fail] });
    s.client.submit(req('down'));
    await s.settle();
    expect(posts(s)).toHaveLength(3); // the first try and http.retries = 2
    expect(s.fake.requests.at(-1)).toMatchObject({
      path: '/v2/orders:by_client_order_id',
      query: { client_order_id: 'down' },
    });
    expect(s.of('down')).toMatchObject([{ kind: 'rejected', code: 'venue_unavailable' }]);
    expect(s.fake.venue.orders).toEqual([]);
  });

  it('counts an order whose answer was lost as sent: the retry is a duplicate and one order exists', async () => {
    const s = await startTrading({ faults: [{ match: 'POST /v2/orders', kind: 'lose-answer' }] });
    s.client.submit(req('lost'));
    await s.settle();
    expect(posts(s)).toHaveLength(2);
    expect(s.fake.venue.log.filter((l) => l.kind === 'refused')).toMatchObject([
      { clientOrderId: 'lost', status: 422, message: 'client_order_id must be unique' },
    ]);
    expect(s.fake.venue.orders.map((o) => o.client_order_id)).toEqual(['lost']);
    expect(s.of('lost').map((e) => e.kind)).toEqual(['accepted']);
    expect(s.client.venueOrderId('lost')).toBe(s.fake.venue.orders[0]?.id);
  });

  it('settles an order whose answer timed out by asking the venue for it', async () => {
    const s = await startTrading({ faults: [{ match: 'POST /v2/orders', kind: 'delay', ms: 3000 }] });
    s.client.submit(req('slow'));
    await s.settle();
    expect(s.fake.venue.orders.filter((o) => o.client_order_id === 'slow')).toHaveLength(1);
    expect(s.client.order('slow')?.status).toBe('accepted');
    expect(s.of('slow').filter((e) => e.kind === 'accepted')).toHaveLength(1);
  });

  it('takes delayed acks: events held by the venue arrive later, in order', async () => {
    const s = await startTrading();
    s.fake.stream.hold();
    s.client.submit({ clientOrderId: 'held', symbol: 'AAPL', side: 'buy', type: 'market', qty: 3, tif: 'day' });
    await s.client.whenIdle();
    s.fake.trade('AAPL', 101);
    expect(s.of('held').map((e) => e.kind)).toEqual(['accepted']); // from the POST's answer only
    s.fake.stream.release();
    await s.settle();
    expect(s.of('held').map((e) => e.kind)).toEqual(['accepted', 'filled']);
  });

  it('logs and counts malformed stream messages and keeps going', async () => {
    const s = await startTrading();
    s.client.submit(req('after'));
    await s.settle();
    const order = s.fake.venue.byClientId('after')!;
    s.fake.stream.sendRaw('not json at all');
    s.fake.stream.sendRaw(
      JSON.stringify({ stream: 'trade_updates', data: { event: 'fill', order: { ...order, filled_qty: 'lots' } } }),
    );
    s.fake.stream.sendRaw(
      JSON.stringify({ stream: 'trade_updates', data: { event: 'fill', order: { ...order, qty: 3 } } }),
    );
    s.fake.stream.sendRaw('\u0001'); // the paper stream's heartbeat is no fault
    s.fake.trade('AAPL', 50);
    await s.settle();
    expect(s.client.malformedUpdates).toBe(3);
    expect(s.lines.filter((l) => l.includes('trade update dropped'))).toHaveLength(3);
    expect(s.of('after').map((e) => e.kind)).toEqual(['accepted', 'filled']);
    expect(s.client.streamState).toBe('live');
  });

  it('reconnects after a stream drop and catches up on fills missed while it was down', async () => {
    const s = await startTrading();
    s.client.submit(req('gap'));
    s.client.submit(req('gap2', { limitPrice: 40 }));
    await s.settle();
    expect(s.client.streamDownSince).toBeUndefined();
    s.fake.stream.drop();
    s.fake.trade('AAPL', 45); // fills 'gap' at 50 while nobody listens
    expect(s.fake.stream.listening).toBe(0);
    await waitFor(() => s.client.reconnects === 1 && s.client.streamState === 'live', 'the reconnection');
    await waitFor(() => s.client.order('gap')?.status === 'filled', 'the missed fill');
    await s.settle();
    expect(s.of('gap').map((e) => e.kind)).toEqual(['accepted', 'filled']);
    expect(s.client.order('gap')).toMatchObject({ filledQty: 3, avgFillPrice: 50 });
    expect(s.client.order('gap2')?.status).toBe('accepted');
    expect(s.client.streamDownSince).toBeUndefined(); // live again
    // The reconnection polled each working order by its client order id.
    const polled = s.fake.requests
      .filter((r) => r.path === '/v2/orders:by_client_order_id')
      .map((r) => r.query.client_order_id);
    expect(polled.sort()).toEqual(['gap', 'gap2']);
    expect(s.sleeps.length).toBeGreaterThan(0); // it backed off before reconnecting
    // Live again: new fills come through the stream.
    s.fake.trade('AAPL', 39);
    await s.settle();
    expect(s.client.order('gap2')?.status).toBe('filled');
  });

  it('refuses to start when the stream refuses the keys, naming the variables and not the secret', async () => {
    const s = await startTrading({ connect: false });
    s.fake.stream.isRefusingAuth = true;
    const e = await s.client.connect().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(VenueError);
    expect(e).toMatchObject({ code: 'VENUE_AUTH', exitCode: 4 });
    expect((e as VenueError).hint).toContain('APCA_API_KEY_ID and APCA_API_SECRET_KEY');
    expect(JSON.stringify({ ...(e as VenueError).toJSON(), stack: (e as Error).stack })).not.toContain(FAKE_SECRET_KEY);
  });

  it('tells the session when the stream refuses the keys on a reconnection: orders can no longer be followed', async () => {
    const s = await startTrading();
    const failures: VenueError[] = [];
    s.client.onStreamFailed = (e) => failures.push(e);
    s.client.submit(req('w1'));
    await s.settle();
    s.fake.stream.isRefusingAuth = true;
    s.fake.stream.drop();
    // Filled while the stream is down: its update reaches no one.
    s.fake.trade('AAPL', 49);
    await waitFor(() => failures.length === 1, 'the session told');
    expect(s.client.streamState).toBe('failed');
    expect(failures[0]).toMatchObject({ code: 'VENUE_AUTH', exitCode: 4 });
    // Before telling, it asked REST for the working order: the fill the stream missed is known.
    expect(s.client.order('w1')?.status).toBe('filled');
    expect(s.of('w1').map((e) => e.kind)).toEqual(['accepted', 'filled']);
    // And it places nothing more: an order it could not follow is refused without a request.
    const before = posts(s).length;
    s.client.submit(req('w2'));
    await s.settle();
    expect(posts(s)).toHaveLength(before);
    expect(s.of('w2')).toMatchObject([{ kind: 'rejected', code: 'venue_unavailable' }]);
  });

  it('refuses to start without keys, before any connection', async () => {
    const s = await startTrading({ connect: false, env: {} });
    await expect(s.client.connect()).rejects.toMatchObject({ code: 'VENUE_AUTH' });
    expect(s.fake.stream.received).toEqual([]);
  });

  it('never writes the key id or the secret to a log line or an error, whatever fails', async () => {
    const s = await startTrading({
      faults: [
        { match: 'POST /v2/orders', kind: 'status', status: 500 },
        { match: 'POST /v2/orders', kind: 'lose-answer' },
      ],
    });
    s.client.submit(req('s1'));
    await s.settle();
    s.fake.stream.sendRaw('{"stream":"trade_updates","data":{}}');
    s.fake.stream.drop();
    await waitFor(() => s.client.reconnects === 1 && s.client.streamState === 'live', 'the reconnection');
    const wrong = await startTrading({ connect: false, env: { ...KEYS, APCA_API_SECRET_KEY: 'wrong-secret-9f8e7d' } });
    const e = await wrong.client.api.account().catch((x: unknown) => x as VenueError);
    expect(e).toMatchObject({ code: 'VENUE_AUTH' });
    const text = [...s.lines, ...wrong.lines, JSON.stringify((e as VenueError).toJSON()), (e as Error).stack].join(
      '\n',
    );
    expect(s.lines.length).toBeGreaterThan(3);
    for (const secret of [FAKE_SECRET_KEY, FAKE_KEY_ID, 'wrong-secret-9f8e7d']) expect(text).not.toContain(secret);
    // The secret went only where it belongs: the stream's authenticate message.
    expect(s.fake.stream.received[0]).toContain('"secret_key":"***"');
  });

  it('tells a 403 about the keys from a 403 about the means: only the latter rejects the order', async () => {
    const s = await startTrading({
      connect: false,
      faults: [{ match: 'POST /v2/orders', kind: 'status', status: 403, body: { message: 'forbidden.' } }],
    });
    const body = {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'k',
    } as const;
    await expect(s.client.api.submitOrder(body)).rejects.toMatchObject({ code: 'VENUE_AUTH', status: 403 });
    s.fake.script({
      match: 'POST /v2/orders',
      kind: 'status',
      status: 403,
      body: { code: 40310000, message: 'insufficient buying power' },
    });
    expect(await s.client.api.submitOrder(body)).toEqual({
      kind: 'rejected',
      code: 'insufficient_buying_power',
      reason: 'alpaca: insufficient buying power',
    });
  });

  it('hands a listener that throws to onListenerError and still serves the other listeners', async () => {
    const errors: string[] = [];
    const s = await startTrading({ client: { onListenerError: (e, ev) => errors.push(`${ev.kind}: ${String(e)}`) } });
    s.client.subscribe(() => {
      throw new Error('strategy bug');
    });
    s.client.submit(req('t'));
    await s.settle();
    expect(errors).toEqual(['accepted: Error: strategy bug']);
    expect(s.of('t').map((e) => e.kind)).toEqual(['accepted']); // the harness's listener, subscribed first
    expect(s.client.streamState).toBe('live');
  });

  it('takes a connection that stopped answering pings for dead, and reconnects', async () => {
    const s = await startTrading({ client: { stream: { pingIntervalMs: 40, connectTimeoutMs: 300 } } });
    s.fake.stream.isSilent = true; // the socket stays open, nothing comes back: a half-open connection
    await waitFor(() => s.lines.some((l) => l.includes('no answer to pings for 80 ms')), 'the dead connection');
    s.fake.stream.isSilent = false;
    await waitFor(() => s.client.reconnects >= 1 && s.client.streamState === 'live', 'the reconnection');
    s.client.submit(req('alive'));
    await s.settle();
    s.fake.trade('AAPL', 49);
    await s.settle();
    expect(s.client.order('alive')?.status).toBe('filled');
  });

  it('says since when the stream has been down while it waits to reconnect', async () => {
    const s = await startTrading({ connect: false });
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const client = new AlpacaExecutionClient({ ...s.ctx, sleep: () => gate }); // the backoff waits for us
    await client.connect();
    try {
      expect(client.streamDownSince).toBeUndefined();
      const before = Date.now();
      s.fake.stream.drop();
      await waitFor(() => client.streamState === 'reconnecting', 'the drop');
      expect(client.streamDownSince).toBeGreaterThanOrEqual(before);
      release();
      await waitFor(() => client.streamState === 'live', 'the reconnection');
      expect(client.streamDownSince).toBeUndefined();
      expect(client.reconnects).toBe(1);
    } finally {
      client.close();
    }
  });
});

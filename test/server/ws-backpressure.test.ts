/**
 * A client that stops reading is closed (4008) once its unsent data passes the limit, while a
 * client that reads gets every event, in order, and the publisher never waits: the publishing
 * loop below runs to the end whatever the slow client does.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/server/routes/index.js';
import { FeedHub } from '../../src/server/ws/hub.js';
import type { WsPayload } from '../../src/server/ws/protocol.js';
import { wsFeedRoutes } from '../../src/server/ws/route.js';
import { bearer, testServer, type TestServer } from './support.js';
import { FeedClient } from './ws-client.js';

const LIMIT = 64 * 1024;

const fill = (i: number): WsPayload<'fills'> => ({
  run_id: 'run-bp',
  client_order_id: `c-${i}`,
  symbol: 'AAPL',
  side: 'buy',
  qty: 1,
  price: 100 + (i % 50),
  fee: 0.01,
  time: new Date(Date.UTC(2026, 0, 5) + i * 1000).toISOString(),
});

describe('a slow consumer', () => {
  const hub = new FeedHub();
  let s: TestServer;
  let url: string;

  beforeAll(async () => {
    s = await testServer({
      feed: hub,
      routes: [...ROUTES.filter((m) => m.name !== 'ws'), wsFeedRoutes({ maxBufferedBytes: LIMIT })],
    });
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(s.app.server.address() as { port: number }).port}/ws`;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is closed with 4008 and a reason while a fast client gets everything in order', async () => {
    const fast = new FeedClient(url, bearer(s.tokens.viewer));
    const slow = new FeedClient(url, bearer(s.tokens.viewer));
    await Promise.all([fast.opened, slow.opened]);
    for (const c of [fast, slow]) c.send({ type: 'subscribe', channels: ['fills'] });
    const snapFast = await fast.next('snapshot');
    await slow.next('snapshot');
    // The slow client stops reading: the kernel's buffers fill, then the server's queue for it.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    let published = 0;
    // Bounded: far more than loopback's buffers hold, so the limit must be reached before the end.
    for (let batch = 0; batch < 400 && hub.subscribers('fills') > 1; batch++) {
      for (let i = 0; i < 500; i++) hub.publish('fills', fill(published++));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(hub.subscribers('fills')).toBe(1);
    // A little more after the drop: the fast client keeps getting it.
    for (let i = 0; i < 1000; i++) hub.publish('fills', fill(published++));
    await fast.until(() => fast.ofType('event').length === published, `all ${published} events`, 30_000);
    const events = fast.ofType('event');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: published }, (_, i) => snapFast.seq + 1 + i));
    expect(events.every((e, i) => (e.data as WsPayload<'fills'>).client_order_id === `c-${i}`)).toBe(true);

    // Read again, the slow client finds the close frame behind what was queued for it.
    socket.resume();
    await slow.until(() => slow.closed !== undefined, 'the close', 30_000);
    expect(slow.closed?.code).toBe(4008);
    expect(slow.closed?.reason).toMatch(/^slow consumer: over 0\.1 MiB unsent$/);
    // What it got is a prefix of the events, without a gap.
    const got = slow.ofType('event');
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(published);
    expect(got.every((e, i) => e.seq === snapFast.seq + 1 + i)).toBe(true);
    await fast.close();
  }, 60_000);
});

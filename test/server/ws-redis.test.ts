/**
 * The feed across processes through the real Redis at 127.0.0.1:6379: a publisher's messages
 * reach every hub that bridges the same prefix, in order, and their WebSocket clients; a message
 * that breaks its channel's schema is dropped; a hub skips the messages of its own origin. Each
 * test uses its own prefix, so runs in parallel never hear each other.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedHub, type FeedSink } from '../../src/server/ws/hub.js';
import type { WsPayload } from '../../src/server/ws/protocol.js';
import { RedisFeedBridge, RedisFeedPublisher } from '../../src/server/ws/redis-feed.js';
import { bearer, testServer } from './support.js';
import { FeedClient } from './ws-client.js';

const REDIS = process.env.MOMENTIC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const fill = (i: number): WsPayload<'fills'> => ({
  run_id: 'run-redis',
  client_order_id: `c-${i}`,
  symbol: i % 2 === 0 ? 'AAPL' : 'MSFT',
  side: 'sell',
  qty: 2,
  price: 50 + i,
  fee: 0,
  time: new Date(Date.UTC(2026, 0, 6) + i * 60_000).toISOString(),
});

/** Every frame a hub fans out to it, parsed. */
function collector(): FeedSink & { readonly frames: { seq: number; data: WsPayload<'fills'> }[] } {
  const frames: { seq: number; data: WsPayload<'fills'> }[] = [];
  return {
    frames,
    send(frame) {
      const m = JSON.parse(frame.toString()) as { type: string; seq: number; data: WsPayload<'fills'> };
      if (m.type === 'event') frames.push({ seq: m.seq, data: m.data });
      return true;
    },
  };
}

const until = async (done: () => boolean, what: string, ms = 10_000): Promise<void> => {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > ms) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Redis fan-out', () => {
  const closers: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
  });

  let prefix: string;
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(REDIS);
    closers.push(() => raw.disconnect());
  });

  it('delivers every message of another process to two hubs, in order; a bad one is dropped', async () => {
    prefix = `momentic:test:${randomUUID()}:`;
    const hubs = [new FeedHub(), new FeedHub()];
    const sinks = hubs.map(() => collector());
    const bridges = await Promise.all(hubs.map((h) => RedisFeedBridge.open(REDIS, h, { prefix })));
    for (const b of bridges) closers.push(() => b.close());
    hubs.forEach((h, i) => h.subscribe('fills', sinks[i]!));
    const pub = await RedisFeedPublisher.open(REDIS, { prefix });
    closers.push(() => pub.close());
    for (let i = 0; i < 100; i++) {
      pub.publish('fills', fill(i));
      // One that breaks the schema (fields missing), as a wrong publisher would send.
      if (i === 50) await raw.publish(`${prefix}fills`, JSON.stringify({ o: 'elsewhere', d: { symbol: 'AAPL' } }));
    }
    await until(() => sinks.every((s) => s.frames.length >= 100), 'both hubs to get 100 fills');
    await new Promise((r) => setTimeout(r, 100));
    for (const [i, s] of sinks.entries()) {
      expect(s.frames.map((f) => f.seq)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
      expect(s.frames.map((f) => f.data)).toEqual(Array.from({ length: 100 }, (_, k) => fill(k)));
      expect(bridges[i]!.rejected).toBe(1);
    }
  });

  it("skips its own origin's messages: a server whose session publishes to it directly shows them once", async () => {
    prefix = `momentic:test:${randomUUID()}:`;
    const pub = await RedisFeedPublisher.open(REDIS, { prefix });
    const other = await RedisFeedPublisher.open(REDIS, { prefix });
    closers.push(
      () => pub.close(),
      () => other.close(),
    );
    const hub = new FeedHub();
    const sink = collector();
    hub.subscribe('fills', sink);
    const bridge = await RedisFeedBridge.open(REDIS, hub, { prefix, ignoreOrigin: pub.origin });
    closers.push(() => bridge.close());
    pub.publish('fills', fill(0));
    other.publish('fills', fill(1));
    await until(() => sink.frames.length >= 1, 'the other origin');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.frames.map((f) => f.data.client_order_id)).toEqual(['c-1']);
  });

  it('reaches a WebSocket client of a server that bridges Redis, snapshot then events', async () => {
    prefix = `momentic:test:${randomUUID()}:`;
    const hub = new FeedHub();
    const bridge = await RedisFeedBridge.open(REDIS, hub, { prefix });
    closers.push(() => bridge.close());
    const s = await testServer({ feed: hub });
    closers.push(() => s.close());
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const pub = await RedisFeedPublisher.open(REDIS, { prefix });
    closers.push(() => pub.close());
    for (let i = 0; i < 3; i++) pub.publish('fills', fill(i));
    await until(() => hub.seq('fills') === 3, 'the first three');
    const c = new FeedClient(
      `ws://127.0.0.1:${(s.app.server.address() as { port: number }).port}/ws`,
      bearer(s.tokens.viewer),
    );
    closers.push(() => c.ws.terminate());
    await c.opened;
    c.send({ type: 'subscribe', channels: ['fills'], symbols: ['AAPL'] });
    const snap = await c.next('snapshot');
    expect((snap.items as WsPayload<'fills'>[]).map((f) => f.client_order_id)).toEqual(['c-0', 'c-2']);
    for (let i = 3; i < 7; i++) pub.publish('fills', fill(i));
    await c.until(() => c.ofType('event').length === 2, 'two AAPL events');
    expect(c.ofType('event').map((e) => [e.seq, (e.data as WsPayload<'fills'>).client_order_id])).toEqual([
      [1, 'c-4'],
      [2, 'c-6'],
    ]);
  });
});

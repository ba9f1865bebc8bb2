import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../../src/core/errors.js';
import { openWebSocket, type WsConnection } from '../../../../src/venues/ws/web-socket.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from '../../../fakes/alpaca/server.js';
import { startFakeAlpacaStream, type FakeAlpacaStream } from '../../../fakes/alpaca/stream-server.js';
import { T0, waitUntil } from './support.js';

let fake: FakeAlpacaStream;
beforeEach(async () => {
  fake = await startFakeAlpacaStream();
});
afterEach(async () => {
  await fake.close();
});

/** A raw client: the frames it received, parsed. */
async function client(path: string): Promise<{ ws: WsConnection; frames: unknown[] }> {
  const ws = await openWebSocket(`${fake.url}${path}`, { venue: 'alpaca', timeoutMs: 10_000 });
  const frames: unknown[] = [];
  ws.onMessage((t) => frames.push(JSON.parse(t)));
  await waitUntil(() => frames.length === 1, 'the welcome');
  return { ws, frames };
}

const AUTH = JSON.stringify({ action: 'auth', key: FAKE_KEY_ID, secret: FAKE_SECRET_KEY });

describe('fake Alpaca market-data stream', () => {
  it('welcomes, authenticates and answers a subscription with the whole crypto set', async () => {
    const { ws, frames } = await client('/v1beta3/crypto/us');
    ws.send(AUTH);
    ws.send(JSON.stringify({ action: 'subscribe', bars: ['BTC/USD'] }));
    ws.send(JSON.stringify({ action: 'subscribe', bars: ['ETH/USD'], trades: ['BTC/USD'] }));
    await waitUntil(() => frames.length === 4, 'three replies');
    expect(frames).toEqual([
      [{ T: 'success', msg: 'connected' }],
      [{ T: 'success', msg: 'authenticated' }],
      [
        {
          T: 'subscription',
          trades: [],
          quotes: [],
          orderbooks: [],
          bars: ['BTC/USD'],
          updatedBars: [],
          dailyBars: [],
        },
      ],
      [
        {
          T: 'subscription',
          trades: ['BTC/USD'],
          quotes: [],
          orderbooks: [],
          bars: ['BTC/USD', 'ETH/USD'],
          updatedBars: [],
          dailyBars: [],
        },
      ],
    ]);
    // The auth message is logged with its secret masked.
    expect(fake.log.map((e) => e.text).join('\n')).not.toContain(FAKE_SECRET_KEY);
  });

  it('answers the documented errors: 401 before auth, 402 wrong keys, 403 twice, 400 bad symbols', async () => {
    const a = await client('/v2/iex');
    a.ws.send(JSON.stringify({ action: 'subscribe', bars: ['AAPL'] }));
    a.ws.send(AUTH);
    a.ws.send(AUTH);
    a.ws.send(JSON.stringify({ action: 'subscribe', bars: ['BTC/USD'] }));
    await waitUntil(() => a.frames.length === 5, 'four replies');
    expect(a.frames.slice(1)).toEqual([
      [{ T: 'error', code: 401, msg: 'not authenticated' }],
      [{ T: 'success', msg: 'authenticated' }],
      [{ T: 'error', code: 403, msg: 'already authenticated' }],
      [{ T: 'error', code: 400, msg: 'invalid syntax' }],
    ]);
    const b = await client('/v2/iex');
    b.ws.send(JSON.stringify({ action: 'auth', key: FAKE_KEY_ID, secret: 'nope' }));
    await b.ws.closed;
    expect(b.frames[1]).toEqual([{ T: 'error', code: 402, msg: 'auth failed' }]);
  });

  it('refuses unknown paths (404) and, when told, every upgrade (503)', async () => {
    const refused = (path: string): Promise<unknown> =>
      openWebSocket(`${fake.url}${path}`, { venue: 'alpaca', timeoutMs: 10_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const e404 = await refused('/v1beta3/crypto/eu-1');
    expect(e404).toBeInstanceOf(VenueError);
    expect((e404 as VenueError).message).toContain('HTTP 404');
    fake.refuseConnections(true);
    const e503 = (await refused('/v2/iex')) as VenueError;
    expect([e503.code, e503.retryable]).toEqual(['VENUE_UNAVAILABLE', true]);
    expect(e503.message).toContain('HTTP 503');
  });

  it('pushes formula bars only to connections subscribed to them, and logs what it sent', async () => {
    const { ws, frames } = await client('/v1beta3/crypto/us');
    ws.send(AUTH);
    ws.send(JSON.stringify({ action: 'subscribe', bars: ['BTC/USD'] }));
    await fake.whenSubscribed(1);
    expect(fake.pushBar('ETH/USD', T0)).toBe(0);
    expect(fake.pushBar('BTC/USD', T0, { override: { c: 80 } })).toBe(1);
    await waitUntil(() => frames.length === 4, 'the bar');
    // BTC/USD at 10:00: open 75, close 74.9 (replaced by 80); n = 10 + i%5 = 10;
    // vw = (75.5 + 74.4 + 74.9) / 3 = 74.9333, of the formula bar.
    expect(frames[3]).toEqual([
      { T: 'b', S: 'BTC/USD', t: '2024-03-12T10:00:00Z', o: 75, h: 75.5, l: 74.4, c: 80, v: 0.625, n: 10, vw: 74.9333 },
    ]);
    expect(fake.barsSent()).toEqual([{ connection: 1, S: 'BTC/USD', t: '2024-03-12T10:00:00Z' }]);
    fake.dropConnections();
    await ws.closed;
    expect(fake.pushBar('BTC/USD', T0 + 60_000)).toBe(0);
  });

  it('publishes the bars of each ended minute on its own, just after the mark', async () => {
    const { ws, frames } = await client('/v1beta3/crypto/us');
    ws.send(AUTH);
    ws.send(JSON.stringify({ action: 'subscribe', bars: ['BTC/USD', 'ETH/USD'] }));
    await fake.whenSubscribed(1);
    // A clock 30 ms before 10:01: the bars of 10:00 come about 80 ms later.
    const offset = T0 + 60_000 - 30 - Date.now();
    fake.publishEveryMinute(['BTC/USD', 'ETH/USD'], { now: () => Date.now() + offset });
    await waitUntil(() => frames.length === 4, 'the first minute');
    expect((frames[3] as { S: string; t: string }[]).map((b) => [b.S, b.t])).toEqual([
      ['BTC/USD', '2024-03-12T10:00:00Z'],
      ['ETH/USD', '2024-03-12T10:00:00Z'],
    ]);
  });
});

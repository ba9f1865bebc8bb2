import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from '../../../fakes/alpaca/server.js';
import { iso, MINUTE, startHarness, T0, waitUntil, type Harness } from './support.js';

const PAIRS = ['BTC/USD', 'ETH/USD'];
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Pushes minute `m` (from T0) of every pair once that minute has ended, and waits for it. */
async function minute(harness: Harness, m: number): Promise<void> {
  const before = harness.sink.bars.length;
  harness.clock.set(T0 + (m + 1) * MINUTE + 1000);
  harness.stream.pushBars(PAIRS.map((symbol) => ({ symbol, ts: T0 + m * MINUTE })));
  await waitUntil(() => harness.sink.bars.length >= before + PAIRS.length, `minute ${m} is delivered`);
}

describe('AlpacaLiveFeed on the crypto stream', () => {
  it('authenticates, subscribes to the bars of both pairs, and delivers the bars the stream sends', async () => {
    h = await startHarness(PAIRS);
    await h.live();
    const sent = h.stream.log.filter((e) => e.direction === 'received').map((e) => JSON.parse(e.text) as unknown);
    expect(sent).toEqual([
      { action: 'auth', key: 'PKFAKE0KEY0ID0000001', secret: '***' },
      { action: 'subscribe', bars: ['BTC/USD', 'ETH/USD'] },
    ]);
    expect(h.stream.log[0]?.endpoint).toBe('crypto');
    await minute(h, 0);
    // BTC/USD: seed 500, base 60; minute index 28503960: i%100 = 60, i%7 = 2, i%13 = 4.
    expect(h.sink.bars[0]?.bar).toEqual({
      symbol: 'BTC/USD',
      ts: T0,
      open: 75,
      high: 75.5,
      low: 74.4,
      close: 74.9,
      volume: 0.625,
    });
    expect(h.sink.bars[0]?.arrivedAt).toBe(T0 + MINUTE + 1000);
    expect(h.sink.times('ETH/USD')).toEqual([iso(T0)]);
  });

  it('closes a minute only once it ended plus the grace, whichever symbols printed', async () => {
    h = await startHarness(PAIRS, { graceMs: 10_000 });
    await h.live();
    // Started at 10:00:30: minutes up to 09:59 are closed at once.
    expect(h.sink.closes).toEqual([T0]);
    h.clock.set(T0 + MINUTE + 9_000); // 10:01:09: 10:00 ended, grace not over
    h.stream.pushBar('BTC/USD', T0);
    await waitUntil(() => h!.sink.bars.length === 1, 'the bar arrives');
    expect(h.sink.closes).toEqual([T0]);
    h.clock.set(T0 + MINUTE + 10_000); // 10:01:10: the quiet ETH/USD no longer holds 10:00 open
    await waitUntil(() => h!.sink.closes.length === 2, 'the next close');
    expect(h.sink.closes).toEqual([T0, T0 + MINUTE]);
    // The session's source may now step 10:00, BTC/USD's bar alone.
    const cursor = { ts: 0, n: 0, slots: new Int32Array(2) };
    expect(h.sink.source.next(cursor)).toBe(true);
    expect([cursor.ts, cursor.n]).toEqual([T0, 1]);
    expect(h.sink.violations).toEqual([]);
  });

  it('after a drop, fetches the minutes published while down through REST: every bar once, in order', async () => {
    h = await startHarness(PAIRS);
    await h.live();
    for (let m = 0; m <= 3; m++) await minute(h, m);
    const closedBeforeDrop = Math.max(...h.sink.closes);
    h.stream.refuseConnections(true);
    h.stream.dropConnections();
    await waitUntil(() => h!.sleeps.length >= 2, 'two reconnects were refused');
    // Minutes 4 and 5 are published while nobody is connected.
    h.clock.set(T0 + 6 * MINUTE + 1000);
    expect(h.stream.pushBars(PAIRS.map((symbol) => ({ symbol, ts: T0 + 4 * MINUTE })))).toBe(0);
    expect(h.stream.pushBars(PAIRS.map((symbol) => ({ symbol, ts: T0 + 5 * MINUTE })))).toBe(0);
    // No minute may close while the gap is open.
    expect(Math.max(...h.sink.closes)).toBe(closedBeforeDrop);
    h.stream.refuseConnections(false);
    await h.stream.whenSubscribed(2);
    await waitUntil(() => h!.sink.bars.length === 12, 'the gap is backfilled');
    await minute(h, 6);

    const minutes = [0, 1, 2, 3, 4, 5, 6].map((m) => iso(T0 + m * MINUTE));
    expect(h.sink.times('BTC/USD')).toEqual(minutes);
    expect(h.sink.times('ETH/USD')).toEqual(minutes);
    expect(h.sink.violations).toEqual([]);
    expect(h.feed.stats).toMatchObject({ delivered: 14, backfilled: 4, duplicates: 0, late: 0, reconnects: 1 });
    // The session is told of the loss too (its reconnect metric), once.
    expect(h.sink.reconnects).toBe(1);
    // The backfill asked for exactly the gap: [10:04, 10:06), Alpaca's end being inclusive.
    const backfill = h.rest.requests.filter((r) => r.path === '/v1beta3/crypto/us/bars');
    expect(backfill.map((r) => [r.query.symbols, r.query.start, r.query.end])).toEqual([
      ['BTC/USD', '2024-03-12T10:04:00Z', '2024-03-12T10:05:59Z'],
      ['ETH/USD', '2024-03-12T10:04:00Z', '2024-03-12T10:05:59Z'],
    ]);
    // Backfilled bars are the venue's: BTC/USD at 10:04 (i%100 = 64, i%7 = 6, i%13 = 8).
    const btc4 = h.sink.bars.find((b) => b.bar.symbol === 'BTC/USD' && b.bar.ts === T0 + 4 * MINUTE);
    expect(btc4?.bar).toMatchObject({ open: 76, high: 76.8, low: 75.5, close: 76.3, volume: 1.125 });
    expect(btc4?.arrivedAt).toBe(T0 + 6 * MINUTE + 1000);
    // Two authentications and a reconnect logged at debug level: the keys appear nowhere.
    expect(h.logLines.length).toBeGreaterThan(3);
    expect(h.logLines.join('\n')).not.toContain(FAKE_SECRET_KEY);
    expect(h.logLines.join('\n')).not.toContain(FAKE_KEY_ID);
    // The second connection subscribed again to the same bars.
    const subscribes = h.stream.log.filter((e) => e.direction === 'received' && e.text.includes('subscribe'));
    expect(subscribes.map((e) => [e.connection, e.text])).toEqual([
      [1, '{"action":"subscribe","bars":["BTC/USD","ETH/USD"]}'],
      [h.stream.connectionCount(), '{"action":"subscribe","bars":["BTC/USD","ETH/USD"]}'],
    ]);
  });

  it('delivers a bar that came both live and through the backfill once', async () => {
    h = await startHarness(['BTC/USD']);
    await h.live();
    h.clock.set(T0 + MINUTE + 1000);
    h.stream.pushBar('BTC/USD', T0);
    await waitUntil(() => h!.sink.bars.length === 1, 'minute 0');
    h.stream.refuseConnections(true);
    h.stream.dropConnections();
    await waitUntil(() => h!.sleeps.length >= 1, 'a reconnect was refused');
    // Back at 10:03:01: the backfill brings 10:01 and 10:02, and the stream sends 10:02 too.
    h.clock.set(T0 + 3 * MINUTE + 1000);
    h.stream.refuseConnections(false);
    await h.stream.whenSubscribed(2);
    await waitUntil(() => h!.sink.bars.length === 3, 'the gap is backfilled');
    h.stream.pushBar('BTC/USD', T0 + 2 * MINUTE);
    await waitUntil(() => h!.feed.stats?.duplicates === 1, 'the repeat is dropped');
    h.clock.set(T0 + 4 * MINUTE + 1000);
    h.stream.pushBar('BTC/USD', T0 + 3 * MINUTE);
    await waitUntil(() => h!.sink.bars.length === 4, 'minute 3');
    expect(h.sink.times('BTC/USD')).toEqual([0, 1, 2, 3].map((m) => iso(T0 + m * MINUTE)));
    // The backfilled minutes are history (fetched late on purpose); the streamed ones are not.
    expect(h.sink.bars.map((b) => b.history)).toEqual([false, true, true, false]);
    expect(h.feed.stats).toMatchObject({ delivered: 4, backfilled: 2, duplicates: 1, late: 0 });
    expect(h.sink.violations).toEqual([]);
  });

  it('delivers the warm-up history before the first live bar', async () => {
    h = await startHarness(PAIRS, { warmupBars: 5 });
    await h.live();
    await minute(h, 0);
    const warm = [5, 4, 3, 2, 1].map((k) => iso(T0 - k * MINUTE));
    expect(h.sink.times('BTC/USD')).toEqual([...warm, iso(T0)]);
    expect(h.sink.times('ETH/USD')).toEqual([...warm, iso(T0)]);
    // Minute by minute across symbols, each with its fetch time.
    expect(h.sink.bars.slice(0, 2).map((b) => [b.bar.symbol, iso(b.bar.ts), b.arrivedAt])).toEqual([
      ['BTC/USD', iso(T0 - 5 * MINUTE), T0 + 30_000],
      ['ETH/USD', iso(T0 - 5 * MINUTE), T0 + 30_000],
    ]);
    expect(h.feed.stats).toMatchObject({ warmup: 10, delivered: 12 });
    expect(h.sink.violations).toEqual([]);
  });

  it('warms a stock up across the overnight gap, from the stock endpoint of the configured feed', async () => {
    // 2024-03-12 14:00:30Z is 10:00:30 in New York: 30 bars today (13:30Z on), 15 from the 11th.
    const start = Date.UTC(2024, 2, 12, 14, 0, 30);
    h = await startHarness(['AAPL'], { warmupBars: 45, start });
    await h.live();
    const times = h.sink.times('AAPL');
    expect(times.length).toBe(45);
    expect(times[0]).toBe('2024-03-11T19:45:00.000Z');
    expect(times[14]).toBe('2024-03-11T19:59:00.000Z');
    expect(times[15]).toBe('2024-03-12T13:30:00.000Z');
    expect(times[44]).toBe('2024-03-12T13:59:00.000Z');
    expect(new Set(h.stream.log.map((e) => e.endpoint))).toEqual(new Set(['stocks']));
  });

  it('opens one connection per endpoint when a run mixes stocks and pairs, stocks on the configured feed', async () => {
    h = await startHarness(['AAPL', 'BTC/USD'], { start: Date.UTC(2024, 2, 12, 14, 0, 30), feed: 'sip' });
    await h.live();
    const subscribes = h.stream.log.filter((e) => e.direction === 'received' && e.text.includes('subscribe'));
    expect(subscribes.map((e) => [e.path, e.text]).sort()).toEqual([
      ['/v1beta3/crypto/us', '{"action":"subscribe","bars":["BTC/USD"]}'],
      ['/v2/sip', '{"action":"subscribe","bars":["AAPL"]}'],
    ]);
  });

  it('subscribes trades and quotes only when asked, and hands them on with the run symbol', async () => {
    const trades: [string, number][] = [];
    h = await startHarness(['btc/usd'], { onTrade: (symbol, t) => trades.push([symbol, t.p]) });
    await h.live();
    const subscribe = h.stream.log.find((e) => e.direction === 'received' && e.text.includes('subscribe'));
    expect(JSON.parse(subscribe?.text ?? '')).toEqual({ action: 'subscribe', bars: ['BTC/USD'], trades: ['BTC/USD'] });
    h.stream.pushRaw('[{"T":"t","S":"BTC/USD","p":26675.04,"s":0.5,"t":"2024-03-12T10:00:31.5Z","i":7,"tks":"B"}]');
    await waitUntil(() => trades.length === 1, 'the trade');
    expect(trades).toEqual([['btc/usd', 26675.04]]);
  });

  it('resolves when the session is aborted, and closes its socket', async () => {
    h = await startHarness(PAIRS);
    await h.live();
    h.controller.abort();
    await expect(h.done).resolves.toBeUndefined();
    await h.stream.until(() => h!.stream.subscribedCount() === 0);
  });
});

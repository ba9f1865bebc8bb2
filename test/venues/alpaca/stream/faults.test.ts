import { afterEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../../src/core/errors.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from '../../../fakes/alpaca/server.js';
import { KEYS } from '../support.js';
import { iso, MINUTE, startHarness, T0, waitUntil, type Harness } from './support.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function failure(harness: Harness): Promise<VenueError> {
  const error: unknown = await harness.done.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VenueError);
  return error as VenueError;
}

/** Every text a user could see of an error: message, hint, JSON form. */
const textsOf = (e: VenueError): string[] => [e.message, e.hint, JSON.stringify(e.toJSON()), String(e.cause ?? '')];

describe('AlpacaLiveFeed faults', () => {
  it('rejects at once on refused keys, naming the variables to fix and never their values', async () => {
    const wrong = 'wrong-secret-value-5d1c';
    h = await startHarness(['BTC/USD'], { env: { ...KEYS, APCA_API_SECRET_KEY: wrong } });
    const e = await failure(h);
    expect(e.code).toBe('VENUE_AUTH');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('402 auth failed');
    expect(e.hint).toContain('APCA_API_KEY_ID');
    expect(e.hint).toContain('APCA_API_SECRET_KEY');
    // Tried once: no retry loop on keys that cannot work.
    expect(h.stream.connectionCount()).toBe(1);
    expect(h.sleeps).toEqual([]);
    for (const text of [...textsOf(e), ...h.logLines]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(FAKE_KEY_ID);
    }
  });

  it('rejects on a 402 even with the right keys, and logs neither key', async () => {
    h = await startHarness(['BTC/USD']);
    h.stream.failAuth();
    const e = await failure(h);
    expect(e.code).toBe('VENUE_AUTH');
    for (const text of [...textsOf(e), ...h.logLines]) {
      expect(text).not.toContain(FAKE_SECRET_KEY);
      expect(text).not.toContain(FAKE_KEY_ID);
    }
  });

  it('refuses to start without keys, before connecting', async () => {
    h = await startHarness(['BTC/USD'], { env: { APCA_API_KEY_ID: FAKE_KEY_ID } });
    const e = await failure(h);
    expect(e.code).toBe('VENUE_AUTH');
    expect(e.message).toContain('APCA_API_SECRET_KEY missing');
    expect(h.stream.connectionCount()).toBe(0);
  });

  it('reconnects with growing, jittered waits and gives up with VENUE_STREAM_LOST past the timeout', async () => {
    // Each wait moves the clock by its length, as real time would.
    h = await startHarness(['BTC/USD'], {
      lostTimeoutMs: 60_000,
      backoff: { initialMs: 1000, maxMs: 16_000 },
      random: () => 0.5,
      onSleep: (ms, clock) => clock.set(clock.now() + ms),
    });
    await h.live();
    h.stream.refuseConnections(true);
    h.stream.dropConnections();
    const e = await failure(h);
    expect(e.code).toBe('VENUE_STREAM_LOST');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('/v1beta3/crypto/us');
    expect(e.message).toContain('past the 60 s allowed');
    expect(e.message).toContain('HTTP 503');
    // Nominal 1, 2, 4, 8, 16, 16... s; equal jitter at 0.5 waits 3/4 of each. Down for
    // 0.75+1.5+3+6+12+12+12+12 = 59.25 s after eight waits, 71.25 s after nine: then it stops.
    expect(h.sleeps).toEqual([750, 1500, 3000, 6000, 12_000, 12_000, 12_000, 12_000, 12_000]);
    expect(h.feed.stats?.reconnects).toBe(1);
  });

  it('skips and counts malformed frames and keeps streaming', async () => {
    h = await startHarness(['BTC/USD']);
    await h.live();
    h.clock.set(T0 + MINUTE + 1000);
    h.stream.pushRaw('not json at all');
    h.stream.pushRaw('{"T":"b","S":"BTC/USD"}');
    h.stream.pushRaw('[{"T":"b","S":"BTC/USD","o":"75","h":75.5,"l":74.4,"c":74.9,"v":1,"t":"2024-03-12T10:00:00Z"}]');
    h.stream.pushRaw('[{"T":"b","S":"BTC/USD","o":75,"h":75.5,"l":74.4,"c":74.9,"v":1,"t":"yesterday"}]');
    h.stream.pushRaw('[{"no type":1}]');
    h.stream.pushBar('BTC/USD', T0);
    await waitUntil(() => h!.sink.bars.length === 1, 'the good bar');
    expect(h.feed.stats?.malformed).toBe(5);
    expect(h.sink.times('BTC/USD')).toEqual([iso(T0)]);
    expect(h.sink.bars[0]?.bar.open).toBe(75);
    const warnings = h.logLines.filter((l) => l.includes('malformed stream message skipped'));
    expect(warnings.length).toBe(5);
    expect(warnings[2]).toContain('o: Invalid input: expected number');
  });

  it('drops a repeated bar and a late one, and logs the late one', async () => {
    h = await startHarness(['BTC/USD', 'ETH/USD']);
    await h.live();
    // The clock stays at 10:00:30, so no minute of these bars closes meanwhile.
    h.stream.pushBar('BTC/USD', T0);
    h.stream.pushBar('BTC/USD', T0 + MINUTE);
    h.stream.pushBar('BTC/USD', T0 + MINUTE); // the same again
    h.stream.pushBar('BTC/USD', T0); // an older repeat
    h.stream.pushBar('ETH/USD', T0);
    h.stream.pushBar('ETH/USD', T0 + 2 * MINUTE);
    h.stream.pushBar('ETH/USD', T0 + MINUTE); // older than 10:02, never delivered: late
    h.stream.pushBar('BTC/USD', T0 + 2 * MINUTE);
    await waitUntil(() => h!.sink.bars.length === 5, 'the five good bars');
    await waitUntil(() => h!.feed.stats?.late === 1, 'the late bar');
    expect(h.sink.times('BTC/USD')).toEqual([0, 1, 2].map((m) => iso(T0 + m * MINUTE)));
    expect(h.sink.times('ETH/USD')).toEqual([0, 2].map((m) => iso(T0 + m * MINUTE)));
    expect(h.feed.stats).toMatchObject({ delivered: 5, duplicates: 2, late: 1 });
    const late = h.logLines.filter((l) => l.includes('came late'));
    expect(late.length).toBe(1);
    expect(late[0]).toContain('"symbol":"ETH/USD"');
    expect(late[0]).toContain('"ts":"2024-03-12T10:01:00.000Z"');
    expect(h.sink.violations).toEqual([]);
  });

  it('drops a delayed bar that arrives after a newer one', async () => {
    h = await startHarness(['BTC/USD']);
    await h.live();
    h.clock.set(T0 + 2 * MINUTE + 1000);
    h.stream.pushBar('BTC/USD', T0, { delayMs: 300 });
    h.stream.pushBar('BTC/USD', T0 + MINUTE);
    await waitUntil(() => h!.feed.stats?.late === 1, 'the delayed bar');
    expect(h.sink.times('BTC/USD')).toEqual([iso(T0 + MINUTE)]);
  });

  it('closes the minutes a clock jump skips, drops their bars, and never closes backwards', async () => {
    h = await startHarness(['BTC/USD']);
    await h.live();
    // A suspended machine wakes ten minutes later: minutes up to 10:09 close at once.
    h.clock.set(T0 + 11 * MINUTE + 15_000);
    await waitUntil(() => h!.sink.closes.includes(T0 + 11 * MINUTE), 'the jump closes');
    h.stream.pushBar('BTC/USD', T0 + 5 * MINUTE);
    await waitUntil(() => h!.feed.stats?.late === 1, 'the bar of a closed minute');
    // The clock steps back (NTP): closes stay where they were.
    h.clock.set(T0 + 2 * MINUTE);
    h.stream.pushBar('BTC/USD', T0 + 11 * MINUTE);
    await waitUntil(() => h!.sink.bars.length === 1, 'the next live bar');
    expect(h.sink.closes).toEqual([T0, T0 + 11 * MINUTE]);
    expect(h.sink.times('BTC/USD')).toEqual([iso(T0 + 11 * MINUTE)]);
    expect(h.sink.violations).toEqual([]);
  });

  it('retries a connection refused at start and warms up once it is in', async () => {
    h = await startHarness(['BTC/USD'], { warmupBars: 2 });
    h.stream.refuseConnections(true);
    await waitUntil(() => h!.sleeps.length >= 1, 'a refused attempt');
    h.stream.refuseConnections(false);
    await h.live();
    expect(h.sink.times('BTC/USD')).toEqual([iso(T0 - 2 * MINUTE), iso(T0 - MINUTE)]);
  });

  it('retries when the REST backfill fails, and fills the gap on the next connection', async () => {
    h = await startHarness(['BTC/USD'], { handshakeTimeoutMs: 10_000 });
    await h.live();
    h.clock.set(T0 + MINUTE + 1000);
    h.stream.pushBar('BTC/USD', T0);
    await waitUntil(() => h!.sink.bars.length === 1, 'minute 0');
    h.stream.refuseConnections(true);
    h.stream.dropConnections();
    await waitUntil(() => h!.sleeps.length >= 1, 'a refused attempt');
    h.clock.set(T0 + 3 * MINUTE + 1000);
    // The REST API answers 400 once (not retried by the HTTP client): the session is reopened.
    h.rest.script({ kind: 'status', status: 400, match: '/v1beta3/crypto/us/bars' });
    h.stream.refuseConnections(false);
    await waitUntil(() => h!.sink.bars.length === 3, 'the gap, on the second try');
    expect(h.sink.times('BTC/USD')).toEqual([0, 1, 2].map((m) => iso(T0 + m * MINUTE)));
    expect(h.rest.pendingFaults()).toBe(0);
    expect(h.logLines.some((l) => l.includes('stream not ready: retrying') && l.includes('HTTP 400'))).toBe(true);
  });

  it('drops a connection that went silent without closing, reconnects and backfills', async () => {
    h = await startHarness(['BTC/USD'], { heartbeatMs: 200 });
    await h.live();
    h.clock.set(T0 + MINUTE + 1000);
    h.stream.pushBar('BTC/USD', T0);
    await waitUntil(() => h!.sink.bars.length === 1, 'minute 0');
    h.stream.freezeConnections();
    // Published to nobody: the only connection is frozen.
    h.clock.set(T0 + 2 * MINUTE + 1000);
    expect(h.stream.pushBar('BTC/USD', T0 + MINUTE)).toBe(0);
    await h.stream.whenSubscribed(2);
    await waitUntil(() => h!.sink.bars.length === 2, 'minute 1 through REST');
    expect(h.sink.times('BTC/USD')).toEqual([iso(T0), iso(T0 + MINUTE)]);
    expect(h.feed.stats?.backfilled).toBe(1);
    expect(h.logLines.some((l) => l.includes('stream lost: reconnecting') && l.includes('"code":1006'))).toBe(true);
  });

  it("ends the run with the session sink's own error rather than crashing the process", async () => {
    h = await startHarness(['BTC/USD']);
    await h.live();
    const broken = new Error('the ledger is full');
    h.sink.bar = () => {
      throw broken;
    };
    h.stream.pushBar('BTC/USD', T0);
    await expect(h.done).rejects.toBe(broken);
  });

  it('rejects at once when the venue refuses the symbols (400), without retrying', async () => {
    h = await startHarness(['BTC/USD/X']);
    const e = await failure(h);
    expect(e.code).toBe('VENUE_UNAVAILABLE');
    expect(e.retryable).toBe(false);
    expect(e.message).toBe('alpaca stream /v1beta3/crypto/us refused the "subscribe" step: 400 invalid syntax');
    expect(e.hint).toContain('BTC/USD');
    expect(h.stream.connectionCount()).toBe(1);
  });
});

/**
 * The watchdogs that watch a venue, against the Alpaca fakes (no mock between us and the wire):
 * the clock skew read from GET /v2/clock of a trading venue whose clock runs an hour ahead,
 * the broker unreachable when that read answers 500 or the venue is gone, and the market-data
 * stream lost when the stream server drops us and refuses us back. Each produces the action
 * configured for it and its alert, through the Watchdogs runner.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KillSwitch } from '../../../src/risk/kill-switch.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import {
  CHECK_NAMES,
  type Check,
  type CheckName,
  type WatchdogAction,
} from '../../../src/orchestration/watchdogs/check.js';
import { streamLostCheck } from '../../../src/orchestration/watchdogs/stream-lost.js';
import { venueProbe } from '../../../src/orchestration/watchdogs/venue-probe.js';
import { Watchdogs } from '../../../src/orchestration/watchdogs/watchdogs.js';
import { AlpacaTradingApi } from '../../../src/venues/alpaca/trading/trading-api.js';
import { startFakeTrading, type FakeTrading } from '../../fakes/alpaca/trading-server.js';
import { startHarness, waitUntil, type Harness } from '../../venues/alpaca/stream/support.js';
import { KEYS, tradingContext } from '../../venues/alpaca/trading/support.js';
import { MemoryChannel } from '../alerts/support.js';

const HOUR = 3_600_000;
let trading: FakeTrading | undefined;
let stream: Harness | undefined;

afterEach(async () => {
  await trading?.close();
  await stream?.close();
  trading = undefined;
  stream = undefined;
});

function dogs(check: Check, actions: Partial<Record<CheckName, WatchdogAction>>, now: () => number = Date.now) {
  const channel = new MemoryChannel('webhook');
  const alerts = new Notifier({
    routes: [{ channel, minSeverity: 'info', burst: 100, perMinute: 100 }],
    dedupeMs: 600_000,
    retries: 0,
    backoffMs: 1,
  });
  const killSwitch = new KillSwitch({ maxVenueErrors: 3, staleDataMs: 120_000 });
  const all = Object.fromEntries(CHECK_NAMES.map((n) => [n, actions[n] ?? 'off'])) as Record<CheckName, WatchdogAction>;
  const w = new Watchdogs({
    checks: [check],
    actions: all,
    now,
    tickMs: 1000,
    killSwitch,
    ref: { mode: 'live', sessionId: 'S1' },
    alerts,
  });
  return {
    channel,
    killSwitch,
    w,
    look: async () => {
      await w.runAll();
      await alerts.flush();
    },
  };
}

/** The broker probe of a live session, on the fake trading venue (HTTP retries 2, their waits skipped). */
async function brokerProbe(failures: number): Promise<Check> {
  trading = await startFakeTrading();
  const api = new AlpacaTradingApi(tradingContext(trading.url, KEYS));
  return venueProbe({ venue: 'alpaca', clock: (s) => api.clock(s), failures, maxSkewMs: 2000, everyMs: 1 });
}

describe('watchdogs against the Alpaca fakes', () => {
  it("clock skew: the venue's clock an hour ahead halts (action halt), with a critical alert", async () => {
    const probe = await brokerProbe(3);
    const d = dogs(probe, { broker_unreachable: 'alert', clock_skew: 'halt' });
    await d.look();
    expect(d.w.failing()).toEqual({});
    trading?.shiftClock(HOUR);
    await d.look();
    const fault = d.w.failing().clock_skew;
    expect(fault).toMatch(/^the alpaca clock is 1 h ahead of ours \(limit 2\.0 s, read in \d+ ms\)/);
    expect(d.killSwitch.state).toBe('HALTED');
    expect(d.killSwitch.history[0]?.reason).toBe(`watchdog clock_skew: ${fault}`);
    expect(d.channel.sent.map((a) => [a.kind, a.severity, a.fields.check])).toEqual([
      ['watchdog', 'critical', 'clock_skew'],
    ]);
    // The venue read GET /v2/clock, once per look.
    expect(trading?.requests.filter((r) => r.path === '/v2/clock')).toHaveLength(2);
  });

  it("clock skew: half a second off is within 2 s; the alert's action (alert) leaves the kill switch ACTIVE", async () => {
    const probe = await brokerProbe(3);
    const d = dogs(probe, { clock_skew: 'alert' });
    trading?.shiftClock(-500);
    await d.look();
    expect(d.w.failing()).toEqual({});
    trading?.shiftClock(-HOUR);
    await d.look();
    expect(d.w.failing().clock_skew).toMatch(/^the alpaca clock is 1 h behind ours/);
    expect(d.killSwitch.state).toBe('ACTIVE');
    expect(d.channel.sent.map((a) => [a.severity, a.fields.action])).toEqual([['warning', 'alert']]);
  });

  it('broker unreachable: GET /v2/clock answering 500 on two reads in a row (each retried twice) goes REDUCING', async () => {
    const probe = await brokerProbe(2);
    const d = dogs(probe, { broker_unreachable: 'reduce' });
    // Two reads of three attempts each (HTTP retries 2).
    for (let i = 0; i < 6; i++) trading?.script({ kind: 'status', status: 500, match: 'GET /v2/clock' });
    await d.look();
    expect(d.w.failing()).toEqual({});
    expect(d.killSwitch.state).toBe('ACTIVE');
    await d.look();
    expect(d.w.failing().broker_unreachable).toMatch(
      /^alpaca did not answer 2 reads of its clock in a row \(limit 2; last: .*500/,
    );
    expect(d.killSwitch.state).toBe('REDUCING');
    expect(d.channel.sent.map((a) => [a.severity, a.fields.check, a.fields.action])).toEqual([
      ['warning', 'broker_unreachable', 'reduce'],
    ]);
    expect(trading?.requests.filter((r) => r.path === '/v2/clock')).toHaveLength(6);
    // The venue answers again: recovered (the kill switch stays REDUCING).
    await d.look();
    expect(d.w.failing()).toEqual({});
    expect(d.channel.sent.map((a) => a.severity)).toEqual(['warning', 'info']);
    expect(d.killSwitch.state).toBe('REDUCING');
  });

  it('broker unreachable: a trading venue that is gone (connection refused) halts', async () => {
    const probe = await brokerProbe(1);
    const d = dogs(probe, { broker_unreachable: 'halt' });
    await trading?.close();
    trading = undefined;
    await d.look();
    expect(d.w.failing().broker_unreachable).toMatch(/^alpaca did not answer 1 reads of its clock in a row/);
    expect(d.killSwitch.state).toBe('HALTED');
    expect(d.channel.sent.map((a) => a.severity)).toEqual(['critical']);
  });

  it('stream lost: dropped and refused by the stream server for 20 s of the feed clock, past 15 s, alerts', async () => {
    stream = await startHarness(['BTC/USD']);
    const h = stream;
    const check = streamLostCheck({ feed: 'alpaca', link: () => h.feed.link(), afterMs: 15_000, everyMs: 1 });
    const d = dogs(check, { stream_lost: 'alert' }, () => h.clock.now());
    await h.live();
    await d.look();
    expect(d.w.failing()).toEqual({});
    h.stream.refuseConnections(true);
    h.stream.dropConnections();
    await waitUntil(() => h.feed.link()?.isUp === false, 'the feed sees the stream down');
    const downAt = h.feed.link()?.since ?? NaN;
    expect(downAt).toBe(h.clock.now());
    h.clock.set(downAt + 15_000);
    await d.look();
    expect(d.w.failing()).toEqual({});
    h.clock.set(downAt + 20_000);
    await d.look();
    expect(d.w.failing()).toEqual({
      stream_lost: 'the alpaca market-data stream has been down for 20 s (limit 15 s); it keeps reconnecting',
    });
    expect(d.channel.sent.map((a) => [a.severity, a.fields.check])).toEqual([['warning', 'stream_lost']]);
    expect(d.killSwitch.state).toBe('ACTIVE');
    // Let back in, the feed resubscribes: recovered.
    h.stream.refuseConnections(false);
    await waitUntil(() => h.feed.link()?.isUp === true, 'the feed is subscribed again');
    await d.look();
    expect(d.w.failing()).toEqual({});
    expect(d.channel.sent.map((a) => a.severity)).toEqual(['warning', 'info']);
  });
});

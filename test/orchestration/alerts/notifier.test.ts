/**
 * The Notifier, with channels that keep what they get and a clock moved by hand: severity
 * routing, one alert per dedupe window (the repeats told on the next one), a token bucket per
 * channel whose held-back alerts are counted and told (never lost), bounded retries of
 * transient failures only, and no throw into the caller whatever a channel does.
 */
import { describe, expect, it } from 'vitest';
import { SecretScrubber } from '../../../src/core/secrets.js';
import type { AlertInput } from '../../../src/orchestration/alerts/alert.js';
import { Notifier, type ChannelRoute } from '../../../src/orchestration/alerts/notifier.js';
import { capturedLogger, ManualClock, MemoryChannel, permanent, transient } from './support.js';

const MIN = 60_000;

function route(channel: MemoryChannel, o: Partial<Omit<ChannelRoute, 'channel'>> = {}): ChannelRoute {
  return { channel, minSeverity: 'info', burst: 100, perMinute: 100, ...o };
}

function notifier(routes: ChannelRoute[], o: { dedupeMs?: number; retries?: number; clock?: ManualClock } = {}) {
  const waits: number[] = [];
  const { logger, lines } = capturedLogger();
  const n = new Notifier({
    routes,
    dedupeMs: o.dedupeMs ?? 10 * MIN,
    retries: o.retries ?? 3,
    backoffMs: 1000,
    logger,
    now: (o.clock ?? new ManualClock()).now,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    scrubber: new SecretScrubber(),
  });
  return { n, waits, lines };
}

const alert = (o: Partial<AlertInput> = {}): AlertInput => ({
  severity: 'warning',
  kind: 'gate_failed',
  title: 'data fetch: 3 rows failed the quality gates',
  ...o,
});

describe('Notifier: severity routing', () => {
  it('sends each alert to the channels whose min_severity it reaches', async () => {
    const log = new MemoryChannel('log');
    const webhook = new MemoryChannel('webhook');
    const email = new MemoryChannel('email');
    const { n } = notifier([
      route(log, { minSeverity: 'info' }),
      route(webhook, { minSeverity: 'warning' }),
      route(email, { minSeverity: 'critical' }),
    ]);
    const info = await n.notify(alert({ severity: 'info', title: 'a' }));
    await n.notify(alert({ severity: 'warning', title: 'b' }));
    await n.notify(alert({ severity: 'critical', title: 'c' }));
    expect(log.sent.map((a) => a.title)).toEqual(['a', 'b', 'c']);
    expect(webhook.sent.map((a) => a.title)).toEqual(['b', 'c']);
    expect(email.sent.map((a) => a.title)).toEqual(['c']);
    expect(info.deliveries.map((d) => [d.channel, d.result])).toEqual([
      ['log', 'sent'],
      ['webhook', 'below_severity'],
      ['email', 'below_severity'],
    ]);
  });
});

describe('Notifier: dedupe', () => {
  it('sends the same alert once per window and tells the repeats on the next one', async () => {
    const clock = new ManualClock();
    const first = clock.t;
    const ch = new MemoryChannel('webhook');
    const { n } = notifier([route(ch)], { clock, dedupeMs: 10 * MIN });
    expect((await n.notify(alert())).status).toBe('routed');
    clock.advance(4 * MIN);
    expect((await n.notify(alert())).status).toBe('duplicate');
    clock.advance(5 * MIN); // 9 minutes after the first: still inside the window
    expect((await n.notify(alert())).status).toBe('duplicate');
    clock.advance(1 * MIN); // 10 minutes: the window has passed
    expect((await n.notify(alert())).status).toBe('routed');
    expect(ch.sent).toHaveLength(2);
    expect(ch.sent[0]?.fields.repeats).toBeUndefined();
    expect(ch.sent[1]?.fields.repeats).toBe(2);
    expect(ch.sent[1]?.text).toContain(
      `Repeated 2 times since ${new Date(first).toISOString()} (sent once per alerts.dedupe_seconds).`,
    );
  });

  it('tells apart alerts with other dedupe keys, and sends every repeat with a window of 0', async () => {
    const ch = new MemoryChannel('log');
    const { n } = notifier([route(ch)]);
    await n.notify(alert({ dedupeKey: 'k1' }));
    await n.notify(alert({ dedupeKey: 'k2' }));
    await n.notify(alert({ dedupeKey: 'k1' }));
    expect(ch.sent.map((a) => a.dedupeKey)).toEqual(['k1', 'k2']);

    const every = new MemoryChannel('log');
    const zero = notifier([route(every)], { dedupeMs: 0 }).n;
    for (let i = 0; i < 3; i++) await zero.notify(alert());
    expect(every.sent).toHaveLength(3);
  });
});

describe('Notifier: rate limit', () => {
  it('holds back what exceeds the bucket and tells the count on the next alert it sends', async () => {
    const clock = new ManualClock();
    const start = clock.t;
    const ch = new MemoryChannel('webhook');
    // 2 at once, then 1 per minute.
    const { n } = notifier([route(ch, { burst: 2, perMinute: 1 })], { clock });
    const results: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const kind = i === 5 ? 'restart' : 'gate_failed';
      const out = await n.notify(alert({ title: `alert ${i}`, kind }));
      results.push(out.deliveries[0]?.result ?? '');
    }
    expect(results).toEqual(['sent', 'sent', 'dropped', 'dropped', 'dropped']);
    clock.advance(30_000); // half a token: still held back
    expect((await n.notify(alert({ title: 'alert 6' }))).deliveries[0]?.result).toBe('dropped');
    clock.advance(30_000); // one token
    await n.notify(alert({ title: 'alert 7' }));
    expect(ch.sent.map((a) => a.title)).toEqual(['alert 1', 'alert 2', 'alert 7']);
    const seventh = ch.sent[2];
    expect(seventh?.fields.not_sent).toBe('4 (rate limit)');
    expect(seventh?.text).toContain(
      `4 earlier alerts were not sent on webhook (rate limit) since ${new Date(start).toISOString()}: 3 gate_failed, 1 restart`,
    );
    // The tally was told once: the next alert carries none.
    clock.advance(MIN);
    await n.notify(alert({ title: 'alert 8' }));
    expect(ch.sent[3]?.fields.not_sent).toBeUndefined();
  });

  it('never holds back a critical alert', async () => {
    const ch = new MemoryChannel('email');
    const { n } = notifier([route(ch, { burst: 1, perMinute: 1 })]);
    await n.notify(alert({ title: 'w1' }));
    expect((await n.notify(alert({ title: 'w2' }))).deliveries[0]?.result).toBe('dropped');
    await n.notify(alert({ title: 'halt', severity: 'critical', kind: 'kill_switch' }));
    expect(ch.sent.map((a) => a.title)).toEqual(['w1', 'halt']);
    // It carries the tally of what was held back before it.
    expect(ch.sent[1]?.fields.not_sent).toBe('1 (rate limit)');
  });

  it('close tells each channel what is still held back, in one alert of its own', async () => {
    const webhook = new MemoryChannel('webhook');
    const log = new MemoryChannel('log');
    const { n } = notifier([route(webhook, { burst: 1, perMinute: 1 }), route(log)]);
    await n.notify(alert({ title: 'first' }));
    await n.notify(alert({ title: 'second', severity: 'info' }));
    await n.notify(alert({ title: 'third' }));
    await n.close();
    expect(webhook.sent.map((a) => a.kind)).toEqual(['gate_failed', 'alerts_dropped']);
    const summary = webhook.sent[1];
    expect(summary?.title).toBe('2 alerts not sent on webhook (rate limit)');
    expect(summary?.severity).toBe('warning'); // the worst held back
    expect(summary?.fields).toMatchObject({ channel: 'webhook', not_sent: 2 });
    // The log channel held nothing back: no summary there.
    expect(log.sent.map((a) => a.title)).toEqual(['first', 'second', 'third']);
    expect(webhook.closed && log.closed).toBe(true);
    expect((await n.notify(alert({ title: 'late' }))).status).toBe('closed');
  });
});

describe('Notifier: failures', () => {
  it('retries a transient failure with doubling waits, then delivers', async () => {
    const ch = new MemoryChannel('webhook', [transient(), transient()]);
    const { n, waits } = notifier([route(ch)], { retries: 3 });
    const out = await n.notify(alert());
    expect(out.deliveries[0]).toMatchObject({ result: 'sent', attempts: 3 });
    expect(waits).toEqual([1000, 2000]);
    expect(ch.sent).toHaveLength(1);
  });

  it('gives up after retries + 1 tries and logs the channel and the reason', async () => {
    const ch = new MemoryChannel('webhook', [transient(), transient(), transient()]);
    const { n, waits, lines } = notifier([route(ch)], { retries: 2 });
    const out = await n.notify(alert());
    expect(out.deliveries[0]).toMatchObject({ result: 'failed', attempts: 3, reason: 'answered 503' });
    expect(ch.tries).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 50);
    expect(failed).toMatchObject({
      channel: 'webhook',
      attempts: 3,
      reason: 'answered 503',
      msg: 'alert not delivered by the webhook channel: answered 503',
    });
  });

  it('does not retry a failure that will not pass (a refused payload)', async () => {
    const ch = new MemoryChannel('webhook', [permanent()]);
    const { n, waits } = notifier([route(ch)], { retries: 3 });
    const out = await n.notify(alert());
    expect(out.deliveries[0]).toMatchObject({ result: 'failed', attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('never throws: a channel throwing anything leaves the other channels and the caller unharmed', async () => {
    const broken = new MemoryChannel('webhook');
    broken.send = () => {
      throw new TypeError('cannot read properties of undefined');
    };
    const log = new MemoryChannel('log');
    const { n } = notifier([route(broken), route(log)]);
    const out = await n.notify(alert());
    expect(out.deliveries.map((d) => d.result)).toEqual(['failed', 'sent']);
    expect(log.sent).toHaveLength(1);
    // Even a malformed alert is refused as a value.
    const bad = await n.notify(null as unknown as AlertInput);
    expect(bad.status).toBe('failed');
  });

  it('keeps the order of alerts per channel while one is being retried', async () => {
    const ch = new MemoryChannel('webhook', [transient()]);
    const { n } = notifier([route(ch)]);
    const a = n.notify(alert({ title: 'first' }));
    const b = n.notify(alert({ title: 'second' }));
    await Promise.all([a, b]);
    expect(ch.sent.map((x) => x.title)).toEqual(['first', 'second']);
  });
});

describe('Notifier: secrets', () => {
  it('masks every registered secret in what the alert says before any channel sees it', async () => {
    const scrubber = new SecretScrubber();
    scrubber.add('PKTEST1234SECRET');
    const ch = new MemoryChannel('webhook');
    const n = new Notifier({ routes: [route(ch)], dedupeMs: 0, retries: 0, backoffMs: 1, scrubber });
    await n.notify(
      alert({
        title: 'venue refused key PKTEST1234SECRET',
        text: 'auth with PKTEST1234SECRET failed',
        fields: { key: 'PKTEST1234SECRET', n: 3 },
      }),
    );
    expect(JSON.stringify(ch.sent)).not.toContain('PKTEST1234SECRET');
    expect(ch.sent[0]?.title).toBe('venue refused key [REDACTED]');
    expect(ch.sent[0]?.fields).toEqual({ key: '[REDACTED]', n: 3 });
  });
});

/**
 * The Watchdogs runner: every check, with its fault injected, produces the action configured for
 * it (log: a warning line; alert: and a watchdog alert; reduce: and the kill switch REDUCING;
 * halt: and HALTED, a critical alert; off: nothing), once while the fault lasts; a check that
 * passes again is told as recovered and leaves the kill switch where it went.
 */
import { describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/core/errors.js';
import { KillSwitch } from '../../../src/risk/kill-switch.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import {
  CHECK_NAMES,
  type Check,
  type CheckName,
  type WatchdogAction,
} from '../../../src/orchestration/watchdogs/check.js';
import { diskSpaceCheck } from '../../../src/orchestration/watchdogs/disk-space.js';
import { ledgerProbe } from '../../../src/orchestration/watchdogs/ledger-probe.js';
import { staleDataCheck } from '../../../src/orchestration/watchdogs/stale-data.js';
import { streamLostCheck } from '../../../src/orchestration/watchdogs/stream-lost.js';
import { venueProbe } from '../../../src/orchestration/watchdogs/venue-probe.js';
import { Watchdogs } from '../../../src/orchestration/watchdogs/watchdogs.js';
import { capturedLogger, MemoryChannel } from '../alerts/support.js';

const T = Date.parse('2024-01-02T15:00:00Z');
const MIN = 60_000;

/** Each check with its fault injected, and the fault it reports (at T). */
const FAULTY: Readonly<Record<CheckName, { check: () => Check; fault: string; subject?: string }>> = {
  stale_data: {
    check: () =>
      staleDataCheck({
        symbols: ['AAA'],
        barMs: MIN,
        afterMs: 5 * MIN,
        everyMs: 1000,
        startedAt: T - 60 * MIN,
        lastBar: () => T - 10 * MIN,
        hours: () => ({ open: T - 30 * MIN, close: T + 6 * 60 * MIN }),
      }),
    subject: 'AAA',
    fault:
      'no AAA bar for 8 min past the one due at 2024-01-02T14:52:00.000Z (the last began 2024-01-02T14:50:00.000Z; limit 5 min)',
  },
  stream_lost: {
    check: () =>
      streamLostCheck({
        feed: 'alpaca',
        link: () => ({ isUp: false, since: T - 20_000 }),
        afterMs: 15_000,
        everyMs: 1,
      }),
    fault: 'the alpaca market-data stream has been down for 20 s (limit 15 s); it keeps reconnecting',
  },
  broker_unreachable: {
    check: () =>
      venueProbe({
        venue: 'alpaca',
        clock: () => Promise.reject(new VenueError('VENUE_UNAVAILABLE', 'alpaca answered HTTP 500')),
        failures: 1,
        maxSkewMs: 2000,
        everyMs: 1,
      }),
    fault: 'alpaca did not answer 1 reads of its clock in a row (limit 1; last: alpaca answered HTTP 500)',
  },
  clock_skew: {
    check: () => {
      let n = 0;
      return venueProbe({
        venue: 'alpaca',
        clock: async () => 1050 + 3_600_000,
        failures: 3,
        maxSkewMs: 2000,
        everyMs: 1,
        wallNow: () => (n++ % 2 === 0 ? 1000 : 1100),
      });
    },
    fault: "the alpaca clock is 1 h ahead of ours (limit 2.0 s, read in 100 ms): sync this machine's clock (NTP)",
  },
  ledger_unreachable: {
    check: () =>
      ledgerProbe({
        location: '/w/state/momentic.db',
        query: () => Promise.reject(new Error('no such table: runs')),
        failures: 1,
        everyMs: 1,
      }),
    fault: 'the ledger at /w/state/momentic.db failed 1 queries in a row (limit 1; last: no such table: runs)',
  },
  disk_space: {
    check: () =>
      diskSpaceCheck({
        path: '/w',
        minFreeMb: 1024,
        everyMs: 1,
        statfs: async () => ({ bavail: 25_600, bsize: 4096 }),
      }),
    fault: "100 MiB free on the filesystem of /w (limit 1024 MiB): free some space before the session's writes fail",
  },
};

function setup(checks: readonly Check[], actions: Partial<Record<CheckName, WatchdogAction>>) {
  const channel = new MemoryChannel('webhook');
  const alerts = new Notifier({
    routes: [{ channel, minSeverity: 'info', burst: 100, perMinute: 100 }],
    dedupeMs: 600_000,
    retries: 0,
    backoffMs: 1,
  });
  const killSwitch = new KillSwitch({ maxVenueErrors: 3, staleDataMs: 120_000 });
  const { logger, lines } = capturedLogger('info');
  const all = Object.fromEntries(CHECK_NAMES.map((n) => [n, actions[n] ?? 'off'])) as Record<CheckName, WatchdogAction>;
  const dogs = new Watchdogs({
    checks,
    actions: all,
    now: () => T,
    tickMs: 1000,
    killSwitch,
    ref: { mode: 'live', sessionId: 'S1', strategy: 'sma-cross' },
    alerts,
    logger,
  });
  const logged = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; check?: string });
  return { channel, alerts, killSwitch, dogs, logged };
}

const STATE: Readonly<Record<'log' | 'alert' | 'reduce' | 'halt', string>> = {
  log: 'ACTIVE',
  alert: 'ACTIVE',
  reduce: 'REDUCING',
  halt: 'HALTED',
};

describe('every watchdog fault produces its configured action and alert', () => {
  const cases = CHECK_NAMES.flatMap((name) =>
    (['log', 'alert', 'reduce', 'halt'] as const).map((action) => [name, action] as const),
  );

  it.each(cases)('%s with action %s', async (name, action) => {
    const f = FAULTY[name];
    const s = setup([f.check()], { [name]: action });
    await s.dogs.runAll();
    await s.alerts.flush();
    expect(s.dogs.failing()).toEqual({ [f.subject === undefined ? name : `${name}:${f.subject}`]: f.fault });
    // Every action logs the fault as a warning.
    const warn = s.logged().filter((l) => l.level === 40 && l.check === name);
    expect(warn.map((l) => l.msg)).toEqual([`watchdog ${name}: ${f.fault}`]);
    expect(s.killSwitch.state).toBe(STATE[action]);
    if (action === 'reduce' || action === 'halt') {
      expect(s.killSwitch.history.map((t) => t.reason)).toEqual([`watchdog ${name}: ${f.fault}`]);
    }
    if (action === 'log') {
      expect(s.channel.sent).toEqual([]);
      return;
    }
    expect(s.channel.sent).toHaveLength(1);
    const a = s.channel.sent[0];
    expect(a).toMatchObject({
      kind: 'watchdog',
      severity: action === 'halt' ? 'critical' : 'warning',
      title: `watchdog ${name}${f.subject === undefined ? '' : ` (${f.subject})`} in live session S1`,
      fields: { mode: 'live', session: 'S1', check: name, action },
      ts: T,
    });
    expect(a?.text.startsWith(`${f.fault}. `)).toBe(true);
  });

  it.each(CHECK_NAMES)('%s with action off: nothing', async (name) => {
    const s = setup([FAULTY[name].check()], { [name]: 'off' });
    await s.dogs.runAll();
    await s.alerts.flush();
    expect(s.dogs.failing()).toEqual({});
    expect(s.channel.sent).toEqual([]);
    expect(s.killSwitch.state).toBe('ACTIVE');
  });
});

describe('the runner', () => {
  it('acts once while a fault lasts, then tells the recovery; the kill switch stays REDUCING', async () => {
    let free = 100;
    const disk = diskSpaceCheck({
      path: '/w',
      minFreeMb: 1024,
      everyMs: 1,
      statfs: async () => ({ bavail: free * 256, bsize: 4096 }),
    });
    const s = setup([disk], { disk_space: 'reduce' });
    await s.dogs.runAll();
    await s.dogs.runAll();
    await s.alerts.flush();
    expect(s.channel.sent.map((a) => a.severity)).toEqual(['warning']);
    expect(s.killSwitch.history).toHaveLength(1);
    // Told once, not at every look (the notifier's dedupe would hide a repeated alert; the log would not).
    expect(s.logged().filter((l) => l.level === 40 && l.check === 'disk_space')).toHaveLength(1);
    free = 2048;
    await s.dogs.runAll();
    await s.alerts.flush();
    expect(s.channel.sent.map((a) => [a.severity, a.title])).toEqual([
      ['warning', 'watchdog disk_space in live session S1'],
      ['info', 'watchdog disk_space recovered in live session S1'],
    ]);
    expect(s.dogs.failing()).toEqual({});
    expect(s.killSwitch.state).toBe('REDUCING');
  });

  it('a check still running is not started again, and one that throws is logged without stopping the others', async () => {
    let release: () => void = () => undefined;
    let started = 0;
    const slow: Check = {
      names: ['ledger_unreachable'],
      everyMs: 0,
      run: () => {
        started++;
        return new Promise((r) => (release = () => r([{ check: 'ledger_unreachable', fault: 'late' }])));
      },
    };
    const broken: Check = {
      names: ['clock_skew'],
      everyMs: 0,
      run: () => {
        throw new Error('a bug');
      },
    };
    const s = setup([slow, broken, FAULTY.disk_space.check()], {
      ledger_unreachable: 'alert',
      clock_skew: 'alert',
      disk_space: 'alert',
    });
    const first = s.dogs.tick();
    await s.dogs.tick();
    expect(started).toBe(1);
    expect(s.dogs.failing()).toEqual({ disk_space: FAULTY.disk_space.fault });
    expect(s.logged().filter((l) => l.msg === 'watchdog check failed to run')).toHaveLength(1);
    release();
    await first;
    expect(Object.keys(s.dogs.failing()).sort()).toEqual(['disk_space', 'ledger_unreachable']);
  });

  it('after stop, a verdict that comes late changes nothing', async () => {
    let release: () => void = () => undefined;
    const slow: Check = {
      names: ['broker_unreachable'],
      everyMs: 0,
      run: (_now, signal) =>
        new Promise((r) => {
          release = () => r([{ check: 'broker_unreachable', fault: 'down' }]);
          signal.addEventListener('abort', release);
        }),
    };
    const s = setup([slow], { broker_unreachable: 'halt' });
    void s.dogs.tick();
    await s.dogs.stop();
    await s.alerts.flush();
    expect(s.killSwitch.state).toBe('ACTIVE');
    expect(s.channel.sent).toEqual([]);
  });
});

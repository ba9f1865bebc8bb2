/**
 * The watchdogs inside a paper session (runSessionJob with a quiet feed injected as the venue's
 * stream), on SQLite and on PostgreSQL: the ledger's own tables moved away under the running
 * session (ledger unreachable) and a disk-space limit above the disk's size each produce their
 * configured action (the kill switch recorded in state/kill-switch.json and the ledger's risk
 * events) and their alert; the session's heartbeat file says which process ran it, how it ended
 * and what was failing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../../src/config/schema.js';
import type { Bar } from '../../../src/core/bar.js';
import type { LiveFeed } from '../../../src/engine/ports.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import { readKillSwitch } from '../../../src/orchestration/kill-switch-file.js';
import { simulatedExchange } from '../../../src/orchestration/paper-venue.js';
import { runSessionJob } from '../../../src/orchestration/session-job.js';
import { heartbeatFile, type HeartbeatRecord } from '../../../src/orchestration/watchdogs/heartbeat.js';
import { createLedger } from '../../../src/store/ledger.js';
import { postgresBackend, sqliteBackend, type Backend } from '../../store/backends.js';
import { waitUntil } from '../../venues/alpaca/stream/support.js';
import { MemoryChannel } from '../alerts/support.js';

const RUN = 'strategy: sma-cross\nparams: { fast: 1, slow: 2, qty: 10 }\nsymbols: [AAA]\ntimeframe: 1m\n';

/** A venue stream that delivers `bars` (as history) then nothing until the test ends it. */
function quietFeed(bars: readonly Bar[] = []): { feed: LiveFeed; end: () => void } {
  let end: () => void = () => undefined;
  const ended = new Promise<void>((r) => (end = r));
  return {
    end: () => end(),
    feed: {
      name: 'test',
      symbols: ['AAA'],
      run: async (sink, signal) => {
        for (const b of bars) sink.bar(b, Date.now(), true);
        signal.addEventListener('abort', () => end());
        await ended;
      },
    },
  };
}

function watchdogConfig(db: Pick<Config, 'database'>, over: Partial<Config['watchdogs']>): Config {
  return {
    ...DEFAULTS,
    database: db.database,
    watchdogs: {
      ...DEFAULTS.watchdogs,
      every: '20ms',
      heartbeat_every: '20ms',
      // Only the check under test acts.
      stale_data: { action: 'off', after: '10m' },
      disk_space: { action: 'off', min_free_mb: 1 },
      ledger_unreachable: { action: 'off', failures: 2 },
      ...over,
    },
  };
}

type Db = Awaited<ReturnType<Backend['fresh']>>;

async function session(
  backend: Backend,
  over: Partial<Config['watchdogs']>,
  during: (db: Db, channel: MemoryChannel) => Promise<void>,
  o: { readonly bars?: readonly Bar[]; readonly calendar?: string } = {},
) {
  const db = await backend.fresh();
  const runFile = join(db.home, 'run.yaml');
  writeFileSync(runFile, RUN);
  const channel = new MemoryChannel('webhook');
  const alerts = new Notifier({
    routes: [{ channel, minSeverity: 'info', burst: 100, perMinute: 100 }],
    dedupeMs: 600_000,
    retries: 0,
    backoffMs: 1,
  });
  const quiet = quietFeed(o.bars);
  let sessionId = '';
  const job = runSessionJob({
    mode: 'paper',
    home: db.home,
    config: watchdogConfig(db.config, over),
    cwd: db.home,
    flags: { configFile: runFile, ...(o.calendar === undefined ? {} : { calendar: o.calendar }) },
    signals: false,
    venueFeed: () => quiet.feed,
    venue: ({ spec, clock, instrument, portfolio, symbols }) => {
      const ex = simulatedExchange(spec, clock, instrument, symbols, () => portfolio.equity);
      return { execution: ex, market: ex };
    },
    alerts,
    onStart: (id) => (sessionId = id),
  });
  job.catch(() => undefined);
  try {
    await waitUntil(() => sessionId !== '', 'the session starts');
    await during(db, channel);
  } finally {
    quiet.end();
  }
  const result = await job;
  await alerts.flush();
  const ledger = await createLedger(db.config, db.home);
  try {
    const risk = await ledger.riskEvents(sessionId);
    const heartbeat = JSON.parse(readFileSync(heartbeatFile(db.home, sessionId), 'utf8')) as HeartbeatRecord;
    return { result, sessionId, home: db.home, channel, risk, heartbeat };
  } finally {
    await ledger.close();
  }
}

for (const backend of [sqliteBackend(), postgresBackend()]) {
  describe(`watchdogs in a paper session on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it('the ledger unreachable (its runs table moved away) trips the kill switch HALTED, with a critical alert', async () => {
      let moved = false;
      const s = await session(backend, { ledger_unreachable: { action: 'halt', failures: 2 } }, async (db) => {
        await backend.exec(db, 'alter table runs rename to runs_moved');
        moved = true;
        await waitUntil(() => readKillSwitch(db.home)?.state === 'HALTED', 'the kill switch halts');
        // Back in place, the session can end its run.
        await backend.exec(db, 'alter table runs_moved rename to runs');
      });
      expect(moved).toBe(true);
      const ks = readKillSwitch(s.home);
      expect(ks).toMatchObject({ state: 'HALTED', from: 'ACTIVE', mode: 'paper', run_id: s.sessionId });
      expect(ks?.reason).toMatch(
        /^watchdog ledger_unreachable: the ledger at .+ failed 2 queries in a row \(limit 2; last: /,
      );
      const watchdog = s.channel.sent.filter((a) => a.kind === 'watchdog');
      expect(watchdog[0]).toMatchObject({
        severity: 'critical',
        fields: { check: 'ledger_unreachable', action: 'halt' },
      });
      expect(s.channel.sent.some((a) => a.kind === 'kill_switch' && a.fields.to === 'HALTED')).toBe(true);
      // The transition reached the ledger once it could be written again.
      expect(s.risk.filter((r) => r.kind === 'kill_switch').map((r) => r.reason)).toEqual([
        `ACTIVE -> HALTED: ${ks?.reason}`,
      ]);
      expect(s.heartbeat).toMatchObject({
        session_id: s.sessionId,
        pid: process.pid,
        status: 'ended',
        kill_switch: 'HALTED',
      });
    });

    it('stale data: a symbol whose last bar began 10 minutes ago (trading around the clock) alerts', async () => {
      // Minute bars: the 10-minute-old bar's successor was due 8 minutes ago, past a 5 minute limit.
      const ts = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
      const bar = { symbol: 'AAA', ts, open: 10, high: 10, low: 10, close: 10, volume: 1 };
      const s = await session(
        backend,
        { stale_data: { action: 'alert', after: '5m' } },
        async (_db, channel) => {
          await waitUntil(() => channel.sent.some((a) => a.kind === 'watchdog'), 'the stale_data alert');
        },
        { bars: [bar], calendar: '24/7' },
      );
      const alert = s.channel.sent.find((a) => a.kind === 'watchdog');
      expect(alert).toMatchObject({
        severity: 'warning',
        fields: { check: 'stale_data', subject: 'AAA', action: 'alert' },
      });
      expect(alert?.text).toContain(`the last began ${new Date(ts).toISOString()}; limit 5 min`);
      expect(readKillSwitch(s.home)).toBeUndefined();
      expect(s.heartbeat.last_bars).toEqual({ AAA: new Date(ts).toISOString() });
    });

    it('disk space below the limit goes REDUCING, with a warning; the heartbeat shows the check failing', async () => {
      const s = await session(backend, { disk_space: { action: 'reduce', min_free_mb: 1e12 } }, async (db) => {
        await waitUntil(() => readKillSwitch(db.home)?.state === 'REDUCING', 'the kill switch reduces');
      });
      expect(s.result.ended).toBe('feed');
      expect(readKillSwitch(s.home)?.reason).toMatch(
        /^watchdog disk_space: \d+ MiB free on the filesystem of .+ \(limit 1000000000000 MiB\)/,
      );
      expect(s.channel.sent.filter((a) => a.kind === 'watchdog').map((a) => [a.severity, a.fields.action])).toEqual([
        ['warning', 'reduce'],
      ]);
      expect(s.heartbeat.kill_switch).toBe('REDUCING');
      expect(Object.keys(s.heartbeat.failing)).toEqual(['disk_space']);
    });
  });
}

/**
 * A paper session (runSessionJob, with the simulated exchange and a feed injected as a venue's
 * stream) raises its alerts where its events already are: a feed that fails halts the kill
 * switch and fails the session (both alerted, in that order), a reconciliation that disagrees is
 * alerted before the kill switch goes REDUCING, an unfinished session resumed is a restart, and
 * a bad command line is not an operator alert.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiskError, VenueError } from '../../../src/core/errors.js';
import { DEFAULTS } from '../../../src/config/schema.js';
import type { LiveFeed } from '../../../src/engine/ports.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import { resolveSpec } from '../../../src/orchestration/backtest-job.js';
import { simulatedExchange } from '../../../src/orchestration/paper-venue.js';
import { runSessionJob, type SessionJobOptions } from '../../../src/orchestration/session-job.js';
import { createLedger } from '../../../src/store/ledger.js';
import { tempDir } from '../../support/cli.js';
import { MemoryChannel } from './support.js';

const RUN = 'strategy: sma-cross\nparams: { fast: 1, slow: 2, qty: 10 }\nsymbols: [AAA]\ntimeframe: 1m\n';

function setup(): { home: string; runFile: string; channel: MemoryChannel; alerts: Notifier } {
  const home = tempDir('momentic-session-alerts-');
  const runFile = join(home, 'run.yaml');
  writeFileSync(runFile, RUN);
  const channel = new MemoryChannel('webhook');
  const alerts = new Notifier({
    routes: [{ channel, minSeverity: 'info', burst: 100, perMinute: 100 }],
    dedupeMs: 600_000,
    retries: 0,
    backoffMs: 1,
  });
  return { home, runFile, channel, alerts };
}

function job(
  s: ReturnType<typeof setup>,
  feed: LiveFeed,
  o: Partial<SessionJobOptions> & { readonly silent?: boolean } = {},
): ReturnType<typeof runSessionJob> {
  const { silent, ...over } = o;
  return runSessionJob({
    mode: 'paper',
    home: s.home,
    config: DEFAULTS,
    cwd: s.home,
    flags: { configFile: s.runFile },
    signals: false,
    venueFeed: () => feed,
    venue: ({ spec, clock, instrument, portfolio, symbols }) => {
      const ex = simulatedExchange(spec, clock, instrument, symbols, () => portfolio.equity);
      return { execution: ex, market: ex };
    },
    ...(silent === true ? {} : { alerts: s.alerts }),
    ...over,
  });
}

/** A stream that delivers nothing and ends at once (or when `until` resolves). */
const quiet = (until?: Promise<unknown>): LiveFeed => ({
  name: 'test',
  symbols: ['AAA'],
  async run() {
    await until;
  },
});

describe('session alerts', () => {
  it('a feed that fails: the kill switch HALTED, then the session failed, both critical', async () => {
    const s = setup();
    const lost: LiveFeed = {
      name: 'test',
      symbols: ['AAA'],
      run: () => Promise.reject(new VenueError('VENUE_STREAM_LOST', 'the stream stayed disconnected past 30 s')),
    };
    let sessionId = '';
    await expect(job(s, lost, { onStart: (id) => (sessionId = id) })).rejects.toMatchObject({
      code: 'VENUE_STREAM_LOST',
    });
    await s.alerts.flush();
    expect(s.channel.sent.map((a) => [a.kind, a.severity, a.title])).toEqual([
      ['kill_switch', 'critical', `kill switch HALTED in paper session ${sessionId}`],
      ['session_failed', 'critical', `paper session ${sessionId} failed`],
    ]);
    expect(s.channel.sent[0]?.fields).toMatchObject({
      mode: 'paper',
      session: sessionId,
      strategy: 'sma-cross',
      from: 'ACTIVE',
      to: 'HALTED',
      reason: 'the test feed stopped: the stream stayed disconnected past 30 s',
    });
    expect(s.channel.sent[1]?.fields).toMatchObject({ code: 'VENUE_STREAM_LOST', exit: 4, session: sessionId });
    expect(s.channel.sent[1]?.text).toContain('VENUE_STREAM_LOST: the stream stayed disconnected past 30 s');
  });

  it('a reconciliation that disagrees: alerted with its detail, then the kill switch REDUCING; the session goes on', async () => {
    const s = setup();
    const disagreement = 'the ledger and Alpaca disagree: AAA: the ledger holds 10, the broker 0';
    // The stream ends once the kill switch's alert arrived: the session saw both.
    let done: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (done = resolve));
    const send = s.channel.send.bind(s.channel);
    s.channel.send = async (a) => {
      await send(a);
      if (a.kind === 'kill_switch') done();
    };
    const result = await job(s, quiet(seen), {
      reconcile: () => () =>
        Promise.reject(new RiskError('RISK_RECONCILE', disagreement, { hint: 'check the account at the broker' })),
    });
    await s.alerts.flush();
    expect(result.ended).toBe('feed');
    expect(s.channel.sent.map((a) => [a.kind, a.severity])).toEqual([
      ['reconcile_mismatch', 'critical'],
      ['kill_switch', 'warning'],
    ]);
    expect(s.channel.sent[0]?.title).toBe(`reconciliation disagrees in paper session ${result.sessionId}`);
    expect(s.channel.sent[0]?.text).toBe(
      `${disagreement}. New entries are halted (kill switch REDUCING); open positions may still be reduced.\nFix: check the account at the broker`,
    );
    expect(s.channel.sent[1]?.fields).toMatchObject({ to: 'REDUCING', reason: disagreement });
  });

  it('an unfinished session resumed is a restart (warning), with when it started', async () => {
    const s = setup();
    // What a crash leaves: the session's run in the ledger, still `running`.
    const { spec } = resolveSpec(s.home, DEFAULTS, { configFile: s.runFile });
    const ledger = await createLedger(DEFAULTS, s.home);
    const startedAt = Date.UTC(2024, 0, 2, 14, 0);
    await ledger.startRun({
      id: 'crashed-session',
      kind: 'paper',
      strategy: 'sma-cross',
      params: spec.strategy.params,
      spec: spec as unknown as Record<string, unknown>,
      startedAt,
    });
    await ledger.close();
    const result = await job(s, quiet(), { resume: true });
    await s.alerts.flush();
    expect(result.sessionId).toBe('crashed-session');
    expect(s.channel.sent.map((a) => [a.kind, a.severity, a.title])).toEqual([
      ['restart', 'warning', 'paper session crashed-session resumed after a restart'],
    ]);
    expect(s.channel.sent[0]?.fields).toMatchObject({ started_at: '2024-01-02T14:00:00.000Z' });
  });

  it('a session refused for its command line raises no alert (the person at the terminal sees exit 2)', async () => {
    const s = setup();
    await expect(job(s, quiet(), { flags: { configFile: s.runFile, for: '5x' } })).rejects.toMatchObject({
      code: 'USAGE_INVALID_OPTION',
    });
    await s.alerts.flush();
    expect(s.channel.sent).toEqual([]);
  });

  it('a session without a Notifier runs as before', async () => {
    const s = setup();
    const result = await job(s, quiet(), { silent: true });
    expect(result.ended).toBe('feed');
    expect(s.channel.sent).toEqual([]);
  });
});

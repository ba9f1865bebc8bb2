/**
 * `momentic paper --supervise` in real processes of the built CLI (`npm run build` first): the
 * session replays a file at real time, so each run of it stays up until it is killed. Killed
 * with SIGKILL three times, the session is restarted three times (a new process, a new paper
 * session each time); killed a fourth time with `max_restarts: 3`, the supervisor records the
 * kill switch HALTED, sends a critical alert (seen by a webhook receiver) and exits 5
 * (SUPERVISOR_HALTED). SIGTERM to the supervisor stops the session cleanly (exit 0, no
 * restart); a session that stops showing life (SIGSTOP) is killed and restarted; a session that
 * exits 2 (its command line) is not restarted. A supervised `momentic live` against the Alpaca
 * fakes, killed once, resumes the same session in its new process.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKillSwitch } from '../../src/orchestration/kill-switch-file.js';
import { openLedger } from '../../src/store/index.js';
import { startAlpacaFakes } from '../fakes/alpaca/run-fakes.js';
import { readHeartbeats } from '../../src/orchestration/watchdogs/heartbeat.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/alert-receivers.js';
import { tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';
import { STACK_LINE, waitFor, type Exit } from '../support/live-session.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');
const LIVE_RUN =
  'strategy: sma-cross\nparams: { fast: 1, slow: 2, qty: 0.01 }\nsymbols: [BTC/USD]\ntimeframe: 1m\nlive:\n  venue: alpaca\n  warmup_bars: 3\n';
const RUN = 'strategy: intraday-mean-reversion\nsymbols: [FDAX]\ntimeframe: 1m\nlive:\n  warmup_bars: 5\n';

let hook: WebhookReceiver;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(async () => {
  await hook.close();
});

interface Supervised {
  readonly home: string;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  signal(sig: NodeJS.Signals): void;
}

/** `momentic --home H --json paper ... --supervise` on the replayed file at real time. */
function supervise(extra: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Supervised {
  const home = tempDir('momentic-supervise-');
  writeFileSync(join(home, 'run.yaml'), RUN);
  const command = ['paper', '--config', join(home, 'run.yaml'), '--source', `replay:${FILE}`];
  const calendar = ['--calendar', 'hours:Europe/Berlin:08:00-22:00', '--speed', '1'];
  return superviseIn(home, [...command, ...calendar, ...extra], env);
}

/** `momentic --home HOME --json COMMAND --supervise`, restarting fast, alerts to the webhook receiver. */
function superviseIn(home: string, command: readonly string[], env: Readonly<Record<string, string>>): Supervised {
  const args = [join(REPO, 'bin', 'momentic.js'), '--home', home, '--json', ...command, '--supervise'];
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOMENTIC_')));
  const child = spawn(process.execPath, args, {
    env: {
      ...base,
      MOMENTIC_LOG_LEVEL: 'info',
      MOMENTIC_SUPERVISOR__MAX_RESTARTS: '3',
      MOMENTIC_SUPERVISOR__BACKOFF_BASE: '100ms',
      MOMENTIC_SUPERVISOR__BACKOFF_MAX: '1s',
      MOMENTIC_WATCHDOGS__HEARTBEAT_EVERY: '100ms',
      MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
      MOMENTIC_ALERTS__WEBHOOK__MIN_SEVERITY: 'warning',
      // Every restart told (a crash loop is otherwise one alert per window).
      MOMENTIC_ALERTS__DEDUPE_SECONDS: '0',
      MOMENTIC_ALERTS_WEBHOOK_URL: `${hook.url}/${home.split('/').at(-1) ?? ''}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { home, pid: child.pid as number, exited, signal: (sig) => child.kill(sig) };
}

/** The session process running now: the one whose heartbeat is `running` and not in `seen`. */
async function nextSession(s: Supervised, seen: Set<number>): Promise<number> {
  let pid: number | undefined;
  await waitFor(
    'a new session process',
    () => {
      pid = readHeartbeats(s.home).find((h) => h.status === 'running' && !seen.has(h.pid))?.pid;
      return pid !== undefined;
    },
    s.exited,
    60_000,
  );
  seen.add(pid as number);
  return pid as number;
}

/** The posts this workspace's supervisor and sessions sent to the webhook. */
const postsOf = (s: Supervised) =>
  hook.posts
    .filter((p) => p.path.endsWith(s.home.split('/').at(-1) ?? ''))
    .map((p) => (p.body as { text: string }).text);

const logLines = (e: Exit, msg: string): string[] => e.stderr.split('\n').filter((l) => l.includes(msg));

describe('momentic live --supervise', () => {
  it('a killed live session is restarted and resumes the same session; SIGTERM ends it, finished', async () => {
    const fakes = await startAlpacaFakes();
    try {
      const home = tempDir('momentic-supervise-live-');
      writeFileSync(join(home, 'live.yaml'), LIVE_RUN);
      const s = superviseIn(home, ['live', '--config', join(home, 'live.yaml')], fakes.env);
      const seen = new Set<number>();
      const first = await nextSession(s, seen);
      const session = readHeartbeats(home)[0]?.session_id;
      process.kill(first, 'SIGKILL');
      const second = await nextSession(s, seen);
      // The same session, its heartbeat file now written by the new process.
      expect(readHeartbeats(home)).toMatchObject([{ session_id: session, pid: second }]);
      s.signal('SIGTERM');
      const e = await s.exited;
      expect(e.code, e.stderr.slice(-2000)).toBe(0);
      expect(JSON.parse(e.stdout)).toMatchObject({ session_id: session, ended: 'SIGTERM' });
      expect(logLines(e, '"msg":"resuming the unfinished session"')).toHaveLength(1);
      const ledger = await openLedger({ dialect: 'sqlite', file: join(home, 'state', 'momentic.db') });
      try {
        expect((await ledger.listRuns({ kind: 'live' })).map((r) => [r.id, r.status])).toEqual([[session, 'finished']]);
      } finally {
        await ledger.close();
      }
      const posts = postsOf(s);
      expect(
        posts.filter((t) => t.includes(`supervised live session ${session} crashed; restart 1 of 3`)),
      ).toHaveLength(1);
      expect(posts.filter((t) => t.includes(`live session ${session} resumed after a restart`))).toHaveLength(1);
    } finally {
      await fakes.close();
    }
  }, 90_000);
});

describe('momentic paper --supervise', () => {
  it('a session killed three times is restarted three times; the fourth kill halts and alerts (exit 5)', async () => {
    const s = supervise();
    const seen = new Set<number>();
    for (let kill = 1; kill <= 4; kill++) process.kill(await nextSession(s, seen), 'SIGKILL');
    const e = await s.exited;
    expect(e.code, e.stderr.slice(-2000)).toBe(5);
    expect(seen.size).toBe(4);
    const err = (JSON.parse(e.stdout) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('SUPERVISOR_HALTED');
    expect(err.message).toContain('the session crashed (killed by SIGKILL) after 3 restarts within 1 h');
    expect(e.stderr).not.toMatch(STACK_LINE);
    // Paper does not resume: each restart is a new session, with its own heartbeat.
    const beats = readHeartbeats(s.home);
    expect(new Set(beats.map((b) => b.session_id)).size).toBe(4);
    expect(beats.map((b) => b.pid).sort()).toEqual([...seen].sort());
    expect(logLines(e, 'supervisor: session process started')).toHaveLength(4);
    const ks = readKillSwitch(s.home);
    expect(ks).toMatchObject({ state: 'HALTED', mode: 'paper' });
    expect(ks?.reason).toBe('supervisor: the session crashed (killed by SIGKILL) after 3 restarts within 1 h');
    // The last session's id is on the record and in the alert.
    const last = beats.find((b) => b.pid === [...seen][3]);
    expect(ks?.run_id).toBe(last?.session_id);
    // The supervisor delivers its alerts before it exits.
    const posts = postsOf(s);
    expect(posts.filter((t) => t.startsWith('[WARNING] supervised paper session'))).toHaveLength(3);
    expect(posts.filter((t) => t.includes('crashed; restart'))).toHaveLength(3);
    const halted = posts.filter((t) => t.startsWith('[CRITICAL] supervised paper session'));
    expect(halted).toHaveLength(1);
    expect(halted[0]).toContain(`supervised paper session ${last?.session_id} halted: not restarted again`);
  }, 120_000);

  it('SIGTERM to the supervisor stops the session cleanly: exit 0, its files complete, no restart', async () => {
    const s = supervise();
    const pid = await nextSession(s, new Set());
    s.signal('SIGTERM');
    const e = await s.exited;
    expect(e.code, e.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(e.stdout) as { ended: string; dir: string };
    expect(out.ended).toBe('SIGTERM');
    expect(existsSync(join(out.dir, 'metrics.json'))).toBe(true);
    expect(readHeartbeats(s.home)).toMatchObject([{ pid, status: 'ended' }]);
    expect(logLines(e, 'supervisor: session process started')).toHaveLength(1);
    expect(readKillSwitch(s.home)).toBeUndefined();
  }, 60_000);

  it('a session that stops showing life (SIGSTOP) is killed past hang_after and restarted', async () => {
    const s = supervise([], { MOMENTIC_SUPERVISOR__HANG_AFTER: '1s' });
    const seen = new Set<number>();
    const frozen = await nextSession(s, seen);
    process.kill(frozen, 'SIGSTOP');
    await nextSession(s, seen);
    s.signal('SIGTERM');
    const e = await s.exited;
    expect(e.code, e.stderr.slice(-2000)).toBe(0);
    expect(logLines(e, 'supervisor: session process started')).toHaveLength(2);
    expect(logLines(e, '"msg":"supervisor: the session hung: its heartbeat is')).toHaveLength(1);
    expect(logLines(e, '"msg":"supervisor: the session crashed (hung: its heartbeat is')).toHaveLength(1);
  }, 60_000);

  it('a session that exits 2 (a bad --speed) is not restarted: the supervisor exits 2', async () => {
    const s = supervise(['--speed', 'fast']);
    const e = await s.exited;
    expect(e.code).toBe(2);
    expect((JSON.parse(e.stdout) as { error: { code: string } }).error.code).toBe('USAGE_INVALID_OPTION');
    expect(logLines(e, 'supervisor: session process started')).toHaveLength(1);
    expect(logLines(e, 'supervisor: not restarted')).toHaveLength(1);
    expect(readKillSwitch(s.home)).toBeUndefined();
  }, 60_000);
});

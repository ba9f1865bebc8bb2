/**
 * The supervisor with its session processes faked (each ends as the test says): which exits it
 * restarts, its backoff and restart budget, the halt when the budget is spent (the workspace's
 * kill switch HALTED, a critical alert), a clean stop, a hung session killed through its
 * heartbeat, and no restart after the session's own kill switch HALTED. The real processes are
 * in test/cli/supervisor.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/schema.js';
import { Notifier } from '../../../src/orchestration/alerts/notifier.js';
import { readKillSwitch, writeKillSwitch } from '../../../src/orchestration/kill-switch-file.js';
import type { HeartbeatRecord } from '../../../src/orchestration/watchdogs/heartbeat.js';
import {
  Supervisor,
  type SessionProcess,
  type SupervisorOptions,
} from '../../../src/orchestration/watchdogs/supervisor.js';
import { tempDir } from '../../support/cli.js';
import { MemoryChannel } from '../alerts/support.js';

const T = Date.parse('2024-01-02T15:00:00Z');

type End = { code: number | null; signal: string | null; stdout?: string };

class FakeProcess implements SessionProcess {
  readonly pid: number;
  readonly exited: Promise<End & { stdout: string }>;
  readonly asked: string[] = [];
  #end: (e: End & { stdout: string }) => void = () => undefined;
  onStop: () => void = () => this.end({ code: 0, signal: null });

  constructor(pid: number) {
    this.pid = pid;
    this.exited = new Promise((r) => (this.#end = r));
  }

  end(e: End): void {
    this.#end({ ...e, stdout: e.stdout ?? `{"run":${this.pid}}\n` });
  }

  stop(): void {
    this.asked.push('SIGTERM');
    this.onStop();
  }

  kill(): void {
    this.asked.push('SIGKILL');
    this.end({ code: null, signal: 'SIGKILL' });
  }
}

function setup(
  ends: (p: FakeProcess, n: number) => void,
  over: Partial<SupervisorOptions> & { supervisor?: Partial<SupervisorOptions['config']> } = {},
) {
  const home = tempDir('momentic-supervisor-');
  const channel = new MemoryChannel('webhook');
  const alerts = new Notifier({
    routes: [{ channel, minSeverity: 'info', burst: 100, perMinute: 100 }],
    dedupeMs: 0,
    retries: 0,
    backoffMs: 1,
  });
  const procs: FakeProcess[] = [];
  const sleeps: number[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const { supervisor, ...rest } = over;
  const sup = new Supervisor({
    mode: 'live',
    command: 'momentic live --config run.yaml',
    config: { ...DEFAULTS.supervisor, backoff_base: '1s', backoff_max: '1m', ...supervisor },
    home,
    alerts,
    now: () => T,
    sleep: async (ms) => void sleeps.push(ms),
    heartbeats: () => procs.map((p) => beat(p.pid, T)),
    pollMs: 2,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    launch: () => {
      const p = new FakeProcess(1000 + procs.length);
      procs.push(p);
      queueMicrotask(() => ends(p, procs.length));
      return p;
    },
    ...rest,
  });
  return { sup, home, channel, alerts, procs, sleeps, out, err };
}

function beat(pid: number, writtenAt: number): HeartbeatRecord {
  return {
    session_id: 'S1',
    mode: 'live',
    pid,
    status: 'running',
    started_at: new Date(T).toISOString(),
    written_at: new Date(writtenAt).toISOString(),
    bars: 0,
    last_bars: {},
    kill_switch: 'ACTIVE',
    failing: {},
  };
}

describe('Supervisor', () => {
  it('a session killed three times is restarted three times; the fourth crash halts and alerts', async () => {
    const s = setup((p) => p.end({ code: null, signal: 'SIGKILL' }), { supervisor: { max_restarts: 3 } });
    const r = await s.sup.run();
    await s.alerts.flush();
    expect(r).toMatchObject({ outcome: 'halted', restarts: 3, sessionId: 'S1', exitCode: 1 });
    expect(r.reason).toBe('the session crashed (killed by SIGKILL) after 3 restarts within 1 h');
    expect(s.procs).toHaveLength(4);
    // 1 s, doubled per restart within the window.
    expect(s.sleeps).toEqual([1000, 2000, 4000]);
    expect(readKillSwitch(s.home)).toMatchObject({
      state: 'HALTED',
      from: 'ACTIVE',
      mode: 'live',
      run_id: 'S1',
      reason: 'supervisor: the session crashed (killed by SIGKILL) after 3 restarts within 1 h',
    });
    expect(s.channel.sent.map((a) => [a.kind, a.severity, a.title])).toEqual([
      ['restart', 'warning', 'supervised live session S1 crashed; restart 1 of 3'],
      ['restart', 'warning', 'supervised live session S1 crashed; restart 2 of 3'],
      ['restart', 'warning', 'supervised live session S1 crashed; restart 3 of 3'],
      ['supervisor', 'critical', 'supervised live session S1 halted: not restarted again'],
    ]);
    expect(s.channel.sent[3]?.text).toContain('positions and working orders stay at the broker');
    // Each crashed run's output went to stderr; none to stdout.
    expect(s.err).toHaveLength(4);
    expect(s.out).toEqual([]);
  });

  it.each([1, 4, 134])('exit %s is a crash, restarted; then a clean end is done', async (code) => {
    const s = setup((p, n) => p.end({ code: n === 1 ? code : 0, signal: null }));
    const r = await s.sup.run();
    expect(r).toMatchObject({ outcome: 'done', exitCode: 0, restarts: 1 });
    expect(s.procs).toHaveLength(2);
    expect(s.out).toEqual(['{"run":1001}\n']);
    expect(readKillSwitch(s.home)).toBeUndefined();
  });

  it.each([
    [0, 'done'],
    [2, 'final'],
    [3, 'final'],
    [5, 'final'],
  ] as const)('exit %s is not restarted (%s), its code passed on', async (code, outcome) => {
    const s = setup((p) => p.end({ code, signal: null }));
    const r = await s.sup.run();
    await s.alerts.flush();
    expect(r).toMatchObject({ outcome, exitCode: code, restarts: 0 });
    expect(s.procs).toHaveLength(1);
    expect(s.out).toEqual(['{"run":1000}\n']);
    expect(s.channel.sent).toEqual([]);
    expect(readKillSwitch(s.home)).toBeUndefined();
  });

  it('max_restarts 0: the first crash halts', async () => {
    const s = setup((p) => p.end({ code: 1, signal: null }), { supervisor: { max_restarts: 0 } });
    expect(await s.sup.run()).toMatchObject({ outcome: 'halted', restarts: 0 });
    expect(s.procs).toHaveLength(1);
    expect(readKillSwitch(s.home)?.state).toBe('HALTED');
  });

  it('stop: the session is asked to stop (SIGTERM) and is not restarted', async () => {
    const held: { sup?: Supervisor } = {};
    const s = setup(() => held.sup?.stop());
    held.sup = s.sup;
    const r = await s.sup.run();
    expect(r).toMatchObject({ outcome: 'stopped', exitCode: 0, restarts: 0 });
    expect(s.procs[0]?.asked).toEqual(['SIGTERM']);
    expect(s.procs).toHaveLength(1);
  });

  it('stop: a session that ignores SIGTERM is killed after stop_timeout', async () => {
    const held: { sup?: Supervisor } = {};
    const s = setup(
      (p) => {
        p.onStop = () => undefined;
        held.sup?.stop();
      },
      { supervisor: { stop_timeout: '10ms' } },
    );
    held.sup = s.sup;
    const r = await s.sup.run();
    expect(r.outcome).toBe('stopped');
    expect(s.procs[0]?.asked).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('stop before the start: nothing is launched', async () => {
    const s = setup((p) => p.end({ code: 0, signal: null }));
    s.sup.stop();
    expect(await s.sup.run()).toMatchObject({ outcome: 'stopped', exitCode: 0 });
    expect(s.procs).toEqual([]);
  });

  it('stop during the wait before a restart: nothing restarts', async () => {
    const held: { sup?: Supervisor } = {};
    const s = setup((p) => p.end({ code: 4, signal: null }), {
      sleep: async () => held.sup?.stop(),
    });
    held.sup = s.sup;
    expect(await s.sup.run()).toMatchObject({ outcome: 'stopped', exitCode: 4 });
    expect(s.procs).toHaveLength(1);
  });

  it('a session whose heartbeat is older than hang_after is killed, and restarted as a crash', async () => {
    // The first process's heartbeat stopped 3 minutes ago; the second one's is fresh and it ends cleanly.
    let n = 0;
    const s = setup(
      (p, k) => {
        n = k;
        if (k === 2) p.end({ code: 0, signal: null });
      },
      {
        supervisor: { hang_after: '2m' },
        heartbeats: () => [beat(1000, T - 3 * 60_000), ...(n >= 2 ? [beat(1001, T)] : [])],
      },
    );
    const r = await s.sup.run();
    await s.alerts.flush();
    expect(r).toMatchObject({ outcome: 'done', restarts: 1 });
    expect(s.procs[0]?.asked).toEqual(['SIGKILL']);
    expect(s.channel.sent[0]?.text).toContain('hung: its heartbeat is 3 min old (hang_after 2m)');
  });

  it('hang_after off: an old heartbeat kills nothing', async () => {
    const s = setup(
      (p) => {
        setTimeout(() => p.end({ code: 0, signal: null }), 20);
      },
      { supervisor: { hang_after: 'off' }, heartbeats: () => [beat(1000, T - 3_600_000)] },
    );
    expect(await s.sup.run()).toMatchObject({ outcome: 'done', restarts: 0 });
    expect(s.procs[0]?.asked).toEqual([]);
  });

  it("a crash after the session's own kill switch HALTED is not restarted: a restart would trade again", async () => {
    const s = setup((p) => {
      writeKillSwitch(s.home, {
        state: 'HALTED',
        from: 'ACTIVE',
        reason: '3 consecutive venue errors',
        ts: new Date(T).toISOString(),
        mode: 'live',
        run_id: 'S1',
        written_at: new Date(T + 1000).toISOString(),
      });
      p.end({ code: 1, signal: null });
    });
    const r = await s.sup.run();
    await s.alerts.flush();
    expect(r).toMatchObject({ outcome: 'halted', restarts: 0 });
    expect(r.reason).toBe(
      'the session crashed (exit 1, an internal error) after its kill switch HALTED: a restart would trade again',
    );
    expect(s.procs).toHaveLength(1);
    // The session's own record stays.
    expect(readKillSwitch(s.home)?.reason).toBe('3 consecutive venue errors');
    expect(s.channel.sent.map((a) => a.kind)).toEqual(['supervisor']);
  });
});

/**
 * Two `momentic scheduler` processes (the built CLI, `node bin/momentic.js`; run `npm run build`
 * first) on one ledger, in real time: one runs the jobs, the other stands by; the first killed with
 * SIGKILL, the second takes over once the lock has expired, and the run the dead one left going is
 * marked abandoned. On SQLite (the embedded default) and PostgreSQL. Slow: real processes, a job
 * a second, a 2-second lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/registry.js';
import { expandAction } from '../../../src/orchestration/scheduler/action.js';
import { processExecutor } from '../../../src/orchestration/scheduler/executor.js';
import { createLedger, type LedgerStore } from '../../../src/store/ledger.js';
import type { JobRun, SchedulerLock } from '../../../src/store/scheduler-types.js';
import { postgresBackend, sqliteBackend, type Backend } from '../../store/backends.js';
import { tempDir } from '../../support/cli.js';
import { REPO } from '../../support/paths.js';

const TTL_MS = 2_000;
const HEARTBEAT_MS = 500;

const SCHEDULE = `
name: tick
grace: 5s
lock: { ttl: 2s, heartbeat: 500ms }
jobs:
  tick:
    when: { every: 1s, within: always }
    days: all
    action: [calendar, is-open, --market, 24/7, --at, '{at}']
`;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const backend of [sqliteBackend(), postgresBackend()] as Backend[]) {
  describe(`two scheduler processes on ${backend.name}`, () => {
    const children: ChildProcess[] = [];
    let ledger: LedgerStore | undefined;
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await ledger?.close();
      await backend.cleanup();
    });

    it(
      'one runs the jobs; killed, the other takes over once its lock has expired, and no planned run starts twice',
      { timeout: 90_000 },
      async () => {
        const db = await backend.fresh();
        const file = join(db.home, 'tick.yaml');
        writeFileSync(file, SCHEDULE);
        const env = { ...process.env, MOMENTIC_DATABASE_URL: db.config.database.url, MOMENTIC_LOG_LEVEL: 'warn' };
        const startOne = (): { child: ChildProcess; exit: Promise<number | null>; out: () => string } => {
          let out = '';
          const child = spawn(
            process.execPath,
            [join(REPO, 'bin', 'momentic.js'), '--home', db.home, 'scheduler', '--config', file],
            { env, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr?.on('data', () => undefined);
          children.push(child);
          const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
          return { child, exit, out: () => out };
        };
        const procs = [startOne(), startOne()];
        ledger = await createLedger(db.config, db.home);
        const l = ledger;
        const runs = (): Promise<JobRun[]> => l.jobRuns({ schedule: 'tick' });
        const started = (rs: JobRun[]) => rs.filter((r) => r.status !== 'skipped');

        // Both up (the ledger migrated by whichever came first): wait for three runs to have ended.
        await until('three runs', async () => {
          const rs = await runs();
          return rs.filter((r) => r.status === 'succeeded').length >= 3 ? rs : undefined;
        });
        const lock = (await l.schedulerLock('tick')) as SchedulerLock;
        const pidOf = (owner: string): number => Number(owner.split(':')[1]);
        const leader = procs.find((p) => p.child.pid === pidOf(lock.owner));
        const standby = procs.find((p) => p !== leader);
        expect(leader).toBeDefined();
        // Exactly one runs jobs.
        expect(new Set(started(await runs()).map((r) => r.owner))).toEqual(new Set([lock.owner]));

        leader!.child.kill('SIGKILL');
        await leader!.exit;
        const dead = (await l.schedulerLock('tick')) as SchedulerLock;
        expect(dead.owner).toBe(lock.owner);
        const taken = await until('the takeover', async () => {
          const now = await l.schedulerLock('tick');
          return now !== undefined && now.owner !== dead.owner ? now : undefined;
        });
        expect(pidOf(taken.owner)).toBe(standby!.child.pid);
        // Not before the dead leader's lock expired, and within a heartbeat (and some slack) after.
        expect(taken.acquiredAt).toBeGreaterThanOrEqual(dead.expiresAt);
        expect(taken.acquiredAt - dead.expiresAt).toBeLessThan(HEARTBEAT_MS + 1_500);
        expect(dead.expiresAt - dead.heartbeatAt).toBe(TTL_MS);

        // The survivor runs the jobs from then on.
        const after = await until('two runs of the new leader', async () => {
          const rs = await runs();
          return rs.filter((r) => r.owner === taken.owner && r.status === 'succeeded').length >= 2 ? rs : undefined;
        });
        for (const r of started(after)) {
          if (r.owner === dead.owner) expect(r.startedAt!).toBeLessThan(taken.acquiredAt);
          else expect(r.startedAt!).toBeGreaterThanOrEqual(taken.acquiredAt);
        }
        // One row per planned instant (the ledger's unique key), each second once.
        const planned = after.map((r) => r.plannedAt);
        expect(new Set(planned).size).toBe(planned.length);
        // A run the dead leader left going was abandoned by the takeover, not left running.
        expect(after.filter((r) => r.status === 'running' && r.owner === dead.owner)).toEqual([]);

        standby!.child.kill('SIGTERM');
        expect(await standby!.exit).toBe(0);
        expect(standby!.out()).toMatch(/^scheduler tick stopped: \d+ runs started/);
        expect(await l.schedulerLock('tick')).toBeUndefined();
      },
    );
  });
}

describe('job runs as child processes', () => {
  it('run the action in the workspace with the placeholders filled in, its output in its log file, its exit code kept', async () => {
    const home = tempDir('momentic-executor-');
    const executor = processExecutor({ home, cwd: home, env: process.env });
    const run = { job: 'check', date: '2024-07-03', at: Date.parse('2024-07-03T16:59:00Z') };
    const action = ['calendar', 'is-open', '--market', 'XNYS', '--at', '{at}'];
    const argv = expandAction(action, run, getCalendar('XNYS'));
    expect(argv.at(-1)).toBe('2024-07-03T16:59:00Z');
    const logFile = executor.logFile?.('daily', run);
    expect(logFile).toBe(join(home, 'state', 'scheduler', 'logs', 'daily', 'check', '20240703T165900Z.log'));
    const ok = await executor.start({ schedule: 'daily', run, argv, logFile: logFile! }).done;
    expect(ok).toEqual({ exitCode: 0, signal: null });
    // A minute before the 13:00 New York early close.
    expect(readFileSync(logFile!, 'utf8')).toContain('open: XNYS is open at 2024-07-03T16:59:00Z');
    const badRun = { ...run, job: 'bad' };
    const badLog = executor.logFile?.('daily', badRun);
    const bad = await executor.start({
      schedule: 'daily',
      run: badRun,
      argv: ['calendar', 'is-open', '--market', 'LSE'],
      logFile: badLog!,
    }).done;
    expect(bad).toEqual({ exitCode: 2, signal: null });
    expect(readFileSync(badLog!, 'utf8')).toContain('CALENDAR_UNKNOWN_MARKET');
  });
});

/**
 * How a paper session ends, in a real child process (the built CLI, `node bin/momentic.js`;
 * `npm test` builds dist/ first): `--for`, `--until` and SIGTERM end it gracefully (exit 0, the
 * strategy stopped, metrics.json and report.html written, every bar in bars.csv); SIGKILL at any
 * moment leaves every row written before it, whole. The replay runs at real time (`--speed 1`):
 * the run file's `live.warmup_bars` bars of history come at once, then the first live bar, and
 * the next one only a minute later, so a session stopped within seconds has seen exactly
 * warmup_bars + 1 bars, whatever the machine's load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withoutRunIds } from '../golden/harness.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');
const CALENDAR = ['--calendar', 'hours:Europe/Berlin:08:00-22:00'];
// The run's warm-up as long as the history: a replay delivers no more history than the warm-up.
const RUN = (warmup: number): string => `strategy: intraday-mean-reversion
warmup: ${warmup}
params: { allowShort: true }
symbols: [FDAX]
timeframe: 1m
live:
  warmup_bars: ${warmup}
`;

interface Child {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function start(args: readonly string[]): Child {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** The one session folder of a workspace, once it exists. */
function sessionDir(home: string): string | undefined {
  const results = join(home, 'data', 'results');
  if (!existsSync(results)) return undefined;
  const ids = readdirSync(results).filter((n) => !n.startsWith('.'));
  return ids.length === 1 ? join(results, ids[0] as string) : undefined;
}

const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

/** Resolves once `check` holds, polling (event-driven enough for files written by another process). */
function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - t0 > ms) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 5);
  });
}

function expectComplete(dir: string, bars: number): void {
  for (const f of ['metrics.json', 'report.html', 'manifest.json', 'equity.csv', 'orders.csv', 'trades.csv']) {
    expect(existsSync(join(dir, f)), f).toBe(true);
  }
  expect(lines(join(dir, 'bars.csv'))).toBe(bars + 1);
  // One equity row per bar stepped: the strategy saw every bar the feed delivered.
  expect(lines(join(dir, 'equity.csv'))).toBe(bars + 1);
}

describe('a paper session ends gracefully', () => {
  let home: string;
  let run: string;
  beforeAll(() => {
    home = tempDir('momentic-paper-end-');
    run = join(home, 'run.yaml');
    writeFileSync(run, RUN(50));
  });

  const session = (extra: readonly string[], own = tempDir('momentic-paper-end-home-')) => ({
    home: own,
    args: [
      '--home',
      own,
      '--init',
      '--json',
      'paper',
      '--config',
      run,
      '--source',
      `replay:${FILE}`,
      ...CALENDAR,
      ...extra,
    ],
  });

  it('--for 2s: exit 0 with complete files after warmup_bars + 1 bars', async () => {
    const s = session(['--speed', '1', '--for', '2s']);
    const r = await start(s.args).done;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ended: string; bars: number; dir: string };
    expect(out).toMatchObject({ ended: 'for', bars: 51 });
    expectComplete(out.dir, 51);
    // The 50 warm-up bars are history; the 51st is the first live one.
    const delivery = readFileSync(join(out.dir, 'bars.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((r) => r.split(',').at(-1));
    expect(delivery).toEqual([...Array<string>(50).fill('history'), 'live']);
  }, 120_000);

  it('--until a time 10 s ahead: exit 0, ended by until', async () => {
    const s = session(['--speed', '1', '--until', new Date(Date.now() + 10_000).toISOString()]);
    const r = await start(s.args).done;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ended: string; bars: number; dir: string };
    expect(out).toMatchObject({ ended: 'until', bars: 51 });
    expectComplete(out.dir, 51);
  }, 120_000);

  it('SIGTERM: exit 0, the session stopped and its files completed', async () => {
    const s = session(['--speed', '1']);
    const c = start(s.args);
    await until(() => {
      const dir = sessionDir(s.home);
      return dir !== undefined && lines(join(dir, 'bars.csv')) === 52;
    }, 'the first live bar');
    c.child.kill('SIGTERM');
    const r = await c.done;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ended: string; bars: number; dir: string };
    expect(out).toMatchObject({ ended: 'SIGTERM', bars: 51 });
    expectComplete(out.dir, 51);
    const ls = await cli(['--home', s.home, '--json', 'runs', 'ls', '--kind', 'paper']);
    expect(JSON.parse(ls.stdout)).toMatchObject([{ kind: 'paper', status: 'finished' }]);
  }, 120_000);

  it('SIGKILL mid-session leaves every row written before it, whole, as a complete session writes them', async () => {
    // The complete session at max speed, then the same killed part way (max speed is deterministic).
    const full = session(['--speed', 'max']);
    const f = await start(full.args).done;
    expect(f.code, f.stderr).toBe(0);
    const fullDir = (JSON.parse(f.stdout) as { dir: string }).dir;
    const killed = session(['--speed', 'max']);
    const c = start(killed.args);
    let seen: Record<string, string> = {};
    const files = ['bars.csv', 'equity.csv', 'orders.csv', 'trades.csv', 'signals.csv'];
    await until(() => {
      const dir = sessionDir(killed.home);
      if (dir === undefined || lines(join(dir, 'trades.csv')) < 6) return false;
      seen = Object.fromEntries(files.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
      return true;
    }, 'five round trips');
    c.child.kill('SIGKILL');
    const r = await c.done;
    expect(r.signal).toBe('SIGKILL');
    const dir = sessionDir(killed.home) as string;
    // Killed before the end: no metrics, no report.
    expect(existsSync(join(dir, 'metrics.json'))).toBe(false);
    for (const n of files) {
      const after = readFileSync(join(dir, n), 'utf8');
      expect(after.startsWith(seen[n] as string), `${n} kept what it had`).toBe(true);
      expect(after.endsWith('\n'), `${n} ends with a whole row`).toBe(true);
      const complete = readFileSync(join(fullDir, n), 'utf8');
      const norm = (t: string): string =>
        n === 'bars.csv' ? t.replace(/,[^,\n]*,[^,\n]*\n/g, '\n') : withoutRunIds(t);
      // Every row is the row the complete session wrote (bars: without their arrival times).
      if (n !== 'orders.csv') expect(norm(complete).startsWith(norm(after)), n).toBe(true);
    }
    // orders.csv: the complete session rewrites it with orders still open at the end, so its rows
    // are compared as a set.
    const fullOrders = new Set(withoutRunIds(readFileSync(join(fullDir, 'orders.csv'), 'utf8')).split('\n'));
    const killedOrders = withoutRunIds(readFileSync(join(dir, 'orders.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(killedOrders.length).toBeGreaterThan(5);
    for (const row of killedOrders) expect(fullOrders.has(row), row).toBe(true);
    expect(lines(join(dir, 'bars.csv'))).toBeGreaterThan(1000);
  }, 180_000);
});

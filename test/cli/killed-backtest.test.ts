/**
 * A backtest killed with SIGKILL part way through writing its results (a real child process
 * running the built CLI, `node bin/momentic.js`; `npm test` builds dist/ first). Slow: each case
 * runs a backtest of two symbols over twenty years in a child process.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRunIds } from '../../src/backtest/run-folder.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

const LONG = ['--strategy', 'sma-cross', '--symbols', 'ORCL,NVDA', '--param', 'fast=1', '--param', 'slow=2'];
const SHORT = ['--strategy', 'sma-cross', '--symbols', 'ORCL', '--start', '2010-01-04', '--end', '2010-12-31'];

/** A folder in `parent` that already holds a results file (or its temp file): the run is writing its files. */
function writing(parent: string): string | undefined {
  if (!existsSync(parent)) return undefined;
  return readdirSync(parent).find((n) => {
    try {
      return readdirSync(join(parent, n)).some((f) => f !== '.owner.json');
    } catch {
      return false;
    }
  });
}

/** Runs the CLI in a child process and kills it with SIGKILL once `when()` holds; resolves with how it ended. */
function killWhen(
  args: readonly string[],
  when: () => boolean,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), ...args], { stdio: 'ignore' });
    const timer = setInterval(() => {
      if (when()) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 3);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal });
    });
  });
}

describe('a backtest killed by SIGKILL while writing its results', () => {
  let base: string;
  beforeAll(async () => {
    base = tempDir('momentic-killed-base-');
    for (const [file, symbol] of [
      ['orcl-1995-2014.txt', 'ORCL'],
      ['nvda-1999-2014.txt', 'NVDA'],
    ] as const) {
      const r = await cli(['--home', base, 'data', 'import', '--file', join(SHARED_DATA, file), '--symbol', symbol]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);

  it('leaves no run: none listed, none readable by id, none suggested; the next backtest removes the leftover', async () => {
    const home = tempDir('momentic-killed-');
    cpSync(base, home, { recursive: true });
    const results = join(home, 'data', 'results');
    const ended = await killWhen(['--home', home, 'backtest', ...LONG], () => writing(results) !== undefined);
    expect(ended.signal, 'the child was killed, not finished').toBe('SIGKILL');
    const leftover = readdirSync(results);
    expect(leftover).toHaveLength(1);
    expect(leftover[0]).toMatch(/^\.tmp-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const runId = (leftover[0] as string).slice('.tmp-'.length);

    // No listing shows it, no command reads it as a run, no hint suggests it.
    expect(listRunIds(home)).toEqual([]);
    const ls = await cli(['--home', home, '--json', 'runs', 'ls']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([]);
    for (const id of [runId, `.tmp-${runId}`, `${runId.slice(0, -1)}0`]) {
      const report = await cli(['--home', home, 'report', id]);
      expect(report.code).toBe(3);
      expect(report.stderr).toMatch(/^DataError DATA_NOT_FOUND/m);
      expect(report.stderr).not.toContain('did you mean');
    }

    // The next backtest removes the leftover (its owner is gone) and writes its own run.
    const next = await cli(['--home', home, '--json', 'backtest', ...SHORT]);
    expect(next.code, next.stderr).toBe(0);
    const id = (JSON.parse(next.stdout) as { run_id: string }).run_id;
    expect(readdirSync(results)).toEqual([id]);
    expect(listRunIds(home)).toEqual([id]);
  }, 120_000);

  it('with --out: the leftover beside the folder is removed by the next run into that folder', async () => {
    const home = tempDir('momentic-killed-');
    cpSync(base, home, { recursive: true });
    const parent = tempDir('momentic-killed-out-');
    const out = join(parent, 'my-run');
    const ended = await killWhen(
      ['--home', home, 'backtest', ...LONG, '--out', out],
      () => writing(parent) !== undefined,
    );
    expect(ended.signal).toBe('SIGKILL');
    expect(readdirSync(parent)).toEqual(['.tmp-my-run']);
    expect(existsSync(out)).toBe(false);
    const next = await cli(['--home', home, 'backtest', ...SHORT, '--out', out]);
    expect(next.code, next.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['my-run']);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  }, 120_000);
});

import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { cli, tempDir, type CliResult } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

/**
 * The hostile-input suite's common checks. Each case runs one command against a copy of a
 * prepared workspace and asserts what a user must always get from a refused input:
 * - the documented exit code;
 * - one error line `Name CODE ...: message` that names the culprit, then a `Fix:` line, and
 *   no stack trace;
 * - every file under data/ and state/ unchanged (sha256), except under the folders the
 *   command is meant to write (`writes`).
 */

/** sha256 of every file under `data/` and `state/` of `home`, keyed by its path relative to home. */
export function snapshot(home: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else
        out.set(
          relative(home, full).split(sep).join('/'),
          createHash('sha256').update(readFileSync(full)).digest('hex'),
        );
    }
  };
  walk(join(home, 'data'));
  walk(join(home, 'state'));
  return out;
}

/** Paths that differ between two snapshots (added, removed or changed), sorted. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [path, hash] of before) if (after.get(path) !== hash) changed.add(path);
  for (const path of after.keys()) if (!before.has(path)) changed.add(path);
  return [...changed].sort();
}

/**
 * A prepared workspace: synthetic daily bars for ZNTX and ORCL from ../shared/data imported,
 * with one finished backtest run (its id in `runId`). Built once per test file; every case
 * works on its own copy (`copyHome`).
 */
export interface BaseHome {
  readonly home: string;
  readonly runId: string;
}

export async function prepareBaseHome(): Promise<BaseHome> {
  const home = tempDir('momentic-hostile-base-');
  const imp = await cli([
    '--home',
    home,
    '--json',
    'data',
    'import',
    '--file',
    join(SHARED_DATA, 'orcl-1995-2014.txt'),
    '--symbol',
    'ORCL',
  ]);
  expect(imp.code, imp.stdout + imp.stderr).toBe(0);
  const run = await cli([
    '--home',
    home,
    '--json',
    'backtest',
    '--strategy',
    'sma-cross',
    '--symbols',
    'ZNTX',
    '--start',
    '2019-01-02',
    '--end',
    '2019-12-31',
  ]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const runId = (JSON.parse(run.stdout) as { run_id: string }).run_id;
  return { home, runId };
}

/** A fresh copy of the base workspace for one case. */
export function copyHome(base: BaseHome): string {
  const home = tempDir('momentic-hostile-');
  cpSync(base.home, home, { recursive: true });
  return home;
}

export interface Refusal {
  /** Expected exit code (2 usage/config, 3 data, 4 infrastructure, 5 gate...). */
  readonly code: number;
  /** Expected error code, e.g. `USAGE_OUTPUT_PATH`. */
  readonly error?: string;
  /** Text (or pattern) the error line must contain: the file, flag, key or value at fault. */
  readonly culprit: string | RegExp;
  /** Folders (relative to home, e.g. `data/quarantine`) the command may write to. */
  readonly writes?: readonly string[];
}

/**
 * Runs `argv` (the CLI's words after `--home HOME`) in a copy of `base` after `setup`, and checks
 * the refusal. Returns the CLI result and the home used, for extra checks.
 */
export async function expectRefusal(
  base: BaseHome,
  argv: (home: string) => readonly string[],
  want: Refusal,
  setup?: (home: string) => void | Promise<void>,
): Promise<{ result: CliResult; home: string }> {
  const home = copyHome(base);
  if (setup !== undefined) await setup(home);
  const before = snapshot(home);
  const result = await cli(['--home', home, ...argv(home)]);
  expectOneLineError(result, want);
  const allowed = want.writes ?? [];
  const unexpected = changedPaths(before, snapshot(home)).filter(
    (p) => !allowed.some((w) => p === w || p.startsWith(w.endsWith('/') ? w : `${w}/`)),
  );
  expect(unexpected, `files changed under data/ or state/ by a refused command`).toEqual([]);
  return { result, home };
}

/** The exit code, and STYLE.md's error shape on stderr: one `Name CODE ...: message` line naming the culprit, then `Fix: ...`. */
export function expectOneLineError(result: CliResult, want: Refusal): void {
  const all = `${result.stdout}\n${result.stderr}`;
  expect(result.code, all).toBe(want.code);
  expect(all, 'no stack trace reaches the user').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(all).not.toMatch(/InternalError/);
  const lines = result.stderr.split('\n');
  const at = lines.findIndex((l) => /^[A-Z][A-Za-z]*Error [A-Z][A-Z0-9_]+\b/.test(l));
  expect(at, `an error line 'Name CODE: message' on stderr:\n${result.stderr}`).toBeGreaterThanOrEqual(0);
  const line = lines[at] ?? '';
  if (want.error !== undefined) expect(line).toContain(` ${want.error}`);
  if (typeof want.culprit === 'string') expect(line).toContain(want.culprit);
  else expect(line).toMatch(want.culprit);
  expect(lines[at + 1] ?? '', `a 'Fix:' line after the error line`).toMatch(/^Fix: \S/);
  // Raw bytes of a binary input must never be echoed to the terminal.
  // eslint-disable-next-line no-control-regex
  expect(all).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
}

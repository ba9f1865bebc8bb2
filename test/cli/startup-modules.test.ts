/**
 * What a backtest process loads (the built CLI, `node bin/momentic.js`, traced by module hooks).
 * Module loading is a large part of a short run's wall time, so the backtest path must not load
 * the ledger's query builder and its migrations when the ledger is already current: the run is
 * recorded by the ledger worker with prepared statements, and a registry model is looked up
 * (through the query builder) only when a run names one. And the command runs from the bundle
 * (scripts/bundle.mjs): no module of tsc's output in dist/ and no copy of a bundled package
 * from node_modules is loaded beside it, which would also give the process two copies of a
 * module (two error classes, two registries). Of zod's error messages, only the English ones are
 * bundled.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const TRACE_HOOKS = join(REPO, 'test', 'fixtures', 'module-trace', 'register.mjs');

function tracedBacktest(home: string, trace: string): string[] {
  rmSync(trace, { force: true });
  const args = [
    '--home',
    home,
    '--json',
    'backtest',
    '--strategy',
    'sma-cross',
    '--start',
    '2015-01-02',
    '--end',
    '2015-06-30',
  ];
  const child = spawnSync(process.execPath, ['--import', TRACE_HOOKS, join(REPO, 'bin', 'momentic.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MODULE_TRACE_FILE: trace },
  });
  expect(child.status, child.stderr + child.stdout).toBe(0);
  expect(JSON.parse(child.stdout).ledger?.recorded).toBe(true);
  return readFileSync(trace, 'utf8').trim().split('\n');
}

describe('modules a backtest loads', () => {
  it('the query builder only while the ledger is migrated, not on a current ledger', () => {
    const home = tempDir('momentic-startup-modules-');
    const trace = join(home, 'modules.txt');
    const kysely = (urls: string[]): number => urls.filter((u) => u.includes('/node_modules/kysely/')).length;
    // The first run creates the ledger: the migrations run through the query builder. This also
    // proves the trace sees it, so the second run's zero is not a blind trace.
    const first = tracedBacktest(home, trace);
    expect(kysely(first)).toBeGreaterThan(50);
    const second = tracedBacktest(home, trace);
    expect(second.filter((u) => u.includes('/node_modules/kysely/'))).toEqual([]);
    // The bundle's command, and the ledger's worker thread from the bundle too.
    expect(second.filter((u) => /\/dist\/bundle\/(cli|ledger-worker)\.js$/.test(u)).sort()).toEqual([
      `file://${join(REPO, 'dist', 'bundle', 'cli.js')}`,
      `file://${join(REPO, 'dist', 'bundle', 'ledger-worker.js')}`,
    ]);
    const ours = second.filter((u) => u.startsWith(`file://${join(REPO, 'dist')}/`));
    expect(ours.filter((u) => !u.startsWith(`file://${join(REPO, 'dist', 'bundle')}/`))).toEqual([]);
    // Nothing is logged at the default level, so the logger (pino, with its compiled redaction)
    // is never built. The first run's trace proves pino would be seen: migrating logs nothing
    // either, so this checks the trace of CommonJS loads with the SQLite driver instead.
    expect(second.some((u) => u.includes('/node_modules/better-sqlite3/lib/database.js'))).toBe(true);
    expect(second.filter((u) => u.includes('/node_modules/pino'))).toEqual([]);
    const bundledPackages = /\/node_modules\/(zod|commander|luxon|dotenv|fastify-type-provider-zod)\//;
    expect(second.filter((u) => bundledPackages.test(u))).toEqual([]);
    // zod's messages in English only: its other 60-odd languages were half of its code, parsed
    // at every start (esbuild marks each bundled file with a `// node_modules/...` comment).
    const locales = new Set<string>();
    for (const u of ours) {
      for (const m of readFileSync(new URL(u), 'utf8').matchAll(
        /^\/\/ node_modules\/zod\/v4\/locales\/([\w-]+)\.js$/gm,
      )) {
        locales.add(m[1] as string);
      }
    }
    expect([...locales]).toEqual(['en']);
  }, 120_000);
});

/**
 * A strategy file's hook budget (`engine.hook_timeout_ms`) on a `momentic worker`: the trial whose
 * onBar never returns fails alone with STRATEGY_HOOK_TIMEOUT, once (not retried as a crash), the
 * other trial of the sweep is stored as it runs, and the same worker process goes on taking trials.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { REPO } from '../../support/paths.js';
import { freshSchema, query, REDIS_URL, spawnCli, stop, unique, type Spawned } from './queue-harness.js';

// k = 2 loops forever in its first onBar; k = 1 buys on its first bar and holds.
const STRATEGY = [
  "import { defineStrategy, type Strategy } from 'momentic';",
  "import { z } from 'zod';",
  '',
  'export default defineStrategy({',
  "  name: 'sometimes-stuck',",
  '  params: z.object({ k: z.number().default(1) }),',
  '  create: (p): Strategy => {',
  '    let bought = false;',
  '    return {',
  "    name: 'sometimes-stuck',",
  '    onBar(ctx, bar) {',
  '      let n = 0;',
  '      while (p.k === 2) n++;',
  '      if (!bought) ctx.buy(bar.symbol, 10);',
  '      bought = true;',
  '    },',
  '    };',
  '  },',
  '});',
  '',
].join('\n');

describe('the hook budget on a queue worker', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  let dir: string;
  const procs: Spawned[] = [];
  beforeAll(async () => {
    db = await freshSchema();
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
    mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.test-tmp', 'queue-hook-'));
    writeFileSync(join(dir, 'stuck.ts'), STRATEGY);
  });
  afterAll(async () => {
    await Promise.all(procs.map(stop));
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the overrunning trial alone, with the reason, and the worker survives', { timeout: 300_000 }, async () => {
    const home = tempDir('momentic-queue-hook-');
    const env = {
      MOMENTIC_DATABASE_URL: db.url,
      MOMENTIC_REDIS_URL: REDIS_URL,
      MOMENTIC_EXECUTION__QUEUE_NAME: unique('hook'),
      MOMENTIC_ENGINE__HOOK_TIMEOUT_MS: '500',
      MOMENTIC_LOG_LEVEL: 'info',
    };
    const file = join(dir, 'stuck.ts');
    const period = ['--symbols', 'ZNTX', '--start', '2016-01-04', '--end', '2016-06-30'];
    const worker = spawnCli(['--home', home, 'worker', '--concurrency', '1'], env, dir);
    procs.push(worker);
    await worker.waitFor(/takes trials from queue/);
    const sweep = (name: string, k: string): Spawned =>
      spawnCli(['--home', home, 'sweep', '--strategy', file, ...period, '--param', `k=${k}`, '--queue', '--name', name], env, dir); // prettier-ignore
    const first = sweep('hk1', '2,1');
    expect(await first.exited, first.output()).toBe(0);
    const csv = readFileSync(join(home, 'data', 'results', 'sweeps', 'hk1', 'trials.csv'), 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    const stuck = lines.find((l) => l.includes('STRATEGY_HOOK_TIMEOUT'));
    expect(stuck, csv).toBeDefined();
    expect(stuck).toContain('onBar');
    // The other trial ran to its end: it is not failed.
    expect(lines.filter((l) => l.includes('STRATEGY_HOOK_TIMEOUT') || /failed/.test(l))).toHaveLength(1);
    const rows = await query<{ ok: number; error: string | null; attempts: number }>(
      db.url,
      'select ok, error, attempts from trial_results order by seq',
    );
    expect(rows).toHaveLength(2);
    const bad = rows.filter((r) => Number(r.ok) === 0);
    expect(bad).toHaveLength(1);
    // Stored by the worker at its first attempt: an overrun is an outcome, not a crash to retry.
    expect(Number(bad[0]?.attempts)).toBe(1);
    expect(bad[0]?.error).toMatch(/^STRATEGY_HOOK_TIMEOUT: .*onBar/);
    // The same worker process takes the next sweep's trial.
    expect(worker.child.exitCode).toBeNull();
    const second = sweep('hk2', '1,3');
    expect(await second.exited, second.output()).toBe(0);
    // k = 1 is the first sweep's trial (same run, params, data, code: its stored result is
    // shared); k = 3 is new, and the same worker process ran it.
    const after = await query<{ ok: number; worker: string }>(
      db.url,
      'select ok, worker from trial_results order by seq',
    );
    expect(after.map((r) => Number(r.ok)).sort()).toEqual([0, 1, 1]);
    expect(new Set(after.map((r) => r.worker)).size).toBe(1);
    expect(worker.child.exitCode).toBeNull();
  });
});

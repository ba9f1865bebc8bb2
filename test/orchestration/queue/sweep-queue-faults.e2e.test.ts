/**
 * Queued sweeps under faults, on the machine's PostgreSQL and Redis (a private redis-server for
 * FLUSHALL, which would wipe other runs' keys on the shared one): status and cancel, a poisoned
 * trial failing after its attempts, a worker of another code version refusing trials while a
 * worker without the data waits for it, and a flushed queue refilled with only the missing trials.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../support/cli.js';
import { REPO } from '../../support/paths.js';
import { freshSchema, privateRedis, query, REDIS_URL, spawnCli, stop, unique, type Spawned } from './queue-harness.js';

const PERIOD = ['--symbols', 'ZNTX', '--start', '2016-01-04', '--end', '2016-12-30'];
// fast 2..7 x slow 30, 40: 12 combinations, all valid.
const SMALL = ['sweep', '--strategy', 'sma-cross', ...PERIOD, '--param', 'fast=2..7:1', '--param', 'slow=30..40:10'];
// The same 12 combinations' shape on other params: trials no earlier test of this file stored (the
// ledger is shared by the file's tests, and a trial already stored is never queued again).
const OTHER = ['sweep', '--strategy', 'sma-cross', ...PERIOD, '--param', 'fast=8..13:1', '--param', 'slow=50..60:10'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('queued sweeps under faults', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const procs: Spawned[] = [];
  const track = (s: Spawned): Spawned => {
    procs.push(s);
    return s;
  };
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map(stop));
  });
  afterAll(async () => {
    await db.drop();
  });
  const envOf = (queue: string, redis = REDIS_URL): Record<string, string> => ({
    MOMENTIC_DATABASE_URL: db.url,
    MOMENTIC_REDIS_URL: redis,
    MOMENTIC_EXECUTION__QUEUE_NAME: queue,
    MOMENTIC_LOG_LEVEL: 'info',
  });
  const storedOf = async (sweep: string): Promise<{ ok: number; failed: number }> => {
    const rows = await query<{ ok: number | null }>(
      db.url,
      `select r.ok from queue_sweep_trials m join trial_results r on r.trial_id = m.trial_id where m.sweep_id = '${sweep}'`,
    );
    return { ok: rows.filter((r) => r.ok === 1).length, failed: rows.filter((r) => r.ok === 0).length };
  };

  it('execution.queue: redis in a config file reaches the sweep (it asks for Redis), and a bad value names the key', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'queue.yaml'), 'execution:\n  queue: redis\n');
    const r = await cli(['--home', home, '--config', join(home, 'queue.yaml'), ...SMALL]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('momentic sweep --queue needs Redis, and redis.url is empty');
    writeFileSync(join(home, 'bad.yaml'), 'execution:\n  queue: cloud\n');
    const bad = await cli(['--home', home, '--config', join(home, 'bad.yaml'), ...SMALL]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('execution.queue');
  });

  it(
    'status shows the queued trials and cancel stops the submitter; a rerun resumes',
    { timeout: 180_000 },
    async () => {
      const home = tempDir();
      const env = envOf(unique('cancel'));
      const submit = track(spawnCli(['--home', home, ...SMALL, '--queue', '--name', 'c1'], env));
      await submit.waitFor(/12 trials queued/);
      const s = await cli(['--home', home, '--json', 'sweep', 'status', 'c1'], { env });
      expect(s.code, s.stderr).toBe(0);
      const status = JSON.parse(s.stdout) as { pending: number; done: number; queue: Record<string, number> };
      expect(status).toMatchObject({ pending: 12, done: 0, queue: { waiting: 12 } });
      const c = await cli(['--home', home, 'sweep', 'cancel', 'c1'], { env });
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toContain('sweep c1 cancelled: 12 queued trials removed, 0 running');
      expect(await submit.exited).toBe(2);
      expect(submit.output()).toContain('sweep c1 was cancelled');
      const after = JSON.parse((await cli(['--home', home, '--json', 'sweep', 'status', 'c1'], { env })).stdout) as {
        sweep: { status: string };
        queue: Record<string, number>;
      };
      expect(after.sweep.status).toBe('cancelled');
      expect(after.queue).toEqual({ missing: 12 });
      const unknown = await cli(['--home', home, 'sweep', 'status', 'nope'], { env });
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain('no queued sweep nope in the ledger');
      // Run again with a worker: the same sweep resumes and finishes.
      track(spawnCli(['--home', home, 'worker', '--concurrency', '1'], env));
      const again = track(spawnCli(['--home', home, ...SMALL, '--queue', '--name', 'c1'], env));
      expect(await again.exited, again.output()).toBe(0);
      expect(await storedOf('c1')).toEqual({ ok: 12, failed: 0 });
    },
  );

  it(
    'a trial that kills its worker process fails after its attempts with the error; the sweep completes',
    { timeout: 180_000 },
    async () => {
      // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
      mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
      const dir = mkdtempSync(join(REPO, '.test-tmp', 'poison-'));
      try {
        writeFileSync(
          join(dir, 'poison.ts'),
          [
            "import { defineStrategy, type Strategy } from 'momentic';",
            "import { z } from 'zod';",
            'export default defineStrategy({',
            "  name: 'poison',",
            '  params: z.object({ k: z.number().default(1) }),',
            '  create: (p): Strategy => ({',
            "    name: 'poison',",
            '    onBar(ctx, bar) {',
            '      // k = 3 kills the worker process running it (a child of the CLI, which talks to it over',
            '      // IPC): a crash, not an error the trial could report.',
            '      if (p.k === 3 && process.send !== undefined) process.exit(7);',
            '      if (!ctx.hasOpenOrders(bar.symbol) && ctx.portfolio.qty(bar.symbol) === 0) ctx.buy(bar.symbol, 1);',
            '    },',
            '  }),',
            '});',
            '',
          ].join('\n'),
        );
        const home = tempDir();
        const env = { ...envOf(unique('poison')), MOMENTIC_EXECUTION__ATTEMPTS: '2' };
        const w = track(spawnCli(['--home', home, 'worker', '--concurrency', '1'], env, dir));
        const args = [
          '--home',
          home,
          'sweep',
          '--strategy',
          './poison.ts',
          ...PERIOD,
          '--param',
          'k=1..4:1',
          '--name',
          'p1',
        ];
        const r = track(spawnCli([...args, '--queue'], env, dir));
        expect(await r.exited, r.output()).toBe(0);
        expect(await storedOf('p1')).toEqual({ ok: 3, failed: 1 });
        const csv = readFileSync(join(home, 'data', 'results', 'sweeps', 'p1', 'trials.csv'), 'utf8');
        const poisoned = csv.split('\n').find((l) => l.startsWith('2,'));
        expect(poisoned).toMatch(/^2,3,failed,.*crashed 2 times: .*exit.* 7/);
        expect(w.output()).toMatch(/trial crashed \(attempt 1 of 2\)/);
        expect(w.output()).toMatch(/trial crashed \(attempt 2 of 2\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'a worker of another code version refuses; a worker without the data waits, then runs when it arrives',
    { timeout: 240_000 },
    async () => {
      const home = tempDir();
      const bare = tempDir();
      const env = envOf(unique('version'));
      const other = track(
        spawnCli(['--home', home, 'worker', '--concurrency', '1'], {
          ...env,
          MOMENTIC_EXECUTION__CODE_VERSION: 'other-build',
        }),
      );
      const waiting = track(spawnCli(['--home', bare, 'worker', '--concurrency', '1'], env));
      await Promise.all([other, waiting].map((w) => w.waitFor(/takes trials from queue/)));
      const submit = track(spawnCli(['--home', home, ...OTHER, '--queue', '--name', 'v1'], env));
      await other.waitFor(/refusing trials of sweep v1: they need code version 0\.1\.0, this worker runs other-build/);
      await waiting.waitFor(/waiting for data: .*ZNTX.* is missing/);
      await sleep(2000);
      expect(await storedOf('v1')).toEqual({ ok: 0, failed: 0 });
      // The data arrives on the waiting worker's machine: it takes the trials.
      cpSync(join(home, 'data', 'raw'), join(bare, 'data', 'raw'), { recursive: true });
      expect(await submit.exited, submit.output()).toBe(0);
      const workers = await query<{ worker: string }>(
        db.url,
        `select distinct r.worker from queue_sweep_trials m join trial_results r on r.trial_id = m.trial_id where m.sweep_id = 'v1'`,
      );
      expect(workers.map((w) => w.worker)).toEqual([expect.stringMatching(new RegExp(`:${waiting.child.pid}$`))]);
      expect(await storedOf('v1')).toEqual({ ok: 12, failed: 0 });
    },
  );

  it(
    'FLUSHALL mid-sweep: the submitter reports the lost queue and queues again only the missing trials',
    { timeout: 240_000 },
    async () => {
      const redis = await privateRedis();
      try {
        const home = tempDir();
        const env = envOf(unique('flush'), redis.url);
        // 6 x 5 = 30 combinations over two years: slow enough to flush in the middle.
        const args = [
          '--home',
          home,
          'sweep',
          '--strategy',
          'sma-cross',
          '--symbols',
          'ZNTX',
          '--start',
          '2016-01-04',
          '--end',
          '2017-12-29',
          '--param',
          'fast=2..7:1',
          '--param',
          'slow=30..70:10',
          '--name',
          'f1',
          '--queue',
        ];
        const submit = track(spawnCli(args, env));
        await submit.waitFor(/30 trials queued/);
        track(spawnCli(['--home', home, 'worker', '--concurrency', '1'], env));
        while ((await storedOf('f1')).ok < 5) await sleep(50);
        execFileSync('redis-cli', ['-p', String(redis.port), 'FLUSHALL']);
        await submit.waitFor(/the queue was lost/);
        expect(await submit.exited, submit.output()).toBe(0);
        const m = /(\d+) trials are neither in the queue nor in the ledger \(queue lost\); queued again/.exec(
          submit.output(),
        );
        expect(m).not.toBeNull();
        const requeued = Number(m?.[1]);
        expect(requeued).toBeGreaterThan(0);
        expect(requeued).toBeLessThanOrEqual(25);
        const rows = await query<{ n: string; d: string }>(
          db.url,
          `select count(*) as n, count(distinct r.trial_id) as d from queue_sweep_trials m join trial_results r on r.trial_id = m.trial_id where m.sweep_id = 'f1'`,
        );
        expect(rows[0]).toEqual({ n: '30', d: '30' });
      } finally {
        await redis.close();
      }
    },
  );
});

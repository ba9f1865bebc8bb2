/**
 * A walk-forward through the machine's Redis and PostgreSQL with two `momentic worker`
 * processes: the sweep's trials, every fold's in-sample trials and the out-of-sample fold runs
 * are jobs the workers share, each stored once, and the walk-forward's files (folds, out-of-sample
 * equity and returns, summary, report) are byte-identical to the same walk-forward run locally
 * on one thread. Run again, it finds every trial in the ledger and queues none. A worker of
 * another code version refuses the walk-forward's trials and stores nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { freshSchema, query, REDIS_URL, spawnCli, stop, unique, type Spawned } from './queue-harness.js';

// fast 5..20:5 x slow 30..60:10 = 16 combinations over four years; folds train 252, test and
// step 126 sessions: 6 folds (the local walk-forward test counts them), 96 in-sample trials.
const WALK = [
  'walkforward',
  '--strategy',
  'sma-cross',
  '--symbols',
  'ZNTX,VXLY',
  '--start',
  '2016-01-04',
  '--end',
  '2019-12-31',
  '--param',
  'fast=5..20:5',
  '--param',
  'slow=30..60:10',
  '--objective',
  'total_return',
  '--train',
  '252',
  '--test',
  '126',
  '--step',
  '126',
  // Gates the run passes or fails alike on both sides; the exit code is compared, not fixed.
  '--gate',
  'trades>=1',
];

const FILES = ['folds.csv', 'oos-equity.csv', 'summary.json', 'report.html'];

const walkDir = (home: string): string => {
  const root = join(home, 'data', 'results', 'walkforward');
  const [only] = readdirSync(root);
  return join(root, only as string);
};

describe('a walk-forward through the queue on two worker processes', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const spawned: Spawned[] = [];
  const track = (s: Spawned): Spawned => {
    spawned.push(s);
    return s;
  };
  const home = tempDir('momentic-wfq-');
  const queue = unique('wfq');
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await freshSchema();
    env = {
      MOMENTIC_DATABASE_URL: db.url,
      MOMENTIC_REDIS_URL: REDIS_URL,
      MOMENTIC_EXECUTION__QUEUE_NAME: queue,
      MOMENTIC_LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await Promise.all(spawned.map(stop));
    await db?.drop();
  });

  it('shares the trials, stores each once and writes the files of a local run', { timeout: 240_000 }, async () => {
    const workers = [0, 1].map(() => track(spawnCli(['--home', home, 'worker', '--concurrency', '1'], env)));
    await Promise.all(workers.map((w) => w.waitFor(/takes trials from queue/)));
    const submit = track(spawnCli(['--home', home, ...WALK, '--queue'], env));
    const code = await submit.exited;
    expect([0, 5], submit.output()).toContain(code);
    expect(submit.output()).toMatch(/walk-forward walkforward-[0-9a-f]{12}: 96 trials queued/);

    const batches = await query<{ id: string; status: string; total: number }>(
      db.url,
      `select id, status, total from queue_sweeps where id like 'walkforward-%'`,
    );
    expect(batches).toHaveLength(1);
    const wf = batches[0] as { id: string; status: string; total: number };
    // 6 folds x (16 in-sample trials + 1 out-of-sample run).
    expect(wf).toMatchObject({ status: 'finished', total: 6 * 17 });
    const rows = await query<{ trial_id: string; n: string }>(
      db.url,
      `select m.trial_id, count(r.seq) as n from queue_sweep_trials m left join trial_results r on r.trial_id = m.trial_id where m.sweep_id = '${wf.id}' group by m.trial_id`,
    );
    // Every fold had a winner (the local test's folds all trade): 96 + 6 distinct trials, once each.
    expect(rows).toHaveLength(102);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const byWorker = await query<{ worker: string }>(
      db.url,
      `select distinct r.worker from queue_sweep_trials m join trial_results r on r.trial_id = m.trial_id where m.sweep_id = '${wf.id}'`,
    );
    expect(byWorker.map((w) => w.worker).sort()).toEqual(
      workers.map((w) => expect.stringMatching(new RegExp(`:${w.child.pid}$`))).sort(),
    );

    // The same walk-forward (and its sweep) on this machine's one thread: no queue, no database.
    const local = tempDir('momentic-wf-local-');
    const ref = spawnCli(['--home', local, ...WALK, '--workers', '1'], { MOMENTIC_LOG_LEVEL: 'warn' });
    expect(await ref.exited, ref.output()).toBe(code);
    const dir = walkDir(home);
    const refDir = walkDir(local);
    expect(dir.slice(home.length)).toBe(refDir.slice(local.length));
    expect(readdirSync(dir).sort()).toEqual(readdirSync(refDir).sort());
    for (const f of FILES) expect(readFileSync(join(dir, f)).equals(readFileSync(join(refDir, f))), f).toBe(true);
    // The out-of-sample folds closed trades, which only the stored round trips give the submitter.
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: { trades: number } };
    expect(summary.metrics.trades).toBeGreaterThan(0);

    // Run again, through the queue by config this time: the same ids, all in the ledger, nothing
    // queued, nothing stored twice.
    const before = await query<{ n: string }>(db.url, 'select count(*) as n from trial_results');
    const again = track(spawnCli(['--home', home, ...WALK], { ...env, MOMENTIC_EXECUTION__QUEUE: 'redis' }));
    expect(await again.exited, again.output()).toBe(code);
    expect(again.output()).toMatch(/walk-forward walkforward-[0-9a-f]{12}: 0 trials queued/);
    expect(await query<{ n: string }>(db.url, 'select count(*) as n from trial_results')).toEqual(before);
    for (const f of FILES) expect(readFileSync(join(dir, f)).equals(readFileSync(join(refDir, f))), f).toBe(true);
    await Promise.all(workers.map(stop));
  });

  it(
    'a worker of another code version refuses the walk-forward trials and stores none',
    { timeout: 120_000 },
    async () => {
      const other = track(
        spawnCli(['--home', home, 'worker', '--concurrency', '1'], {
          ...env,
          MOMENTIC_EXECUTION__CODE_VERSION: 'other-build',
        }),
      );
      await other.waitFor(/takes trials from queue/);
      // Another fold layout of the recorded sweep: trials the ledger does not hold yet.
      const sweepId = readdirSync(join(home, 'data', 'results', 'sweeps'))[0] as string;
      const submit = track(
        spawnCli(
          [
            '--home',
            home,
            'walkforward',
            '--sweep',
            sweepId,
            '--train',
            '200',
            '--test',
            '100',
            '--step',
            '100',
            '--queue',
          ],
          env,
        ),
      );
      await other.waitFor(
        /refusing trials of walk-forward walkforward-[0-9a-f]{12}: they need code version 0\.1\.0, this worker runs other-build/,
      );
      await new Promise((r) => setTimeout(r, 2500));
      const mine = await query<{ n: string }>(
        db.url,
        `select count(*) as n from trial_results where worker like '%:${other.child.pid}' or code_version = 'other-build'`,
      );
      expect(mine).toEqual([{ n: '0' }]);
      // A worker of the submitter's version takes them (the refused ones come back within 2 s):
      // the walk-forward finishes.
      await stop(other);
      track(spawnCli(['--home', home, 'worker', '--concurrency', '1'], env));
      expect([0, 5], submit.output()).toContain(await submit.exited);
      expect(
        await query<{ n: string }>(
          db.url,
          `select count(*) as n from trial_results where worker like '%:${other.child.pid}'`,
        ),
      ).toEqual([{ n: '0' }]);
    },
  );
});

/**
 * A 200-trial sweep through the machine's Redis and PostgreSQL with three `momentic worker`
 * processes, one of them killed with SIGKILL mid-run and started again: every trial is stored
 * exactly once, and the sweep's files (trials, returns, summary, report) are byte-identical to the
 * same sweep run locally on one thread.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { freshSchema, query, REDIS_URL, spawnCli, stop, unique, type Spawned } from './queue-harness.js';

// fast 2..21 (20 values) x slow 30..75:5 (10 values) = 200 combinations, all valid (slow > fast).
const SWEEP = [
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
  'fast=2..21:1',
  '--param',
  'slow=30..75:5',
  '--name',
  'q200',
];

const FILES = ['sweep.json', 'trials.jsonl', 'returns.f64', 'trials.csv', 'returns.csv', 'summary.json', 'report.html'];

describe('a sweep through the queue on three worker processes, one killed', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const workers: Spawned[] = [];
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await Promise.all(workers.map(stop));
    await db.drop();
  });

  it('stores all 200 trials once and writes the files of a local run', { timeout: 600_000 }, async () => {
    const home = tempDir('momentic-queue-');
    const local = tempDir('momentic-local-');
    const env = {
      MOMENTIC_DATABASE_URL: db.url,
      MOMENTIC_REDIS_URL: REDIS_URL,
      MOMENTIC_EXECUTION__QUEUE_NAME: unique('e2e'),
      MOMENTIC_LOG_LEVEL: 'info',
    };
    const start = (): Spawned => {
      const w = spawnCli(['--home', home, 'worker', '--concurrency', '1'], env);
      workers.push(w);
      return w;
    };
    const [first] = [start(), start(), start()];
    await Promise.all(workers.map((w) => w.waitFor(/takes trials from queue/)));
    const submit = spawnCli(['--home', home, ...SWEEP, '--queue'], env);
    const stored = async (): Promise<number> =>
      Number((await query<{ n: string }>(db.url, 'select count(*) as n from trial_results'))[0]?.n);
    while ((await stored()) < 30) await new Promise((r) => setTimeout(r, 100));
    // Mid-run, mid-trial (it takes one trial after another): its job's lock lapses, and a
    // stalled check of another worker puts the job back for anyone.
    first?.child.kill('SIGKILL');
    await first?.exited;
    start();
    const code = await submit.exited;
    expect(code, submit.output()).toBe(0);

    const rows = await query<{ trial_id: string; n: string }>(
      db.url,
      'select m.trial_id, count(r.seq) as n from queue_sweep_trials m left join trial_results r on r.trial_id = m.trial_id group by m.trial_id',
    );
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const byWorker = await query<{ worker: string; n: string }>(
      db.url,
      'select worker, count(*) as n from trial_results group by worker',
    );
    // The killed worker stored trials before its death; at least one other worker took over.
    expect(byWorker.length).toBeGreaterThanOrEqual(2);
    const dir = join(home, 'data', 'results', 'sweeps', 'q200');
    const lines = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { index: number }).index)).size).toBe(200);
    expect(submit.output()).toContain('q200');

    // The same sweep on this machine's one thread, no queue, no database.
    const ref = spawnCli(['--home', local, ...SWEEP, '--workers', '1'], { MOMENTIC_LOG_LEVEL: 'warn' });
    expect(await ref.exited, ref.output()).toBe(0);
    const refDir = join(local, 'data', 'results', 'sweeps', 'q200');
    expect(readdirSync(dir).sort()).toEqual(readdirSync(refDir).sort());
    for (const f of FILES) expect(readFileSync(join(dir, f)).equals(readFileSync(join(refDir, f))), f).toBe(true);
  });
});

/**
 * A sweep over a run file naming `universe: core`, through the machine's Redis and PostgreSQL
 * queue with two `momentic worker` processes (each rebuilding the membership from the universe
 * files of its `--home`), writes the same files, byte for byte, as the same sweep run locally on
 * one thread. Its own queue name and PostgreSQL schema: other tests' queues are not touched.
 * Needs `npm run build` (the workers are bin/momentic.js).
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshSchema,
  query,
  REDIS_URL,
  spawnCli,
  stop,
  unique,
  type Spawned,
} from '../orchestration/queue/queue-harness.js';
import { tempDir } from '../support/cli.js';
import { builtUniverse } from './built-universe.js';

const FILES = ['sweep.json', 'trials.jsonl', 'returns.f64', 'trials.csv', 'returns.csv', 'summary.json', 'report.html'];

describe('a universe sweep through the queue on two worker processes', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const workers: Spawned[] = [];
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await Promise.all(workers.map(stop));
    await db.drop();
  });

  it('writes the files of the local sweep', { timeout: 600_000 }, async () => {
    const { home: built } = await builtUniverse();
    // Two copies of one workspace (bars, reference data, built universe): one sweeps locally, the
    // other through the queue, so both sweeps have the same name and no ledger in common.
    const local = tempDir('momentic-uni-local-');
    const queued = tempDir('momentic-uni-queue-');
    cpSync(built, local, { recursive: true });
    cpSync(built, queued, { recursive: true });
    const body =
      'strategy: sma-cross\nparams: { fast: 5, slow: 20 }\nuniverse: core\n' +
      'timeframe: 1d\nstart: 2020-04-01\nend: 2020-12-31\ncash: 100000\n';
    for (const h of [local, queued]) writeFileSync(join(h, 'run.yaml'), body);
    const sweep = (h: string) => ['--home', h, 'sweep', '--config', join(h, 'run.yaml'), '--param', 'fast=3..9:2', '--param', 'slow=15..25:5', '--name', 'uq']; // prettier-ignore

    const ref = spawnCli([...sweep(local), '--workers', '1'], { MOMENTIC_LOG_LEVEL: 'warn' });
    expect(await ref.exited, ref.output()).toBe(0);

    const env = {
      MOMENTIC_DATABASE_URL: db.url,
      MOMENTIC_REDIS_URL: REDIS_URL,
      MOMENTIC_EXECUTION__QUEUE_NAME: unique('uni'),
      MOMENTIC_LOG_LEVEL: 'info',
    };
    for (let i = 0; i < 2; i++) workers.push(spawnCli(['--home', queued, 'worker', '--concurrency', '1'], env));
    await Promise.all(workers.map((w) => w.waitFor(/takes trials from queue/)));
    const submit = spawnCli([...sweep(queued), '--queue'], env);
    expect(await submit.exited, submit.output()).toBe(0);

    // Every trial was run by a worker process and stored once in PostgreSQL.
    const stored = await query<{ worker: string; n: string }>(
      db.url,
      'select worker, count(*) as n from trial_results group by worker',
    );
    expect(stored.reduce((t, r) => t + Number(r.n), 0)).toBe(12);
    expect(stored.every((r) => r.worker !== '')).toBe(true);
    const dir = join(queued, 'data', 'results', 'sweeps', 'uq');
    const refDir = join(local, 'data', 'results', 'sweeps', 'uq');
    // 4 x 3 trials, each trading the universe point in time.
    expect(readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
    expect(readdirSync(dir).sort()).toEqual(readdirSync(refDir).sort());
    for (const f of FILES) expect(readFileSync(join(dir, f)).equals(readFileSync(join(refDir, f))), f).toBe(true);
  });
});

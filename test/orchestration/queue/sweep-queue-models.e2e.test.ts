/**
 * A queued sweep of `ml-signal` naming a registry model (`model=sig@production`): the submitter
 * pins the version before the trials, the job carries the pin, and a `momentic worker` reads the
 * artifact by id from the shared PostgreSQL ledger: the trials equal those of the same artifact
 * read from a file in a local sweep. Needs the machine's Redis and PostgreSQL and `npm run build`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/ledger.js';
import { tempDir } from '../../support/cli.js';
import { freshSchema, REDIS_URL, spawnCli, stop, unique, type Spawned } from './queue-harness.js';
import { modelVersion, oneSplit } from '../../support/registry-models.js';

/** One split on ret_1d: P(up) = sigmoid(+-leaf) above 0 and at or below it. */

const version = (artifact: string, createdAt: number) => modelVersion('sig', artifact, createdAt);
const UP = oneSplit(Math.log(4));
const DOWN = oneSplit(-Math.log(4));
const SWEEP = ['sweep', '--strategy', 'ml-signal', '--symbols', 'ZNTX', '--start', '2016-01-04', '--end', '2017-12-29', '--param', 'threshold=0.6,0.65,0.7', '--param', 'allowShort=true']; // prettier-ignore

/** trials.csv without the model column. */
function metricsOf(dir: string): string[] {
  const [head, ...rows] = readFileSync(join(dir, 'trials.csv'), 'utf8').trimEnd().split('\n');
  const keep = head!
    .split(',')
    .map((c, i) => (c === 'model' ? -1 : i))
    .filter((i) => i >= 0);
  return rows.map((r) => keep.map((i) => r.split(',')[i]).join(','));
}

describe('a queued sweep of a registered model', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const workers: Spawned[] = [];
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await Promise.all(workers.map(stop));
    await db.drop();
  });

  it('scores on the workers the version pinned before the trials', { timeout: 300_000 }, async () => {
    const home = tempDir('momentic-queue-models-');
    const local = tempDir('momentic-local-models-');
    const ledger = await createLedger({ database: { url: db.url } }, home);
    try {
      await ledger.registerModel(version(UP, 1_000));
      await ledger.registerModel(version(DOWN, 2_000));
      await ledger.setModelStage('sig-v1', { to: 'production', at: 3_000, actor: 'test' });
    } finally {
      await ledger.close();
    }
    const env = {
      MOMENTIC_DATABASE_URL: db.url,
      MOMENTIC_REDIS_URL: REDIS_URL,
      MOMENTIC_EXECUTION__QUEUE_NAME: unique('models'),
      MOMENTIC_LOG_LEVEL: 'info',
    };
    const w = spawnCli(['--home', home, 'worker', '--concurrency', '1'], env);
    workers.push(w);
    await w.waitFor(/takes trials from queue/);
    const submit = spawnCli(['--home', home, ...SWEEP, '--param', 'model=sig@production', '--name', 'qm', '--queue'], env); // prettier-ignore
    expect(await submit.exited, submit.output()).toBe(0);
    const dir = join(home, 'data', 'results', 'sweeps', 'qm');
    const def = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as {
      models?: Record<string, { id: string }>;
    };
    expect(def.models?.['sig@production']?.id).toBe('sig-v1');

    const up = join(local, 'up.json');
    const down = join(local, 'down.json');
    writeFileSync(up, UP);
    writeFileSync(down, DOWN);
    const ref = spawnCli(['--home', local, ...SWEEP, '--param', `model=${up}`, '--name', 'up', '--workers', '1'], { MOMENTIC_LOG_LEVEL: 'warn' }); // prettier-ignore
    expect(await ref.exited, ref.output()).toBe(0);
    const other = spawnCli(['--home', local, ...SWEEP, '--param', `model=${down}`, '--name', 'down', '--workers', '1'], { MOMENTIC_LOG_LEVEL: 'warn' }); // prettier-ignore
    expect(await other.exited, other.output()).toBe(0);
    const sweeps = join(local, 'data', 'results', 'sweeps');
    expect(metricsOf(dir)).toEqual(metricsOf(join(sweeps, 'up')));
    expect(metricsOf(dir)).not.toEqual(metricsOf(join(sweeps, 'down')));
  });
});

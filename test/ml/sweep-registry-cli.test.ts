/**
 * `momentic sweep --strategy ml-signal --param model=NAME@production`: the registry reference is
 * resolved once, before the trials, as `momentic backtest` resolves it; sweep.json records the
 * version and its artifact's sha256, every trial (in this thread or on worker threads) scores that
 * artifact exactly as a sweep of the same artifact read from a file, a promotion in between makes
 * another sweep (another id) rather than resuming with another model, and a walk-forward of the
 * recorded sweep still scores the pinned version after the promotion. Through the CLI.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/store/ledger.js';
import { cli, tempDir } from '../support/cli.js';
import { modelVersion as version, oneSplit } from '../support/registry-models.js';

/** One split on ret_1d: P(up) = sigmoid(+-leaf) above 0 and at or below it. */

// v1 follows the last bar's move, v2 goes against it: which one a trial scored shows in its metrics.
const UP = oneSplit(Math.log(4));
const DOWN = oneSplit(-Math.log(4));
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

interface SweepJson {
  sweep_id: string;
  dir: string;
}

/** trials.csv without its params column: the metrics of each combination, in order. */
function metricsOf(dir: string): string[] {
  const [head, ...rows] = readFileSync(join(dir, 'trials.csv'), 'utf8').trimEnd().split('\n');
  const cols = head!.split(',');
  const keep = cols.map((c, i) => (c === 'model' || c === 'params' || c === 'key' ? -1 : i)).filter((i) => i >= 0);
  return rows.map((r) => {
    const cells = r.split(',');
    return keep.map((i) => cells[i]).join(',');
  });
}

describe('sweep and walk-forward resolve registry models before the trials', () => {
  const home = tempDir('momentic-sweep-registry-');
  const run = (argv: string[]) => cli(['--home', home, ...argv], { cwd: home });
  const data = ['--symbols', 'ZNTX,VXLY', '--start', '2017-01-03', '--end', '2018-12-31'];
  const grid = ['--strategy', 'ml-signal', '--param', 'threshold=0.6,0.7', '--param', 'allowShort=true'];
  const upFile = join(home, 'up.json');
  const downFile = join(home, 'down.json');

  beforeAll(async () => {
    const init = await run(['--init', 'data', 'fetch', '--provider', 'synthetic', ...data]);
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(upFile, UP);
    writeFileSync(downFile, DOWN);
    const ledger = await createLedger({ database: { url: '' } }, home);
    try {
      await ledger.registerModel(version('sig', UP, 1_000));
      await ledger.registerModel(version('sig', DOWN, 2_000));
      await ledger.setModelStage('sig-v1', { to: 'production', at: 3_000, actor: 'test' });
    } finally {
      await ledger.close();
    }
  }, 120_000);

  const sweep = async (model: string, workers = '1'): Promise<SweepJson> => {
    const r = await run(['--json', 'sweep', ...grid, '--param', `model=${model}`, ...data, '--workers', workers]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as SweepJson;
  };

  it(
    'pins NAME@production in sweep.json and scores it exactly as the artifact from a file',
    { timeout: 180_000 },
    async () => {
      const byName = await sweep('sig@production');
      const def = JSON.parse(readFileSync(join(byName.dir, 'sweep.json'), 'utf8')) as { models?: unknown };
      expect(def.models).toEqual({ 'sig@production': { id: 'sig-v1', sha256: sha(UP) } });
      const fromFile = await sweep(upFile);
      const other = await sweep(downFile);
      expect(metricsOf(byName.dir)).toEqual(metricsOf(fromFile.dir));
      // The grid traded: the up and the down model differ, so equality above is not two empty runs.
      expect(metricsOf(byName.dir)).not.toEqual(metricsOf(other.dir));
      // On worker threads (the artifact crosses to them with the trial) the trials are the same.
      const threaded = await run(['--json', 'sweep', ...grid, '--param', 'model=sig@production', ...data, '--workers', '2', '--name', 'threaded']); // prettier-ignore
      expect(threaded.code, threaded.stderr).toBe(0);
      expect(metricsOf((JSON.parse(threaded.stdout) as SweepJson).dir)).toEqual(metricsOf(fromFile.dir));

      // Promote v2: the same command is another sweep now (its spec names another artifact), scoring v2.
      const ledger = await createLedger({ database: { url: '' } }, home);
      try {
        await ledger.setModelStage('sig-v2', { to: 'production', at: 4_000, actor: 'test' });
      } finally {
        await ledger.close();
      }
      const after = await sweep('sig@production');
      expect(after.sweep_id).not.toBe(byName.sweep_id);
      const def2 = JSON.parse(readFileSync(join(after.dir, 'sweep.json'), 'utf8')) as { models?: unknown };
      expect(def2.models).toEqual({ 'sig@production': { id: 'sig-v2', sha256: sha(DOWN) } });
      expect(metricsOf(after.dir)).toEqual(metricsOf(other.dir));

      // Walking the first sweep forward now still scores v1 (what its trials scored), as its file twin does.
      const wf = async (id: string): Promise<string> => {
        const r = await run(['--json', 'walkforward', '--sweep', id, '--train', '126', '--test', '63', '--step', '63', '--workers', '1']); // prettier-ignore
        expect([0, 5], r.stderr).toContain(r.code);
        return readFileSync(join((JSON.parse(r.stdout) as { dir: string }).dir, 'oos-equity.csv'), 'utf8');
      };
      const pinned = await wf(byName.sweep_id);
      expect(pinned).toBe(await wf(fromFile.sweep_id));
      expect(pinned).not.toBe(await wf(other.sweep_id));
    },
  );

  it('refuses a stage the registry lacks and an unknown name before any trial, with the fix', async () => {
    const bad = await run(['sweep', ...grid, '--param', 'model=sig@live', ...data, '--workers', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/model "sig@live" names stage "live", not a registry stage/);
    const unknown = await run(['sweep', ...grid, '--param', 'model=nosuch', ...data, '--workers', '1']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/LEDGER_NOT_FOUND/);
    expect(unknown.stderr).toMatch(/momentic ml ls/);
  });
});

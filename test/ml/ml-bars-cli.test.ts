/**
 * `ml train|cv|importance|predict` on the workspace's bars: the synthetic universe is generated
 * when missing (as backtest does), features are the features-build code's, and a registered
 * GBDT is scored by `ml predict --model ID` exactly as the artifact itself predicts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import { GbdtModel } from '../../src/ml/gbdt/model.js';
import { createLedger } from '../../src/store/index.js';
import { cli, tempDir } from '../support/cli.js';

const FLAGS = [
  '--symbols',
  'ZNTX,VXLY',
  '--start',
  '2019-01-01',
  '--end',
  '2021-12-31',
  '--features',
  'ret_1d,ret_5d,ret_20d,rsi_14,rvol_20',
  '--label',
  'fixed:h=5',
  '--cv',
  'kfold:3,embargo=0.02',
  '--model',
  'gbdt',
  '--param',
  'num_iterations=15',
];

describe('ml on the synthetic universe', () => {
  it('cv explains purges, train registers, predict and importance read the registry', { timeout: 60_000 }, async () => {
    const home = tempDir();
    const run = (argv: string[]) => cli(['--home', home, '--init', ...argv], { cwd: home });

    const cv = await run(['ml', 'cv', ...FLAGS, '--explain']);
    expect(cv.code, cv.stderr).toBe(0);
    // 5-bar labels overlap the next fold: purged before it, embargoed after it.
    expect(cv.stdout).toMatch(/purged +samples \d+-\d+ .*purged: their labels span/);
    expect(cv.stdout).toMatch(/embargoed samples \d+-\d+ .*embargoed:/);
    expect(cv.stdout).toContain('features: ret_1d, ret_5d, ret_20d, rsi_14, rvol_20');

    // On a terminal the splits tick a progress bar on stderr (done/total).
    const tty = await cli(['--home', home, 'ml', 'cv', ...FLAGS], { cwd: home, isTTY: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('3/3');

    const tr = await run(['ml', 'train', ...FLAGS, '--name', 'bars', '--json']);
    expect(tr.code, tr.stderr).toBe(0);
    const out = JSON.parse(tr.stdout) as { id: string; folds: { train: number; test: number; purged: number }[] };
    expect(out.id).toBe('bars-v1');
    expect(out.folds).toHaveLength(3);
    for (const f of out.folds) expect(f.purged).toBeGreaterThan(0);

    const ledger = await createLedger(DEFAULTS, home);
    const m = await ledger.getModel('bars-v1');
    await ledger.close();
    expect(m?.dataRange).toMatchObject({ kind: 'bars', symbols: ['ZNTX', 'VXLY'] });
    const model = GbdtModel.fromJSON(JSON.parse(m!.artifact));
    const rows = [
      [0.01, -0.02, 0.05, 55, 0.2],
      [-0.03, 0.01, -0.1, 30, 0.4],
      [0, 0, 0, 50, 0.1],
    ];
    writeFileSync(join(home, 'x.csv'), `${m!.features.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const pr = await run(['ml', 'predict', '--model', 'bars-v1', '--input', 'x.csv', '--format', 'json']);
    expect(pr.code, pr.stderr).toBe(0);
    const got = (JSON.parse(pr.stdout) as { probability: number }[]).map((r) => r.probability);
    expect(got).toEqual(Array.from(model.predict(Float64Array.from(rows.flat()))));

    const imp = await run(['ml', 'importance', 'bars-v1', '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    const feats = (JSON.parse(imp.stdout) as { features: { feature: string; mdi: number; mda: number }[] }).features;
    expect(feats.map((f) => f.feature).sort()).toEqual(['ret_1d', 'ret_20d', 'ret_5d', 'rsi_14', 'rvol_20']);
    expect(feats.reduce((a, f) => a + f.mdi, 0)).toBeCloseTo(1, 12);

    const unknown = await run(['ml', 'promote', 'nope-v3']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('LEDGER_NOT_FOUND');
  });
});

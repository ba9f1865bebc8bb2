/**
 * Walk-forward end to end on the synthetic universe: a sweep, then the folds: each fold's winner
 * is the train window's best (checked by running every combination on that window here), the
 * stitched out-of-sample series covers the test bars exactly once, and the gates set the exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { resolveSpec } from '../../../src/orchestration/backtest-job.js';
import { runBacktest } from '../../../src/orchestration/node.js';
import { loadRunData } from '../../../src/orchestration/run-data.js';
import { parseAxis } from '../../../src/orchestration/sweep/param-space.js';
import { runSweep } from '../../../src/orchestration/sweep/sweep-job.js';
import { runWalkForward, type WalkForwardResult } from '../../../src/orchestration/walkforward/walkforward-job.js';
import { parseFees, parseSlippage } from '../../../src/backtest/costs.js';
import { computeMetrics } from '../../../src/backtest/metrics.js';
import { cli, tempDir } from '../../support/cli.js';

describe('momentic walkforward', () => {
  const home = tempDir();
  const loaded = loadConfig({ home, env: {} });
  let sweepId: string;
  let wf: WalkForwardResult;

  beforeAll(async () => {
    const { spec } = resolveSpec(home, loaded.config, {
      strategy: 'sma-cross',
      symbols: ['ZNTX', 'VXLY'],
      start: '2016-01-04',
      end: '2019-12-31',
    });
    const s = await runSweep({
      home,
      config: loaded.config,
      env: {},
      spec,
      axes: [parseAxis('fast=5..15:10'), parseAxis('slow=20..40:20')],
      objective: 'total_return',
      workers: 1,
    });
    sweepId = s.id;
    wf = await runWalkForward({
      home,
      config: loaded.config,
      env: {},
      sweepId,
      folds: { train: 252, test: 126, step: 126, mode: 'rolling' },
      gates: [],
      workers: 1,
    });
  });

  it('tiles the bars after the first train window with test segments', () => {
    // 2016-01-04 .. 2019-12-31 is 1006 XNYS sessions: folds train-end at 252, 378, ..., 1008 > 1006: 6 folds.
    expect(wf.folds).toHaveLength(6);
    expect(wf.ts).toHaveLength(1006 - 252);
    // 2016 has 252 XNYS sessions: the first train window is 2016, the first test bar 2017's first session.
    expect(wf.folds[0]).toMatchObject({
      trainStartDate: '2016-01-04',
      trainEndDate: '2016-12-30',
      testStartDate: '2017-01-03',
    });
    expect(wf.returns.every(Number.isFinite)).toBe(true);
  });

  it('picks on each train window the combination with the best objective there', async () => {
    const { spec } = resolveSpec(home, loaded.config, {
      strategy: 'sma-cross',
      symbols: ['ZNTX', 'VXLY'],
      start: '2016-01-04',
      end: '2019-12-31',
    });
    const data = await loadRunData({ home, config: loaded.config, env: {}, spec });
    for (const f of [wf.folds[0], wf.folds[3]]) {
      const fold = f as (typeof wf.folds)[number];
      const scores = [5, 15].flatMap((fast) =>
        [20, 40].map((slow) => {
          const rec = runBacktest({
            strategy: 'sma-cross',
            params: { fast, slow },
            series: data.series,
            instrument: data.instrument,
            start: fold.trainStartDate,
            end: fold.trainEndDate,
            cash: spec.venue.cash,
            // The sweep's costs: the RunConfig's defaults (bps:1 fees, bps:5 slippage).
            fees: parseFees(spec.venue.fees),
            slippage: parseSlippage(spec.venue.slippage),
            priceRounding: 'none',
          });
          return { fast, slow, total: computeMetrics(rec).total_return as number };
        }),
      );
      const best = scores.reduce((a, b) => (b.total > a.total ? b : a));
      expect(fold.params).toEqual({ fast: best.fast, slow: best.slow });
      expect(fold.inSample).toBeCloseTo(best.total, 12);
    }
  });

  it('trades nothing out of sample before the test window: the first bar of each segment starts flat', () => {
    // The winner runs from the train start with the train window as warm-up (no orders), so at the
    // first test bar it holds nothing and its return there is 0 (orders fill at the next open).
    for (const f of wf.folds) expect(wf.returns[f.useFrom - 252]).toBe(0);
  });

  it('writes the gate table and exits 5 when a gate fails, 0 when all hold', async () => {
    const fail = await cli([
      '--home',
      home,
      'walkforward',
      '--sweep',
      sweepId,
      '--train',
      '252',
      '--test',
      '126',
      '--step',
      '126',
      '--workers',
      '1',
    ]);
    expect(fail.code).toBe(5);
    expect(fail.stdout).toMatch(/^gate\s+threshold\s+value\s+result/);
    expect(fail.stdout).toContain('FAILED');
    const pass = await cli([
      '--home', home, 'walkforward', '--sweep', sweepId, '--train', '252', '--test', '126', '--step', '126', '--workers', '1',
      '--gate', 'sharpe=off', '--gate', 'max_drawdown=off', '--gate', 'trades>=0', '--gate', 'win_rate=off', '--gate', 'dsr=off', '--gate', 'pbo<=1',
    ]); // prettier-ignore
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('PASSED');
    const dir = join(home, 'data/results/walkforward', `${sweepId}-rolling-252-126-126`);
    for (const f of ['folds.csv', 'oos-equity.csv', 'summary.json', 'report.html'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<table class="gates">');
  });

  it('names the missing sweep', async () => {
    const r = await cli(['--home', home, 'walkforward', '--sweep', 'nope']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no sweep nope');
  });

  it('--queue without Redis says how to set it; --ml --queue is refused', async () => {
    const r = await cli(['--home', home, 'walkforward', '--sweep', sweepId, '--queue'], { env: {} });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('momentic walkforward --queue needs Redis, and redis.url is empty');
    expect(r.stderr).toContain('MOMENTIC_REDIS_URL');
    const ml = await cli(['--home', home, 'walkforward', '--ml', '--queue']);
    expect(ml.code).toBe(2);
    expect(ml.stderr).toContain('--queue does not apply to --ml');
  });
});

/**
 * ml-signal through the built CLI (`node bin/momentic.js`; `npm run build` first): a backtest on
 * the synthetic universe with the XGBoost fixture model (its eight columns mapped by position
 * onto feature-store names) and with a GBDT trained here, a model naming a feature the store
 * lacks refused before the run, and a paper session replaying a file equal to its backtest byte
 * for byte (as test/cli/paper-replay-equals-backtest.test.ts does for intraday-mean-reversion).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeFeatures, FEATURES } from '../../src/analytics/features/index.js';
import { RawStore } from '../../src/data/raw-store.js';
import { trainGbdt } from '../../src/ml/gbdt/train.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const XGB = join(REPO, 'test/fixtures/ml-import/xgb-binary.json');
/** The fixture's columns (ret_1d, ret_5d, rsi_14, atr_14, zscore_60, volume_z, slope_20, bb_width) as store features. */
const MAPPED = 'ret_1d,ret_5d,rsi_14,atr_pct_14,zscore_20,volume_z_20,linreg_slope_20,bb_pctb_20';

function momentic(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO, 'bin', 'momentic.js'), ...args],
      { maxBuffer: 1 << 26 },
      (e, stdout, stderr) =>
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, stdout, stderr }),
    );
  });
}

const rows = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);

describe('momentic backtest --strategy ml-signal', () => {
  const home = tempDir('momentic-ml-signal-');
  const base = ['--home', home, '--json', 'backtest', '--strategy', 'ml-signal', '--no-ledger'];
  const period = ['--symbols', 'ZNTX,VXLY', '--start', '2020-01-01', '--end', '2021-12-31'];

  it('trades the XGBoost fixture model on the synthetic universe with its columns mapped to store features', async () => {
    const r = await momentic([...base, ...period, '--param', `model=${XGB}`, '--param', `features=${MAPPED}`]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; metrics: { trades: number } };
    const orders = rows(join(out.dir, 'orders.csv'));
    expect(orders.length).toBeGreaterThan(20);
    expect(orders.every((o) => o.includes(',filled,'))).toBe(true);
    expect(out.metrics.trades).toBeGreaterThan(10);
    // Every signal carries the model's probability, past the threshold (0.55) on its side.
    const signals = rows(join(out.dir, 'signals.csv'));
    expect(signals.length).toBeGreaterThan(10);
    for (const s of signals) {
      const p = Number(/probability""?:([0-9.e-]+)/.exec(s)?.[1]);
      if (s.includes(',long,')) expect(p).toBeGreaterThan(0.55);
      else expect(p).toBeLessThanOrEqual(0.55);
    }
  });

  it('trades a GBDT trained here on the store features of the fetched bars', async () => {
    const names = ['ret_1d', 'ret_5d', 'rsi_14', 'zscore_20', 'rvol_20'];
    const defs = names.map((n) => FEATURES.find((f) => f.name === n)!);
    const s = (await new RawStore(home).read('ZNTX', '1d'))!;
    const { ts, open, high, low, close, volume } = s;
    const f = computeFeatures({ ts, open, high, low, close, volume, periodsPerYear: 252 }, defs);
    const n = s.length - 5 - 20;
    const x = new Float64Array(n * names.length);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      f.values.forEach((v, c) => (x[r * names.length + c] = v[r + 20]!));
      y[r] = s.close[r + 25]! > s.close[r + 20]! ? 1 : 0;
    }
    const model = trainGbdt(
      { objective: 'binary', num_iterations: 30, num_leaves: 4, min_data_in_leaf: 20 },
      { features: x, rows: n, cols: names.length, labels: y },
      { featureNames: names },
    );
    const file = join(home, 'gbdt.json');
    writeFileSync(file, JSON.stringify(model.toJSON()));
    const r = await momentic([...base, ...period, '--param', `model=${file}`, '--param', 'threshold=0.52']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string };
    expect(rows(join(out.dir, 'orders.csv')).length).toBeGreaterThan(5);
  });

  it('refuses a model whose feature the store lacks before the run, naming the feature and the file', async () => {
    const bad = MAPPED.replace('bb_pctb_20', 'bb_width');
    const r = await momentic([...base, ...period, '--param', `model=${XGB}`, '--param', `features=${bad}`]);
    expect(r.code).toBe(3);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } }).error;
    expect(err.code).toBe('ML_FEATURE_MISSING');
    expect(err.message).toBe(`model ${XGB} needs feature "bb_width", which the feature store does not define`);
    const count = await momentic([...base, ...period, '--param', `model=${XGB}`, '--param', 'features=ret_1d']);
    expect(count.code).toBe(3);
    expect(count.stdout).toContain(`model ${XGB} has 8 features but 1 feature names were given`);
  });
});

describe('momentic paper --source replay:FILE with ml-signal', () => {
  let home: string;
  let paperDir: string;
  let backtestDir: string;

  beforeAll(async () => {
    // The synthetic ZNTX bars of 2020-2021 as a file to replay (and to import for the backtest).
    const src = tempDir('momentic-ml-signal-src-');
    const fetched = await cli([
      '--home',
      src,
      'data',
      'fetch',
      '--provider',
      'synthetic',
      '--symbols',
      'ZNTX',
      '--start',
      '2020-01-01',
      '--end',
      '2021-12-31',
    ]);
    expect(fetched.code, fetched.stderr).toBe(0);
    home = tempDir('momentic-ml-signal-paper-');
    const file = join(home, 'zntx.csv');
    copyFileSync(join(src, 'data/raw/1d/ZNTX.csv'), file);
    // maxWeight 0.04 keeps each position within the risk manager's 5% position limit.
    const runFile = join(home, 'run.yaml');
    writeFileSync(
      runFile,
      `strategy: ml-signal
warmup: 200
params:
  model: ${XGB}
  features: ${MAPPED}
  threshold: 0.55
  maxWeight: 0.04
symbols: [ZNTX]
timeframe: 1d
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`,
    );
    expect((await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ZNTX'])).code).toBe(0);
    const pp = await cli(['--home', home, '--json', 'paper', '--config', runFile, '--source', `replay:${file}`, '--speed', 'max']); // prettier-ignore
    expect(pp.code, pp.stderr).toBe(0);
    const paper = JSON.parse(pp.stdout) as { session_id: string; dir: string; bars: number };
    expect(paper.bars).toBe(505);
    paperDir = paper.dir;
    const bt = await cli([
      '--home', home, '--json', 'backtest', '--config', runFile, '--risk', '--run-id', paper.session_id,
      '--out', join(home, 'backtest'), '--no-ledger',
    ]); // prettier-ignore
    expect(bt.code, bt.stderr).toBe(0);
    backtestDir = (JSON.parse(bt.stdout) as { dir: string }).dir;
  }, 120_000);

  it('sends the same orders and makes the same trades as the backtest, byte for byte', () => {
    const text = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');
    expect(existsSync(join(backtestDir, 'orders.csv'))).toBe(true);
    const orders = text(paperDir, 'orders.csv');
    expect(orders.trimEnd().split('\n').length).toBeGreaterThan(20);
    expect(orders).toContain(',filled,');
    for (const f of ['orders.csv', 'trades.csv', 'equity.csv', 'signals.csv', 'metrics.json']) {
      expect(text(paperDir, f), f).toBe(text(backtestDir, f));
    }
  });
});

/**
 * The ML chain end to end through the built CLI (`npm run build` first), on bars that carry a
 * planted signal: the synthetic universe's ZNTX dates with a price whose drift persists for weeks
 * (so the 5- and 20-bar returns predict the next 5 bars). `ml label` writes the labels, `ml train`
 * fits a GBDT under CPCV and registers it, `ml promote` passes every gate to staging and then
 * production, `backtest` trades the registered model by name (its production version, recorded
 * in the manifest) exactly as the same artifact from a file, and a paper session replaying the
 * bars equals that backtest byte for byte. The refusal of an overfit search (exit 5) is
 * test/ml/registry-cli.test.ts's.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

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

/** ZNTX's sessions with a planted price: drift +-0.6%/day in regimes of 15-45 sessions, noise 1%. */
function plantedCsv(zntx: string): string {
  const dates = zntx
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[1]!);
  let s = 5;
  const u = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const gauss = (): number => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  let c = 50;
  let drift = 0.006;
  let left = 30;
  const lines = ['symbol,date,open,high,low,close,volume'];
  for (const d of dates) {
    if (--left <= 0) {
      drift = -drift;
      left = 15 + Math.floor(u() * 30);
    }
    const o = c;
    c = o * (1 + drift + 0.01 * gauss());
    const hi = Math.max(o, c) * 1.003;
    const lo = Math.min(o, c) * 0.997;
    lines.push(
      `PLNT,${d},${o.toFixed(4)},${hi.toFixed(4)},${lo.toFixed(4)},${c.toFixed(4)},${1_000_000 + Math.floor(u() * 500_000)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const FEATURES = 'ret_5d,ret_20d,rsi_14';

describe('label -> train (CPCV) -> registry -> gates -> backtest -> paper, by registered name', () => {
  const home = tempDir('momentic-ml-chain-');
  const file = join(home, 'plnt.csv');
  const run = (argv: string[]) => cli(['--home', home, ...argv], { cwd: home });

  beforeAll(async () => {
    const src = tempDir('momentic-ml-chain-src-');
    const fetched = await cli(['--home', src, 'data', 'fetch', '--provider', 'synthetic', '--symbols', 'ZNTX', '--start', '2016-01-01', '--end', '2021-12-31']); // prettier-ignore
    expect(fetched.code, fetched.stderr).toBe(0);
    writeFileSync(file, plantedCsv(readFileSync(join(src, 'data/raw/1d/ZNTX.csv'), 'utf8')));
    const imported = await run(['--init', 'data', 'import', '--file', file, '--symbol', 'PLNT']);
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);

  it(
    'registers a model that passes the gates and trades it by name in backtest and paper alike',
    { timeout: 300_000 },
    async () => {
      const data = ['--symbols', 'PLNT', '--start', '2016-01-01', '--end', '2019-12-31'];
      // 1. Labels: the fixed 5-bar labels the training below uses, with spans and weights.
      const labels = await run(['--json', 'ml', 'label', ...data, '--label', 'fixed:h=5', '--out', 'labels.csv']);
      expect(labels.code, labels.stderr).toBe(0);
      const labelRows = readFileSync(join(home, 'labels.csv'), 'utf8').trimEnd().split('\n').slice(1);
      expect(labelRows.length).toBe((JSON.parse(labels.stdout) as { rows: number }).rows);
      // 2. Train under CPCV (6 groups, 2 tested) and register.
      const train = await run(['--json', 'ml', 'train', ...data, '--features', FEATURES, '--label', 'fixed:h=5', '--cv', 'cpcv:6,2,embargo=0.01', '--model', 'gbdt', '--param', 'num_iterations=40', '--param', 'num_leaves=4', '--name', 'chain']); // prettier-ignore
      expect(train.code, train.stderr).toBe(0);
      const trained = JSON.parse(train.stdout) as { id: string; stage: string };
      expect(trained).toMatchObject({ id: 'chain-v1', stage: 'candidate' });
      // 3. Gates: staging, then production.
      const staging = await run(['--json', 'ml', 'promote', 'chain-v1']);
      expect(staging.code, staging.stdout + staging.stderr).toBe(0);
      const prod = await run(['--json', 'ml', 'promote', 'chain-v1', '--to', 'production']);
      expect(prod.code, prod.stdout + prod.stderr).toBe(0);
      expect(JSON.parse(prod.stdout)).toMatchObject({ id: 'chain-v1', to: 'production' });
      // 4. Backtest the production version by name over the later years (earlier ones warm up).
      const runFile = join(home, 'run.yaml');
      const yaml = (model: string, warmup = 200): string => `strategy: ml-signal
warmup: ${warmup}
params:
  model: ${model}
  threshold: 0.55
  maxWeight: 0.04
symbols: [PLNT]
timeframe: 1d
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`;
      writeFileSync(runFile, yaml('chain'));
      const bt = await momentic(['--home', home, '--json', 'backtest', '--config', runFile, '--risk', '--start', '2020-01-01', '--end', '2021-12-31', '--run-id', 'chainbt', '--out', join(home, 'bt'), '--no-ledger']); // prettier-ignore
      expect(bt.code, bt.stderr).toBe(0);
      const btDir = (JSON.parse(bt.stdout) as { dir: string }).dir;
      const manifest = JSON.parse(readFileSync(join(btDir, 'manifest.json'), 'utf8')) as {
        config: { models?: unknown };
      };
      expect(manifest.config.models).toEqual({ chain: 'chain-v1' });
      const orders = readFileSync(join(btDir, 'orders.csv'), 'utf8');
      expect(orders.trimEnd().split('\n').length).toBeGreaterThan(5);
      // The same artifact from a file trades the same orders.
      const show = await run(['--json', 'ml', 'show', 'chain-v1', '--artifact']);
      const artifactFile = join(home, 'chain-v1.json');
      writeFileSync(artifactFile, (JSON.parse(show.stdout) as { artifact: string }).artifact);
      writeFileSync(join(home, 'file.yaml'), yaml(artifactFile));
      const bf = await momentic(['--home', home, '--json', 'backtest', '--config', join(home, 'file.yaml'), '--risk', '--start', '2020-01-01', '--end', '2021-12-31', '--run-id', 'chainbt', '--out', join(home, 'bf'), '--no-ledger']); // prettier-ignore
      expect(bf.code, bf.stderr).toBe(0);
      expect(readFileSync(join(home, 'bf', 'orders.csv'), 'utf8')).toBe(orders);
      // 5. Paper replaying the bars file equals the backtest of the same bars, byte for byte.
      const pp = await momentic(['--home', home, '--json', 'paper', '--config', runFile, '--source', `replay:${file}`, '--speed', 'max']); // prettier-ignore
      expect(pp.code, pp.stderr).toBe(0);
      const paper = JSON.parse(pp.stdout) as { session_id: string; dir: string };
      const bp = await momentic(['--home', home, '--json', 'backtest', '--config', runFile, '--risk', '--run-id', paper.session_id, '--out', join(home, 'bp'), '--no-ledger']); // prettier-ignore
      expect(bp.code, bp.stderr).toBe(0);
      for (const f of ['orders.csv', 'trades.csv', 'equity.csv', 'signals.csv']) {
        expect(readFileSync(join(paper.dir, f), 'utf8'), f).toBe(readFileSync(join(home, 'bp', f), 'utf8'));
      }
      // 6. A warm-up shorter than live.warmup_bars (200): the replay holds the 60 bars the backtest
      // holds, not 200 rows of history, so both place their first order on the same bar.
      const short = join(home, 'short.yaml');
      writeFileSync(short, yaml('chain', 60));
      const ps = await momentic(['--home', home, '--json', 'paper', '--config', short, '--source', `replay:${file}`, '--speed', 'max']); // prettier-ignore
      expect(ps.code, ps.stderr).toBe(0);
      const paperShort = JSON.parse(ps.stdout) as { session_id: string; dir: string };
      const bs = await momentic(['--home', home, '--json', 'backtest', '--config', short, '--risk', '--run-id', paperShort.session_id, '--out', join(home, 'bs'), '--no-ledger']); // prettier-ignore
      expect(bs.code, bs.stderr).toBe(0);
      const shortOrders = readFileSync(join(home, 'bs', 'orders.csv'), 'utf8');
      expect(readFileSync(join(paperShort.dir, 'orders.csv'), 'utf8')).toBe(shortOrders);
      // It trades on bars the 200-bar warm-up held: more orders than the run with warmup: 200.
      const rows = (csv: string): number => csv.trimEnd().split('\n').length;
      expect(rows(shortOrders)).toBeGreaterThan(rows(readFileSync(join(home, 'bp', 'orders.csv'), 'utf8')));
    },
  );
});

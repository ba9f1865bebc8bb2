/**
 * GBDT benchmark: training on 1,000,000 rows x 50 features (1% missing), 100 trees of 31
 * leaves, binary logloss, one thread; XGBoost's hist method with the same parameters and
 * nthread=1 runs on the same matrix in the same run when a python3 with xgboost is found
 * (GBDT_PEER_PYTHON, else python3, else /usr/bin/python3), target: within 2x of it. Then scoring:
 * rows x trees per second of predictRaw on one core (target 5e8). The machine may be shared, so
 * both sides report CPU seconds as well as wall seconds and the ratio is taken on CPU seconds
 * (one thread each, so CPU time is the work done, whatever else the machine is running).
 *
 *   tsx bench/gbdt.ts [--rows N]        (npm run bench -- --gbdt-rows N inside the full run)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { binaryLogloss, trainGbdt, type GbdtParams } from '../src/ml/gbdt/index.js';

const COLS = 50;
const TREES = 100;
const TRAIN_RATIO_TARGET = 2;
const SCORE_TARGET = 5e8;

const PARAMS: Partial<GbdtParams> = {
  objective: 'binary',
  num_iterations: TREES,
  num_leaves: 31,
  learning_rate: 0.1,
  lambda_l2: 1,
  min_data_in_leaf: 1,
  min_sum_hessian_in_leaf: 1,
  max_bin: 255,
};

/** Features uniform in [-1, 1) from a fixed-seed LCG; the label is a noisy nonlinear function of 8 of them. */
function dataset(rows: number): { x: Float64Array; y: Float64Array } {
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const x = new Float64Array(rows * COLS);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * COLS;
    for (let c = 0; c < COLS; c++) x[o + c] = rnd() < 0.01 ? NaN : 2 * rnd() - 1;
    const v = (c: number): number => {
      const a = x[o + c] as number;
      return a === a ? a : 0;
    };
    const logit =
      2 * v(0) - 1.5 * v(1) + v(2) * v(3) * 3 + Math.sin(3 * v(4)) + (v(5) > 0.3 ? 1 : -0.5) + v(6) ** 2 - v(7);
    y[r] = rnd() < 1 / (1 + Math.exp(-2 * logit)) ? 1 : 0;
  }
  return { x, y };
}

const PEER = `
import sys, time, json, numpy as np, xgboost as xgb
rows, cols, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
a = np.fromfile(path, dtype=np.float64)
x = a[: rows * cols].reshape(rows, cols); y = a[rows * cols :]
t0 = time.perf_counter(); c0 = time.process_time()
d = xgb.DMatrix(x, label=y, missing=np.nan, nthread=1)
b = xgb.train({'objective': 'binary:logistic', 'tree_method': 'hist', 'grow_policy': 'lossguide', 'max_leaves': 31,
  'max_depth': 0, 'max_bin': 255, 'eta': 0.1, 'lambda': 1.0, 'alpha': 0.0, 'min_child_weight': 1.0,
  'base_score': float(y.mean()), 'nthread': 1}, d, num_boost_round=${TREES})
t1 = time.perf_counter(); c1 = time.process_time()
p = b.predict(d)
t2 = time.perf_counter(); c2 = time.process_time()
ll = float(-np.mean(y * np.log(np.clip(p, 1e-15, 1)) + (1 - y) * np.log(np.clip(1 - p, 1e-15, 1))))
print(json.dumps({'train_s': t1 - t0, 'train_cpu_s': c1 - c0, 'predict_s': t2 - t1, 'predict_cpu_s': c2 - c1, 'logloss': ll, 'version': xgb.__version__}))
`;

function findPython(): string | undefined {
  const candidates = [process.env.GBDT_PEER_PYTHON, 'python3', '/usr/bin/python3'].filter((c) => c !== undefined);
  return candidates.find((py) => spawnSync(py, ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0);
}

interface Peer {
  readonly train_s: number;
  readonly train_cpu_s: number;
  readonly predict_s: number;
  readonly predict_cpu_s: number;
  readonly logloss: number;
  readonly version: string;
}

function runPeer(python: string, x: Float64Array, y: Float64Array, rows: number): Peer {
  const dir = mkdtempSync(join(tmpdir(), 'gbdt-bench-'));
  try {
    const file = join(dir, 'data.f64');
    const all = new Float64Array(x.length + y.length);
    all.set(x);
    all.set(y, x.length);
    writeFileSync(file, new Uint8Array(all.buffer));
    const out = spawnSync(python, ['-c', PEER, String(rows), String(COLS), file], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`xgboost peer failed: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split('\n').pop() as string) as Peer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function gbdtRowsFlag(args: readonly string[], name = '--gbdt-rows'): number {
  const i = args.indexOf(name);
  const text = i >= 0 ? (args[i + 1] ?? '') : '1000000';
  const rows = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(rows) || rows < 1000) throw new Error(`${name} must be an integer >= 1000, got ${text}`);
  return rows;
}

export function runGbdtBench(opts: { rows: number }): void {
  const { rows } = opts;
  console.log(`== gbdt: train ${rows.toLocaleString('en-US')} rows x ${COLS} features, ${TREES} trees, 31 leaves, one thread`); // prettier-ignore
  const { x, y } = dataset(rows);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = trainGbdt(PARAMS, { features: x, rows, cols: COLS, labels: y });
  const trainCpu = cpuSeconds(c0);
  const trainS = (performance.now() - t0) / 1000;
  const p = model.predict(x);
  console.log(`momentic: trainGbdt                       ${fmt(trainS)} s wall ${fmt(trainCpu)} s cpu   (train logloss ${binaryLogloss(y, p).toFixed(5)})`); // prettier-ignore
  const python = findPython();
  if (python === undefined) console.log('xgboost hist nthread=1: peer skipped (no python3 with xgboost)');
  else {
    const peer = runPeer(python, x, y, rows);
    console.log(`xgboost ${peer.version} hist nthread=1: train      ${fmt(peer.train_s)} s wall ${fmt(peer.train_cpu_s)} s cpu   (train logloss ${peer.logloss.toFixed(5)})`); // prettier-ignore
    const ratio = trainCpu / peer.train_cpu_s;
    console.log(`train cpu time vs xgboost: ${ratio.toFixed(2)}x (target <= ${TRAIN_RATIO_TARGET}x) ${ratio <= TRAIN_RATIO_TARGET ? 'ok' : 'MISSED'}; wall ${(trainS / peer.train_s).toFixed(2)}x`); // prettier-ignore
    const peerRate = (rows * TREES) / peer.predict_cpu_s;
    console.log(`xgboost predict (DMatrix, one thread): ${(peerRate / 1e6).toFixed(1)} M rows x trees per cpu s`);
  }
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const s0 = process.cpuUsage();
    model.predictRaw(x);
    best = Math.min(best, cpuSeconds(s0));
  }
  const rate = (rows * model.numTrees) / best;
  console.log(`momentic: predictRaw ${model.numTrees} trees of 31 leaves, best of 3: ${(rate / 1e6).toFixed(1)} M rows x trees per cpu s = ${(rate / SCORE_TARGET).toFixed(2)}x the target of ${SCORE_TARGET / 1e6} M ${rate >= SCORE_TARGET ? 'ok' : 'MISSED'}`); // prettier-ignore
}

/** CPU seconds (user + system, as python's process_time counts them) of this process since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function fmt(s: number): string {
  return s.toFixed(2).padStart(8);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runGbdtBench({ rows: gbdtRowsFlag(process.argv.slice(2), '--rows') });
}

/**
 * Tree-scoring benchmark: a 100-tree forest of depth-6 trees (63 splits, 64 leaves each, the
 * XGBoost default depth) over 1,000,000 rows of 20 features, scored on one core by `addForest`
 * (the loop every imported model runs) with float32 sums as for XGBoost. Best of 3 after a
 * warm-up; figures in rows x trees per CPU second (the machine may be shared; scoring is one
 * thread, so CPU time is its work). Target: 5 million rows x 100 trees per second. Thresholds,
 * leaf values and sums are float32 here, so this times the float32 kernels (wasm-f32.ts); a
 * forest with double thresholds (LightGBM) takes the double kernels (wasm.ts). Figures and what
 * was tried: docs/ml/model-import.md#speed.
 *
 *   tsx bench/tree-scoring.ts [--rows N]
 */
import { pathToFileURL } from 'node:url';
import { ForestBuilder, NodeFlag, type Forest } from '../src/ml/trees/index.js';
import { addForest } from '../src/ml/trees/score.js';

const TARGET = 5_000_000 * 100;

/** A fixed-seed LCG, so every run times the same work. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Complete binary trees of `depth` levels, split k's children at 2k+1 and 2k+2 as in XGBoost's layout. */
export function syntheticForest(trees: number, depth: number, features: number, rnd = random(7)): Forest {
  const b = new ForestBuilder();
  const splits = 2 ** depth - 1;
  for (let t = 0; t < trees; t++) {
    const child = (c: number): number => (c < splits ? c : ~(c - splits));
    b.add({
      feature: Int32Array.from({ length: splits }, () => Math.floor(rnd() * features)),
      threshold: Float64Array.from({ length: splits }, () => Math.fround(rnd() * 2 - 1)),
      left: Int32Array.from({ length: splits }, (_, k) => child(2 * k + 1)),
      right: Int32Array.from({ length: splits }, (_, k) => child(2 * k + 2)),
      flags: Uint8Array.from({ length: splits }, () => (rnd() < 0.5 ? NodeFlag.NanLeft : 0)),
      leafValue: Float64Array.from({ length: splits + 1 }, () => Math.fround(rnd() * 0.2 - 0.1)),
      root: 0,
    });
  }
  return b.build(features);
}

export function rowsFlag(argv: readonly string[]): number {
  const i = argv.indexOf('--tree-rows');
  return i >= 0 ? Number(argv[i + 1]) : 1_000_000;
}

export function runTreeScoringBench(options: { rows?: number } = {}): number {
  const rows = options.rows ?? 1_000_000;
  const features = 20;
  const trees = 100;
  const forest = syntheticForest(trees, 6, features);
  const rnd = random(11);
  const x = Float64Array.from({ length: rows * features }, () => (rnd() < 0.02 ? NaN : Math.fround(rnd() * 2 - 1)));
  const out = new Float32Array(rows);
  addForest(forest, x, features, Math.min(rows, 10_000), out);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    out.fill(0);
    const t0 = process.cpuUsage();
    addForest(forest, x, features, rows, out);
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  const rate = (rows * trees) / (best / 1000);
  console.log(
    `== tree scoring: ${trees} trees of depth 6, ${rows.toLocaleString('en-US')} rows x ${features} features`,
  );
  console.log(
    `momentic: addForest (float32 sums)`.padEnd(60) +
      ` ${best.toFixed(1).padStart(10)} ms cpu  ${(rate / 1e6).toFixed(0)}M rows x trees/s = ${(rate / trees / 1e6).toFixed(2)}M rows/s at ${trees} trees = ${(rate / TARGET).toFixed(2)}x the target of ${TARGET / 1e6}M: ${rate >= TARGET ? 'met' : 'MISSED'}`,
  );
  return rate;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  runTreeScoringBench({ rows: rowsFlag(process.argv.slice(2)) });

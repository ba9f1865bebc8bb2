import { describe, expect, it } from 'vitest';
import { ForestBuilder, NodeFlag, type Forest, type TreeNodes } from '../../src/ml/trees/index.js';
import { compileForest, MAX_DEPTH } from '../../src/ml/trees/complete.js';
import { addForest, setF32Scoring, setWasmScoring } from '../../src/ml/trees/score.js';
import { f32Forest } from '../../src/ml/trees/wasm-f32-forest.js';
import { wasmForest } from '../../src/ml/trees/wasm-forest.js';
import { Rng } from '../../src/ml/gbdt/rng.js';

/**
 * The reference: the decision rule of forest.ts read node by node, one row and one tree at a
 * time, with an explicit branch per case (NaN, zero-as-missing, `x < threshold`).
 */
function reference(f: Forest, x: Float64Array, stride: number, rows: number, out: Float32Array | Float64Array): void {
  for (let t = 0; t < f.numTrees; t++) {
    for (let r = 0; r < rows; r++) {
      let node = f.roots[t]!;
      while (node >= 0) {
        const v = x[r * stride + f.feature[node]!]!;
        const flags = f.flags[node]!;
        let left: boolean;
        if (Number.isNaN(v)) left = (flags & NodeFlag.NanLeft) !== 0;
        else if (v === 0 && (flags & NodeFlag.ZeroSpecial) !== 0) left = (flags & NodeFlag.ZeroLeft) !== 0;
        else left = v < f.threshold[node]!;
        node = f.children[2 * node + (left ? 0 : 1)]!;
      }
      out[r] = out[r]! + f.leafValue[~node]!;
    }
  }
}

/** A random tree grown leaf by leaf to `leaves` leaves (so depths vary), thresholds from `pick`. */
function randomTree(rng: Rng, leaves: number, features: number, pick: () => number, chain = false): TreeNodes {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const flags: number[] = [];
  const open: { parent: number; side: 'l' | 'r' }[] = [];
  const leafValue: number[] = [];
  const split = (): number => {
    const k = feature.length;
    feature.push(Math.floor(rng.next() * features));
    threshold.push(pick());
    flags.push(rng.next() < 0.5 ? NodeFlag.NanLeft : 0);
    left.push(0);
    right.push(0);
    open.push({ parent: k, side: 'l' }, { parent: k, side: 'r' });
    return k;
  };
  if (leaves > 1) split();
  while (feature.length < leaves - 1) {
    // A chain always splits the newest right child, giving a tree as deep as it has splits.
    const i = chain ? open.length - 1 : Math.floor(rng.next() * open.length);
    const slot = open.splice(i, 1)[0]!;
    const k = split();
    (slot.side === 'l' ? left : right)[slot.parent] = k;
  }
  for (const slot of open) {
    (slot.side === 'l' ? left : right)[slot.parent] = ~leafValue.length;
    leafValue.push(Math.fround(rng.next() * 2 - 1));
  }
  if (leaves === 1) leafValue.push(0.25);
  return { feature, threshold, left, right, flags, leafValue, root: leaves > 1 ? 0 : ~0 };
}

function rowsOf(rng: Rng, rows: number, stride: number): Float64Array {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 0.5];
  return Float64Array.from({ length: rows * stride }, () =>
    rng.next() < 0.15 ? specials[Math.floor(rng.next() * specials.length)]! : Math.fround(rng.next() * 2 - 1),
  );
}

function scoreBoth(forest: Forest, x: Float64Array, stride: number, rows: number, float32: boolean) {
  const make = () => (float32 ? new Float32Array(rows).fill(0.1) : new Float64Array(rows).fill(0.1));
  const got = make();
  const want = make();
  addForest(forest, x, stride, rows, got);
  reference(forest, x, stride, rows, want);
  // The JS kernels (the fallback where WebAssembly is missing) must give the same sums.
  const js = make();
  setWasmScoring(false);
  try {
    addForest(forest, x, stride, rows, js);
  } finally {
    setWasmScoring(true);
  }
  // And the double WebAssembly kernels, which the float32 kernels replace for float32 forests.
  const f64 = make();
  setF32Scoring(false);
  try {
    addForest(forest, x, stride, rows, f64);
  } finally {
    setF32Scoring(true);
  }
  return { got: Array.from(got), want: Array.from(want), js: Array.from(js), f64: Array.from(f64) };
}

describe('addForest', () => {
  const rng = new Rng(5);
  const grid = (): number => [0, 0.5, -0.25, Infinity][Math.floor(rng.next() * 4)]!;
  const uniform = (): number => Math.fround(rng.next() * 2 - 1);

  it('matches the node-by-node rule on leaf-wise trees of mixed depths, NaN and infinities included', () => {
    const b = new ForestBuilder();
    for (let t = 0; t < 40; t++) b.add(randomTree(rng, 1 + Math.floor(rng.next() * 31), 7, rng.next() < 0.5 ? grid : uniform)); // prettier-ignore
    const forest = b.build(7);
    // Mixed depths but none past the complete layout's limit: the fast path must be the one taken.
    expect(compileForest(forest)).toBeDefined();
    // ... and, here, its WebAssembly kernels.
    expect(wasmForest(compileForest(forest)!, 7, 64)).toBeDefined();
    for (const float32 of [true, false]) {
      // 1037 rows: whole 8-row groups and a ragged end; 5 rows: fewer than one group.
      for (const rows of [1037, 5]) {
        const x = rowsOf(rng, rows, 9);
        const { got, want, js } = scoreBoth(forest, x, 9, rows, float32);
        expect(got).toEqual(want);
        expect(js).toEqual(want);
      }
    }
  });

  it('walks trees deeper than the complete layout allows and still matches', () => {
    const b = new ForestBuilder();
    b.add(randomTree(rng, MAX_DEPTH + 6, 4, uniform, true));
    b.add(randomTree(rng, 20, 4, uniform));
    const forest = b.build(4);
    const depth = compileForest(forest)!.depth;
    expect(depth[0]).toBe(-1);
    expect(depth[1]).toBeGreaterThan(0);
    const x = rowsOf(rng, 300, 4);
    const { got, want, js } = scoreBoth(forest, x, 4, 300, true);
    expect(got).toEqual(want);
    expect(js).toEqual(want);
  });

  it('falls back to the general walk when a NaN-left node splits at -Infinity or zero is special', () => {
    const minusInf = randomTree(rng, 8, 3, uniform);
    (minusInf.threshold as number[])[0] = -Infinity;
    (minusInf.flags as number[])[0] = NodeFlag.NanLeft;
    const zero = randomTree(rng, 8, 3, grid);
    (zero.flags as number[])[0] = NodeFlag.ZeroSpecial | NodeFlag.ZeroLeft;
    for (const tree of [minusInf, zero]) {
      const b = new ForestBuilder();
      b.add(tree);
      const forest = b.build(3);
      expect(compileForest(forest)).toBeUndefined();
      const { got, want } = scoreBoth(forest, rowsOf(rng, 200, 3), 3, 200, false);
      expect(got).toEqual(want);
    }
  });

  describe('float32 kernels', () => {
    /** The doubles either side of v. */
    const below = (v: number): number => v - Math.abs(v) * 2 ** -52 || -Number.MIN_VALUE;
    const above = (v: number): number => v + Math.abs(v) * 2 ** -52 || Number.MIN_VALUE;

    it('match the node-by-node rule on rows at, just below and just above each threshold, and NaN', () => {
      const b = new ForestBuilder();
      for (let t = 0; t < 30; t++) b.add(randomTree(rng, 2 + Math.floor(rng.next() * 40), 5, rng.next() < 0.3 ? grid : uniform)); // prettier-ignore
      const forest = b.build(5);
      expect(f32Forest(compileForest(forest)!, 5)).toBeDefined();
      // Rows drawn from the thresholds themselves, the doubles next to them (which float32 would
      // round onto the threshold: x just below t must still go left), zeros of both signs, and NaN.
      const cuts = [...new Set(Array.from(forest.threshold))];
      const near = cuts.flatMap((t) => (Number.isFinite(t) ? [t, below(t), above(t)] : [t]));
      const pool = [...near, NaN, NaN, -0, 0, 3.5e38, -3.5e38, 1e-300, -1e-300];
      const rows = 2003;
      const x = Float64Array.from({ length: rows * 6 }, () => pool[Math.floor(rng.next() * pool.length)]!);
      const { got, want, js, f64 } = scoreBoth(forest, x, 6, rows, true);
      expect(got).toEqual(want);
      expect(f64).toEqual(want);
      expect(js).toEqual(want);
    });

    it('send a tie (x equal to the threshold) right, x one double below it left, and NaN where the node says', () => {
      // One split on feature 0 at t (a float32); leaves -v (left) and +v (right).
      const stump = (t: number, nanLeft: boolean, v: number): TreeNodes => ({
        feature: [0],
        threshold: [t],
        left: [~0],
        right: [~1],
        flags: [nanLeft ? NodeFlag.NanLeft : 0],
        leafValue: [-v, v],
        root: 0,
      });
      const b = new ForestBuilder();
      b.add(stump(0.5, false, 1));
      b.add(stump(-0.25, true, 4));
      const forest = b.build(1);
      expect(f32Forest(compileForest(forest)!, 1)).toBeDefined();
      const x = Float64Array.from([0.5, below(0.5), above(0.5), NaN, -0.25, below(-0.25), -0, 3.4e38 * 10]);
      const out = new Float32Array(x.length);
      addForest(forest, x, 1, x.length, out);
      // Hand-derived: tree 1 adds +1 at x >= 0.5 and on NaN (else -1); tree 2 adds +4 at x >= -0.25
      // (else -4, and -4 on NaN). -0 >= -0.25; 3.4e39, past float32's range, is above both.
      expect(Array.from(out)).toEqual([5, 3, 5, -3, 3, -5, 3, 5]);
    });

    it('keep tree order around trees deeper than the kernels and one-leaf trees', () => {
      const b = new ForestBuilder();
      b.add(randomTree(rng, 12, 4, uniform));
      b.add(randomTree(rng, MAX_DEPTH + 4, 4, uniform, true));
      b.add(randomTree(rng, 1, 4, uniform));
      b.add(randomTree(rng, 30, 4, grid));
      b.add(randomTree(rng, MAX_DEPTH + 2, 4, grid, true));
      const forest = b.build(4);
      const c = compileForest(forest)!;
      expect(Array.from(c.depth).map((d) => d < 0)).toEqual([false, true, false, false, true]);
      expect(f32Forest(c, 4)).toBeDefined();
      for (const rows of [1037, 3]) {
        const x = rowsOf(rng, rows, 4);
        const { got, want, f64 } = scoreBoth(forest, x, 4, rows, true);
        expect(got).toEqual(want);
        expect(f64).toEqual(want);
      }
    });

    it('are not used when a threshold or leaf is not a float32 (LightGBM doubles), and the sums still match', () => {
      const tree = randomTree(rng, 10, 3, uniform);
      (tree.threshold as number[])[0] = 0.1;
      const b = new ForestBuilder();
      b.add(tree);
      const forest = b.build(3);
      expect(f32Forest(compileForest(forest)!, 3)).toBeUndefined();
      const x = rowsOf(rng, 200, 3);
      const { got, want } = scoreBoth(forest, x, 3, 200, true);
      expect(got).toEqual(want);
    });
  });
});

/**
 * Scoring a `Forest` over a row-major matrix. Trees are walked tree by tree over a block of rows,
 * so one tree's nodes stay in cache while the block runs through it, and each row's sum is built
 * in tree order: the order XGBoost and LightGBM add their trees in, which is what makes the sums
 * equal theirs to the bit. The accumulator's type sets the arithmetic: a Float32Array rounds each
 * addition to float32 (XGBoost), a Float64Array keeps doubles (LightGBM).
 */
import { compileForest, type CompleteForest } from './complete.js';
import { type Forest, NodeFlag } from './forest.js';
import { f32Forest, f32Views, type F32Forest } from './wasm-f32-forest.js';
import { runTree, wasmForest, type WasmForest } from './wasm-forest.js';
import type { TreeKernel } from './wasm.js';

/** Rows per block: a block's feature values (rows x columns doubles) should stay in L2. */
function blockRows(stride: number): number {
  return Math.max(64, Math.min(4096, Math.floor(32_768 / Math.max(1, stride))));
}

/**
 * Adds every tree's leaf value to `out[r]` for the first `rows` rows of `x` (row r's column c at
 * `x[r * stride + c]`). `out` holds each row's starting value (the base margin) on entry.
 */
export function addForest(
  forest: Forest,
  x: Float64Array,
  stride: number,
  rows: number,
  out: Float32Array | Float64Array,
): void {
  if (stride < forest.numFeatures) {
    throw new RangeError(`rows have ${stride} columns; the forest reads ${forest.numFeatures}`);
  }
  if (x.length < rows * stride || out.length < rows) throw new RangeError('x or out is shorter than rows');
  const complete = compileForest(forest);
  if (complete !== undefined) return addComplete(forest, complete, x, stride, rows, out);
  const block = blockRows(stride);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    if (forest.hasZeroSpecial) addBlockZero(forest, x, stride, r0, r1, out);
    else addBlock(forest, x, stride, r0, r1, out);
  }
}

/**
 * Scores through the complete-tree layout (complete.ts), a block of rows at a time: the block is
 * copied into `buf` with each value twice (NaN as -Infinity, then as +Infinity) and its sums
 * into `acc`, a Float64Array rounded to float32 after each addition when `out` is a
 * Float32Array (what storing into `out` does), so the hot loop sees one array type.
 */
function addComplete(
  forest: Forest,
  c: CompleteForest,
  x: Float64Array,
  stride: number,
  rows: number,
  out: Float32Array | Float64Array,
): void {
  const nf = forest.numFeatures;
  const w = 2 * nf;
  const block = Math.max(64, Math.min(1024, Math.floor(COPY_DOUBLES / w)));
  const isFloat32 = out instanceof Float32Array;
  const f32 = useWasm && useF32 && isFloat32 ? f32Forest(c, nf) : undefined;
  const views = f32 === undefined ? undefined : f32Views(f32, stride);
  if (f32 !== undefined && views !== undefined) {
    return addCompleteF32(forest, f32, views, x, stride, rows, out as Float32Array);
  }
  const wasm = useWasm ? wasmForest(c, nf, block) : undefined;
  if (wasm !== undefined) return addCompleteWasm(forest, c, wasm, x, stride, rows, out, isFloat32);
  const buf = new Float64Array(block * w);
  const acc = new Float64Array(block);
  const { depth, nodeStart, leafBase, col, threshold, leafValue } = c;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = Math.min(block, rows - r0);
    for (let i = 0; i < n; i++) {
      const src = (r0 + i) * stride;
      const dst = i * w;
      for (let f = 0; f < nf; f++) {
        const v = x[src + f] as number;
        buf[dst + 2 * f] = v === v ? v : -Infinity;
        buf[dst + 2 * f + 1] = v === v ? v : Infinity;
      }
      acc[i] = out[r0 + i] as number;
    }
    for (let t = 0; t < depth.length; t++) {
      const d = depth[t] as number;
      if (d > 0)
        addTree(col, threshold, leafValue, nodeStart[t] as number, leafBase[t] as number, d, buf, w, n, acc, isFloat32); // prettier-ignore
      else if (d === 0) addLeaf(leafValue[leafBase[t] as number] as number, n, acc, isFloat32);
      else addDeepTree(forest, forest.roots[t] as number, x, stride, r0, n, acc, isFloat32);
    }
    for (let i = 0; i < n; i++) out[r0 + i] = acc[i] as number;
  }
}

/** Whether the complete layout is scored by the WebAssembly kernels (wasm.ts) when available. */
let useWasm = true;

/** Chooses the kernels (tests score both ways; the JS kernels are the fallback without WebAssembly). */
export function setWasmScoring(on: boolean): void {
  useWasm = on;
}

/** Whether float32 sums take the float32 SIMD kernels (wasm-f32.ts) where they apply. */
let useF32 = true;

/** Chooses the float32 kernels (tests compare them with the double kernels they speed up). */
export function setF32Scoring(on: boolean): void {
  useF32 = on;
}

/**
 * `addComplete` through the float32 kernels: each block's rows copied into WebAssembly memory as
 * they are and turned into float32 keys column by column there (wasm-f32-load.ts), the block
 * padded to a multiple of 8 rows whose sums past its end are never read. Trees deeper than the
 * kernels take are walked here, between the kernels' runs, so the sums keep tree order.
 */
function addCompleteF32(
  forest: Forest,
  f: F32Forest,
  { acc, raw }: { acc: Float32Array; raw: Float64Array },
  x: Float64Array,
  stride: number,
  rows: number,
  out: Float32Array,
): void {
  const nf = forest.numFeatures;
  const { block, run, load, runs, bufAddress, accAddress, tableAddress, rawAddress } = f;
  const { feature, threshold, children, flags, leafValue } = forest;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = Math.min(block, rows - r0);
    raw.set(x.subarray(r0 * stride, (r0 + n) * stride));
    load(rawAddress, n, 8 * stride, nf, bufAddress, block);
    acc.set(out.subarray(r0, r0 + n));
    const padded = (n + 7) & ~7;
    let t = 0;
    for (let k = 0; k <= runs.length; k += 2) {
      // Trees deeper than the kernels take (none, in most forests) are walked here, in tree order.
      const next = k < runs.length ? (runs[k] as number) : forest.numTrees;
      for (; t < next; t++) {
        for (let i = 0; i < n; i++) {
          const base = (r0 + i) * stride;
          let node = forest.roots[t] as number;
          while (node >= 0) node = step(feature, threshold, children, flags, x, base, node);
          acc[i] = (acc[i] as number) + (leafValue[~node] as number);
        }
      }
      if (k === runs.length) break;
      t = runs[k + 1] as number;
      run(tableAddress + 8 * next, t - next, bufAddress, accAddress, padded);
    }
    out.set(acc.subarray(0, n), r0);
  }
}

/** `addComplete` through the WebAssembly kernels: the same blocks, copies and tree order. */
function addCompleteWasm(
  forest: Forest,
  c: CompleteForest,
  wasm: WasmForest,
  x: Float64Array,
  stride: number,
  rows: number,
  out: Float32Array | Float64Array,
  isFloat32: boolean,
): void {
  const nf = forest.numFeatures;
  const { block, width: w, buf, acc } = wasm;
  const kernels = isFloat32 ? wasm.kernels.float32 : wasm.kernels.float64;
  const { depth, leafBase, leafValue } = c;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = Math.min(block, rows - r0);
    for (let i = 0; i < n; i++) {
      const src = (r0 + i) * stride;
      const dst = i * w;
      for (let f = 0; f < nf; f++) {
        const v = x[src + f] as number;
        buf[dst + 2 * f] = v === v ? v : -Infinity;
        buf[dst + 2 * f + 1] = v === v ? v : Infinity;
      }
      acc[i] = out[r0 + i] as number;
    }
    for (let t = 0; t < depth.length; t++) {
      const d = depth[t] as number;
      if (d > 0) runTree(wasm, kernels[d - 1] as TreeKernel, t, n);
      else if (d === 0) addLeaf(leafValue[leafBase[t] as number] as number, n, acc, isFloat32);
      else addDeepTree(forest, forest.roots[t] as number, x, stride, r0, n, acc, isFloat32);
    }
    for (let i = 0; i < n; i++) out[r0 + i] = acc[i] as number;
  }
}

/** Doubles of row copies per block (256 KiB): the block stays in L2 while every tree runs over it. */
const COPY_DOUBLES = 32_768;

/** One complete tree over the block, 8 rows in step (independent walks the CPU overlaps). */
function addTree(
  col: Int32Array,
  threshold: Float64Array,
  leafValue: Float64Array,
  start: number,
  leafBase: number,
  d: number,
  buf: Float64Array,
  w: number,
  n: number,
  acc: Float64Array,
  isFloat32: boolean,
): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const b0 = i * w;
    const b1 = b0 + w;
    const b2 = b1 + w;
    const b3 = b2 + w;
    const b4 = b3 + w;
    const b5 = b4 + w;
    const b6 = b5 + w;
    const b7 = b6 + w;
    let k0 = 0;
    let k1 = 0;
    let k2 = 0;
    let k3 = 0;
    let k4 = 0;
    let k5 = 0;
    let k6 = 0;
    let k7 = 0;
    for (let l = 0; l < d; l++) {
      const a0 = start + k0;
      const a1 = start + k1;
      const a2 = start + k2;
      const a3 = start + k3;
      const a4 = start + k4;
      const a5 = start + k5;
      const a6 = start + k6;
      const a7 = start + k7;
      k0 = 2 * k0 + 1 + +((buf[b0 + (col[a0] as number)] as number) >= (threshold[a0] as number));
      k1 = 2 * k1 + 1 + +((buf[b1 + (col[a1] as number)] as number) >= (threshold[a1] as number));
      k2 = 2 * k2 + 1 + +((buf[b2 + (col[a2] as number)] as number) >= (threshold[a2] as number));
      k3 = 2 * k3 + 1 + +((buf[b3 + (col[a3] as number)] as number) >= (threshold[a3] as number));
      k4 = 2 * k4 + 1 + +((buf[b4 + (col[a4] as number)] as number) >= (threshold[a4] as number));
      k5 = 2 * k5 + 1 + +((buf[b5 + (col[a5] as number)] as number) >= (threshold[a5] as number));
      k6 = 2 * k6 + 1 + +((buf[b6 + (col[a6] as number)] as number) >= (threshold[a6] as number));
      k7 = 2 * k7 + 1 + +((buf[b7 + (col[a7] as number)] as number) >= (threshold[a7] as number));
    }
    const s0 = (acc[i + 0] as number) + (leafValue[leafBase + k0] as number);
    const s1 = (acc[i + 1] as number) + (leafValue[leafBase + k1] as number);
    const s2 = (acc[i + 2] as number) + (leafValue[leafBase + k2] as number);
    const s3 = (acc[i + 3] as number) + (leafValue[leafBase + k3] as number);
    const s4 = (acc[i + 4] as number) + (leafValue[leafBase + k4] as number);
    const s5 = (acc[i + 5] as number) + (leafValue[leafBase + k5] as number);
    const s6 = (acc[i + 6] as number) + (leafValue[leafBase + k6] as number);
    const s7 = (acc[i + 7] as number) + (leafValue[leafBase + k7] as number);
    acc[i + 0] = isFloat32 ? Math.fround(s0) : s0;
    acc[i + 1] = isFloat32 ? Math.fround(s1) : s1;
    acc[i + 2] = isFloat32 ? Math.fround(s2) : s2;
    acc[i + 3] = isFloat32 ? Math.fround(s3) : s3;
    acc[i + 4] = isFloat32 ? Math.fround(s4) : s4;
    acc[i + 5] = isFloat32 ? Math.fround(s5) : s5;
    acc[i + 6] = isFloat32 ? Math.fround(s6) : s6;
    acc[i + 7] = isFloat32 ? Math.fround(s7) : s7;
  }
  for (; i < n; i++) {
    const b = i * w;
    let k = 0;
    for (let l = 0; l < d; l++) {
      const a = start + k;
      k = 2 * k + 1 + +((buf[b + (col[a] as number)] as number) >= (threshold[a] as number));
    }
    const s = (acc[i] as number) + (leafValue[leafBase + k] as number);
    acc[i] = isFloat32 ? Math.fround(s) : s;
  }
}

/** A one-leaf tree: its value for every row. */
function addLeaf(v: number, n: number, acc: Float64Array, isFloat32: boolean): void {
  for (let i = 0; i < n; i++) {
    const s = (acc[i] as number) + v;
    acc[i] = isFloat32 ? Math.fround(s) : s;
  }
}

/** A tree too deep for the complete layout: the general walk on the original rows. */
function addDeepTree(
  forest: Forest,
  root: number,
  x: Float64Array,
  stride: number,
  r0: number,
  n: number,
  acc: Float64Array,
  isFloat32: boolean,
): void {
  const { feature, threshold, children, flags, leafValue } = forest;
  for (let i = 0; i < n; i++) {
    const base = (r0 + i) * stride;
    let node = root;
    while (node >= 0) node = step(feature, threshold, children, flags, x, base, node);
    const s = (acc[i] as number) + (leafValue[~node] as number);
    acc[i] = isFloat32 ? Math.fround(s) : s;
  }
}

/**
 * Four rows walk a tree in step, and each step is branch-free (`v >= t` as 0 or 1, NaN sent by
 * its flag): the walks are independent, so the CPU overlaps their loads instead of stalling on
 * mispredicted branches. Measured on bench/tree-scoring.ts: 14M rows x trees/s with one row and
 * a branch per node, 25M branch-free, 54M four rows in step.
 */
function addBlock(
  forest: Forest,
  x: Float64Array,
  stride: number,
  r0: number,
  r1: number,
  out: Float32Array | Float64Array,
): void {
  const { roots, feature, threshold, children, flags, leafValue } = forest;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    let r = r0;
    for (; r + 4 <= r1; r += 4) {
      const b0 = r * stride;
      const b1 = b0 + stride;
      const b2 = b1 + stride;
      const b3 = b2 + stride;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      while ((n0 & n1 & n2 & n3) >= 0) {
        if (n0 >= 0) n0 = step(feature, threshold, children, flags, x, b0, n0);
        if (n1 >= 0) n1 = step(feature, threshold, children, flags, x, b1, n1);
        if (n2 >= 0) n2 = step(feature, threshold, children, flags, x, b2, n2);
        if (n3 >= 0) n3 = step(feature, threshold, children, flags, x, b3, n3);
      }
      out[r] = (out[r] as number) + (leafValue[~n0] as number);
      out[r + 1] = (out[r + 1] as number) + (leafValue[~n1] as number);
      out[r + 2] = (out[r + 2] as number) + (leafValue[~n2] as number);
      out[r + 3] = (out[r + 3] as number) + (leafValue[~n3] as number);
    }
    for (; r < r1; r++) {
      const base = r * stride;
      let node = root;
      while (node >= 0) node = step(feature, threshold, children, flags, x, base, node);
      out[r] = (out[r] as number) + (leafValue[~node] as number);
    }
  }
}

/** One node: right when v >= threshold, or when v is NaN and the node does not send NaN left. */
function step(
  feature: Int32Array,
  threshold: Float64Array,
  children: Int32Array,
  flags: Uint8Array,
  x: Float64Array,
  base: number,
  node: number,
): number {
  const v = x[base + (feature[node] as number)] as number;
  const nanRight = ((flags[node] as number) & NodeFlag.NanLeft) ^ 1;
  const right = +(v >= (threshold[node] as number)) | (+(v !== v) & nanRight);
  return children[2 * node + right] as number;
}

/** The same with LightGBM's zero-as-missing test; kept apart so models without it never pay for it. */
function addBlockZero(
  forest: Forest,
  x: Float64Array,
  stride: number,
  r0: number,
  r1: number,
  out: Float32Array | Float64Array,
): void {
  const { roots, feature, threshold, children, flags, leafValue } = forest;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    for (let r = r0; r < r1; r++) {
      const base = r * stride;
      let node = root;
      while (node >= 0) {
        const v = x[base + (feature[node] as number)] as number;
        const f = flags[node] as number;
        let right: number;
        if (v === 0 && (f & NodeFlag.ZeroSpecial) !== 0) right = ((f & NodeFlag.ZeroLeft) >> 2) ^ 1;
        else right = v < (threshold[node] as number) ? 0 : v === v ? 1 : (f & NodeFlag.NanLeft) ^ 1;
        node = children[2 * node + right] as number;
      }
      out[r] = (out[r] as number) + (leafValue[~node] as number);
    }
  }
}

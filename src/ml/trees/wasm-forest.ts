/**
 * A complete-tree forest (complete.ts) copied into WebAssembly memory for the kernels of
 * wasm.ts: node records, leaf values, then one block's row copies and sums. Built once per
 * forest; scoring is synchronous, so one memory per forest serves every call.
 */
import type { CompleteForest } from './complete.js';
import { NODE_BYTES, treeKernels, type TreeKernel, type TreeKernels } from './wasm.js';

export interface WasmForest {
  readonly kernels: TreeKernels;
  /** Rows per block (as many as `buf` holds). */
  readonly block: number;
  /** Doubles per row copy: each feature twice (NaN as -Infinity, then as +Infinity). */
  readonly width: number;
  /** Per tree: its node records' address less one record (heap numbers start at 1). */
  readonly nodeBase: Int32Array;
  /** Per tree: its leaves' address less 2^depth doubles (leaf numbers start at 2^depth). */
  readonly leafBase: Int32Array;
  /** The block's row copies and sums, views of the memory. */
  readonly buf: Float64Array;
  readonly acc: Float64Array;
  readonly bufAddress: number;
  readonly accAddress: number;
}

const cache = new WeakMap<CompleteForest, WasmForest | null>();

/** The forest in WebAssembly memory, or undefined where WebAssembly is not available. */
export function wasmForest(c: CompleteForest, numFeatures: number, block: number): WasmForest | undefined {
  let w = cache.get(c);
  if (w === undefined) {
    w = build(c, numFeatures, block) ?? null;
    cache.set(c, w);
  }
  return w ?? undefined;
}

function build(c: CompleteForest, numFeatures: number, block: number): WasmForest | undefined {
  const width = 2 * numFeatures;
  const nodes = c.col.length;
  const nodeAddress = 0;
  const leafAddress = nodes * NODE_BYTES;
  const bufAddress = leafAddress + 8 * c.leafValue.length;
  const accAddress = bufAddress + 8 * block * width;
  const kernels = treeKernels(accAddress + 8 * block);
  if (kernels === undefined) return undefined;
  const mem = kernels.memory.buffer;
  const f64 = new Float64Array(mem, nodeAddress, (nodes * NODE_BYTES) / 8);
  const i32 = new Int32Array(mem, nodeAddress, (nodes * NODE_BYTES) / 4);
  for (let k = 0; k < nodes; k++) {
    f64[2 * k] = c.threshold[k] as number;
    i32[4 * k + 2] = 8 * (c.col[k] as number);
  }
  new Float64Array(mem, leafAddress, c.leafValue.length).set(c.leafValue);
  const trees = c.depth.length;
  const nodeBase = new Int32Array(trees);
  const leafBase = new Int32Array(trees);
  for (let t = 0; t < trees; t++) {
    const d = c.depth[t] as number;
    if (d < 0) continue;
    nodeBase[t] = nodeAddress + NODE_BYTES * ((c.nodeStart[t] as number) - 1);
    // complete.ts's leafBase is the first leaf's index less 2^d - 1; the kernels number leaves from 2^d.
    leafBase[t] = leafAddress + 8 * ((c.leafBase[t] as number) - 1);
  }
  return {
    kernels,
    block,
    width,
    nodeBase,
    leafBase,
    buf: new Float64Array(mem, bufAddress, block * width),
    acc: new Float64Array(mem, accAddress, block),
    bufAddress,
    accAddress,
  };
}

/** Runs tree `t` (depth d >= 1) over the first `n` rows of the block. */
export function runTree(w: WasmForest, kernel: TreeKernel, t: number, n: number): void {
  kernel(w.nodeBase[t] as number, w.leafBase[t] as number, w.bufAddress, 8 * w.width, n, w.accAddress);
}

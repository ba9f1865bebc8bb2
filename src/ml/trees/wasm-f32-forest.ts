/**
 * A float32 forest (see wasm-f32.ts) in WebAssembly memory: the current tree's scratch copy at 0,
 * every tree's image (nodes and leaves, 8 bytes each, heap-numbered from 1), the block's keys
 * and sums, the tree table `run` reads, then the block's rows of doubles as the caller holds
 * them. Built once per forest; scoring is synchronous, so one memory per forest serves every call.
 */
import type { CompleteForest } from './complete.js';
import { f32ModuleBytes, LANES, SCRATCH_BYTES } from './wasm-f32.js';
import { floatKey } from './wasm-f32-load.js';
import { WASM, type WasmMemory } from './wasm.js';

export interface F32Forest {
  /** run(table, count, buf, acc, n): `count` trees from `table` over the block's first n rows (n a multiple of 8). */
  readonly run: (table: number, count: number, buf: number, acc: number, n: number) => void;
  /** load(src, n, strideBytes, features, buf, block): rows of doubles at src into the block's keys. */
  readonly load: (src: number, n: number, stride: number, features: number, buf: number, block: number) => void;
  /** Rows per block (a multiple of 8). */
  readonly block: number;
  /** Trees in runs the kernels score in one call: [first, end) pairs, a tree deeper than MAX_DEPTH between runs. */
  readonly runs: readonly number[];
  readonly memory: WasmMemory;
  /** The block's keys, column 2f + nanRight at [(2f + nanRight) * block, ...), and its sums. */
  readonly bufAddress: number;
  readonly accAddress: number;
  /** Per tree: its (depth, image address) entry, 8 bytes, at tableAddress + 8t. */
  readonly tableAddress: number;
  /** Where the block's rows of doubles are copied, as they are in the caller's matrix. */
  readonly rawAddress: number;
}

/**
 * Views of the block's sums and rows (`stride` doubles each), the memory grown to hold them, or
 * undefined when it cannot grow so far (the double kernels then score).
 */
export function f32Views(f: F32Forest, stride: number): { acc: Float32Array; raw: Float64Array } | undefined {
  const end = f.rawAddress + 8 * stride * f.block;
  const have = f.memory.buffer.byteLength;
  try {
    if (end > have) f.memory.grow(Math.ceil((end - have) / 65_536));
  } catch {
    return undefined;
  }
  return {
    acc: new Float32Array(f.memory.buffer, f.accAddress, f.block),
    raw: new Float64Array(f.memory.buffer, f.rawAddress, stride * f.block),
  };
}

let compiled: object | null | undefined;
const cache = new WeakMap<CompleteForest, F32Forest | null>();

/**
 * The forest in float32 WebAssembly memory, or undefined where it does not apply (a threshold or
 * leaf value that float32 would change) or WebAssembly SIMD is not available.
 */
export function f32Forest(c: CompleteForest, numFeatures: number): F32Forest | undefined {
  let f = cache.get(c);
  if (f === undefined) {
    f = build(c, numFeatures) ?? null;
    cache.set(c, f);
  }
  return f ?? undefined;
}

/** Rows per block: the block's 2 x features float32 columns should stay in a 32 KiB L1 cache. */
export function f32BlockRows(numFeatures: number): number {
  return Math.max(64, Math.min(1024, Math.floor(24_576 / (8 * numFeatures)))) & ~(LANES - 1);
}

function build(c: CompleteForest, numFeatures: number): F32Forest | undefined {
  const isFloat32 = (v: number): boolean => Math.fround(v) === v;
  if (!c.threshold.every(isFloat32) || !c.leafValue.every(isFloat32)) return undefined;
  if (WASM === undefined) return undefined;
  if (compiled === undefined) {
    try {
      compiled = new WASM.Module(f32ModuleBytes());
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  const block = f32BlockRows(numFeatures);
  const trees = c.depth.length;
  const image = new Int32Array(trees);
  const runs: number[] = [];
  let bytes = SCRATCH_BYTES;
  for (let t = 0; t < trees; t++) {
    const d = c.depth[t] as number;
    if (d < 0) continue;
    if (runs.length === 0 || runs[runs.length - 1] !== t) runs.push(t, t + 1);
    else runs[runs.length - 1] = t + 1;
    image[t] = bytes;
    bytes += 8 << (d + 1);
  }
  const bufAddress = bytes;
  const accAddress = bufAddress + 4 * 2 * numFeatures * block;
  const tableAddress = accAddress + 4 * block; // 8-aligned: block is a multiple of 8
  let memory: WasmMemory;
  let exports: Record<string, unknown>;
  try {
    memory = new WASM.Memory({ initial: Math.ceil((tableAddress + 8 * trees) / 65_536) });
    exports = new WASM.Instance(compiled, { env: { mem: memory } }).exports;
  } catch {
    return undefined;
  }
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  for (let t = 0; t < trees; t++) {
    const d = c.depth[t] as number;
    if (d < 0) continue;
    i32[tableAddress / 4 + 2 * t] = d;
    i32[tableAddress / 4 + 2 * t + 1] = image[t] as number;
    const at = (image[t] as number) / 4;
    const internal = (1 << d) - 1;
    for (let k = 1; k <= internal; k++) {
      const node = (c.nodeStart[t] as number) + k - 1;
      // A threshold as its key less one: row > key - 1 is row >= threshold in one signed compare.
      i32[at + 2 * k] = floatKey(c.threshold[node] as number) - 1;
      i32[at + 2 * k + 1] = 4 * block * (c.col[node] as number);
    }
    for (let k = internal + 1; k <= 2 * internal + 1; k++) {
      f32[at + 2 * k] = c.leafValue[(c.leafBase[t] as number) + k - 1] as number;
    }
  }
  return {
    run: exports['run'] as F32Forest['run'],
    load: exports['load'] as F32Forest['load'],
    block,
    runs,
    memory,
    bufAddress,
    accAddress,
    tableAddress,
    rawAddress: tableAddress + 8 * trees + 8,
  };
}

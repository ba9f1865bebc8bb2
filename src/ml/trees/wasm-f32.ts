/**
 * Float32 WebAssembly kernels for forests whose thresholds and leaf values are all float32 (what
 * XGBoost stores) scored into float32 sums. There every comparison can be made in float32 without
 * changing its outcome: a value x is copied in as RD(x), the largest float32 <= x, and for a
 * float32 threshold t, x >= t exactly when RD(x) >= t (RD(x) <= x, and t <= x puts t at or below
 * RD(x)); NaN is copied as -Infinity or +Infinity as in the double kernels. A float32 sum of two
 * float32s, `f32.add`, is the double sum rounded once to float32, as `Math.fround(acc + leaf)`.
 *
 * Halving the width halves what a block of rows takes in cache, and allows the upper levels of
 * each tree to run on four rows per SIMD instruction: the block is copied column by column (a
 * feature's values for consecutive rows side by side), the top SIMD_LEVELS levels' nodes are all
 * compared for four rows at once (`f32x4.ge` of a column against a splatted threshold), and each
 * row's path through them is picked from those masks with `v128.bitselect`, the node the row is
 * at choosing between its children's results. Below that, rows walk on one at a time, eight in
 * step, as in wasm.ts. Before a tree runs, its nodes and leaves are copied to address 0, so node
 * k's record (f32 threshold, i32 byte offset of its column in the block) is at 8k and a leaf's
 * value at 8k too (k from 2^depth): every load then takes its address from k alone.
 * @see Lucchese et al., QuickScorer (SIGIR 2015), and its SIMD form V-QuickScorer (SIGIR 2016),
 *   on scoring many documents per instruction
 */
import { MAX_DEPTH, type CompleteForest } from './complete.js';
import { section, sleb, str, uleb, vec, WASM, type WasmMemory } from './wasm.js';

/** Levels compared for four rows per instruction (2^SIMD_LEVELS - 1 nodes each); measured best at 3. */
export const SIMD_LEVELS = 3;

/** Rows walked in step below the SIMD levels, and the granule a block is padded to. */
const LANES = 8;

/** The copy of the current tree at address 0: 8 bytes per node and leaf, heap-numbered from 1. */
const SCRATCH_BYTES = 8 << (MAX_DEPTH + 1);

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

/** Views of the block's sums and rows (`stride` doubles each), the memory grown to hold them. */
export function f32Views(f: F32Forest, stride: number): { acc: Float32Array; raw: Float64Array } {
  const end = f.rawAddress + 8 * stride * f.block;
  const have = f.memory.buffer.byteLength;
  if (end > have) f.memory.grow(Math.ceil((end - have) / 65_536));
  return {
    acc: new Float32Array(f.memory.buffer, f.accAddress, f.block),
    raw: new Float64Array(f.memory.buffer, f.rawAddress, stride * f.block),
  };
}

const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32GtS: 0x4a,
  i32Add: 0x6a,
  i32Shl: 0x74,
  f32Add: 0x92,
  localTee: 0x22,
  select: 0x1b,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Const: 0x43,
  f64Ne: 0x62,
  f64Gt: 0x64,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Xor: 0x73,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
  i32ReinterpretF32: 0xbc,
} as const;
const SIMD = { load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, shuffle: 0x0d, extractLane: 0x1b, gt: 0x3b, ne: 0x42, f64Gt: 0x4a, xor: 0x51, select: 0x52, load64Lane: 0x57, load64Zero: 0x5d, demote: 0x5e, promote: 0x5f, shl: 0xab, shrS: 0xac, shrU: 0xad, add: 0xae, sub: 0xb1, fadd: 0xe4 }; // prettier-ignore
const PREFIX_SIMD = 0xfd;
const VOID = 0x40;
const I32 = 0x7f;
const V128 = 0x7b;

/** The kernel for depth d. */
function kernelBody(d: number): number[] {
  const top = Math.min(d, SIMD_LEVELS);
  const nodes = (1 << top) - 1;
  // Parameters 0-3, then i32 locals R (row address in the block), P (sum address), END, eight
  // node addresses, the SIMD nodes' column offsets; then v128 locals: thresholds, masks, path.
  const [IMAGE, BUF, ACC, N, R, P, END] = [0, 1, 2, 3, 4, 5, 6];
  const A = 7;
  const C = A + LANES - 1; // C + k for node k >= 1
  const V = C + nodes;
  const G = V + nodes;
  const PATH = G + nodes + 1;
  const c: number[] = [];
  const get = (l: number): void => void c.push(OP.localGet, ...uleb(l));
  const set = (l: number): void => void c.push(OP.localSet, ...uleb(l));
  const i32 = (v: number): void => void c.push(OP.i32Const, ...sleb(v));
  const mem = (op: number, offset: number): void => void c.push(op, 2, ...uleb(offset));
  const simd = (op: number): void => void c.push(PREFIX_SIMD, ...uleb(op));
  const splat = (v: number): void => {
    simd(SIMD.const);
    for (let i = 0; i < 4; i++) c.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  };
  const levelOf = (k: number): number => 31 - Math.clz32(k);
  /** The mask of the level-l comparison on each row's path from node k: k's own, or its child's. */
  const mux = (k: number, l: number): void => {
    if (levelOf(k) === l) return get(G + k);
    mux(2 * k + 1, l);
    mux(2 * k, l);
    get(G + k);
    simd(SIMD.select);
  };

  // The tree's image to address 0; the SIMD nodes' columns and splatted thresholds to locals.
  // (A loop of v128 moves: memory.copy is a call out of the module in V8, dearer than the copy.)
  c.push(OP.block, VOID, OP.loop, VOID);
  get(END);
  i32(8 << (d + 1));
  c.push(OP.i32GeU, OP.brIf, 1);
  get(END);
  get(END);
  get(IMAGE);
  c.push(OP.i32Add);
  simd(SIMD.load);
  c.push(2, 0);
  simd(SIMD.store);
  c.push(2, 0);
  get(END);
  i32(16);
  c.push(OP.i32Add);
  set(END);
  c.push(OP.br, 0, OP.end, OP.end);
  for (let k = 1; k <= nodes; k++) {
    i32(0);
    mem(OP.i32Load, 8 * k + 4);
    set(C + k);
    i32(0);
    simd(SIMD.load32Splat);
    c.push(2, ...uleb(8 * k));
    set(V + k);
  }
  get(BUF);
  set(R);
  get(ACC);
  set(P);
  get(N);
  i32(2);
  c.push(OP.i32Shl);
  get(ACC);
  c.push(OP.i32Add);
  set(END);
  c.push(OP.block, VOID, OP.loop, VOID);
  get(P);
  get(END);
  c.push(OP.i32GeU, OP.brIf, 1);
  for (let l = 0; l < LANES && top === 0; l++) {
    // A one-leaf tree: its leaf is node 1.
    i32(8);
    set(A + l);
  }
  for (let h = 0; h < LANES / 4 && top > 0; h++) {
    for (let k = 1; k <= nodes; k++) {
      get(C + k);
      get(R);
      c.push(OP.i32Add);
      simd(SIMD.load);
      c.push(2, ...uleb(16 * h));
      get(V + k);
      simd(SIMD.gt);
      set(G + k);
    }
    // Node number (times 8) after `top` levels: 2^top plus the path's bits, one per level, a
    // mask being -1 where the row went right: 8 * 2^top - 8 * sum(mask_l * 2^(top - 1 - l)).
    get(G + 1);
    set(PATH);
    for (let l = 1; l < top; l++) {
      get(PATH);
      get(PATH);
      simd(SIMD.add);
      mux(1, l);
      simd(SIMD.add);
      set(PATH);
    }
    splat(8 << top);
    get(PATH);
    i32(3);
    simd(SIMD.shl);
    simd(SIMD.sub);
    set(PATH);
    for (let i = 0; i < 4; i++) {
      get(PATH);
      simd(SIMD.extractLane);
      c.push(i);
      set(A + 4 * h + i);
    }
  }
  for (let level = top; level < d; level++) {
    for (let l = 0; l < LANES; l++) {
      // a = 2a + 8 * (key(row[col(a)]) > key(threshold(a)) - 1)
      get(A + l);
      mem(OP.i32Load, 4);
      get(R);
      c.push(OP.i32Add);
      mem(OP.i32Load, 4 * l);
      get(A + l);
      mem(OP.i32Load, 0);
      c.push(OP.i32GtS);
      i32(3);
      c.push(OP.i32Shl);
      get(A + l);
      i32(1);
      c.push(OP.i32Shl, OP.i32Add);
      set(A + l);
    }
  }
  for (let l = 0; l < LANES; l++) {
    get(P);
    get(P);
    mem(OP.f32Load, 4 * l);
    get(A + l);
    mem(OP.f32Load, 0);
    c.push(OP.f32Add);
    mem(OP.f32Store, 4 * l);
  }
  for (const l of [R, P]) {
    get(l);
    i32(4 * LANES);
    c.push(OP.i32Add);
    set(l);
  }
  c.push(OP.br, 0, OP.end, OP.end, OP.end);
  return [
    ...vec([
      [...uleb(V + 1 - R), I32],
      [...uleb(PATH - V), V128],
    ]),
    ...c,
  ];
}

/**
 * load(src, n, stride, features, buf, block): n rows of doubles (stride bytes apart, from src) into
 * the block as int32 keys, column by column. A value becomes the key of RD(x), the largest float32
 * at or below it: x rounded to the nearest float32 (-0 made +0), less one key step when that
 * rounded up. Keys are a float's bits with the magnitude bits flipped when negative, ordered as
 * the floats (the one key between -0 and the least negative float, -1, compares as that float
 * with every threshold key). NaN becomes -Infinity's key in column 2f and +Infinity's in 2f + 1.
 */
function loadBody(): number[] {
  // Four rows of one feature at a time: two f64x2 loads, demoted to one f32x4.
  const [SRC, N, STRIDE, FEATURES, BUF, BLOCK, I, J, P, Q] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [A, B, FA, FB, K] = [10, 11, 12, 13, 14];
  const c: number[] = [];
  const op = (...b: number[]): void => void c.push(...b);
  const get = (l: number): void => op(OP.localGet, l);
  const set = (l: number): void => op(OP.localSet, l);
  const simd = (o: number, ...imm: number[]): void => op(PREFIX_SIMD, ...uleb(o), ...imm);
  const splat = (v: number): void => {
    simd(SIMD.const);
    for (let i = 0; i < 4; i++) op(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  };
  /** Two rows' doubles: at P, and at P + stride. */
  const pair = (into: number, rowOffset: number): void => {
    get(P);
    if (rowOffset > 0) {
      get(STRIDE);
      if (rowOffset > 1) op(OP.i32Const, rowOffset, OP.i32Mul);
      op(OP.i32Add);
    }
    simd(SIMD.load64Zero, 3, 0);
    set(into);
    get(P);
    get(STRIDE);
    op(OP.i32Const, rowOffset + 1, OP.i32Mul, OP.i32Add);
    get(into);
    simd(SIMD.load64Lane, 3, 0, 1);
    set(into);
  };
  get(BLOCK);
  op(OP.i32Const, 2, OP.i32Shl);
  set(BLOCK);
  op(OP.block, VOID, OP.loop, VOID);
  get(J);
  get(FEATURES);
  op(OP.i32GeU, OP.brIf, 1);
  get(J);
  op(OP.i32Const, 3, OP.i32Shl);
  get(SRC);
  op(OP.i32Add);
  set(P);
  get(J);
  get(BLOCK);
  op(OP.i32Mul, OP.i32Const, 1, OP.i32Shl);
  get(BUF);
  op(OP.i32Add);
  set(Q);
  op(OP.i32Const, 0);
  set(I);
  op(OP.block, VOID, OP.loop, VOID);
  get(I);
  get(N);
  op(OP.i32GeU, OP.brIf, 1);
  pair(A, 0);
  pair(B, 2);
  get(A);
  simd(SIMD.demote);
  set(FA);
  get(B);
  simd(SIMD.demote);
  set(FB);
  // K: the four rows' floats, -0 made +0, as ordered keys.
  get(FA);
  get(FB);
  simd(SIMD.shuffle, ...[0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  splat(0);
  simd(SIMD.fadd);
  set(K);
  get(K);
  get(K);
  op(OP.i32Const, 31);
  simd(SIMD.shrS);
  op(OP.i32Const, 1);
  simd(SIMD.shrU);
  simd(SIMD.xor);
  // ... less one where rounding went up (a mask of -1 per such row).
  get(FA);
  simd(SIMD.promote);
  get(A);
  simd(SIMD.f64Gt);
  get(FB);
  simd(SIMD.promote);
  get(B);
  simd(SIMD.f64Gt);
  simd(SIMD.shuffle, ...[0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
  simd(SIMD.add);
  set(K);
  // NaN (demoted, still NaN) to -Infinity's key in column 2f, +Infinity's in 2f + 1.
  for (const [offset, key] of [
    [0, KEY_MINUS_INFINITY],
    [1, KEY_PLUS_INFINITY],
  ] as const) {
    get(Q);
    if (offset === 1) {
      get(BLOCK);
      op(OP.i32Add);
    }
    splat(key);
    get(K);
    get(FA);
    get(FB);
    simd(SIMD.shuffle, ...[0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    op(OP.localTee, A);
    get(A);
    simd(SIMD.ne);
    simd(SIMD.select);
    simd(SIMD.store, 2, 0);
  }
  get(P);
  get(STRIDE);
  op(OP.i32Const, 2, OP.i32Shl, OP.i32Add);
  set(P);
  get(Q);
  op(OP.i32Const, 16, OP.i32Add);
  set(Q);
  get(I);
  op(OP.i32Const, 4, OP.i32Add);
  set(I);
  op(OP.br, 0, OP.end, OP.end);
  get(J);
  op(OP.i32Const, 1, OP.i32Add);
  set(J);
  op(OP.br, 0, OP.end, OP.end, OP.end);
  return [...vec([[4, I32], [5, V128]]), ...c];
}

/** Ordered int32 keys of -Infinity and +Infinity (see loadBody). */
const KEY_MINUS_INFINITY = 0xff800000 ^ 0x7fffffff;
const KEY_PLUS_INFINITY = 0x7f800000;

/**
 * run(table, count, buf, acc, n): the `count` trees listed at `table` (depth, image address: two
 * i32s each) over the block, in order, each by the kernel for its depth.
 */
function runBody(): number[] {
  const [TABLE, COUNT, BUF, ACC, N, I] = [0, 1, 2, 3, 4, 5];
  const c: number[] = [OP.block, VOID, OP.loop, VOID, OP.localGet, I, OP.localGet, COUNT, OP.i32GeU, OP.brIf, 1];
  const entry = (offset: number): void => {
    c.push(OP.localGet, I, OP.i32Const, 3, OP.i32Shl, OP.localGet, TABLE, OP.i32Add, OP.i32Load, 2, offset);
  };
  c.push(OP.block, VOID);
  for (let d = 0; d <= MAX_DEPTH; d++) c.push(OP.block, VOID);
  entry(0);
  c.push(OP.brTable, ...vec(Array.from({ length: MAX_DEPTH + 1 }, (_, d) => [d])), MAX_DEPTH);
  for (let d = 0; d <= MAX_DEPTH; d++) {
    c.push(OP.end);
    entry(4);
    c.push(OP.localGet, BUF, OP.localGet, ACC, OP.localGet, N, OP.call, d, OP.br, MAX_DEPTH - d);
  }
  c.push(OP.end, OP.localGet, I, OP.i32Const, 1, OP.i32Add, OP.localSet, I, OP.br, 0, OP.end, OP.end, OP.end);
  return [...vec([[1, I32]]), ...c];
}

/** The module's bytes: memory imported as env.mem; exports k<d> (the kernel for depth d), `load` and `run`. */
export function f32ModuleBytes(): Uint8Array {
  const bodies: number[][] = [];
  for (let d = 0; d <= MAX_DEPTH; d++) bodies.push(kernelBody(d));
  bodies.push(loadBody(), runBody());
  const type = (params: number): number[] => [0x60, ...vec(Array.from({ length: params }, () => [I32])), 0x00];
  const names = [...Array.from({ length: MAX_DEPTH + 1 }, (_, d) => `k${d}`), 'load', 'run'];
  const types = names.map((n) => (n === 'load' ? 1 : n === 'run' ? 2 : 0));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type(4), type(6), type(5)])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(types.map((t) => [t]))),
    ...section(7, vec(names.map((n, i) => [...str(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
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
  // A threshold as its key less one: row > key - 1 is row >= threshold in one signed compare.
  const key = (v: number): number => {
    f32[0] = v === 0 ? 0 : v;
    const b = i32[0] as number;
    return b >= 0 ? b : b ^ 0x7fffffff;
  };
  for (let t = 0; t < trees; t++) {
    const d = c.depth[t] as number;
    if (d < 0) continue;
    i32[tableAddress / 4 + 2 * t] = d;
    i32[tableAddress / 4 + 2 * t + 1] = image[t] as number;
    const at = (image[t] as number) / 4;
    const internal = (1 << d) - 1;
    for (let k = 1; k <= internal; k++) {
      const node = (c.nodeStart[t] as number) + k - 1;
      i32[at + 2 * k] = key(c.threshold[node] as number) - 1;
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

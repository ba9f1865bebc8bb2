/**
 * Float32 WebAssembly kernels for forests whose thresholds and leaf values are all float32 (what
 * XGBoost stores) scored into float32 sums. There a comparison can be made in float32 without
 * changing its outcome: a value x is loaded as RD(x), the largest float32 <= x, and for a float32
 * threshold t, x >= t exactly when RD(x) >= t (RD(x) <= x, and t <= x puts t at or below RD(x));
 * NaN is loaded as -Infinity or +Infinity as in the double kernels. Floats are then compared as
 * ordered int32 keys (wasm-f32-load.ts), `row > key(t) - 1`, one signed compare. A float32 sum
 * of two float32s, `f32.add`, is the double sum rounded once, `Math.fround(acc + leaf)`.
 *
 * Half the width halves what a block of rows takes in cache, and lets the top SIMD_LEVELS levels
 * of each tree run on four rows per instruction: the block is laid out column by column (one
 * feature's keys for consecutive rows side by side), every node of those levels is compared for
 * four rows at once (`i32x4.gt_s` of a column against a splatted threshold), and each row's path
 * is picked from those masks with `v128.bitselect`, a node's own mask choosing between its
 * children's. Below that, rows walk on one at a time, eight in step, as in wasm.ts. Before a
 * tree runs its nodes and leaves are copied to address 0, node k's record (threshold key, byte
 * offset of its column in the block) at 8k and a leaf's value at 8k too (k from 2^depth), so
 * every load takes its address from k alone. One call (`run`) scores a block through every tree.
 * @see Lucchese et al., QuickScorer (SIGIR 2015), and its SIMD form V-QuickScorer (SIGIR 2016),
 *   on scoring several documents per instruction
 */
import { MAX_DEPTH } from './complete.js';
import { loadBody } from './wasm-f32-load.js';
import { I32, OP, PREFIX_SIMD, SIMD, V128, VOID } from './wasm-ops.js';
import { section, sleb, str, uleb, vec } from './wasm.js';

/** Levels compared for four rows per instruction (2^SIMD_LEVELS - 1 nodes each); measured best at 3. */
export const SIMD_LEVELS = 3;

/** Rows walked in step below the SIMD levels, and the granule a block is padded to. */
export const LANES = 8;

/** The copy of the current tree at address 0: 8 bytes per node and leaf, heap-numbered from 1. */
export const SCRATCH_BYTES = 8 << (MAX_DEPTH + 1);

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

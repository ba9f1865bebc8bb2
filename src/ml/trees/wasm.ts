/**
 * WebAssembly kernels for the complete-tree layout (complete.ts), emitted as bytes here (there is
 * no .wat source and no build tool: the module is a few hundred instructions, generated the way
 * the JS kernels would be unrolled by hand). WebAssembly loads carry no bounds check (the engine
 * reserves guard pages) and locals stay in registers, which JS typed-array code cannot promise;
 * the arithmetic is the same IEEE double `>=` and `+` as the JS path, and float32 rounding is
 * `f32.demote_f64` (round to nearest even, as `Math.fround`), so sums are bit-identical.
 *
 * One exported function per depth d (1..MAX_DEPTH) and accumulator kind scores one tree over a
 * block of rows, LANES rows in step (independent walks the CPU overlaps), each level unrolled:
 *
 *   k = 1; repeat d times: k = 2k + (row[col(k)] >= threshold(k)); acc += leaf(k - 2^d)
 *
 * Heap numbering from 1 saves the `+ 1` of every step. A node is a 16-byte record (threshold
 * f64, then the byte offset of the value it reads in the row copy, i32), so one address serves
 * both loads. The only inputs are numbers from a validated forest; nothing is evaluated as text.
 */
import { MAX_DEPTH } from './complete.js';

/** Rows walked in step by one kernel call (the rest of a block takes the one-row loop). */
export const LANES = 8;

/** Bytes of one node record: f64 threshold at 0, i32 byte offset of the value read at 8. */
export const NODE_BYTES = 16;

/** A kernel's signature: (nodeBase, leafBase, buf, rowBytes, n, acc) with the bases pre-offset (see below). */
export type TreeKernel = (node: number, leaf: number, buf: number, rowBytes: number, n: number, acc: number) => void;

/** The part of the WebAssembly API used here (the project's TS libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export interface TreeKernels {
  readonly memory: WasmMemory;
  /** kernels[d - 1]: depth d, sums rounded to float32 after each tree. */
  readonly float32: readonly TreeKernel[];
  /** kernels[d - 1]: depth d, double sums. */
  readonly float64: readonly TreeKernel[];
}

const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32GeS: 0x4e,
  i32GtS: 0x4a,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f64Add: 0xa0,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;
const VOID = 0x40;
const I32 = 0x7f;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Parameters, then locals, by index.
const P_NODE = 0;
const P_LEAF = 1;
const P_BUF = 2;
const P_ROW = 3;
const P_N = 4;
const P_ACC = 5;
const L_I = 6;
const L_A = 7;
const L_P = 8;
const L_B = 9; // LANES row bases
const L_K = L_B + LANES; // LANES node numbers
const LOCALS = 3 + 2 * LANES;

/** The body of the kernel for depth `d`: LANES rows at a time, then one at a time. */
function kernelBody(d: number, float32: boolean): number[] {
  const c: number[] = [];
  const get = (l: number): void => void c.push(OP.localGet, l);
  const set = (l: number): void => void c.push(OP.localSet, l);
  const i32 = (v: number): void => void c.push(OP.i32Const, ...sleb(v));
  const mem = (op: number, align: number, offset: number): void => void c.push(op, align, ...uleb(offset));
  /** k = 2k + (row[col] >= threshold) for the lane with row base `b` and node number `k`. */
  const level = (b: number, k: number): void => {
    get(b);
    get(k);
    i32(4);
    c.push(OP.i32Shl);
    get(P_NODE);
    c.push(OP.i32Add, OP.localTee, L_A);
    mem(OP.i32Load, 2, 8);
    c.push(OP.i32Add);
    mem(OP.f64Load, 3, 0);
    get(L_A);
    mem(OP.f64Load, 3, 0);
    c.push(OP.f64Ge);
    get(k);
    i32(1);
    c.push(OP.i32Shl, OP.i32Add);
    set(k);
  };
  /** acc[p + lane] += leaf(k), rounded to float32 when asked. */
  const addLeaf = (k: number, lane: number): void => {
    get(L_P);
    get(L_P);
    mem(OP.f64Load, 3, 8 * lane);
    get(k);
    i32(3);
    c.push(OP.i32Shl);
    get(P_LEAF);
    c.push(OP.i32Add);
    mem(OP.f64Load, 3, 0);
    c.push(OP.f64Add);
    if (float32) c.push(OP.f32DemoteF64, OP.f64PromoteF32);
    mem(OP.f64Store, 3, 8 * lane);
  };
  // i = 0 (locals start at zero). LANES rows at a time while i + LANES <= n.
  c.push(OP.block, VOID, OP.loop, VOID);
  get(L_I);
  i32(LANES);
  c.push(OP.i32Add);
  get(P_N);
  c.push(OP.i32GtS, OP.brIf, 1);
  get(L_I);
  get(P_ROW);
  c.push(OP.i32Mul);
  get(P_BUF);
  c.push(OP.i32Add);
  set(L_B);
  for (let l = 1; l < LANES; l++) {
    get(L_B + l - 1);
    get(P_ROW);
    c.push(OP.i32Add);
    set(L_B + l);
  }
  for (let l = 0; l < LANES; l++) {
    i32(1);
    set(L_K + l);
  }
  for (let lev = 0; lev < d; lev++) for (let l = 0; l < LANES; l++) level(L_B + l, L_K + l);
  get(L_I);
  i32(3);
  c.push(OP.i32Shl);
  get(P_ACC);
  c.push(OP.i32Add);
  set(L_P);
  for (let l = 0; l < LANES; l++) addLeaf(L_K + l, l);
  get(L_I);
  i32(LANES);
  c.push(OP.i32Add);
  set(L_I);
  c.push(OP.br, 0, OP.end, OP.end);
  // The remaining rows one at a time.
  c.push(OP.block, VOID, OP.loop, VOID);
  get(L_I);
  get(P_N);
  c.push(OP.i32GeS, OP.brIf, 1);
  get(L_I);
  get(P_ROW);
  c.push(OP.i32Mul);
  get(P_BUF);
  c.push(OP.i32Add);
  set(L_B);
  i32(1);
  set(L_K);
  for (let lev = 0; lev < d; lev++) level(L_B, L_K);
  get(L_I);
  i32(3);
  c.push(OP.i32Shl);
  get(P_ACC);
  c.push(OP.i32Add);
  set(L_P);
  addLeaf(L_K, 0);
  get(L_I);
  i32(1);
  c.push(OP.i32Add);
  set(L_I);
  c.push(OP.br, 0, OP.end, OP.end, OP.end);
  return [...vec([[...uleb(LOCALS), I32]]), ...c];
}

let compiled: object | null | undefined;

/** The module's bytes: memory imported as env.mem, kernels exported as f32_<d> and f64_<d>. */
export function kernelModuleBytes(): Uint8Array {
  const names: string[] = [];
  const bodies: number[][] = [];
  for (const float32 of [true, false])
    for (let d = 1; d <= MAX_DEPTH; d++) {
      names.push(`${float32 ? 'f32' : 'f64'}_${d}`);
      const body = kernelBody(d, float32);
      bodies.push([...uleb(body.length), ...body]);
    }
  const type = [0x60, ...vec(Array.from({ length: 6 }, () => [I32])), 0x00];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(names.map(() => [0x00]))),
    ...section(7, vec(names.map((n, i) => [...str(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ];
  return Uint8Array.from(bytes);
}

/**
 * Kernels bound to a new memory of at least `bytes` bytes, or undefined where WebAssembly is not
 * available (the JS kernels then score).
 */
export function treeKernels(bytes: number): TreeKernels | undefined {
  if (WASM === undefined) return undefined;
  if (compiled === undefined) {
    try {
      compiled = new WASM.Module(kernelModuleBytes());
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  let memory: WasmMemory;
  let exports: Record<string, TreeKernel>;
  try {
    memory = new WASM.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
    exports = new WASM.Instance(compiled, { env: { mem: memory } }).exports as Record<string, TreeKernel>;
  } catch {
    // A forest too large for one 32-bit memory (or a memory the engine refuses) is scored in JS.
    return undefined;
  }
  const pick = (kind: string): TreeKernel[] =>
    Array.from({ length: MAX_DEPTH }, (_, i) => exports[`${kind}_${i + 1}`] as TreeKernel);
  return { memory, float32: pick('f32'), float64: pick('f64') };
}

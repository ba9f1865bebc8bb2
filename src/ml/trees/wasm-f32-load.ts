/**
 * The float32 kernels' row loader (see wasm-f32.ts): a block of rows of doubles, as the caller
 * holds them, into the block's int32 keys, column by column.
 */
import { OP, PREFIX_SIMD, SIMD, V128, I32, VOID } from './wasm-ops.js';
import { uleb, vec } from './wasm.js';

/**
 * load(src, n, stride, features, buf, block): n rows of doubles (stride bytes apart, from src) into
 * the block as int32 keys, column by column. A value becomes the key of RD(x), the largest float32
 * at or below it: x rounded to the nearest float32 (-0 made +0), less one key step when that
 * rounded up. Keys are a float's bits with the magnitude bits flipped when negative, ordered as
 * the floats (the one key between -0 and the least negative float, -1, compares as that float
 * with every threshold key). NaN becomes -Infinity's key in column 2f and +Infinity's in 2f + 1.
 */
export function loadBody(): number[] {
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
  return [
    ...vec([
      [4, I32],
      [5, V128],
    ]),
    ...c,
  ];
}

/** Ordered int32 keys of -Infinity and +Infinity (see loadBody). */
export const KEY_MINUS_INFINITY = 0xff800000 ^ 0x7fffffff;
export const KEY_PLUS_INFINITY = 0x7f800000;

const F32 = new Float32Array(1);
const F32_BITS = new Int32Array(F32.buffer);

/** The ordered int32 key of a float32 value (-0 as +0), as loadBody makes it. */
export function floatKey(v: number): number {
  F32[0] = v === 0 ? 0 : v;
  const b = F32_BITS[0] as number;
  return b >= 0 ? b : b ^ 0x7fffffff;
}

/**
 * A tree ensemble flattened into typed arrays, the one form every tree model is scored in
 * (imported XGBoost and LightGBM models, and later our own GBDT). Each library's decision rule
 * is translated into one rule at build time, so the scoring loop has no per-library branch:
 *
 *   a split node sends x left when x < threshold; NaN goes where its NAN_LEFT flag says; and,
 *   on nodes flagged ZERO_SPECIAL, an exact zero goes where ZERO_LEFT says.
 *
 * XGBoost's `x < split_condition` maps as is. LightGBM's `x <= threshold` becomes
 * `x < nextUp(threshold)`, the same set of doubles; its missing-value types become the flags.
 */

/** Node flags. */
export const NodeFlag = {
  /** A missing value (NaN) takes the left branch. */
  NanLeft: 1,
  /** An exact zero does not follow the threshold but ZeroLeft (LightGBM's zero-as-missing). */
  ZeroSpecial: 2,
  /** With ZeroSpecial: a zero takes the left branch. */
  ZeroLeft: 4,
} as const;

/**
 * Nodes of all trees in one set of arrays. Split nodes are numbered from 0 across the whole
 * ensemble; a child index below zero is a leaf, `~child` indexing `leafValue`. A tree that is a
 * single leaf has a negative root.
 */
export interface Forest {
  /** Number of input columns a row must have (the highest feature index used, plus one, or more). */
  readonly numFeatures: number;
  readonly numTrees: number;
  /** Per tree: its root (a split node, or ~leaf for a one-leaf tree). */
  readonly roots: Int32Array;
  /** Per split node: the column it reads. */
  readonly feature: Int32Array;
  /** Per split node: x < threshold goes left. */
  readonly threshold: Float64Array;
  /** Per split node: left child at 2k, right child at 2k + 1 (split node, or ~leaf). */
  readonly children: Int32Array;
  /** Per split node: NodeFlag bits. */
  readonly flags: Uint8Array;
  readonly leafValue: Float64Array;
  /** Whether any node is ZeroSpecial: the scoring loop skips the zero test when none is. */
  readonly hasZeroSpecial: boolean;
}

/** One tree as a reader hands it over: split nodes indexed locally, children as in `Forest`. */
export interface TreeNodes {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  /** Local split-node index, or ~local leaf index. */
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly flags: ArrayLike<number>;
  readonly leafValue: ArrayLike<number>;
  /** The root: 0 when the tree has splits, ~0 for a single leaf. */
  readonly root: number;
}

/** Collects trees and freezes them into a `Forest`. */
export class ForestBuilder {
  readonly #trees: TreeNodes[] = [];
  #splits = 0;
  #leaves = 0;
  #maxFeature = -1;

  add(tree: TreeNodes): void {
    this.#trees.push(tree);
    this.#splits += tree.feature.length;
    this.#leaves += tree.leafValue.length;
    for (let i = 0; i < tree.feature.length; i++) this.#maxFeature = Math.max(this.#maxFeature, tree.feature[i] ?? 0);
  }

  build(numFeatures: number): Forest {
    const feature = new Int32Array(this.#splits);
    const threshold = new Float64Array(this.#splits);
    const children = new Int32Array(2 * this.#splits);
    const flags = new Uint8Array(this.#splits);
    const leafValue = new Float64Array(this.#leaves);
    const roots = new Int32Array(this.#trees.length);
    let s0 = 0;
    let l0 = 0;
    let zero = false;
    const shift = (child: number): number => (child >= 0 ? child + s0 : ~(~child + l0));
    this.#trees.forEach((t, k) => {
      for (let i = 0; i < t.feature.length; i++) {
        feature[s0 + i] = t.feature[i] as number;
        threshold[s0 + i] = t.threshold[i] as number;
        children[2 * (s0 + i)] = shift(t.left[i] as number);
        children[2 * (s0 + i) + 1] = shift(t.right[i] as number);
        const f = t.flags[i] as number;
        flags[s0 + i] = f;
        if ((f & NodeFlag.ZeroSpecial) !== 0) zero = true;
      }
      for (let i = 0; i < t.leafValue.length; i++) leafValue[l0 + i] = t.leafValue[i] as number;
      roots[k] = shift(t.root);
      s0 += t.feature.length;
      l0 += t.leafValue.length;
    });
    return {
      numFeatures: Math.max(numFeatures, this.#maxFeature + 1),
      numTrees: this.#trees.length,
      roots,
      feature,
      threshold,
      children,
      flags,
      leafValue,
      hasZeroSpecial: zero,
    };
  }
}

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/** The smallest double above `x` (x itself for +Infinity and NaN): turns `<=` into `<`. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  F64[0] = x;
  I64[0] = (I64[0] as bigint) + (x > 0 ? 1n : -1n);
  return F64[0] as number;
}

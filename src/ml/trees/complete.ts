/**
 * A forest re-laid for fast scoring: each tree of depth <= MAX_DEPTH becomes a complete tree in
 * heap order (node k's children at 2k + 1 and 2k + 2), a shorter branch padded with nodes whose
 * two subtrees hold the same leaf, so every row takes exactly `depth` steps of
 *
 *   k = 2k + 1 + (value >= threshold)
 *
 * with no child array, no loop exit test and no branch. Missing values are folded into the
 * value read, not tested per node: each row of a block is copied twice over, NaN as -Infinity
 * in the copy NaN-left nodes read and as +Infinity in the copy the others read, so `>=` alone
 * sends NaN where the node's flag says. That holds when no NaN-left node has the threshold
 * -Infinity and no threshold is NaN; `compileForest` checks it and returns undefined otherwise.
 * Trees deeper than MAX_DEPTH keep the general walk (`deepTrees`).
 * @see Lucchese et al., QuickScorer (SIGIR 2015), on branch-free scoring of tree ensembles
 */
import { type Forest, NodeFlag } from './forest.js';

/** Deeper trees would pad to more than 1023 nodes each; they stay on the general walk. */
export const MAX_DEPTH = 10;

export interface CompleteForest {
  /** Per tree: its depth, or -1 when it is scored by the general walk. */
  readonly depth: Int32Array;
  /** Per tree: where its heap-ordered nodes start in `col` and `threshold`. */
  readonly nodeStart: Int32Array;
  /** Per tree: `leafValue` index of its first leaf, less its number of nodes (2^depth - 1). */
  readonly leafBase: Int32Array;
  /** Per node: 2 * feature + 1 when the node sends NaN right (it reads the +Infinity copy). */
  readonly col: Int32Array;
  readonly threshold: Float64Array;
  readonly leafValue: Float64Array;
}

const cache = new WeakMap<Forest, CompleteForest | null>();

/** The complete-tree layout of `forest` (built once per forest), or undefined when it does not apply. */
export function compileForest(forest: Forest): CompleteForest | undefined {
  let c = cache.get(forest);
  if (c === undefined) {
    c = build(forest);
    cache.set(forest, c);
  }
  return c ?? undefined;
}

function treeDepth(forest: Forest, node: number): number {
  if (node < 0) return 0;
  const kids = forest.children;
  return 1 + Math.max(treeDepth(forest, kids[2 * node] as number), treeDepth(forest, kids[2 * node + 1] as number));
}

function build(forest: Forest): CompleteForest | null {
  if (forest.hasZeroSpecial) return null;
  for (let k = 0; k < forest.threshold.length; k++) {
    const t = forest.threshold[k] as number;
    if (t !== t || (t === -Infinity && ((forest.flags[k] as number) & NodeFlag.NanLeft) !== 0)) return null;
  }
  const trees = forest.numTrees;
  const depth = new Int32Array(trees);
  const nodeStart = new Int32Array(trees);
  const leafBase = new Int32Array(trees);
  let nodes = 0;
  let leaves = 0;
  for (let t = 0; t < trees; t++) {
    const d = treeDepth(forest, forest.roots[t] as number);
    depth[t] = d <= MAX_DEPTH ? d : -1;
    if (d > MAX_DEPTH) continue;
    nodeStart[t] = nodes;
    leafBase[t] = leaves - (2 ** d - 1);
    nodes += 2 ** d - 1;
    leaves += 2 ** d;
  }
  const out: CompleteForest = {
    depth,
    nodeStart,
    leafBase,
    col: new Int32Array(nodes),
    threshold: new Float64Array(nodes).fill(Infinity),
    leafValue: new Float64Array(leaves),
  };
  for (let t = 0; t < trees; t++) {
    if ((depth[t] as number) >= 0) place(forest, out, t, forest.roots[t] as number, 0, 0);
  }
  return out;
}

/** Writes the subtree at `node` (a split, or ~leaf) into heap position `k`, at level `level`. */
function place(forest: Forest, out: CompleteForest, t: number, node: number, k: number, level: number): void {
  const d = out.depth[t] as number;
  if (level === d) {
    (out.leafValue as Float64Array)[(out.leafBase[t] as number) + k] = forest.leafValue[~node] as number;
    return;
  }
  if (node >= 0) {
    const i = (out.nodeStart[t] as number) + k;
    const nanRight = ((forest.flags[node] as number) & NodeFlag.NanLeft) === 0 ? 1 : 0;
    out.col[i] = 2 * (forest.feature[node] as number) + nanRight;
    out.threshold[i] = forest.threshold[node] as number;
    place(forest, out, t, forest.children[2 * node] as number, 2 * k + 1, level + 1);
    place(forest, out, t, forest.children[2 * node + 1] as number, 2 * k + 2, level + 1);
    return;
  }
  // A leaf above the last level: a padding node (column 0, threshold +Infinity) over two copies of it.
  place(forest, out, t, node, 2 * k + 1, level + 1);
  place(forest, out, t, node, 2 * k + 2, level + 1);
}

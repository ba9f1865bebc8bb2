/**
 * Leaf-wise (best-first) growth of one tree over binned data, LightGBM's way: the leaf whose
 * best split gains most splits next, until num_leaves leaves, or no leaf has a split that
 * passes the constraints. Each leaf owns a contiguous range of `rows`; a split partitions the
 * range stably, builds the smaller child's histogram and derives the larger's by subtraction.
 * Buffers live across trees, so growing a tree allocates little beyond the tree itself.
 */
import type { FeatureBins } from './binning.js';
import { buildHistogram, subtractHistogram } from './histogram.js';
import { findBestSplit, leafOutput, SplitResult, type SplitConstraints } from './split.js';
import { Tree } from './tree.js';

export interface GrowOptions extends SplitConstraints {
  readonly numLeaves: number;
  /** <= 0: no limit. */
  readonly maxDepth: number;
}

export class TreeLearner {
  readonly #binned: Uint8Array;
  /** The bins again, column-major: a split reads one column over a leaf's ascending row ids. */
  readonly #binnedByColumn: Uint8Array;
  /** Histogram slots per bin: [g, h, count], or [g, h] when split search takes counts elsewhere. */
  readonly #stride: 2 | 3;
  readonly #n: number;
  readonly #cols: number;
  readonly #bins: FeatureBins;
  readonly #o: GrowOptions;
  /** Row ids, each leaf's rows contiguous from leafBegin. */
  readonly rows: Int32Array;
  readonly #tmp: Int32Array;
  readonly #og: Float64Array;
  readonly #oh: Float64Array;
  readonly #hists: Float64Array[] = [];
  readonly leafBegin: Int32Array;
  readonly leafCount: Int32Array;
  readonly #leafHist: Int32Array;
  readonly #leafDepth: Int32Array;
  readonly #leafG: Float64Array;
  readonly #leafH: Float64Array;
  readonly #leafParent: Int32Array;
  readonly #split: SplitResult[];
  /** The bin each node of the last grown tree splits at (left: bin <= nodeBin). */
  readonly nodeBin: Uint8Array;

  constructor(binned: Uint8Array, numRows: number, bins: FeatureBins, options: GrowOptions) {
    this.#binned = binned;
    this.#n = numRows;
    this.#cols = bins.numBins.length;
    this.#bins = bins;
    this.#o = options;
    this.#stride = options.countSource === 0 ? 3 : 2;
    this.#binnedByColumn = byColumn(binned, numRows, this.#cols);
    const L = options.numLeaves;
    this.rows = new Int32Array(numRows);
    this.#tmp = new Int32Array(numRows);
    this.#og = new Float64Array(numRows);
    this.#oh = new Float64Array(numRows);
    this.leafBegin = new Int32Array(L);
    this.leafCount = new Int32Array(L);
    this.#leafHist = new Int32Array(L);
    this.#leafDepth = new Int32Array(L);
    this.#leafG = new Float64Array(L);
    this.#leafH = new Float64Array(L);
    this.#leafParent = new Int32Array(L);
    this.#split = Array.from({ length: L }, () => new SplitResult());
    this.nodeBin = new Uint8Array(L);
  }

  #hist(id: number): Float64Array {
    while (this.#hists.length <= id) this.#hists.push(new Float64Array(this.#bins.totalBins * this.#stride));
    return this.#hists[id] as Float64Array;
  }

  #gather(grad: Float64Array, hess: Float64Array, begin: number, count: number): void {
    const rows = this.rows;
    const og = this.#og;
    const oh = this.#oh;
    for (let i = 0; i < count; i++) {
      const r = rows[begin + i] as number;
      og[i] = grad[r] as number;
      oh[i] = hess[r] as number;
    }
  }

  #canSplit(leaf: number): boolean {
    return this.#o.maxDepth <= 0 || (this.#leafDepth[leaf] as number) < this.#o.maxDepth;
  }

  #findSplit(leaf: number, features: Int32Array): void {
    const s = this.#split[leaf] as SplitResult;
    if (!this.#canSplit(leaf)) return s.reset();
    const hist = this.#hist(this.#leafHist[leaf] as number);
    const g = this.#leafG[leaf] as number;
    const h = this.#leafH[leaf] as number;
    findBestSplit(hist, this.#bins, features, g, h, this.leafCount[leaf] as number, this.#o, s, this.#stride);
  }

  /**
   * Grows one tree on the rows of `bag` (all rows when null) using only `features`.
   * Leaf values are -T(G)/(H + lambda_l2) times `learningRate`.
   */
  grow(
    grad: Float64Array,
    hess: Float64Array,
    bag: Int32Array | null,
    features: Int32Array,
    learningRate: number,
  ): Tree {
    const o = this.#o;
    const rows = this.rows;
    const count = bag === null ? this.#n : bag.length;
    if (bag === null) for (let i = 0; i < count; i++) rows[i] = i;
    else rows.set(bag);
    this.#gather(grad, hess, 0, count);
    let g = 0;
    let h = 0;
    for (let i = 0; i < count; i++) {
      g += this.#og[i] as number;
      h += this.#oh[i] as number;
    }
    this.leafBegin[0] = 0;
    this.leafCount[0] = count;
    this.#leafDepth[0] = 0;
    this.#leafG[0] = g;
    this.#leafH[0] = h;
    this.#leafParent[0] = -1;
    this.#leafHist[0] = 0;
    const tree = new Tree(o.numLeaves);
    const b = this.#bins;
    buildHistogram(this.#hist(0), this.#binned, this.#cols, features, b.offset, b.numBins, rows, 0, count, this.#og, this.#oh, bag === null, o.countSource === 0, this.#stride); // prettier-ignore
    this.#findSplit(0, features);
    let numLeaves = 1;
    while (numLeaves < o.numLeaves) {
      let best = -1;
      let bestGain = -Infinity;
      for (let l = 0; l < numLeaves; l++) {
        const s = this.#split[l] as SplitResult;
        if (s.feature >= 0 && s.gain > bestGain) {
          bestGain = s.gain;
          best = l;
        }
      }
      if (best < 0) break;
      this.#splitLeaf(tree, best, numLeaves, grad, hess, features, numLeaves + 1 < o.numLeaves);
      numLeaves++;
    }
    for (let l = 0; l < numLeaves; l++) {
      const v = leafOutput(this.#leafG[l] as number, this.#leafH[l] as number, o.lambdaL1, o.lambdaL2);
      tree.leafValue[l] = v * learningRate;
      tree.leafCount[l] = this.leafCount[l] as number;
    }
    return numLeaves === o.numLeaves ? tree : Tree.trimmed(tree, numLeaves);
  }

  /** Splits `leaf` into itself (left) and leaf `right`; node `right - 1` records the split. */
  #splitLeaf(
    tree: Tree,
    leaf: number,
    right: number,
    grad: Float64Array,
    hess: Float64Array,
    features: Int32Array,
    willSplitAgain: boolean,
  ): void {
    const s = this.#split[leaf] as SplitResult;
    const node = right - 1;
    const f = s.feature;
    tree.splitFeature[node] = f;
    tree.threshold[node] = (this.#bins.upper[f] as Float64Array)[s.bin] as number;
    tree.defaultLeft[node] = s.defaultLeft ? 1 : 0;
    tree.leftChild[node] = ~leaf;
    tree.rightChild[node] = ~right;
    tree.splitGain[node] = s.gain;
    this.nodeBin[node] = s.bin;
    const parent = this.#leafParent[leaf] as number;
    if (parent >= 0) {
      if (tree.leftChild[parent] === ~leaf) tree.leftChild[parent] = node;
      else tree.rightChild[parent] = node;
    }
    this.#leafParent[leaf] = node;
    this.#leafParent[right] = node;

    // Stable partition of the leaf's rows: left rows compact in place, right rows via #tmp.
    const begin = this.leafBegin[leaf] as number;
    const count = this.leafCount[leaf] as number;
    // A leaf's row ids ascend (the root's do, and the partition is stable), so this column is read forward.
    const column = this.#binnedByColumn.subarray(f * this.#n, (f + 1) * this.#n);
    const missing = this.#bins.numBins[f] as number;
    const rows = this.rows;
    const tmp = this.#tmp;
    const t = s.bin;
    const missingLeft = s.defaultLeft;
    let nl = 0;
    let nr = 0;
    for (let i = 0; i < count; i++) {
      const r = rows[begin + i] as number;
      const bin = column[r] as number;
      if (bin <= t || (bin === missing && missingLeft)) rows[begin + nl++] = r;
      else tmp[nr++] = r;
    }
    rows.set(tmp.subarray(0, nr), begin + nl);

    const depth = (this.#leafDepth[leaf] as number) + 1;
    const g = this.#leafG[leaf] as number;
    const h = this.#leafH[leaf] as number;
    this.leafCount[leaf] = nl;
    this.leafBegin[right] = begin + nl;
    this.leafCount[right] = nr;
    this.#leafDepth[leaf] = depth;
    this.#leafDepth[right] = depth;
    this.#leafG[leaf] = s.leftG;
    this.#leafH[leaf] = s.leftH;
    this.#leafG[right] = g - s.leftG;
    this.#leafH[right] = h - s.leftH;
    if (!willSplitAgain || (this.#o.maxDepth > 0 && depth >= this.#o.maxDepth)) {
      // Neither child can split: their histograms would never be read.
      (this.#split[leaf] as SplitResult).reset();
      (this.#split[right] as SplitResult).reset();
      return;
    }
    // The smaller child reads its rows; the larger child's histogram is the parent's minus it.
    const parentHist = this.#leafHist[leaf] as number;
    const small = nl <= nr ? leaf : right;
    const large = small === leaf ? right : leaf;
    const smallHist = right; // a fresh buffer id: ids 0..right-1 may still be held by other leaves
    const b = this.#bins;
    this.#gather(grad, hess, this.leafBegin[small] as number, this.leafCount[small] as number);
    buildHistogram(this.#hist(smallHist), this.#binned, this.#cols, features, b.offset, b.numBins, rows, this.leafBegin[small] as number, this.leafCount[small] as number, this.#og, this.#oh, false, this.#o.countSource === 0, this.#stride); // prettier-ignore
    subtractHistogram(this.#hist(parentHist), this.#hist(smallHist), features, b.offset, b.numBins, this.#stride);
    this.#leafHist[small] = smallHist;
    this.#leafHist[large] = parentHist;
    this.#findSplit(leaf, features);
    this.#findSplit(right, features);
  }
}

/** A column-major copy of a row-major bin matrix. */
function byColumn(binned: Uint8Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(rows * cols);
  for (let r = 0, i = 0; r < rows; r++) for (let f = 0; f < cols; f++, i++) out[f * rows + r] = binned[i] as number;
  return out;
}

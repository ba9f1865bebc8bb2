/**
 * One regression tree in LightGBM's array layout: internal nodes 0..numLeaves-2, children
 * >= 0 name nodes and negative children name leaves as ~leaf. A row goes left when its
 * value <= threshold, and a missing value (NaN) goes to the node's default side.
 */
export class Tree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  /** The gain each split scored when it was chosen (for feature importance). */
  readonly splitGain: Float64Array;
  /** Leaf values, shrinkage included. */
  readonly leafValue: Float64Array;
  /** Training rows (in the bag) that reached each leaf. */
  readonly leafCount: Int32Array;

  constructor(numLeaves: number) {
    this.numLeaves = numLeaves;
    const nodes = Math.max(numLeaves - 1, 0);
    this.splitFeature = new Int32Array(nodes);
    this.threshold = new Float64Array(nodes);
    this.defaultLeft = new Uint8Array(nodes);
    this.leftChild = new Int32Array(nodes);
    this.rightChild = new Int32Array(nodes);
    this.splitGain = new Float64Array(nodes);
    this.leafValue = new Float64Array(numLeaves);
    this.leafCount = new Int32Array(numLeaves);
  }

  /** The leaf a row of a row-major matrix reaches (`offset` is the row's first cell). */
  leafOf(x: Float64Array, offset: number): number {
    if (this.numLeaves === 1) return 0;
    let node = 0;
    while (node >= 0) {
      const v = x[offset + (this.splitFeature[node] as number)] as number;
      if (v <= (this.threshold[node] as number)) node = this.leftChild[node] as number;
      else if (v !== v && this.defaultLeft[node] === 1) node = this.leftChild[node] as number;
      else node = this.rightChild[node] as number;
    }
    return ~node;
  }

  predictRow(x: Float64Array, offset: number): number {
    return this.leafValue[this.leafOf(x, offset)] as number;
  }

  /** Keeps the first `numLeaves` leaves' worth of arrays (a grown tree may stop short of its budget). */
  static trimmed(t: Tree, numLeaves: number): Tree {
    const out = new Tree(numLeaves);
    const nodes = Math.max(numLeaves - 1, 0);
    out.splitFeature.set(t.splitFeature.subarray(0, nodes));
    out.threshold.set(t.threshold.subarray(0, nodes));
    out.defaultLeft.set(t.defaultLeft.subarray(0, nodes));
    out.leftChild.set(t.leftChild.subarray(0, nodes));
    out.rightChild.set(t.rightChild.subarray(0, nodes));
    out.splitGain.set(t.splitGain.subarray(0, nodes));
    out.leafValue.set(t.leafValue.subarray(0, numLeaves));
    out.leafCount.set(t.leafCount.subarray(0, numLeaves));
    return out;
  }
}

/**
 * Gradient histograms: per feature and bin, the sums of gradients, hessians and the row count
 * of a leaf's rows, as triples [g, h, count] in one Float64Array laid out by FeatureBins.offset.
 * A split builds the smaller child's histogram from its rows and derives the larger child's as
 * parent minus smaller (LightGBM's subtraction trick), so each split reads only the smaller side.
 */

/**
 * Adds `count` rows (ids in `rows` from `begin`) into `hist` for the listed features. `binned`
 * is row-major (a row's bins are contiguous), so each row costs one cache line and its gradient
 * is read once for all features, as XGBoost's hist builder reads it. `og` and `oh` hold the
 * rows' gradients and hessians in the order of `rows` (gathered once per leaf).
 */
export function buildHistogram(
  hist: Float64Array,
  binned: Uint8Array,
  cols: number,
  features: Int32Array,
  offset: Int32Array,
  numBins: Uint16Array,
  rows: Int32Array,
  begin: number,
  count: number,
  og: Float64Array,
  oh: Float64Array,
  isAllRows: boolean,
  isCounting: boolean,
): void {
  const nf = features.length;
  const base3 = new Int32Array(nf);
  for (let k = 0; k < nf; k++) {
    const f = features[k] as number;
    const base = (offset[f] as number) * 3;
    base3[k] = base;
    hist.fill(0, base, base + ((numBins[f] as number) + 1) * 3);
  }
  const isAllFeatures = nf === cols;
  if (!isCounting) {
    // The count slots stay 0: split search reads counts from elsewhere (SplitConstraints.countSource).
    for (let i = 0; i < count; i++) {
      const row = (isAllRows ? i : (rows[begin + i] as number)) * cols;
      const g = og[i] as number;
      const h = oh[i] as number;
      for (let k = 0; k < nf; k++) {
        const f = isAllFeatures ? k : (features[k] as number);
        const b = (base3[k] as number) + (binned[row + f] as number) * 3;
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const row = (isAllRows ? i : (rows[begin + i] as number)) * cols;
    const g = og[i] as number;
    const h = oh[i] as number;
    if (isAllFeatures) {
      for (let k = 0; k < nf; k++) {
        const b = (base3[k] as number) + (binned[row + k] as number) * 3;
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        hist[b + 2] = (hist[b + 2] as number) + 1;
      }
    } else {
      for (let k = 0; k < nf; k++) {
        const b = (base3[k] as number) + (binned[row + (features[k] as number)] as number) * 3;
        hist[b] = (hist[b] as number) + g;
        hist[b + 1] = (hist[b + 1] as number) + h;
        hist[b + 2] = (hist[b + 2] as number) + 1;
      }
    }
  }
}

/** `parent -= child` over the listed features: the parent's buffer becomes the sibling's histogram. */
export function subtractHistogram(
  parent: Float64Array,
  child: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Uint16Array,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const base = (offset[f] as number) * 3;
    const end = base + ((numBins[f] as number) + 1) * 3;
    for (let i = base; i < end; i++) parent[i] = (parent[i] as number) - (child[i] as number);
  }
}

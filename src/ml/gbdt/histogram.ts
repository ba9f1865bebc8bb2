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
 * rows' gradients and hessians in the order of `rows` (gathered once per leaf). `stride` is 3
 * for [g, h, count] slots, or 2 for [g, h] when not counting: a third less histogram to keep in
 * cache. Every bin still receives its rows in row order, so the sums are the same to the bit.
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
  stride: 2 | 3 = 3,
): void {
  if (isCounting && stride !== 3) throw new RangeError('counting histograms need stride 3');
  const nf = features.length;
  const base = new Int32Array(nf);
  for (let k = 0; k < nf; k++) {
    const f = features[k] as number;
    const b = (offset[f] as number) * stride;
    base[k] = b;
    hist.fill(0, b, b + ((numBins[f] as number) + 1) * stride);
  }
  // Column index of each listed feature (the identity when all are listed).
  const col = features;
  if (!isCounting) {
    // The count slots are not kept: split search reads counts from elsewhere (SplitConstraints.countSource).
    if (isAllRows) addAllRows(hist, binned, cols, col, base, count, og, oh, stride);
    else addListedRows(hist, binned, cols, col, base, rows, begin, count, og, oh, stride);
    return;
  }
  for (let i = 0; i < count; i++) {
    const row = (isAllRows ? i : (rows[begin + i] as number)) * cols;
    const g = og[i] as number;
    const h = oh[i] as number;
    for (let k = 0; k < nf; k++) {
      const b = (base[k] as number) + (binned[row + (col[k] as number)] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
    }
  }
}

/** Rows 0..count-1 in order (the root of an unbagged tree): the row ids are the positions. Two rows per pass, as below. */
function addAllRows(
  hist: Float64Array,
  binned: Uint8Array,
  cols: number,
  col: Int32Array,
  base: Int32Array,
  count: number,
  og: Float64Array,
  oh: Float64Array,
  stride: number,
): void {
  const nf = col.length;
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const row0 = i * cols;
    const row1 = row0 + cols;
    const g0 = og[i] as number;
    const h0 = oh[i] as number;
    const g1 = og[i + 1] as number;
    const h1 = oh[i + 1] as number;
    for (let k = 0; k < nf; k++) {
      const c = col[k] as number;
      const bk = base[k] as number;
      const b0 = bk + (binned[row0 + c] as number) * stride;
      const b1 = bk + (binned[row1 + c] as number) * stride;
      hist[b0] = (hist[b0] as number) + g0;
      hist[b0 + 1] = (hist[b0 + 1] as number) + h0;
      hist[b1] = (hist[b1] as number) + g1;
      hist[b1 + 1] = (hist[b1 + 1] as number) + h1;
    }
  }
  for (; i < count; i++) {
    const row = i * cols;
    const g = og[i] as number;
    const h = oh[i] as number;
    for (let k = 0; k < nf; k++) {
      const b = (base[k] as number) + (binned[row + (col[k] as number)] as number) * stride;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
    }
  }
}

function addListedRows(
  hist: Float64Array,
  binned: Uint8Array,
  cols: number,
  col: Int32Array,
  base: Int32Array,
  rows: Int32Array,
  begin: number,
  count: number,
  og: Float64Array,
  oh: Float64Array,
  stride: number,
): void {
  const nf = col.length;
  let i = 0;
  // Two rows per pass give the CPU two independent updates per feature; a bin both rows hit
  // still receives the earlier row first.
  for (; i + 2 <= count; i += 2) {
    const row0 = (rows[begin + i] as number) * cols;
    const row1 = (rows[begin + i + 1] as number) * cols;
    const g0 = og[i] as number;
    const h0 = oh[i] as number;
    const g1 = og[i + 1] as number;
    const h1 = oh[i + 1] as number;
    for (let k = 0; k < nf; k++) {
      const c = col[k] as number;
      const bk = base[k] as number;
      const b0 = bk + (binned[row0 + c] as number) * stride;
      const b1 = bk + (binned[row1 + c] as number) * stride;
      hist[b0] = (hist[b0] as number) + g0;
      hist[b0 + 1] = (hist[b0 + 1] as number) + h0;
      hist[b1] = (hist[b1] as number) + g1;
      hist[b1 + 1] = (hist[b1 + 1] as number) + h1;
    }
  }
  for (; i < count; i++) {
    const row = (rows[begin + i] as number) * cols;
    const g = og[i] as number;
    const h = oh[i] as number;
    for (let k = 0; k < nf; k++) {
      const b = (base[k] as number) + (binned[row + (col[k] as number)] as number) * stride;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
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
  stride: 2 | 3 = 3,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const base = (offset[f] as number) * stride;
    const end = base + ((numBins[f] as number) + 1) * stride;
    for (let i = base; i < end; i++) parent[i] = (parent[i] as number) - (child[i] as number);
  }
}

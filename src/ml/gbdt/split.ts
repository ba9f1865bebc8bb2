/**
 * Split search over a leaf's histogram, with the second-order gain of XGBoost and LightGBM:
 * a leaf with gradient sum G and hessian sum H scores T(G)^2 / (H + lambda_l2), where T
 * soft-thresholds G by lambda_l1, and its value is -T(G) / (H + lambda_l2). A split's gain is
 * left + right - parent. The missing bin is tried on both sides; the better side becomes the
 * split's default direction.
 * @see Chen & Guestrin, XGBoost: A Scalable Tree Boosting System (2016), eq. 7
 */
import type { FeatureBins } from './binning.js';

/** L1 soft-thresholding of a gradient sum: shrinks it towards 0 by `l1`, and to 0 within it. */
export function thresholdL1(g: number, l1: number): number {
  if (l1 <= 0) return g;
  if (g > l1) return g - l1;
  if (g < -l1) return g + l1;
  return 0;
}

/** A leaf's score: T(G)^2 / (H + lambda_l2). */
export function leafGain(g: number, h: number, l1: number, l2: number): number {
  const t = thresholdL1(g, l1);
  return (t * t) / (h + l2);
}

/** A leaf's value before shrinkage: -T(G) / (H + lambda_l2). */
export function leafOutput(g: number, h: number, l1: number, l2: number): number {
  return -thresholdL1(g, l1) / (h + l2);
}

export interface SplitConstraints {
  readonly lambdaL1: number;
  readonly lambdaL2: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly minGainToSplit: number;
  /**
   * Where row counts come from: 0 the histograms' count slots; 1 the hessian sums (objectives
   * whose hessian is 1 per row); 2 nowhere, when min_data_in_leaf <= 1 and
   * min_sum_hessian_in_leaf > 0 already keep empty children out (a child with no rows has no
   * hessian). 1 and 2 let histograms skip counting, a third of their work.
   */
  readonly countSource: 0 | 1 | 2;
}

/** The best split of one leaf, written into reused fields (no allocation per leaf). */
export class SplitResult {
  gain = -Infinity;
  feature = -1;
  /** Rows with bin <= this go left. */
  bin = -1;
  defaultLeft = false;
  leftG = 0;
  leftH = 0;
  leftCount = 0;

  reset(): void {
    this.gain = -Infinity;
    this.feature = -1;
  }
}

/**
 * The best split of a leaf with sums (g, h, count) over the listed features, into `out`
 * (out.feature stays -1 when no split meets the constraints and beats min_gain_to_split).
 * `stride` is the histogram's slots per bin: 3 with counts, 2 without (countSource 1 or 2).
 */
export function findBestSplit(
  hist: Float64Array,
  bins: FeatureBins,
  features: Int32Array,
  g: number,
  h: number,
  count: number,
  c: SplitConstraints,
  out: SplitResult,
  stride: 2 | 3 = 3,
): void {
  out.reset();
  const { lambdaL1: l1, lambdaL2: l2, minSumHessianInLeaf: minHess, countSource } = c;
  // Without counts, "rows" below are hessian sums and only the hessian bound applies.
  const minData = countSource === 2 ? 0 : c.minDataInLeaf;
  const slot = countSource === 0 ? 2 : 1;
  const rows = countSource === 0 ? count : h;
  if (rows < 2 * minData || h < 2 * minHess) return;
  const parentGain = leafGain(g, h, l1, l2);
  let best = c.minGainToSplit > 0 ? c.minGainToSplit : 0;
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const nb = bins.numBins[f] as number;
    if (nb < 2) continue;
    const base = (bins.offset[f] as number) * stride;
    const mi = base + nb * stride;
    const gm = hist[mi] as number;
    const hm = hist[mi + 1] as number;
    const cm = hist[mi + slot] as number;
    const hasMissing = cm > 0;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const i = base + b * stride;
      gl += hist[i] as number;
      hl += hist[i + 1] as number;
      cl += hist[i + slot] as number;
      // Missing rows right: left holds only bins <= b.
      const cr = rows - cl;
      if (cl >= minData && hl >= minHess && cr >= minData && h - hl >= minHess && cl > 0 && cr > 0) {
        const gain = leafGain(gl, hl, l1, l2) + leafGain(g - gl, h - hl, l1, l2) - parentGain;
        if (gain > best) {
          best = gain;
          out.gain = gain;
          out.feature = f;
          out.bin = b;
          // With no missing rows here the default is the side with more rows (or hessian).
          out.defaultLeft = !hasMissing && cl >= cr;
          out.leftG = gl;
          out.leftH = hl;
          out.leftCount = cl;
        }
      }
      if (!hasMissing) continue;
      // Missing rows left.
      const gl2 = gl + gm;
      const hl2 = hl + hm;
      const cl2 = cl + cm;
      const cr2 = rows - cl2;
      if (cl2 >= minData && hl2 >= minHess && cr2 >= minData && h - hl2 >= minHess && cr2 > 0) {
        const gain = leafGain(gl2, hl2, l1, l2) + leafGain(g - gl2, h - hl2, l1, l2) - parentGain;
        if (gain > best) {
          best = gain;
          out.gain = gain;
          out.feature = f;
          out.bin = b;
          out.defaultLeft = true;
          out.leftG = gl2;
          out.leftH = hl2;
          out.leftCount = cl2;
        }
      }
    }
  }
}

/**
 * Pair series of seed 001 (`data/processed/pairs/{LONG}_{SHORT}.csv`): an OLS hedge ratio of the
 * long leg's price on the short leg's, the spread, its rolling z-score and the pair's relative
 * momentum. Everything at t uses data at or before t only.
 */
export type HedgeMode = 'static' | 'rolling';

export interface PairInput {
  readonly ts: Float64Array;
  readonly closeLong: Float64Array;
  readonly closeShort: Float64Array;
}

export interface PairOptions {
  /** OLS window (rolling mode) or formation period (static mode), and the z-score window. */
  readonly window?: number;
  /** Momentum lookback. */
  readonly momentum?: number;
  readonly hedgeMode?: HedgeMode;
}

export interface PairSeries {
  readonly retLong: Float64Array;
  readonly retShort: Float64Array;
  readonly beta: Float64Array;
  readonly spread: Float64Array;
  readonly zscore: Float64Array;
  readonly mom: Float64Array;
  readonly hedgeMode: HedgeMode;
}

/** OLS slope of y on x over [from, to]. */
function olsBeta(x: Float64Array, y: Float64Array, from: number, to: number): number {
  const n = to - from + 1;
  let sx = 0;
  let sy = 0;
  for (let i = from; i <= to; i++) {
    sx += x[i] as number;
    sy += y[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = from; i <= to; i++) {
    const dx = (x[i] as number) - mx;
    sxy += dx * ((y[i] as number) - my);
    sxx += dx * dx;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/**
 * Static mode estimates the hedge ratio once on the first `window` bars (a formation period) and
 * holds it; rolling mode re-estimates it on the last `window` bars at every bar. The spread is
 * `close_long - beta * close_short`; `zscore` is the spread against its own last `window` values
 * (population standard deviation); `mom` is the long leg's `momentum`-bar return minus the short's.
 */
export function buildPair(input: PairInput, options: PairOptions = {}): PairSeries {
  const w = options.window ?? 60;
  const m = options.momentum ?? 60;
  const mode = options.hedgeMode ?? 'rolling';
  const { closeLong: L, closeShort: S } = input;
  const n = Math.min(L.length, S.length);
  const nan = (): Float64Array => new Float64Array(n).fill(Number.NaN);
  const retLong = nan();
  const retShort = nan();
  const beta = nan();
  const spread = nan();
  const zscore = nan();
  const mom = nan();
  const staticBeta = n >= w ? olsBeta(S, L, 0, w - 1) : Number.NaN;
  for (let t = 0; t < n; t++) {
    if (t >= 1) {
      retLong[t] = (L[t] as number) / (L[t - 1] as number) - 1;
      retShort[t] = (S[t] as number) / (S[t - 1] as number) - 1;
    }
    if (t >= m) mom[t] = (L[t] as number) / (L[t - m] as number) - (S[t] as number) / (S[t - m] as number);
    if (t >= w - 1) {
      const b = mode === 'static' ? staticBeta : olsBeta(S, L, t - w + 1, t);
      beta[t] = b;
      spread[t] = (L[t] as number) - b * (S[t] as number);
    }
    const first = t - w + 1;
    if (first >= 0 && !Number.isNaN(spread[first] as number)) {
      let sum = 0;
      for (let i = first; i <= t; i++) sum += spread[i] as number;
      const mean = sum / w;
      let ss = 0;
      for (let i = first; i <= t; i++) ss += ((spread[i] as number) - mean) ** 2;
      const sd = Math.sqrt(ss / w);
      // A spread flat to rounding error has no meaningful z-score.
      zscore[t] = sd <= 1e-12 * Math.max(1, Math.abs(mean)) ? Number.NaN : ((spread[t] as number) - mean) / sd;
    }
  }
  return { retLong, retShort, beta, spread, zscore, mom, hedgeMode: mode };
}

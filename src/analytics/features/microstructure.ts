import type { FeatureDef } from './feature.js';
import { atr } from '../indicators/atr.js';
import { covarianceOf, lag, map1, meanOf, nans, pctChange, rolling } from './rolling.js';

/** Family 7 (seed 003): microstructure estimated from bars (no quotes or trades needed). */

const family = 'microstructure' as const;

export function amihud(period: number, scale = 1e6): FeatureDef {
  return {
    name: `amihud_${period}`,
    family,
    description: `Amihud illiquidity: mean absolute return per unit of traded value over ${period} bars, times ${scale}`,
    formula: `${scale} * mean(|ret_1d[i]| / (close[i] * volume[i])), i = t-${period - 1}..t (NaN if any value traded is 0)`,
    params: { period, scale },
    warmup: period,
    source: 'Amihud (2002), Journal of Financial Markets 5(1)',
    compute: ({ close, volume }) => {
      const r = pctChange(close, 1);
      const x = map1(r, (ret, t) => {
        const dv = (close[t] as number) * (volume[t] as number);
        return dv > 0 ? Math.abs(ret) / dv : Number.NaN;
      });
      return rolling([x], period, (s, e) => scale * meanOf(x, s, e));
    },
  };
}

const K = 3 - 2 * Math.SQRT2;

/**
 * Corwin-Schultz two-day high-low spread for the pair of bars (t-1, t). Bar t's high and low are
 * first shifted by the overnight move when its range lies wholly above or below the previous
 * close (the paper's overnight adjustment); negative estimates are set to 0 (the paper does so
 * before averaging).
 * @see Corwin & Schultz (2012), "A Simple Way to Estimate Bid-Ask Spreads from Daily High and Low Prices", JF 67(2), eq. (14), (18)
 */
export function corwinSchultzSpreads(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const out = nans(close.length);
  for (let t = 1; t < close.length; t++) {
    const h0 = high[t - 1] as number;
    const l0 = low[t - 1] as number;
    const pc = close[t - 1] as number;
    let h1 = high[t] as number;
    let l1 = low[t] as number;
    const shift = l1 > pc ? pc - l1 : h1 < pc ? pc - h1 : 0;
    h1 += shift;
    l1 += shift;
    const beta = Math.log(h0 / l0) ** 2 + Math.log(h1 / l1) ** 2;
    const gamma = Math.log(Math.max(h0, h1) / Math.min(l0, l1)) ** 2;
    const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / K - Math.sqrt(gamma / K);
    const s = (2 * (Math.exp(alpha) - 1)) / (1 + Math.exp(alpha));
    out[t] = Math.max(s, 0);
  }
  return out;
}

export const csSpread: FeatureDef = {
  name: 'cs_spread',
  family,
  description: 'Corwin-Schultz two-day high-low spread estimate for bars t-1 and t (fraction of price, >= 0)',
  formula:
    'S = 2 (e^a - 1) / (1 + e^a), a = (sqrt(2b) - sqrt(b)) / (3 - 2 sqrt 2) - sqrt(g / (3 - 2 sqrt 2)), b = sum of ln(H/L)^2 over the two bars, g = ln(max H / min L)^2; overnight-adjusted, max(S, 0)',
  params: {},
  warmup: 1,
  source: 'Corwin & Schultz (2012), JF 67(2)',
  compute: ({ high, low, close }) => corwinSchultzSpreads(high, low, close),
};

export function csSpreadMean(period: number): FeatureDef {
  return {
    name: `cs_spread_${period}`,
    family,
    description: `mean of the Corwin-Schultz two-day spreads (negatives set to 0) over ${period} bars`,
    formula: `mean(cs_spread[t-${period - 1}..t])`,
    params: { period },
    warmup: period,
    source: 'Corwin & Schultz (2012): monthly average of two-day estimates',
    compute: ({ high, low, close }) => {
      const s = corwinSchultzSpreads(high, low, close);
      return rolling([s], period, (a, b) => meanOf(s, a, b));
    },
  };
}

export const clv: FeatureDef = {
  name: 'clv',
  family,
  description:
    'close location value: where the close sits in the bar range (-1 = at the low, +1 = at the high; 0 when high = low)',
  formula: '((close - low) - (high - close)) / (high - low)',
  params: {},
  warmup: 0,
  source: 'Chaikin accumulation/distribution CLV (TA-Lib AD uses 0 for a zero range)',
  compute: ({ high, low, close }) =>
    map1(close, (c, t) => {
      const h = high[t] as number;
      const l = low[t] as number;
      return h > l ? (c - l - (h - c)) / (h - l) : h === l ? 0 : Number.NaN;
    }),
};

/**
 * Roll's implied spread from the first-order autocovariance of returns: 2 sqrt(-cov). When the
 * autocovariance is >= 0 the model has no solution; the value is then 0 (a common convention,
 * e.g. Goyenko, Holden & Trzcinka 2009 set it to 0), never NaN, so the column stays dense.
 * @see Roll (1984), "A Simple Implicit Measure of the Effective Bid-Ask Spread", JF 39(4)
 */
export function rollSpread(period: number): FeatureDef {
  return {
    name: `roll_spread_${period}`,
    family,
    description: `Roll implied spread from the serial covariance of ${period} pairs of consecutive returns (0 when the covariance is >= 0)`,
    formula: `c = cov(ret_1d[i], ret_1d[i-1]), i = t-${period - 1}..t (n-1); 2 sqrt(-c) if c < 0 else 0`,
    params: { period },
    warmup: period + 1,
    source: 'Roll (1984), JF 39(4); 0 for positive covariance as Goyenko, Holden & Trzcinka (2009)',
    compute: ({ close }) => {
      const r = pctChange(close, 1);
      const prev = lag(r, 1);
      return rolling([r, prev], period, (s, e) => {
        const c = covarianceOf(r, prev, s, e, 1);
        return c < 0 ? 2 * Math.sqrt(-c) : 0;
      });
    },
  };
}

export function rangeAtr(period: number): FeatureDef {
  return {
    name: `range_atr_${period}`,
    family,
    description: `this bar's high-low range in units of the previous bar's ATR(${period}) (range expansion)`,
    formula: `(high[t] - low[t]) / ATR(${period})[t-1]`,
    params: { period },
    warmup: period + 1,
    source: 'Wilder ATR (TA-Lib ATR)',
    compute: ({ high, low, close }) => {
      const a = atr({ high, low, close }, period);
      return map1(close, (_c, t) =>
        t === 0 ? Number.NaN : ((high[t] as number) - (low[t] as number)) / (a[t - 1] as number),
      );
    },
  };
}

export const bodyRatio: FeatureDef = {
  name: 'body_ratio',
  family,
  description: "the candle body as a share of the bar's range (0 when high = low)",
  formula: '|close - open| / (high - low)',
  params: {},
  warmup: 0,
  source: 'candlestick body-to-range ratio (Nison 1991)',
  compute: ({ open, high, low, close }) =>
    map1(close, (c, t) => {
      const range = (high[t] as number) - (low[t] as number);
      return range > 0 ? Math.abs(c - (open[t] as number)) / range : range === 0 ? 0 : Number.NaN;
    }),
};

export const MICROSTRUCTURE: readonly FeatureDef[] = [
  amihud(20),
  csSpread,
  csSpreadMean(20),
  clv,
  rollSpread(20),
  rangeAtr(14),
  bodyRatio,
];

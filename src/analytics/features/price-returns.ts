import type { FeatureDef } from './feature.js';
import { rollingWinsorize, rollingZScore } from './normalize.js';
import { laggedReturn, logReturns, map1, map2, pctChange } from './rolling.js';

/** Family 1 (seed 003): price and returns. "d" in a name means bars (days on daily bars). */

const family = 'price_returns' as const;

/** Simple return over n bars. */
export function retN(n: number): FeatureDef {
  return {
    name: `ret_${n}d`,
    family,
    description: `simple return over the last ${n === 1 ? 'bar' : `${n} bars`}`,
    formula: `close[t] / close[t-${n}] - 1`,
    params: { period: n },
    warmup: n,
    source: 'definition (simple return)',
    compute: ({ close }) => pctChange(close, n),
  };
}

export const logRet1d: FeatureDef = {
  name: 'log_ret_1d',
  family,
  description: 'log return over one bar',
  formula: 'ln(close[t] / close[t-1])',
  params: {},
  warmup: 1,
  source: 'definition (continuously compounded return)',
  compute: ({ close }) => logReturns(close),
};

export const overnightRet: FeatureDef = {
  name: 'overnight_ret',
  family,
  description: 'gap return from the previous close to this open (overnight on daily bars)',
  formula: 'open[t] / close[t-1] - 1',
  params: {},
  warmup: 1,
  source: 'definition (close-to-open return)',
  compute: ({ open, close }) => laggedReturn(open, close, 1),
};

export const intradayRet: FeatureDef = {
  name: 'intraday_ret',
  family,
  description: 'return from this bar open to its close',
  formula: 'close[t] / open[t] - 1',
  params: {},
  warmup: 0,
  source: 'definition (open-to-close return)',
  compute: ({ open, close }) => map2(close, open, (c, o) => c / o - 1),
};

export const hlRangePct: FeatureDef = {
  name: 'hl_range_pct',
  family,
  description: "the bar's high-low range as a fraction of its close",
  formula: '(high[t] - low[t]) / close[t]',
  params: {},
  warmup: 0,
  source: 'definition',
  compute: ({ high, low, close }) => map1(close, (c, t) => ((high[t] as number) - (low[t] as number)) / c),
};

/** ret_1d z-scored against the past w returns (normalize.ts, window ending at t-1). */
export function ret1dZ(w: number): FeatureDef {
  return {
    name: `ret_1d_z_${w}`,
    family,
    description: `one-bar return as a z-score against the previous ${w} one-bar returns`,
    formula: `(ret_1d[t] - mean(ret_1d[t-${w}..t-1])) / sd(ret_1d[t-${w}..t-1])`,
    params: { window: w },
    warmup: 1 + w,
    source: 'rolling z-score, past window only (normalize.ts)',
    compute: ({ close }) => rollingZScore(pctChange(close, 1), w),
  };
}

/** ret_1d winsorized to the [lo, hi] quantiles of the past w returns. */
export function ret1dWinsor(w: number, lo = 0.01, hi = 0.99): FeatureDef {
  return {
    name: `ret_1d_w${w}`,
    family,
    description: `one-bar return clipped to the ${lo * 100}% and ${hi * 100}% quantiles of the previous ${w} one-bar returns`,
    formula: `clip(ret_1d[t], q${lo}(ret_1d[t-${w}..t-1]), q${hi}(ret_1d[t-${w}..t-1]))`,
    params: { window: w, lo, hi },
    warmup: 1 + w,
    source: 'rolling winsorization, past window only, type-7 quantiles (normalize.ts)',
    compute: ({ close }) => rollingWinsorize(pctChange(close, 1), w, lo, hi),
  };
}

export function hlRangeZ(w: number): FeatureDef {
  return {
    name: `hl_range_z_${w}`,
    family,
    description: `hl_range_pct as a z-score against its previous ${w} values (range expansion)`,
    formula: `(hl_range_pct[t] - mean(hl_range_pct[t-${w}..t-1])) / sd(hl_range_pct[t-${w}..t-1])`,
    params: { window: w },
    warmup: w,
    source: 'rolling z-score, past window only (normalize.ts)',
    compute: (input) => rollingZScore(hlRangePct.compute(input), w),
  };
}

export const PRICE_RETURNS: readonly FeatureDef[] = [
  retN(1),
  retN(5),
  retN(20),
  logRet1d,
  overnightRet,
  intradayRet,
  hlRangePct,
  ret1dZ(60),
  ret1dWinsor(252),
  hlRangeZ(60),
];

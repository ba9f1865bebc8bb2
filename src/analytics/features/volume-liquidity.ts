import type { FeatureDef } from './feature.js';
import { mfi } from '../indicators/mfi.js';
import { obv } from '../indicators/obv.js';
import { rollingZScore } from './normalize.js';
import { linreg } from '../indicators/linreg.js';
import { map1, map2, meanOf, rolling, rollingMean } from './rolling.js';

/** Family 5 (seed 003): volume and liquidity. */

const family = 'volume_liquidity' as const;

export function volumeZ(period: number): FeatureDef {
  return {
    name: `volume_z_${period}`,
    family,
    description: `volume as a z-score against the previous ${period} bars' volumes (NaN if they are all equal)`,
    formula: `(volume[t] - mean(volume[t-${period}..t-1])) / sd(volume[t-${period}..t-1], n-1)`,
    params: { period },
    warmup: period,
    source: 'rolling z-score, past window only (normalize.ts)',
    compute: ({ volume }) => rollingZScore(volume, period),
  };
}

export function relVolume(period: number): FeatureDef {
  return {
    name: `rel_volume_${period}`,
    family,
    description: `volume relative to the mean volume of the previous ${period} bars`,
    formula: `volume[t] / mean(volume[t-${period}..t-1])`,
    params: { period },
    warmup: period,
    source: 'definition (relative volume, past window only)',
    compute: ({ volume }) => {
      const past = rollingMean(volume, period);
      return map1(volume, (v, t) => (t === 0 ? Number.NaN : v / (past[t - 1] as number)));
    },
  };
}

export const logDollarVolume: FeatureDef = {
  name: 'log_dollar_volume',
  family,
  description: 'natural log of the traded value close * volume (NaN when it is 0)',
  formula: 'ln(close[t] * volume[t])',
  params: {},
  warmup: 0,
  source: 'definition (dollar volume, log for scale)',
  compute: ({ close, volume }) => map2(close, volume, (c, v) => (c * v > 0 ? Math.log(c * v) : Number.NaN)),
};

export function obvSlope(period: number): FeatureDef {
  return {
    name: `obv_slope_${period}`,
    family,
    description: `least-squares slope of on-balance volume over ${period} bars, in units of mean volume`,
    formula: `slope(OLS of OBV[t-${period - 1}..t] on 0..${period - 1}) / mean(volume[t-${period - 1}..t])`,
    params: { period },
    warmup: period - 1,
    source: 'Granville (1963) OBV (TA-Lib OBV); slope as TA-Lib LINEARREG_SLOPE',
    compute: ({ close, volume }) => {
      const slope = linreg(obv({ close, volume }), period).slope;
      const mean = rollingMean(volume, period);
      return map2(slope, mean, (s, m) => (m > 0 ? s / m : Number.NaN));
    },
  };
}

export function mfiN(period: number): FeatureDef {
  return {
    name: `mfi_${period}`,
    family,
    description: `money flow index over ${period} bars (volume-weighted RSI of the typical price, 0..100)`,
    formula: `100 * positive flow / (positive + negative flow), flow = tp * volume signed by the change of tp`,
    params: { period },
    warmup: period,
    source: 'Quong & Soudack (1989); TA-Lib MFI',
    compute: (input) => mfi(input, period),
  };
}

/**
 * Turnover needs shares outstanding, which bars lack; the short-over-long volume ratio is the
 * bar-only proxy for a change in turnover.
 */
export function volumeRatio(fast: number, slow: number): FeatureDef {
  return {
    name: `volume_ratio_${fast}_${slow}`,
    family,
    description: `mean volume of the last ${fast} bars over that of the last ${slow} (turnover trend)`,
    formula: `mean(volume, ${fast})[t] / mean(volume, ${slow})[t]`,
    params: { fast, slow },
    warmup: Math.max(fast, slow) - 1,
    source: 'definition (turnover-like ratio from bars)',
    compute: ({ volume }) =>
      map2(rollingMean(volume, fast), rollingMean(volume, slow), (a, b) => (b > 0 ? a / b : Number.NaN)),
  };
}

export function upVolumeRatio(period: number): FeatureDef {
  return {
    name: `up_volume_ratio_${period}`,
    family,
    description: `share of the last ${period} bars' volume traded on bars that closed up`,
    formula: `sum(volume[i] if close[i] > close[i-1]) / sum(volume[i]), i = t-${period - 1}..t`,
    params: { period },
    warmup: period,
    source: "definition (share of up-bar volume, the volume half of Arms' up/down statistics)",
    compute: ({ close, volume }) => {
      const up = map1(close, (c, t) =>
        t === 0 ? Number.NaN : c > (close[t - 1] as number) ? (volume[t] as number) : 0,
      );
      return rolling([up], period, (s, e) => {
        const total = meanOf(volume, s, e);
        return total > 0 ? meanOf(up, s, e) / total : Number.NaN;
      });
    },
  };
}

export const VOLUME_LIQUIDITY: readonly FeatureDef[] = [
  volumeZ(20),
  relVolume(20),
  logDollarVolume,
  obvSlope(20),
  mfiN(14),
  volumeRatio(5, 60),
  upVolumeRatio(20),
];

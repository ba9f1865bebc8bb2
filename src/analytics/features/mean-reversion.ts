import type { FeatureDef } from './feature.js';
import { bbands } from '../indicators/bbands.js';
import { stochf } from '../indicators/stochf.js';
import { willr } from '../indicators/willr.js';
import { zscore as zscoreOf } from '../indicators/zscore.js';
import { map1, rolling } from './rolling.js';
import { rsiN } from './trend-momentum.js';

/** Family 3 (seed 003): mean reversion. Windows here end at t inclusive (the bar just closed). */

const family = 'mean_reversion' as const;

export function zscore(period: number): FeatureDef {
  return {
    name: `zscore_${period}`,
    family,
    description: `distance of the close from its ${period}-bar mean in population standard deviations (0 on a flat window)`,
    formula: `(close[t] - SMA(close, ${period})[t]) / sd(close[t-${period - 1}..t], population)`,
    params: { period },
    warmup: period - 1,
    source: 'z-score of price against its moving average (momentic zscore indicator)',
    compute: ({ close }) => zscoreOf(close, period),
  };
}

export function bollingerPctB(period: number, k: number): FeatureDef {
  return {
    name: `bb_pctb_${period}`,
    family,
    description: `Bollinger %B: where the close sits between the bands (0 = lower, 1 = upper; ${k} population sd; NaN on a flat window)`,
    formula: `(close - lower) / (upper - lower), bands = SMA(${period}) -/+ ${k} sd (population)`,
    params: { period, k },
    warmup: period - 1,
    source: 'Bollinger (2001); TA-Lib BBANDS',
    compute: ({ close }) => {
      const { up, dn } = bbands(close, period, k, k);
      return map1(close, (c, t) => {
        const lower = dn[t] as number;
        const width = (up[t] as number) - lower;
        return width > 0 ? (c - lower) / width : Number.NaN;
      });
    },
  };
}

export function williamsR(period: number): FeatureDef {
  return {
    name: `williams_r_${period}`,
    family,
    description: `Williams %R over ${period} bars (-100 = at the low, 0 = at the high)`,
    formula: `-100 * (HH${period} - close) / (HH${period} - LL${period}); 0 when HH = LL`,
    params: { period },
    warmup: period - 1,
    source: 'Williams (1973); TA-Lib WILLR',
    compute: (input) => willr(input, period),
  };
}

export function stochK(period: number, slowing: number): FeatureDef {
  return {
    name: `stoch_k_${period}_${slowing}`,
    family,
    description: `slow stochastic %K: ${slowing}-bar mean of the fast %K over ${period} bars (0..100)`,
    formula: `SMA(100 * (close - LL${period}) / (HH${period} - LL${period}), ${slowing}); fast K = 0 when HH = LL`,
    params: { period, slowing },
    warmup: period + slowing - 2,
    source: 'Lane (1984); TA-Lib STOCHF fast %D (= STOCH slow %K with SMA slowing)',
    compute: (input) => stochf(input, period, slowing).d,
  };
}

/**
 * Distance to a rolling volume-weighted price. Daily bars carry no intraday VWAP, so the bar's
 * typical price stands in for its VWAP and is volume-weighted over the window.
 */
export function vwapDist(period: number): FeatureDef {
  return {
    name: `vwap_dist_${period}`,
    family,
    description: `close over the ${period}-bar volume-weighted typical price, minus one`,
    formula: `close[t] / (sum(tp * volume) / sum(volume) over ${period}) - 1, tp = (high + low + close) / 3`,
    params: { period },
    warmup: period - 1,
    source: 'definition (rolling VWAP of typical prices; daily bars carry no intraday VWAP)',
    compute: ({ high, low, close, volume }) => {
      const tp = map1(close, (c, t) => ((high[t] as number) + (low[t] as number) + c) / 3);
      return rolling([tp, volume], period, (s, e) => {
        let pv = 0;
        let v = 0;
        for (let i = s; i < e; i++) {
          pv += (tp[i] as number) * (volume[i] as number);
          v += volume[i] as number;
        }
        return v > 0 ? (close[e - 1] as number) / (pv / v) - 1 : Number.NaN;
      });
    },
  };
}

export const MEAN_REVERSION: readonly FeatureDef[] = [
  zscore(20),
  bollingerPctB(20, 2),
  williamsR(14),
  stochK(14, 3),
  vwapDist(20),
  rsiN(2, family),
];

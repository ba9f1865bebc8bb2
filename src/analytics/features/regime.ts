import type { FeatureDef } from './feature.js';
import { realizedVol } from '../indicators/realized-vol.js';
import { sma } from '../indicators/sma.js';
import { rollingPercentRank } from './normalize.js';
import { map1, nans, rolling, rollingMax } from './rolling.js';

/** Family 8 (seed 003): regime (slow state variables: volatility, trend and drawdown regimes). */

const family = 'regime' as const;

export function volPercentile(volPeriod: number, period: number): FeatureDef {
  return {
    name: `vol_pctile_${period}`,
    family,
    description: `percentile rank (0..1) of rvol_${volPeriod} among its previous ${period} values`,
    formula: `count(rvol_${volPeriod}[t-${period}..t-1] <= rvol_${volPeriod}[t]) / ${period}`,
    params: { vol_period: volPeriod, period },
    warmup: volPeriod + period,
    source: 'volatility regime by percentile rank, past window only (normalize.ts)',
    compute: ({ close, periodsPerYear }) => rollingPercentRank(realizedVol(close, volPeriod, periodsPerYear), period),
  };
}

/**
 * +1 when the fast SMA is above the slow one and rising over `slope` bars, -1 when below and
 * falling, 0 otherwise (a trend that the two signals do not agree on).
 */
export function trendState(fast: number, slow: number, slope: number): FeatureDef {
  return {
    name: 'trend_state',
    family,
    description: `trend regime from SMA(${fast}) vs SMA(${slow}) and the ${slope}-bar slope of SMA(${fast}): +1 up, -1 down, 0 mixed`,
    formula: `+1 if SMA${fast} > SMA${slow} and SMA${fast}[t] > SMA${fast}[t-${slope}]; -1 if both reversed; else 0`,
    params: { fast, slow, slope },
    warmup: Math.max(slow - 1, fast - 1 + slope),
    source: 'definition (50/200-bar moving-average cross with a slope filter)',
    compute: ({ close }) => {
      const f = sma(close, fast);
      const s = sma(close, slow);
      const out = nans(close.length);
      for (let t = slope; t < close.length; t++) {
        const a = f[t] as number;
        const b = s[t] as number;
        const d = a - (f[t - slope] as number);
        if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(d)) continue;
        out[t] = a > b && d > 0 ? 1 : a < b && d < 0 ? -1 : 0;
      }
      return out;
    },
  };
}

export function drawdown(period: number): FeatureDef {
  return {
    name: `drawdown_${period}`,
    family,
    description: `the close below its highest close of the last ${period} bars (<= 0)`,
    formula: `close[t] / max(close[t-${period - 1}..t]) - 1`,
    params: { period },
    warmup: period - 1,
    source: 'definition (drawdown from the rolling peak)',
    compute: ({ close }) => {
      const peak = rollingMax(close, period);
      return map1(close, (c, t) => c / (peak[t] as number) - 1);
    },
  };
}

export function drawdownRegime(period: number, correction: number, bear: number): FeatureDef {
  return {
    name: `dd_regime_${period}`,
    family,
    description: `drawdown regime: 0 normal, 1 correction (drawdown_${period} <= -${correction}), 2 bear (<= -${bear})`,
    formula: `2 if drawdown_${period} <= -${bear}; 1 if <= -${correction}; else 0`,
    params: { period, correction, bear },
    warmup: period - 1,
    source: 'market convention: a 10% fall is a correction, 20% a bear market',
    compute: (input) =>
      map1(drawdown(period).compute(input), (d) => (Number.isNaN(d) ? d : d <= -bear ? 2 : d <= -correction ? 1 : 0)),
  };
}

export function efficiencyRatio(period: number): FeatureDef {
  return {
    name: `efficiency_ratio_${period}`,
    family,
    description: `Kaufman efficiency ratio over ${period} bars: net move over path length (1 = straight trend, ~0 = chop)`,
    formula: `|close[t] - close[t-${period}]| / sum(|close[i] - close[i-1]|, i = t-${period - 1}..t); 0 when flat`,
    params: { period },
    warmup: period,
    source: 'Kaufman (1995), Smarter Trading (KAMA efficiency ratio)',
    compute: ({ close }) => {
      const step = map1(close, (c, t) => (t === 0 ? Number.NaN : Math.abs(c - (close[t - 1] as number))));
      return rolling([step], period, (s, e) => {
        let path = 0;
        for (let i = s; i < e; i++) path += step[i] as number;
        const net = Math.abs((close[e - 1] as number) - (close[s - 1] as number));
        return path > 0 ? net / path : 0;
      });
    },
  };
}

export const REGIME: readonly FeatureDef[] = [
  volPercentile(20, 252),
  trendState(50, 200, 10),
  drawdown(252),
  drawdownRegime(252, 0.1, 0.2),
  efficiencyRatio(20),
];

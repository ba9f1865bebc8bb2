import type { FeatureDef } from './feature.js';
import { atr } from '../indicators/atr.js';
import { realizedVol } from '../indicators/realized-vol.js';
import { map1, map2, rollingMean, rollingMin } from './rolling.js';

/**
 * Family 9 (seed 003): risk and execution inputs a sizer or an order router reads: volatility
 * in price units, gaps, liquidity in money and shares, stop distances, volatility-target weights.
 */

const family = 'risk_execution' as const;

export function atrPct(period: number): FeatureDef {
  return {
    name: `atr_pct_${period}`,
    family,
    description: `Wilder ATR(${period}) as a fraction of the close (TA-Lib NATR / 100)`,
    formula: `ATR(${period})[t] / close[t]`,
    params: { period },
    warmup: period,
    source: 'Wilder (1978) ATR; TA-Lib ATR',
    compute: (input) => map2(atr(input, period), input.close, (a, c) => a / c),
  };
}

export function gapAtr(period: number): FeatureDef {
  return {
    name: `gap_atr_${period}`,
    family,
    description: `the opening gap (open minus previous close) in units of the previous bar's ATR(${period}); gap % itself is overnight_ret`,
    formula: `(open[t] - close[t-1]) / ATR(${period})[t-1]`,
    params: { period },
    warmup: period + 1,
    source: 'definition (opening gap in volatility units)',
    compute: ({ open, high, low, close }) => {
      const a = atr({ high, low, close }, period);
      return map1(open, (o, t) => (t === 0 ? Number.NaN : (o - (close[t - 1] as number)) / (a[t - 1] as number)));
    },
  };
}

export function adv(period: number): FeatureDef {
  return {
    name: `adv_${period}`,
    family,
    description: `average daily dollar volume: mean of close * volume over ${period} bars (money units)`,
    formula: `mean(close[i] * volume[i]), i = t-${period - 1}..t`,
    params: { period },
    warmup: period - 1,
    source: 'ADV liquidity screen (seed 004 universe criteria)',
    compute: ({ close, volume }) =>
      rollingMean(
        map2(close, volume, (c, v) => c * v),
        period,
      ),
  };
}

export function capacity(period: number, participation: number): FeatureDef {
  return {
    name: `capacity_${Math.round(participation * 100)}pct_${period}`,
    family,
    description: `shares tradable per bar at ${participation * 100}% participation of the ${period}-bar average volume`,
    formula: `${participation} * mean(volume[t-${period - 1}..t])`,
    params: { period, participation },
    warmup: period - 1,
    source: 'definition (participation-of-volume cap, as in POV execution)',
    compute: ({ volume }) => map1(rollingMean(volume, period), (m) => participation * m),
  };
}

export function stopDistAtr(period: number, atrPeriod: number): FeatureDef {
  return {
    name: `stop_dist_atr_${period}`,
    family,
    description: `distance from the close down to the ${period}-bar lowest low (a channel stop), in ATR(${atrPeriod}) units`,
    formula: `(close[t] - min(low[t-${period - 1}..t])) / ATR(${atrPeriod})[t]`,
    params: { period, atr_period: atrPeriod },
    warmup: Math.max(period - 1, atrPeriod),
    source: 'definition (Donchian channel low as the stop, measured in Wilder ATRs)',
    compute: ({ high, low, close }) => {
      const ll = rollingMin(low, period);
      const a = atr({ high, low, close }, atrPeriod);
      return map1(close, (c, t) => (c - (ll[t] as number)) / (a[t] as number));
    },
  };
}

export function volTargetWeight(period: number, target: number, maxWeight: number): FeatureDef {
  return {
    name: `vol_target_w_${period}`,
    family,
    description: `position weight that targets ${target * 100}% annualized volatility from rvol_${period}, capped at ${maxWeight}`,
    formula: `min(${target} / rvol_${period}[t], ${maxWeight})`,
    params: { period, target, max_weight: maxWeight },
    warmup: period,
    source: 'volatility targeting (Moreira & Muir 2017, Volatility-Managed Portfolios)',
    compute: ({ close, periodsPerYear }) =>
      map1(realizedVol(close, period, periodsPerYear), (v) => (Number.isNaN(v) ? v : Math.min(target / v, maxWeight))),
  };
}

export const RISK_EXECUTION: readonly FeatureDef[] = [
  atrPct(14),
  gapAtr(14),
  adv(20),
  capacity(20, 0.01),
  stopDistAtr(20, 14),
  volTargetWeight(20, 0.1, 1),
];

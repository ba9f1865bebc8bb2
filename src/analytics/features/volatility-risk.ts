import type { FeatureDef, FeatureInput } from './feature.js';
import { garmanKlass as garmanKlassOf } from '../indicators/garman-klass.js';
import { parkinson as parkinsonOf } from '../indicators/parkinson.js';
import { realizedVol } from '../indicators/realized-vol.js';
import { rogersSatchell as rogersSatchellOf } from '../indicators/rogers-satchell.js';
import { yangZhang as yangZhangOf } from '../indicators/yang-zhang.js';
import { map1, meanOf, pctChange, rolling, varianceOf } from './rolling.js';

/**
 * Family 4 (seed 003): volatility and risk. Volatilities are annualized with
 * sqrt(periodsPerYear) (the input's), so intraday bars scale correctly.
 */

const family = 'volatility_risk' as const;

export function rvol(period: number): FeatureDef {
  return {
    name: `rvol_${period}`,
    family,
    description: `annualized close-to-close volatility of the last ${period} log returns`,
    formula: `sd(ln(close[i] / close[i-1]), i = t-${period - 1}..t, n-1) * sqrt(periodsPerYear)`,
    params: { period },
    warmup: period,
    source: 'close-to-close realized volatility (sample standard deviation)',
    compute: ({ close, periodsPerYear }) => realizedVol(close, period, periodsPerYear),
  };
}

type OhlcVol = (bars: FeatureInput, period: number, periodsPerYear: number) => Float64Array;

/** A range-based estimator from the indicator of the same name, annualized with the input's periodsPerYear. */
function rangeVol(
  name: string,
  period: number,
  of: OhlcVol,
  warmup: number,
  texts: { description: string; formula: string; source: string },
): FeatureDef {
  return {
    name: `${name}_${period}`,
    family,
    ...texts,
    params: { period },
    warmup,
    compute: (input) => of(input, period, input.periodsPerYear),
  };
}

export const parkinson = (period: number): FeatureDef =>
  rangeVol('parkinson', period, parkinsonOf, period - 1, {
    description: `Parkinson high-low volatility over ${period} bars, annualized`,
    formula: `sqrt(mean(ln(high / low)^2) / (4 ln 2) * periodsPerYear) over ${period}`,
    source: 'Parkinson (1980)',
  });

export const garmanKlass = (period: number): FeatureDef =>
  rangeVol('garman_klass', period, garmanKlassOf, period - 1, {
    description: `Garman-Klass OHLC volatility over ${period} bars, annualized`,
    formula: `sqrt(mean(0.5 ln(high / low)^2 - (2 ln 2 - 1) ln(close / open)^2) * periodsPerYear) over ${period}`,
    source: 'Garman & Klass (1980)',
  });

export const rogersSatchell = (period: number): FeatureDef =>
  rangeVol('rogers_satchell', period, rogersSatchellOf, period - 1, {
    description: `Rogers-Satchell drift-independent volatility over ${period} bars, annualized`,
    formula: `sqrt(mean(ln(h/c) ln(h/o) + ln(l/c) ln(l/o)) * periodsPerYear) over ${period}`,
    source: 'Rogers & Satchell (1991)',
  });

/** Yang-Zhang: overnight + k open-to-close + (1 - k) Rogers-Satchell variances (sample variances over n bars). */
export const yangZhang = (period: number): FeatureDef =>
  rangeVol('yang_zhang', period, yangZhangOf, period, {
    description: `Yang-Zhang volatility (overnight, open-to-close and Rogers-Satchell) over ${period} bars, annualized`,
    formula: `sqrt((var(ln(o/c[t-1])) + k var(ln(c/o)) + (1-k) mean(RS)) * periodsPerYear), k = 0.34 / (1.34 + (n+1)/(n-1))`,
    source: 'Yang & Zhang (2000), Journal of Business 73(3)',
  });

export function volOfVol(volPeriod: number, period: number): FeatureDef {
  return {
    name: `vol_of_vol_${period}`,
    family,
    description: `coefficient of variation of rvol_${volPeriod} over the last ${period} bars`,
    formula: `sd(rvol_${volPeriod}[t-${period - 1}..t], n-1) / mean(rvol_${volPeriod}[t-${period - 1}..t])`,
    params: { vol_period: volPeriod, period },
    warmup: volPeriod + period - 1,
    source: 'definition (volatility of realized volatility, scale-free)',
    compute: ({ close, periodsPerYear }) => {
      const v = realizedVol(close, volPeriod, periodsPerYear);
      return rolling([v], period, (s, e) => Math.sqrt(varianceOf(v, s, e, 1)) / meanOf(v, s, e));
    },
  };
}

export function downsideDev(period: number): FeatureDef {
  return {
    name: `downside_dev_${period}`,
    family,
    description: `annualized downside deviation of one-bar simple returns below 0 over ${period} bars`,
    formula: `sqrt(mean(min(ret_1d, 0)^2) * periodsPerYear) over ${period}`,
    params: { period },
    warmup: period,
    source: 'Sortino & van der Meer (1991), target return 0 (empyrical downside_risk)',
    compute: ({ close, periodsPerYear }) => {
      const r = pctChange(close, 1);
      const d = map1(r, (x) => Math.min(x, 0) ** 2);
      return rolling([d], period, (s, e) => Math.sqrt(meanOf(d, s, e) * periodsPerYear));
    },
  };
}

export function maxDrawdown(period: number): FeatureDef {
  return {
    name: `max_dd_${period}`,
    family,
    description: `largest peak-to-trough fall of the close within the last ${period} bars (<= 0)`,
    formula: `min over i in window of close[i] / max(close[window start..i]) - 1, window ${period}`,
    params: { period },
    warmup: period - 1,
    source: 'definition (rolling maximum drawdown)',
    compute: ({ close }) =>
      rolling([close], period, (s, e) => {
        let peak = -Infinity;
        let worst = 0;
        for (let i = s; i < e; i++) {
          const c = close[i] as number;
          if (c > peak) peak = c;
          const dd = c / peak - 1;
          if (dd < worst) worst = dd;
        }
        return worst;
      }),
  };
}

export function retSkew(period: number): FeatureDef {
  return {
    name: `ret_skew_${period}`,
    family,
    description: `skewness of one-bar simple returns over ${period} bars (moment estimator g1)`,
    formula: `m3 / m2^1.5, central moments of ret_1d over ${period} (population)`,
    params: { period },
    warmup: period,
    source: 'Fisher-Pearson moment coefficient g1 (scipy.stats.skew, bias=True)',
    compute: ({ close }) => {
      const r = pctChange(close, 1);
      return rolling([r], period, (s, e) => {
        const m = meanOf(r, s, e);
        let m2 = 0;
        let m3 = 0;
        for (let i = s; i < e; i++) {
          const d = (r[i] as number) - m;
          m2 += d * d;
          m3 += d * d * d;
        }
        m2 /= e - s;
        m3 /= e - s;
        return m2 > 0 ? m3 / m2 ** 1.5 : Number.NaN;
      });
    },
  };
}

export const VOLATILITY_RISK: readonly FeatureDef[] = [
  rvol(20),
  rvol(60),
  parkinson(20),
  garmanKlass(20),
  rogersSatchell(20),
  yangZhang(20),
  volOfVol(20, 60),
  downsideDev(20),
  maxDrawdown(60),
  retSkew(60),
];

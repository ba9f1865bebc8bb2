import { probabilisticSharpe } from '../stats/psr.js';
import {
  alphaBeta,
  annualVolatility,
  cagr,
  drawdownStats,
  informationRatio,
  mean,
  moments,
  sampleStd,
  sharpe,
  sortino,
  trackingError,
} from './return-stats.js';

/**
 * The return metrics of one series of simple returns, in empyrical's conventions (docs/metrics.md):
 * what `metrics.json` holds for a backtest and `momentic stats metrics` prints for a file. A
 * metric that is undefined is null, with the reason in `nullReasons`.
 */

export const PERFORMANCE_KEYS = [
  'total_return',
  'cagr',
  'ann_volatility',
  'sharpe',
  'sortino',
  'max_drawdown',
  'max_drawdown_duration_days',
  'max_drawdown_duration_periods',
  'calmar',
  'information_ratio',
  'tracking_error',
  'alpha',
  'beta',
  'skewness',
  'kurtosis',
  'psr',
] as const;
export type PerformanceKey = (typeof PERFORMANCE_KEYS)[number];

export interface PerformanceInput {
  /** Simple returns, one per period (fractions: 0.01 is 1%). */
  readonly returns: ArrayLike<number>;
  /** Value after each return; default: the returns compounded from `initial`. */
  readonly equity?: ArrayLike<number>;
  /** Value before the first return; default 1. */
  readonly initial?: number;
  /** Time of each return (epoch ms), for drawdown durations in days and row labels in reasons. */
  readonly ts?: ArrayLike<number>;
  /** Benchmark simple returns aligned to `returns`; NaN where the benchmark has none. */
  readonly benchmark?: ArrayLike<number>;
}

export interface PerformanceOptions {
  readonly periodsPerYear: number;
  /** Constant risk-free return per period (empyrical's `risk_free`); default 0. */
  readonly riskFree?: number;
}

export interface PerformanceMetrics {
  readonly values: Readonly<Record<PerformanceKey, number | null>>;
  readonly nullReasons: Readonly<Partial<Record<PerformanceKey, string>>>;
  readonly periods: number;
  /** Returns paired with a finite benchmark return (0 without a benchmark). */
  readonly benchmarkPairs: number;
  /** (mean − rf) / std: the per-period Sharpe ratio behind PSR and DSR (NaN when undefined). */
  readonly sharpePerPeriod: number;
  /** Why every metric is null when the input holds a non-finite value (naming its row), else ''. */
  readonly invalid: string;
}

const MS_PER_DAY = 86_400_000;

export function performanceMetrics(input: PerformanceInput, options: PerformanceOptions): PerformanceMetrics {
  const P = options.periodsPerYear;
  const rf = options.riskFree ?? 0;
  const r = input.returns;
  const n = r.length;
  const initial = input.initial ?? 1;
  const eq = input.equity ?? compound(r, initial);
  const ts = input.ts;
  const values: Partial<Record<PerformanceKey, number | null>> = {};
  const reasons: Partial<Record<PerformanceKey, string>> = {};
  // A non-finite value poisons every statistic: those are null, with the row that holds it.
  const poison = firstNonFinite(input.equity ?? r, input.equity === undefined ? 'return' : 'equity', ts);
  const put = (key: PerformanceKey, value: number, reason: string): void => {
    if (Number.isFinite(value) && poison === '') values[key] = Object.is(value, -0) ? 0 : value;
    else {
      values[key] = null;
      reasons[key] = poison === '' ? reason : poison;
    }
  };
  const empty = input.equity === undefined ? 'no returns' : 'no equity rows';
  const few = n === 0 ? empty : 'needs at least 2 returns';
  const flat = 'returns have zero variance';

  put('total_return', n > 0 ? (eq[n - 1]! - initial) / initial : NaN, empty);
  put('cagr', n > 0 ? cagr(eq[n - 1]! / initial, n, P) : NaN, n === 0 ? empty : 'equity ended at or below zero');
  put('ann_volatility', annualVolatility(r, P), few);
  put('sharpe', sharpe(r, P, rf), n < 2 ? few : flat);
  put(
    'sortino',
    n < 2 ? NaN : sortino(r, P, rf),
    n < 2 ? few : 'no return below the risk-free rate (zero downside risk)',
  );
  const dd = drawdownStats(eq, ts ?? new Float64Array(n), initial);
  put('max_drawdown', n > 0 ? dd.maxDrawdown : NaN, empty);
  put(
    'max_drawdown_duration_days',
    n > 0 && ts !== undefined ? dd.maxDurationMs / MS_PER_DAY : NaN,
    n === 0 ? empty : 'no dates',
  );
  put('max_drawdown_duration_periods', n > 0 ? dd.maxDurationPeriods : NaN, empty);
  const c = values['cagr'] ?? NaN;
  put(
    'calmar',
    dd.maxDrawdown < 0 ? c / -dd.maxDrawdown : NaN,
    values['cagr'] === null ? 'cagr is null' : 'no drawdown',
  );

  let benchmarkPairs = 0;
  const b = input.benchmark;
  if (b === undefined) {
    for (const k of ['information_ratio', 'tracking_error', 'alpha', 'beta'] as const) put(k, NaN, 'no benchmark');
  } else {
    const ab = alphaBeta(r, b, P, rf);
    benchmarkPairs = ab.pairs;
    const tooFew = 'needs at least 2 returns paired with the benchmark';
    const reason = ab.pairs < 2 ? tooFew : 'benchmark returns have zero variance';
    put('beta', ab.beta, reason);
    put('alpha', ab.alpha, reason);
    put('information_ratio', informationRatio(r, b, P), ab.pairs < 2 ? tooFew : 'tracking error is zero');
    put('tracking_error', trackingError(r, b, P), tooFew);
  }

  const { skew, kurtosis } = n >= 2 ? moments(r) : { skew: NaN, kurtosis: NaN };
  const sd = sampleStd(r);
  const srPeriod = sd > 0 && poison === '' ? (mean(r) - rf) / sd : NaN;
  put('skewness', skew, n < 2 ? few : flat);
  put('kurtosis', kurtosis, n < 2 ? few : flat);
  put(
    'psr',
    probabilisticSharpe(srPeriod, n, skew, kurtosis),
    n < 2 ? few : sd > 0 ? 'PSR variance term is not positive' : flat,
  );

  const ordered = {} as Record<PerformanceKey, number | null>;
  for (const k of PERFORMANCE_KEYS) ordered[k] = values[k] ?? null;
  return {
    values: ordered,
    nullReasons: reasons,
    periods: n,
    benchmarkPairs,
    sharpePerPeriod: srPeriod,
    invalid: poison,
  };
}

/** Values after each return, compounded from `initial`. */
export function compound(returns: ArrayLike<number>, initial = 1): Float64Array {
  const out = new Float64Array(returns.length);
  let v = initial;
  for (let i = 0; i < returns.length; i++) out[i] = v *= 1 + returns[i]!;
  return out;
}

/** The poison reason of the first non-finite value, or ''. */
function firstNonFinite(x: ArrayLike<number>, what: string, ts: ArrayLike<number> | undefined): string {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      const at = ts === undefined ? '' : ` (${new Date(ts[i]!).toISOString()})`;
      return `${what} is not a finite number at row ${i + 1}${at}`;
    }
  }
  return '';
}

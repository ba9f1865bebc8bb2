import type { OrderState } from '../core/order.js';
import type { EquityCurve, Trade } from '../portfolio/index.js';
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
  simpleReturns,
  sortino,
} from './return-stats.js';
import { deflatedSharpe, probabilisticSharpe } from './sharpe-inference.js';

/**
 * metrics.json (DESIGN.md, "Metrics"): snake_case keys, empyrical conventions (simple returns
 * from the equity curve, sample standard deviation, annualisation by periods per year, risk-free
 * 0 unless given). A metric that is undefined for the run is null, and `null_reasons` says why.
 * Definitions and edge cases: docs/results.md.
 */

export const METRIC_KEYS = [
  'total_return',
  'cagr',
  'ann_volatility',
  'sharpe',
  'sortino',
  'max_drawdown',
  'max_drawdown_duration_days',
  'calmar',
  'information_ratio',
  'alpha',
  'beta',
  'hit_rate',
  'win_loss_ratio',
  'profit_factor',
  'trades',
  'turnover',
  'exposure',
  'psr',
  'dsr',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface Metrics extends Readonly<Record<MetricKey, number | null>> {
  /** Closed round trips (never null). */
  readonly trades: number;
  /** Trades still open at the end (valued at the last mark, not counted in the trade statistics). */
  readonly open_trades: number;
  /** Number of returns (one per equity row). */
  readonly periods: number;
  readonly periods_per_year: number;
  readonly risk_free: number;
  /** Fraction of rows with a non-zero gross exposure. */
  readonly time_in_market: number | null;
  /** Population skewness and non-excess kurtosis of the returns (the PSR inputs). */
  readonly skewness: number | null;
  readonly kurtosis: number | null;
  /** Trials behind the DSR (1 unless given). */
  readonly trials: number;
  /** Series files: `rolling_sharpe_60` is in rolling.csv. */
  readonly series: { readonly rolling_sharpe_60: string };
  /** Why each null metric is null. */
  readonly null_reasons: Readonly<Partial<Record<string, string>>>;
}

export interface MetricsInput {
  readonly initialCash: number;
  readonly periodsPerYear: number;
  readonly equity: EquityCurve;
  readonly trades: readonly Pick<Trade, 'pnl' | 'isOpen'>[];
  readonly orders: readonly Pick<OrderState, 'filledQty' | 'avgFillPrice'>[];
  /** Benchmark closes aligned to the equity rows. */
  readonly benchmark?: { readonly close: ArrayLike<number> };
}

export interface MetricsOptions {
  /** Constant risk-free return per period (empyrical's `risk_free`); default 0. */
  readonly riskFree?: number;
  /** Strategy configurations tried before this one was picked (DSR); default 1. */
  readonly trials?: number;
  /** Variance of the per-period Sharpe ratios across those trials (DSR); needed when trials > 1. */
  readonly trialSharpeVariance?: number;
}

/** The equity.csv row count at which rolling Sharpe starts: 60 returns. */
export const ROLLING_WINDOW = 60;

const MS_PER_DAY = 86_400_000;
/** Metrics of the trade ledger, defined whatever the equity curve holds. */
const TRADE_KEYS: ReadonlySet<string> = new Set(['hit_rate', 'win_loss_ratio', 'profit_factor', 'time_in_market']);

export function computeMetrics(input: MetricsInput, options: MetricsOptions = {}): Metrics {
  const rf = options.riskFree ?? 0;
  const trials = options.trials ?? 1;
  const P = input.periodsPerYear;
  const eq = input.equity.column('equity');
  const ts = input.equity.column('ts');
  const gross = input.equity.column('grossExposure');
  const n = eq.length;
  const r = simpleReturns(eq, input.initialCash);
  const reasons: Record<string, string> = {};
  const out: Record<string, number | null> = {};
  // A non-finite equity value poisons every statistic of the returns: those are null, with the row.
  const bad = eq.findIndex((x) => !Number.isFinite(x));
  const badReason =
    bad < 0 ? '' : `equity is not a finite number at row ${bad + 1} (${new Date(ts[bad]!).toISOString()})`;
  /** Records a value, or null with the reason when it is NaN or infinite. */
  const put = (key: string, value: number, reason: string): void => {
    const isPoisoned = bad >= 0 && !TRADE_KEYS.has(key);
    if (Number.isFinite(value) && !isPoisoned) out[key] = Object.is(value, -0) ? 0 : value;
    else {
      out[key] = null;
      reasons[key] = isPoisoned ? badReason : reason;
    }
  };
  const few = n === 0 ? 'no equity rows' : 'needs at least 2 returns';
  const flat = 'returns have zero variance';

  put('total_return', n > 0 ? (eq[n - 1]! - input.initialCash) / input.initialCash : NaN, 'no equity rows');
  const growth = n > 0 ? eq[n - 1]! / input.initialCash : NaN;
  put('cagr', cagr(growth, n, P), n === 0 ? 'no equity rows' : 'equity ended at or below zero');
  put('ann_volatility', annualVolatility(r, P), few);
  put('sharpe', sharpe(r, P, rf), n < 2 ? few : flat);
  put(
    'sortino',
    n < 2 ? NaN : sortino(r, P, rf),
    n < 2 ? few : 'no return below the risk-free rate (zero downside risk)',
  );
  const dd = drawdownStats(eq, ts, input.initialCash);
  put('max_drawdown', n > 0 ? dd.maxDrawdown : NaN, 'no equity rows');
  put('max_drawdown_duration_days', n > 0 ? dd.maxDurationMs / MS_PER_DAY : NaN, 'no equity rows');
  const c = out['cagr'] ?? NaN;
  put('calmar', dd.maxDrawdown < 0 ? c / -dd.maxDrawdown : NaN, out['cagr'] === null ? 'cagr is null' : 'no drawdown');

  benchmarkMetrics(input, r, P, rf, put);
  tradeMetrics(input.trades, put);
  out['trades'] = input.trades.filter((t) => !t.isOpen).length;

  const meanEquity = mean(eq);
  let traded = 0;
  for (const o of input.orders) if (o.filledQty > 0) traded += Math.abs(o.filledQty * o.avgFillPrice);
  put(
    'turnover',
    n > 0 && meanEquity > 0 ? traded / 2 / meanEquity / (n / P) : NaN,
    n === 0 ? 'no equity rows' : 'mean equity is not positive',
  );
  let expSum = 0;
  let expN = 0;
  let inMarket = 0;
  for (let i = 0; i < n; i++) {
    if (gross[i]! !== 0) inMarket++;
    if (eq[i]! > 0) {
      expSum += gross[i]! / eq[i]!;
      expN++;
    }
  }
  put('exposure', expN > 0 ? expSum / expN : NaN, 'no row with positive equity');

  const { skew, kurtosis } = n >= 2 ? moments(r) : { skew: NaN, kurtosis: NaN };
  const sd = sampleStd(r);
  const srPeriod = sd > 0 ? (mean(r) - rf) / sd : NaN;
  put(
    'psr',
    probabilisticSharpe(srPeriod, n, skew, kurtosis),
    n < 2 ? few : sd > 0 ? 'PSR variance term is not positive' : flat,
  );
  dsrMetric(options, trials, srPeriod, n, skew, kurtosis, out['psr'] === null ? (reasons['psr'] ?? '') : '', put);
  put('skewness', skew, n < 2 ? few : flat);
  put('kurtosis', kurtosis, n < 2 ? few : flat);
  put('time_in_market', n > 0 ? inMarket / n : NaN, 'no equity rows');

  const metrics: Record<string, unknown> = {};
  for (const k of METRIC_KEYS) metrics[k] = out[k] ?? null;
  Object.assign(metrics, {
    open_trades: input.trades.length - (out['trades'] as number),
    periods: n,
    periods_per_year: P,
    risk_free: rf,
    time_in_market: out['time_in_market'] ?? null,
    skewness: out['skewness'] ?? null,
    kurtosis: out['kurtosis'] ?? null,
    trials,
    series: { rolling_sharpe_60: 'rolling.csv' },
    null_reasons: Object.fromEntries(Object.keys(reasons).map((k) => [k, reasons[k]!])),
  });
  return metrics as unknown as Metrics;
}

type Put = (key: string, value: number, reason: string) => void;

/** information_ratio, alpha, beta on the rows where both the strategy and the benchmark have a return. */
function benchmarkMetrics(input: MetricsInput, r: Float64Array, P: number, rf: number, put: Put): void {
  const close = input.benchmark?.close;
  if (close === undefined) {
    for (const k of ['information_ratio', 'alpha', 'beta']) put(k, NaN, 'no benchmark');
    return;
  }
  // The benchmark has no return on the first row (no earlier close): its return there is NaN,
  // so the first row drops out of every pair.
  const b = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) b[i] = i === 0 ? NaN : close[i]! / close[i - 1]! - 1;
  const ab = alphaBeta(r, b, P, rf);
  const reason =
    ab.pairs < 2 ? 'needs at least 2 returns paired with the benchmark' : 'benchmark returns have zero variance';
  put('beta', ab.beta, reason);
  put('alpha', ab.alpha, reason);
  put('information_ratio', informationRatio(r, b, P), ab.pairs < 2 ? reason : 'tracking error is zero');
}

/** hit_rate, win_loss_ratio, profit_factor over closed trades (a zero-P&L trade is neither a win nor a loss). */
function tradeMetrics(trades: readonly Pick<Trade, 'pnl' | 'isOpen'>[], put: Put): void {
  let count = 0;
  let wins = 0;
  let losses = 0;
  let won = 0;
  let lost = 0;
  let bad = -1;
  for (const t of trades) {
    if (t.isOpen) continue;
    if (!Number.isFinite(t.pnl) && bad < 0) bad = count;
    count++;
    if (t.pnl > 0) {
      wins++;
      won += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      lost -= t.pnl;
    }
  }
  if (bad >= 0) {
    for (const k of ['hit_rate', 'win_loss_ratio', 'profit_factor'])
      put(k, NaN, `closed trade ${bad + 1} has a non-finite pnl`);
    return;
  }
  put('hit_rate', count > 0 ? wins / count : NaN, 'no closed trades');
  const wl = count === 0 ? 'no closed trades' : wins === 0 ? 'no winning trades' : 'no losing trades';
  put('win_loss_ratio', wins > 0 && losses > 0 ? won / wins / (lost / losses) : NaN, wl);
  put(
    'profit_factor',
    count > 0 && losses > 0 ? won / lost : NaN,
    count === 0 ? 'no closed trades' : 'no losing trades',
  );
}

function dsrMetric(
  options: MetricsOptions,
  trials: number,
  sr: number,
  n: number,
  skew: number,
  kurtosis: number,
  psrReason: string,
  put: Put,
): void {
  if (psrReason !== '') return put('dsr', NaN, psrReason);
  if (!(Number.isInteger(trials) && trials >= 1))
    return put('dsr', NaN, `trials must be a whole number >= 1, got ${trials}`);
  const v = options.trialSharpeVariance;
  if (trials > 1 && (v === undefined || !(v >= 0))) {
    return put('dsr', NaN, 'trials > 1 needs the variance of the trials\u2019 Sharpe ratios');
  }
  put('dsr', deflatedSharpe(sr, n, skew, kurtosis, trials, v ?? 0), 'DSR variance term is not positive');
}

import { performanceMetrics } from '../analytics/metrics/performance.js';
import { mean, simpleReturns } from '../analytics/metrics/return-stats.js';
import { tradeStats } from '../analytics/metrics/trade-stats.js';
import { deflatedSharpe } from '../analytics/stats/dsr.js';
import type { OrderState } from '../core/order.js';
import type { EquityCurve, Trade } from '../portfolio/index.js';

/**
 * metrics.json (DESIGN.md, "Metrics"): snake_case keys, empyrical conventions (simple returns
 * from the equity curve, sample standard deviation, annualisation by periods per year, risk-free
 * 0 unless given). A metric that is undefined for the run is null, and `null_reasons` says why.
 * Definitions and edge cases: docs/metrics.md (formulas) and docs/results.md (the file).
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

/** Metrics beyond DESIGN.md's list, after it in metrics.json. */
export const EXTRA_METRIC_KEYS = [
  'tracking_error',
  'max_drawdown_duration_periods',
  'avg_win',
  'avg_loss',
  'expectancy',
  'sqn',
  'avg_bars_held',
  'fees_paid',
  'slippage_paid',
] as const;
export type ExtraMetricKey = (typeof EXTRA_METRIC_KEYS)[number];

export interface Metrics extends Readonly<Record<MetricKey | ExtraMetricKey, number | null>> {
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
  readonly trades: readonly (Pick<Trade, 'pnl' | 'isOpen'> & Partial<Pick<Trade, 'barsHeld'>>)[];
  /** Orders; `fees` (OrderRecord) gives fees_paid. */
  readonly orders: readonly (Pick<OrderState, 'filledQty' | 'avgFillPrice'> & { readonly fees?: number })[];
  /** Benchmark closes aligned to the equity rows. */
  readonly benchmark?: { readonly close: ArrayLike<number> };
  /** Total slippage cost of the fills in the account currency, when the engine records it. */
  readonly slippagePaid?: number;
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

export function computeMetrics(input: MetricsInput, options: MetricsOptions = {}): Metrics {
  const rf = options.riskFree ?? 0;
  const trials = options.trials ?? 1;
  const P = input.periodsPerYear;
  const eq = input.equity.column('equity');
  const ts = input.equity.column('ts');
  const gross = input.equity.column('grossExposure');
  const n = eq.length;
  const r = simpleReturns(eq, input.initialCash);
  const close = input.benchmark?.close;
  // The benchmark has no return on the first row (no earlier close): NaN there drops the pair.
  const b =
    close === undefined ? undefined : Float64Array.from(r, (_, i) => (i === 0 ? NaN : close[i]! / close[i - 1]! - 1));
  const perf = performanceMetrics(
    { returns: r, equity: eq, initial: input.initialCash, ts, ...(b === undefined ? {} : { benchmark: b }) },
    { periodsPerYear: P, riskFree: rf },
  );
  const out: Record<string, number | null> = { ...perf.values };
  const reasons: Record<string, string> = { ...perf.nullReasons };
  const put = (key: string, value: number, reason: string): void => {
    if (Number.isFinite(value)) out[key] = Object.is(value, -0) ? 0 : value;
    else {
      out[key] = null;
      reasons[key] = reason;
    }
  };

  // The closed trades' P&L and bars held, in one pass over the trades.
  const pnls: number[] = [];
  const bars: number[] = [];
  let hasBars = true;
  for (const t of input.trades) {
    if (t.isOpen) continue;
    pnls.push(t.pnl);
    if (typeof t.barsHeld === 'number') bars.push(t.barsHeld);
    else hasBars = false;
  }
  const closed = pnls.length;
  const trade = tradeStats(pnls, hasBars ? bars : undefined);
  for (const [k, v] of Object.entries(trade.values)) put(k, v, trade.reasons[k as keyof typeof trade.reasons] ?? '');
  out['trades'] = closed;

  const meanEquity = mean(eq);
  let traded = 0;
  let fees = 0;
  let hasFees = true;
  for (const o of input.orders) {
    if (o.filledQty > 0) traded += Math.abs(o.filledQty * o.avgFillPrice);
    if (o.fees === undefined) hasFees = false;
    else fees += o.fees;
  }
  // A non-finite equity value makes the equity-based metrics null with its row (perf.invalid).
  const bad = perf.invalid;
  put(
    'turnover',
    n > 0 && meanEquity > 0 && bad === '' ? traded / 2 / meanEquity / (n / P) : NaN,
    bad || (n === 0 ? 'no equity rows' : 'mean equity is not positive'),
  );
  put('fees_paid', hasFees ? fees : NaN, 'orders carry no fees');
  put(
    'slippage_paid',
    input.slippagePaid ?? NaN,
    'not recorded: the run record carries no per-fill slippage (the engine does not record it yet)',
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
  put('exposure', expN > 0 && bad === '' ? expSum / expN : NaN, bad || 'no row with positive equity');
  put('time_in_market', n > 0 ? inMarket / n : NaN, 'no equity rows');
  const skew = out['skewness'] ?? NaN;
  const kurtosis = out['kurtosis'] ?? NaN;
  dsrMetric(
    options,
    trials,
    perf.sharpePerPeriod,
    n,
    skew,
    kurtosis,
    out['psr'] === null ? (reasons['psr'] ?? '') : '',
    put,
  );

  const metrics: Record<string, unknown> = {};
  for (const k of [...METRIC_KEYS, ...EXTRA_METRIC_KEYS]) metrics[k] = out[k] ?? null;
  Object.assign(metrics, {
    open_trades: input.trades.length - closed,
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

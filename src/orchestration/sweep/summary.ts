import { mean, moments, sampleStd } from '../../backtest/return-stats.js';
import { deflatedSharpe, expectedMaxSharpe } from '../../backtest/sharpe-inference.js';
import type { Metrics, MetricKey } from '../../backtest/metrics.js';
import type { SweepStore, TrialLine } from './sweep-store.js';

export interface SweepSummary {
  readonly objective: MetricKey;
  readonly lowerIsBetter: boolean;
  /** Combinations asked for. */
  readonly total: number;
  /** Trials that ran (their count is the N of the deflated Sharpe ratio). */
  readonly trials: number;
  /** Combinations the strategy refused (bad parameter mix) or that failed, with why. */
  readonly failed: number;
  readonly best: {
    readonly index: number;
    readonly params: Readonly<Record<string, unknown>>;
    readonly value: number;
    readonly metrics: Metrics;
  } | null;
  /** Per-period Sharpe ratio of the best trial, and the inputs and result of its DSR. */
  readonly bestSharpePerPeriod: number | null;
  readonly sharpeVariance: number | null;
  readonly expectedMaxSharpe: number | null;
  readonly dsr: number | null;
  readonly bars: number;
}

/** Per-period Sharpe ratio (mean / sample std) of one trial's returns; NaN when undefined. */
export function perPeriodSharpe(r: ArrayLike<number>): number {
  const sd = sampleStd(r);
  return sd > 0 ? mean(r) / sd : NaN;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The best trial by the objective (ties: the lowest index) and its deflated Sharpe ratio
 * (Bailey and López de Prado 2014) with N = the trials that ran and V = the sample variance of
 * their per-period Sharpe ratios.
 */
export function summarize(store: SweepStore, objective: MetricKey, lowerIsBetter: boolean): SweepSummary {
  const lines = store.lines;
  const ok = lines.filter((l): l is TrialLine & { metrics: Metrics; row: number } => l.ok && l.metrics !== undefined);
  let best: (typeof ok)[number] | undefined;
  for (const l of ok) {
    const v = l.metrics[objective];
    if (v === null || !Number.isFinite(v)) continue;
    const b = best?.metrics[objective] as number | undefined;
    if (b === undefined || (lowerIsBetter ? v < b : v > b) || (v === b && l.index < (best as TrialLine).index))
      best = l;
  }
  const { bars, matrix } = store.returns();
  const sharpes = ok.map((l) => perPeriodSharpe(matrix[l.row] as Float64Array)).filter(Number.isFinite);
  const variance = sharpes.length > 1 ? sampleStd(sharpes) ** 2 : NaN;
  let dsr = NaN;
  let sr = NaN;
  let emax = NaN;
  if (best !== undefined) {
    const r = matrix[best.row] as Float64Array;
    sr = perPeriodSharpe(r);
    const m = moments(r);
    const n = ok.length;
    emax = n === 1 ? 0 : expectedMaxSharpe(n, variance);
    dsr = deflatedSharpe(sr, r.length, m.skew, m.kurtosis, n, n === 1 ? 0 : variance);
  }
  return {
    objective,
    lowerIsBetter,
    total: lines.length,
    trials: ok.length,
    failed: lines.length - ok.length,
    best:
      best === undefined
        ? null
        : { index: best.index, params: best.params, value: best.metrics[objective] as number, metrics: best.metrics },
    bestSharpePerPeriod: finite(sr),
    sharpeVariance: finite(variance),
    expectedMaxSharpe: finite(emax),
    dsr: finite(dsr),
    bars,
  };
}

import { deflatedSharpeFromTrials } from '../../analytics/stats/dsr.js';
import { probabilityOfBacktestOverfitting } from '../../analytics/stats/pbo.js';
import { estimateSharpe } from '../../analytics/stats/sharpe-estimate.js';
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
  /**
   * Probability of backtest overfitting (CSCV, Bailey, Borwein, López de Prado and Zhu 2015) of
   * the search, per-period Sharpe as the performance; null with fewer than two trials or too few
   * bars for two blocks.
   */
  readonly pbo: {
    readonly pbo: number;
    readonly probabilityOfLoss: number;
    readonly degradationSlope: number;
    readonly partitions: number;
  } | null;
  readonly bars: number;
}

/** S for CSCV: 16 (the paper's example) when there are at least 10 bars per block, else fewer (even, >= 2). */
export function defaultPartitions(bars: number): number {
  const s = Math.min(16, Math.floor(bars / 10));
  return s - (s % 2);
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The best trial by the objective (ties: the lowest index) and its deflated Sharpe ratio
 * (Bailey and López de Prado 2014) with N = the trials that ran and V = the sample variance of
 * their per-period Sharpe ratios.
 */
export function summarize(
  store: SweepStore,
  objective: MetricKey,
  lowerIsBetter: boolean,
  partitions?: number,
): SweepSummary {
  // By trial number, not by finishing order: the DSR's variance and the PBO's columns (and its
  // ties) then come out the same bits on one worker or many, and after a resume.
  const lines = [...store.lines].sort((a, b) => a.index - b.index);
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
  const columns = ok.map((l) => matrix[l.row] as Float64Array);
  const sharpes = columns.map((r) => estimateSharpe(r).sharpe).filter(Number.isFinite);
  let dsr = NaN;
  let sr = NaN;
  let emax = NaN;
  let variance = NaN;
  if (best !== undefined && sharpes.length > 0) {
    const d = deflatedSharpeFromTrials(matrix[best.row] as Float64Array, sharpes);
    dsr = d.dsr;
    sr = d.estimate.sharpe;
    emax = d.expectedMaxSharpe;
    variance = sharpes.length > 1 ? d.variance : NaN;
  }
  const s = partitions ?? defaultPartitions(bars);
  let pbo: SweepSummary['pbo'] = null;
  if (columns.length >= 2 && s >= 2) {
    const r = probabilityOfBacktestOverfitting(columns, { partitions: s });
    pbo = { pbo: r.pbo, probabilityOfLoss: r.probabilityOfLoss, degradationSlope: r.degradation.slope, partitions: s };
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
    pbo,
    bars,
  };
}

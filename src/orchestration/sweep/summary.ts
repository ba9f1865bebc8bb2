import { deflatedSharpeFromTrials } from '../../analytics/stats/dsr.js';
import { choose, type CscvColumns } from '../../analytics/stats/pbo-cscv.js';
import {
  checkPboShape,
  PboMetric,
  pboMoments,
  pboResult,
  probabilityOfBacktestOverfitting,
} from '../../analytics/stats/pbo.js';
import { cscvTask, type CscvTask } from './tail-tasks.js';
import { defaultPartitions, SweepTally } from './sweep-tally.js';

export { defaultPartitions };
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

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The best trial by the objective (ties: the lowest index) and its deflated Sharpe ratio
 * (Bailey and López de Prado 2014) with N = the trials that ran and V = the sample variance of
 * their per-period Sharpe ratios.
 */
export async function summarize(
  store: SweepStore,
  objective: MetricKey,
  lowerIsBetter: boolean,
  partitions?: number,
  o: {
    /** What was computed of each trial as it was recorded (the others' is computed here). */
    readonly tally?: SweepTally;
    /** Scores a range of the PBO's combinations (elsewhere: a worker process); default here. */
    readonly cscv?: (task: CscvTask) => Promise<CscvColumns>;
    /** Ranges to cut the PBO's combinations into (one per worker process). */
    readonly pieces?: number;
  } = {},
): Promise<SweepSummary> {
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
  const tally = o.tally ?? new SweepTally(partitions);
  for (const l of ok) if (!tally.has(l.row)) tally.add(l.row, matrix[l.row] as Float64Array);
  const sharpes = ok.map((l) => tally.sharpe(l.row)).filter(Number.isFinite);
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
  if (ok.length >= 2 && s >= 2) {
    checkPboShape(ok.length, bars, s, PboMetric.Sharpe);
    // A non-finite return: the full computation, for its error naming the trial and the row.
    if (!tally.isFinite) probabilityOfBacktestOverfitting(columnsOf(ok, matrix), { partitions: s });
    const m = pboMoments(ok.length, s, bars);
    ok.forEach((l, j) => tally.moments(l.row, m.mean, m.m2, j * s));
    const half = choose(s, s / 2) / 2;
    const pieces = Math.max(1, Math.min(o.pieces ?? 1, half));
    const run = o.cscv ?? (async (t: CscvTask) => cscvTask(t));
    const parts = await Promise.all(
      Array.from({ length: pieces }, (_, k) =>
        run({
          moments: m,
          metric: PboMetric.Sharpe,
          from: Math.floor((k * half) / pieces),
          to: Math.floor(((k + 1) * half) / pieces),
        }),
      ),
    );
    const r = pboResult(m, bars, PboMetric.Sharpe, parts);
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

function columnsOf(ok: readonly { row: number }[], matrix: readonly Float64Array[]): Float64Array[] {
  return ok.map((l) => matrix[l.row] as Float64Array);
}

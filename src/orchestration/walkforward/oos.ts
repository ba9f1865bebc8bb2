import { cagr, drawdownStats, mean, sampleStd, sharpe } from '../../analytics/metrics/return-stats.js';
import type { ParamAxis } from '../sweep/param-space.js';

export interface OosMetrics {
  readonly periods: number;
  readonly totalReturn: number | null;
  readonly cagr: number | null;
  /** Annualized (252) Sharpe of the stitched out-of-sample returns. */
  readonly sharpe: number | null;
  readonly maxDrawdown: number | null;
  /** Round trips closed in the bars each fold contributes. */
  readonly trades: number;
  readonly winRate: number | null;
  /**
   * Walk-forward efficiency (Pardo): mean out-of-sample return per bar / mean in-sample return
   * per bar of the folds' winners; null when the in-sample mean is not positive.
   */
  readonly wfe: number | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Puts one fold's out-of-sample run into the stitched series: its return at each bar of the
 * fold's window `[useFrom, useTo)` of `timeline` (0 on a bar the run did not have), and the P&L
 * of each trade it closed inside that window into `pnls`. Returns the fold's compounded return.
 */
export function stitchFold(
  fold: { readonly useFrom: number; readonly useTo: number },
  timeline: Float64Array,
  run: {
    readonly ts?: Float64Array | undefined;
    readonly returns: Float64Array;
    readonly exits: Float64Array;
    readonly pnls: Float64Array;
  },
  oosReturns: Float64Array,
  pnls: number[],
): number {
  const from = timeline[fold.useFrom] as number;
  const to = timeline[fold.useTo - 1] as number;
  let growth = 1;
  const ts = run.ts as Float64Array;
  let j = 0;
  for (let i = fold.useFrom; i < fold.useTo; i++) {
    while (j < ts.length && (ts[j] as number) < (timeline[i] as number)) j++;
    const x = j < ts.length && ts[j] === timeline[i] ? (run.returns[j] as number) : 0;
    oosReturns[i] = x;
    growth *= 1 + x;
  }
  for (let t = 0; t < run.exits.length; t++) {
    const e = run.exits[t] as number;
    if (e >= from && e <= to) pnls.push(run.pnls[t] as number);
  }
  return growth;
}

export function measureOutOfSample(
  ts: Float64Array,
  returns: Float64Array,
  cash: number,
  pnls: readonly number[],
  folds: readonly { readonly inSampleMean: number }[],
  periodsPerYear = 252,
): OosMetrics {
  const equity = new Float64Array(returns.length);
  let e = cash;
  for (let i = 0; i < returns.length; i++) {
    e *= 1 + (returns[i] as number);
    equity[i] = e;
  }
  const wins = pnls.filter((p) => p > 0).length;
  const isMeans = folds.map((f) => f.inSampleMean).filter(Number.isFinite);
  const isMean = isMeans.length === 0 ? NaN : mean(isMeans);
  const oosMean = mean(returns);
  return {
    periods: returns.length,
    totalReturn: finite(returns.length === 0 ? NaN : e / cash - 1),
    cagr: finite(returns.length === 0 ? NaN : cagr(e / cash, returns.length, periodsPerYear)),
    sharpe: finite(sharpe(returns, periodsPerYear)),
    maxDrawdown: finite(returns.length === 0 ? NaN : drawdownStats(equity, ts, cash).maxDrawdown),
    trades: pnls.length,
    winRate: pnls.length === 0 ? null : wins / pnls.length,
    wfe: isMean > 0 ? finite(oosMean / isMean) : null,
  };
}

export interface ParamStability {
  readonly name: string;
  /** The value each fold picked, in fold order. */
  readonly values: readonly unknown[];
  /** The most picked value and the share of folds that picked it. */
  readonly mode: unknown;
  readonly modeShare: number;
  /** Folds whose pick differs from the previous fold's. */
  readonly changes: number;
  /** Numeric params: mean, sample std and coefficient of variation of the picks. */
  readonly mean: number | null;
  readonly std: number | null;
  readonly cv: number | null;
}

export function parameterStability(
  axes: readonly ParamAxis[],
  folds: readonly { readonly params: Readonly<Record<string, unknown>> }[],
): ParamStability[] {
  const picked = folds.filter((f) => Object.keys(f.params).length > 0);
  return axes.map((a) => {
    const values = picked.map((f) => f.params[a.name]);
    const counts = new Map<string, { v: unknown; n: number }>();
    for (const v of values) {
      const k = JSON.stringify(v);
      const c = counts.get(k) ?? { v, n: 0 };
      c.n++;
      counts.set(k, c);
    }
    let mode: { v: unknown; n: number } = { v: null, n: 0 };
    for (const c of counts.values()) if (c.n > mode.n) mode = c;
    let changes = 0;
    for (let i = 1; i < values.length; i++) if (JSON.stringify(values[i]) !== JSON.stringify(values[i - 1])) changes++;
    const nums = values.every((v) => typeof v === 'number') ? (values as number[]) : [];
    const m = nums.length > 0 ? mean(nums) : NaN;
    const sd = sampleStd(nums);
    return {
      name: a.name,
      values,
      mode: mode.v,
      modeShare: values.length === 0 ? 0 : mode.n / values.length,
      changes,
      mean: finite(m),
      std: finite(sd),
      cv: m !== 0 ? finite(sd / Math.abs(m)) : null,
    };
  });
}

/**
 * The promotion gates (docs/ml/registry.md#gates): what `momentic ml promote` checks before a
 * model moves up a stage. Each gate reads what `ml train` registered, so a promotion is decided
 * on the evidence stored with the model, and the audit entry carries every value.
 *
 * - auc, ic: the pooled out-of-sample AUC and information coefficient of the CV predictions.
 * - dsr: the deflated Sharpe ratio (Bailey & López de Prado 2014) of the out-of-sample strategy,
 *   deflated by the number of trials of the search that picked it. The trials' Sharpe variance
 *   V is the search's own when it recorded at least two trials; otherwise 1/T, the sampling
 *   variance of a Sharpe ratio estimate of a skill-less strategy over T periods.
 * - pbo: the probability of backtest overfitting (CSCV, Bailey et al. 2017) over the trials'
 *   out-of-sample CPCV returns; a model not picked by a recorded search has nothing selected
 *   among alternatives, so the gate does not apply and says so.
 * - stability: the mean pairwise Jaccard similarity of the folds' top-k MDI feature sets.
 */
import { deflatedSharpe, expectedMaxSharpe } from '../../analytics/stats/dsr.js';
import { probabilityOfBacktestOverfitting } from '../../analytics/stats/pbo.js';
import { estimateSharpe } from '../../analytics/stats/sharpe-estimate.js';

export interface GateThresholds {
  readonly min_auc: number;
  readonly min_ic: number;
  readonly min_dsr: number;
  readonly max_pbo: number;
  readonly stability_top_k: number;
  readonly min_feature_jaccard: number;
}

export interface GateResult {
  readonly gate: 'auc' | 'ic' | 'dsr' | 'pbo' | 'stability';
  readonly value: number | null;
  readonly op: '>=' | '<=';
  readonly threshold: number;
  readonly pass: boolean;
  readonly note?: string;
}

/** What the gates read from a registered model (its `evaluation` and `folds`). */
export interface GateInputs {
  readonly auc: number;
  readonly ic: number;
  /** Per-period returns of the model's out-of-sample strategy. */
  readonly returns: readonly number[];
  /** Trials of the search that produced the model (declared or recorded), >= 1. */
  readonly trials: number;
  /** Recorded trials' Sharpe ratios and returns (empty without a search). */
  readonly trialSharpes: readonly number[];
  readonly trialReturns: readonly (readonly number[])[];
  /** Per fold, the MDI of each feature (in `features` order). */
  readonly foldMdi: readonly (readonly number[])[];
  readonly features: readonly string[];
}

/** The largest even S <= 16 with at least 2 periods per block. */
function partitionsFor(periods: number): number {
  let s = Math.min(16, Math.floor(periods / 2));
  if (s % 2 === 1) s -= 1;
  return s;
}

export function topK(mdi: readonly number[], names: readonly string[], k: number): string[] {
  return names
    .map((n, j) => ({ n, v: mdi[j] ?? 0 }))
    .sort((a, b) => b.v - a.v || a.n.localeCompare(b.n))
    .slice(0, Math.min(k, names.length))
    .map((e) => e.n);
}

export function meanJaccard(sets: readonly (readonly string[])[]): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const A = new Set(sets[a]);
      const B = new Set(sets[b]);
      const inter = [...A].filter((x) => B.has(x)).length;
      const union = new Set([...A, ...B]).size;
      sum += union === 0 ? 1 : inter / union;
      pairs++;
    }
  }
  return pairs === 0 ? 1 : sum / pairs;
}

export function dsrOf(g: Pick<GateInputs, 'returns' | 'trials' | 'trialSharpes'>): {
  dsr: number;
  sharpe: number;
  trials: number;
  variance: number;
  expectedMax: number;
} {
  const est = estimateSharpe(g.returns);
  const finite = g.trialSharpes.filter(Number.isFinite);
  const trials = Math.max(g.trials, g.trialSharpes.length, 1);
  let variance: number;
  if (finite.length >= 2) {
    const m = finite.reduce((a, b) => a + b, 0) / finite.length;
    variance = finite.reduce((a, b) => a + (b - m) ** 2, 0) / (finite.length - 1);
  } else variance = 1 / Math.max(1, est.observations);
  return {
    dsr: deflatedSharpe(est.sharpe, est.observations, est.skew, est.kurtosis, trials, variance),
    sharpe: est.sharpe,
    trials,
    variance,
    expectedMax: expectedMaxSharpe(trials, variance),
  };
}

export function evaluateGates(g: GateInputs, t: GateThresholds): GateResult[] {
  const min = (gate: GateResult['gate'], value: number, threshold: number, note?: string): GateResult => ({
    gate,
    value: Number.isFinite(value) ? value : null,
    op: '>=',
    threshold,
    pass: Number.isFinite(value) && value >= threshold,
    ...(note === undefined ? {} : { note }),
  });
  const out: GateResult[] = [min('auc', g.auc, t.min_auc), min('ic', g.ic, t.min_ic)];
  const d = dsrOf(g);
  out.push(
    min(
      'dsr',
      d.dsr,
      t.min_dsr,
      `Sharpe ${fmt(d.sharpe)} per period vs ${fmt(d.expectedMax)} expected from the best of ${d.trials} skill-less trials`,
    ),
  );
  if (g.trialReturns.length >= 2) {
    const s = partitionsFor(g.trialReturns[0]!.length);
    const pbo =
      s >= 2
        ? probabilityOfBacktestOverfitting(
            g.trialReturns.map((r) => Float64Array.from(r)),
            { partitions: s },
          ).pbo
        : NaN;
    out.push({
      gate: 'pbo',
      value: Number.isFinite(pbo) ? pbo : null,
      op: '<=',
      threshold: t.max_pbo,
      pass: Number.isFinite(pbo) && pbo <= t.max_pbo,
      note: `CSCV over ${g.trialReturns.length} trials, S = ${s}`,
    });
  } else {
    out.push({
      gate: 'pbo',
      value: null,
      op: '<=',
      threshold: t.max_pbo,
      pass: true,
      note: 'no search recorded (one trial): nothing was selected among alternatives, so there is nothing to overfit by selection',
    });
  }
  const sets = g.foldMdi.map((m) => topK(m, g.features, t.stability_top_k));
  out.push(
    min(
      'stability',
      meanJaccard(sets),
      t.min_feature_jaccard,
      `top-${t.stability_top_k} MDI features over ${sets.length} folds`,
    ),
  );
  return out;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

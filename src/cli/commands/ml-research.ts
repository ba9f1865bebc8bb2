/**
 * `momentic ml train|cv|importance` (docs/ml/registry.md): cross-validated training on the
 * workspace's bars (or a CSV of features), with the per-fold metrics, the CPCV path Sharpe
 * distribution and, for `train`, the final model registered as a candidate.
 */
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { explainSplits } from '../../ml/cv/explain.js';
import type { CvPlan } from '../../ml/cv/split.js';
import { selectFeatures, type MlDataset } from '../../ml/research/dataset.js';
import { cvPlan, evaluate, searchSubsets, type Evaluation, type LearnerSpec } from '../../ml/research/evaluate.js';
import { calibrationTable, learningCurve, parseFractions, type LearningPoint } from '../../ml/research/diagnostics.js';
import { dsrOf } from '../../ml/research/gates.js';
import { importance } from '../../ml/research/importance.js';
import { fit, fittedFromArtifact } from '../../ml/research/learner.js';
import { parseSearch } from '../../ml/research/spec.js';
import type { NewModelVersion } from '../../store/model-types.js';
import { VERSION } from '../version.js';
import { datasetOf, recipeOf, str, type Recipe } from './ml-recipe.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';
import { createProgress } from '../progress.js';

const f4 = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(4);

function explainText(plan: CvPlan, d: MlDataset): string {
  const lines: string[] = [];
  for (const s of explainSplits(plan, { t0: d.t0, t1: d.t1 })) {
    lines.push(`split ${s.split} (test groups ${s.testGroups.join(', ')})`);
    for (const kind of ['test', 'purged', 'embargoed'] as const) {
      for (const r of s[kind]) {
        lines.push(
          `  ${kind.padEnd(9)} samples ${r.from}-${r.to - 1}  ${d.times[r.firstBar]} .. ${d.times[r.lastBar]}  ${r.reason}`,
        );
      }
    }
  }
  return lines.join('\n');
}

function quantiles(v: readonly number[]): { min: number; median: number; mean: number; max: number } {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number): number => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  return { min: s[0] ?? NaN, median: q(0.5), mean: s.reduce((a, b) => a + b, 0) / s.length, max: s.at(-1) ?? NaN };
}

interface Trained {
  readonly recipe: Recipe;
  readonly data: MlDataset;
  readonly plan: CvPlan;
  readonly ev: Evaluation;
  readonly trials: number;
  readonly search?: ReturnType<typeof searchSubsets>;
}

async function runCv(ctx: CommandContext, opts: Record<string, unknown>): Promise<Trained> {
  const recipe = recipeOf(ctx, opts);
  const data = await datasetOf(ctx, recipe);
  const plan = cvPlan(data, recipe.cv);
  if (opts.explain === true && !ctx.json) ctx.out(explainText(plan, data));
  const learner: LearnerSpec = { kind: recipe.model, params: recipe.params };
  const declared = Number(opts.trials ?? 1);
  if (!Number.isInteger(declared) || declared < 1) {
    throw new UsageError('USAGE_INVALID_OPTION', `--trials ${String(opts.trials)} is not a whole number >= 1`, {
      hint: 'pass how many configurations the search behind this model tried, e.g. --trials 20',
      context: { flag: '--trials', value: String(opts.trials) },
    });
  }
  const search = str(opts.search) === undefined ? undefined : parseSearch(str(opts.search)!);
  const total = plan.splits.length * (search === undefined ? 1 : declared);
  const progress = createProgress(ctx.io, { total, label: 'ml', json: ctx.json });
  try {
    if (search !== undefined) {
      const result = searchSubsets(data, plan, learner, search, declared, recipe.seed, () => progress.tick(1));
      const picked = selectFeatures(data, result.best.features);
      return { recipe, data: picked, plan, ev: result.best, trials: declared, search: result };
    }
    const ev = evaluate(data, plan, learner, () => progress.tick(1));
    return { recipe, data, plan, ev, trials: declared };
  } finally {
    progress.stop();
  }
}

function report(t: Trained): Record<string, unknown> {
  const dsr = dsrOf({
    returns: Array.from(t.ev.returns),
    trials: t.trials,
    trialSharpes: t.search?.trials.map((x) => x.sharpe) ?? [],
  });
  return {
    features: t.ev.features,
    samples: t.data.rows,
    cv: { ...t.recipe.cv, splits: t.plan.splits.length },
    folds: t.ev.folds.map(({ mdi: _mdi, ...f }) => f),
    auc: t.ev.auc,
    logloss: t.ev.logloss,
    ic: t.ev.ic,
    pathSharpes: t.ev.pathSharpes,
    pathSharpe: quantiles(t.ev.pathSharpes),
    trials: t.trials,
    dsr: dsr.dsr,
  };
}

function printReport(ctx: CommandContext, r: Record<string, unknown>, t: Trained): void {
  ctx.out(
    formatTable(
      ['split', 'test groups', 'train', 'test', 'purged', 'embargoed', 'AUC', 'logloss', 'IC'],
      t.ev.folds.map((f) => [
        String(f.split),
        f.testGroups.join(','),
        String(f.train),
        String(f.test),
        String(f.purged),
        String(f.embargoed),
        f4(f.auc),
        f4(f.logloss),
        f4(f.ic),
      ]),
    ),
  );
  const q = r.pathSharpe as ReturnType<typeof quantiles>;
  ctx.out(`features: ${t.ev.features.join(', ')} (${t.data.rows} samples)`);
  ctx.out(`out of sample: AUC ${f4(t.ev.auc)}, logloss ${f4(t.ev.logloss)}, IC ${f4(t.ev.ic)}`);
  ctx.out(
    `path Sharpe (per period, long/short by sign) over ${t.ev.pathSharpes.length} path(s): min ${f4(q.min)}, median ${f4(q.median)}, mean ${f4(q.mean)}, max ${f4(q.max)}`,
  );
  ctx.out(`deflated Sharpe over ${t.trials} trial(s): ${f4(r.dsr as number)}`);
}

/** `momentic ml cv`: the evaluation without registering (with --calibration and --learning-curve). */
export async function mlCv(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  // Bad diagnostic flags are refused before any data is read.
  const bins = opts.calibration === undefined ? undefined : opts.calibration === true ? 10 : Number(opts.calibration);
  if (bins !== undefined) calibrationTable([], [], bins);
  const fractions = str(opts.learningCurve) === undefined ? undefined : parseFractions(str(opts.learningCurve)!);
  const t = await runCv(ctx, opts);
  const r = report(t);
  const calibration = bins === undefined ? undefined : calibrationTable(t.data.y, t.ev.pooled, bins);
  let curve: LearningPoint[] | undefined;
  if (fractions !== undefined) {
    const learner: LearnerSpec = { kind: t.recipe.model, params: t.recipe.params };
    const progress = createProgress(ctx.io, { total: fractions.length * t.plan.splits.length, label: 'learning curve', json: ctx.json }); // prettier-ignore
    try {
      curve = learningCurve(t.data, t.plan, learner, fractions, () => progress.tick(1));
    } finally {
      progress.stop();
    }
  }
  if (ctx.json) {
    ctx.outJson({
      ...r,
      ...(calibration === undefined ? {} : { calibration }),
      ...(curve === undefined ? {} : { learningCurve: curve }),
    });
    return 0;
  }
  printReport(ctx, r, t);
  if (calibration !== undefined) {
    ctx.out(`calibration (out of sample, ${calibration.samples} samples): ECE ${f4(calibration.ece)}, Brier ${f4(calibration.brier)}`); // prettier-ignore
    ctx.out(
      formatTable(
        ['bin', 'count', 'predicted', 'observed'],
        calibration.bins.map((b) => [
          `${b.lo.toFixed(2)}-${b.hi.toFixed(2)}`,
          String(b.count),
          f4(b.predicted),
          f4(b.observed),
        ]),
      ),
    );
  }
  if (curve !== undefined) {
    ctx.out('learning curve (purged CV, mean over splits):');
    ctx.out(
      formatTable(
        ['fraction', 'train', 'AUC', 'logloss'],
        curve.map((c) => [String(c.fraction), c.train.toFixed(0), f4(c.auc), f4(c.logloss)]),
      ),
    );
  }
  return 0;
}

/** `momentic ml train`: the evaluation, then the final model on all data, registered as a candidate. */
export async function mlTrain(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const t = await runCv(ctx, opts);
  const r = report(t);
  const { data, recipe } = t;
  const final = fit(recipe.model, recipe.params, data.x, data.rows, data.cols, data.y, data.names);
  const labelSpec =
    recipe.input !== undefined
      ? { kind: 'column', column: recipe.input.labelColumn, horizon: recipe.input.horizon }
      : { ...recipe.label! };
  const model: NewModelVersion = {
    name: str(opts.name) ?? `${recipe.model}-${labelSpec.kind}`,
    kind: recipe.model,
    artifact: final.artifact(),
    features: data.names,
    featureHash: data.featureHash,
    label: labelSpec,
    dataRange: {
      from: data.times[data.t0[0] ?? 0] ?? null,
      to: data.times[data.t1[data.rows - 1] ?? 0] ?? null,
      samples: data.rows,
      ...data.source,
    },
    cv: { ...recipe.cv, splits: t.plan.splits.length, purge: 'label spans', embargoBars: t.plan.embargoBars },
    folds: t.ev.folds.map((f) => ({ ...f })),
    pathSharpes: t.ev.pathSharpes.map((x) => (Number.isFinite(x) ? x : null)) as number[],
    evaluation: {
      auc: t.ev.auc,
      logloss: t.ev.logloss,
      ic: t.ev.ic,
      returns: Array.from(t.ev.returns),
      mdi: Array.from(final.mdi()),
      search:
        t.search === undefined
          ? null
          : {
              subsetSize: parseSearch(str(opts.search)!).subsetSize,
              trials: t.search.trials.map((x) => ({ features: x.features, sharpe: x.sharpe })),
              returns: t.search.trials.map((x) => Array.from(x.returns)),
            },
      recipe: { ...recipe, features: recipe.input !== undefined ? data.names.join(',') : recipe.features },
    },
    trials: t.trials,
    codeVersion: VERSION,
    createdAt: Date.now(),
  };
  const saved = await withLedger(ctx, (l) => l.registerModel(model, 'cli'));
  if (ctx.json) {
    ctx.outJson({ id: saved.id, name: saved.name, version: saved.version, stage: saved.stage, ...r });
    return 0;
  }
  printReport(ctx, r, t);
  ctx.out(`registered ${saved.id} (${saved.name} version ${saved.version}, stage candidate)`);
  return 0;
}

/** `momentic ml importance ID` or with the train flags: MDI of the final model and MDA over the purged folds. */
export async function mlImportance(
  ctx: CommandContext,
  id: string | undefined,
  opts: Record<string, unknown>,
): Promise<number> {
  let recipe: Recipe;
  let mdi: Float64Array;
  let data: MlDataset;
  if (id !== undefined) {
    const m = await withLedger(ctx, async (l) => l.getModel(id));
    if (m === undefined) {
      const { modelNotFound } = await import('../../store/models-repo.js');
      throw modelNotFound(id);
    }
    recipe = m.evaluation.recipe as Recipe;
    data = selectFeatures(await datasetOf(ctx, recipe), m.features);
    mdi = fittedFromArtifact(m.kind, m.artifact, m.id).mdi();
  } else {
    recipe = recipeOf(ctx, opts);
    data = await datasetOf(ctx, recipe);
    mdi = fit(recipe.model, recipe.params, data.x, data.rows, data.cols, data.y, data.names).mdi();
  }
  const plan = cvPlan(data, recipe.cv);
  const progress = createProgress(ctx.io, { total: plan.splits.length, label: 'importance', json: ctx.json });
  let rows;
  try {
    rows = importance(data, plan, { kind: recipe.model, params: recipe.params }, mdi, recipe.seed, () =>
      progress.tick(1),
    );
  } finally {
    progress.stop();
  }
  rows.sort((a, b) => b.mda - a.mda);
  if (ctx.json) {
    ctx.outJson({ ...(id === undefined ? {} : { id }), features: rows });
    return 0;
  }
  ctx.out(
    formatTable(
      ['feature', 'MDI', 'MDA (logloss rise)', 'MDA std err'],
      rows.map((r) => [r.feature, f4(r.mdi), f4(r.mda), f4(r.mdaStdErr)]),
    ),
  );
  return 0;
}

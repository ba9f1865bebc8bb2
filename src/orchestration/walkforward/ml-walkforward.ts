/**
 * `momentic walkforward --ml` (docs/ml.md, "Walk-forward with a model retrained per fold"): at
 * each fold a GBDT is trained, with the label, features and parameters of `momentic ml train`, on
 * the labels of the fold's in-sample window only: a label whose end lies after the window's last
 * session is purged (its outcome is not known when the model goes live), and so is one that ends
 * in the embargo, the last `embargo` sessions of the window. `ml-signal` then trades the fold's
 * model over the test window, and the out-of-sample returns are stitched as in a walk-forward of a
 * sweep (folds.ts). The features of a label are the store's, computed over every bar up to its
 * start; the out-of-sample run starts at the data's first session with the bars before the test
 * window as warm-up, so the model sees at each decision the very feature values it was trained on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureSetHash } from '../../analytics/features/index.js';
import type { RunConfig } from '../../config/run-config.js';
import type { Config } from '../../config/schema.js';
import { DataError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { mean } from '../../analytics/metrics/return-stats.js';
import { CODE_VERSION } from '../../backtest/record-builder.js';
import { tsToDate } from '../../data/schema.js';
import { datasetFromBars, type MlDataset, type SymbolBars } from '../../ml/research/dataset.js';
import { dsrOf } from '../../ml/research/gates.js';
import { fit } from '../../ml/research/learner.js';
import { validateParams } from '../../strategies/define.js';
import { getStrategyDefinition } from '../../strategies/registry.js';
import type { NewModelVersion } from '../../store/model-types.js';
import { createLedger } from '../../store/ledger.js';
import { withinHookBudget } from '../hook-budget.js';
import { featureDefs } from '../ml-data.js';
import { loadRunData, withDataRange } from '../run-data.js';
import { checkStrategy } from '../strategy-check.js';
import { createTrialRunner } from '../sweep/trial-runner.js';
import type { TrialOutcome } from '../sweep/trial.js';
import { makeFolds, type Fold, type FoldOptions } from './folds.js';
import { evaluateGates, type Gate } from './gates.js';
import type { MlWalkForwardSpec } from './ml-spec.js';
import { measureOutOfSample, stitchFold } from './oos.js';
import type { FoldResult, WalkForwardResult } from './walkforward-job.js';

/** What each fold trained on, for the record (summary.json `ml.folds`, ml-folds.csv). */
export interface MlFoldTraining {
  readonly fold: number;
  /** The fold's model artifact, relative to the walk-forward folder. */
  readonly model: string;
  /** Its training labels (start, end, class), relative to the folder. */
  readonly labels: string;
  readonly trainRows: number;
  readonly positives: number;
  /** Labels that start in the window but end after its last session. */
  readonly purged: number;
  /** Labels that end in the embargo: the last `embargo` sessions of the window. */
  readonly embargoed: number;
  /** The last session a training label may end on. */
  readonly lastAllowedEnd: string;
  readonly firstLabelStart: string | null;
  readonly lastLabelEnd: string | null;
  /** The registry id when the fold models are registered. */
  readonly registered?: string;
}

export interface MlWalkForwardResult extends WalkForwardResult {
  readonly id: string;
  readonly ml: {
    readonly label: string;
    readonly features: readonly string[];
    readonly params: Readonly<Record<string, unknown>>;
    readonly embargo: number;
    readonly folds: readonly MlFoldTraining[];
  };
}

const MODEL_PLACEHOLDER = 'models/fold-model.json';
const pad = (k: number): string => String(k).padStart(3, '0');

/** The walk-forward's id: what it trains on and how, so the same run writes the same folder. */
export function mlWalkForwardId(
  spec: RunConfig,
  ml: MlWalkForwardSpec,
  folds: FoldOptions,
  dataFiles: unknown,
): string {
  // Registering the fold models changes no output file: the same walk-forward, the same folder.
  const how = { ...ml, register: undefined };
  const h = createHash('sha256')
    .update(JSON.stringify({ spec, ml: how, folds, dataFiles }))
    .digest('hex');
  return `ml-${h.slice(0, 12)}`;
}

export function runMlWalkForward(o: Parameters<typeof mlWalkForward>[0]): Promise<MlWalkForwardResult> {
  return withinHookBudget(() => mlWalkForward(o));
}

async function mlWalkForward(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run of every fold: strategy ml-signal, its params but the model. */
  readonly spec: RunConfig;
  readonly ml: MlWalkForwardSpec;
  readonly folds: FoldOptions;
  readonly gates: readonly Gate[];
  /** The results folder (data/results/walkforward/ID by default): the fold models go in its models/. */
  readonly dir: (id: string) => string;
  readonly workers?: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number) => void;
}): Promise<MlWalkForwardResult> {
  const { spec, ml } = o;
  if (spec.strategy.name !== 'ml-signal') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--ml trains a model per fold for ml-signal; the run's strategy is ${spec.strategy.name}`,
      {
        hint: 'use --strategy ml-signal (or leave --strategy out with --ml), or walk a sweep forward without --ml',
        context: { flag: '--strategy', value: spec.strategy.name },
      },
    );
  }
  if (spec.strategy.params.model !== undefined) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--ml trains the model of each fold, and the run names one (model=${String(spec.strategy.params.model)})`,
      {
        hint: 'drop the model parameter: each fold trades the model trained on its own in-sample window',
        context: { flag: '--param', key: 'model' },
      },
    );
  }
  if (spec.data.timeframe !== '1d') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `walk-forward windows count daily sessions; the run is on ${spec.data.timeframe} bars`,
      {
        hint: 'walk forward daily bars (--timeframe 1d)',
        context: { flag: '--timeframe', value: spec.data.timeframe },
      },
    );
  }
  // The strategy's other params are checked before any data is read (the model is each fold's).
  const placeholder = { ...spec.strategy.params, model: MODEL_PLACEHOLDER };
  checkStrategy({ ...spec, strategy: { name: spec.strategy.name, params: placeholder } }, { flag: '--param' });
  const p = validateParams(getStrategyDefinition('ml-signal'), placeholder, { flag: '--param' }) as {
    periodsPerYear: number;
    benchmark?: string;
  };
  const { defs } = featureDefs(ml.features);
  const data = await loadRunData({
    home: o.home,
    config: o.config,
    env: o.env,
    spec,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  });
  const ranged = withDataRange(spec, data);
  const timeline = Float64Array.from(new Set(data.series.flatMap((s) => Array.from(s.ts)))).sort();
  const folds = makeFolds(timeline.length, o.folds);
  const date = (i: number): string => tsToDate(timeline[i] as number);

  // The research dataset over every bar, as `ml train` builds it (features at a bar read only
  // the bars up to it; the label's span is where purging looks), on the run's own prices.
  const traded = data.series.filter((s) => s.symbol !== p.benchmark);
  const bench = p.benchmark === undefined ? undefined : data.series.find((s) => s.symbol === p.benchmark);
  const benchAt = new Map<number, number>();
  if (bench !== undefined) for (let i = 0; i < bench.length; i++) benchAt.set(bench.ts[i]!, bench.close[i]!);
  const bars: SymbolBars[] = traded.map((s) => ({
    symbol: s.symbol,
    input: {
      ts: s.ts,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.close,
      volume: s.volume,
      ...(bench === undefined ? {} : { benchmarkClose: s.ts.map((t) => benchAt.get(t) ?? NaN) }),
      periodsPerYear: p.periodsPerYear,
    },
  }));
  const d = datasetFromBars(bars, defs, ml.label, featureSetHash(defs));
  // The dataset's spans index its own timeline (the traded symbols' sessions): onto the run's.
  const at = new Map(Array.from(timeline, (t, i) => [tsToDate(t), i]));
  const t0 = Int32Array.from(d.t0, (i) => at.get(d.times[i]!)!);
  const t1 = Int32Array.from(d.t1, (i) => at.get(d.times[i]!)!);

  const id = mlWalkForwardId(ranged, ml, o.folds, data.dataFiles);
  const dir = o.dir(id);
  mkdirSync(join(dir, 'models'), { recursive: true });
  const total = folds.length * 3;
  let done = 0;
  const tick = (): void => o.onProgress?.(++done, total);

  // 1. Train each fold's model on its in-sample labels only.
  const training: MlFoldTraining[] = [];
  const artifacts: string[] = [];
  for (const f of folds) {
    const r = trainFold(d, t0, t1, f, ml, date);
    const model = `models/fold-${pad(f.index)}.json`;
    const labels = `models/fold-${pad(f.index)}.labels.csv`;
    writeFileSync(join(dir, model), r.artifact);
    writeFileSync(join(dir, labels), r.labelsCsv);
    artifacts.push(r.artifact);
    training.push({ fold: f.index, model, labels, ...r.info });
    tick();
  }

  // 2. Each fold's model traded in sample (for the efficiency) and out of sample.
  const foldRun = (end: number): RunConfig => ({
    ...ranged,
    data: { ...ranged.data, start: date(0), end: date(end) },
  });
  const runner = createTrialRunner({
    home: o.home,
    format: o.config.data.format,
    store: o.config.data.store,
    databaseUrl: o.config.database.url,
    data,
    tasks: folds.length * 2,
    hookTimeoutMs: o.config.engine.hook_timeout_ms,
    strategy: 'ml-signal',
    ...(o.workers === undefined ? {} : { workers: o.workers }),
  });
  const paramsOf = (f: Fold): Record<string, unknown> => ({
    ...spec.strategy.params,
    model: join(dir, `models/fold-${pad(f.index)}.json`),
  });
  let runs: { is: TrialOutcome; oos: TrialOutcome }[];
  try {
    runs = await Promise.all(
      folds.map(async (f) => {
        const [is, oos] = await Promise.all([
          runner.run(foldRun(f.trainEnd - 1), paramsOf(f), f.index, f.trainStart),
          runner.run(foldRun(f.testEnd - 1), paramsOf(f), f.index, f.trainEnd),
        ]);
        tick();
        tick();
        return { is: is!, oos: oos! };
      }),
    );
  } finally {
    await runner.close();
  }

  // 3. Stitch the out-of-sample segments (each bar from the latest fold whose test window holds it).
  const oosReturns = new Float64Array(timeline.length).fill(NaN);
  const pnls: number[] = [];
  const results: FoldResult[] = folds.map((f, k) => {
    const { is, oos } = runs[k]!;
    for (const [r, what] of [
      [is, 'in-sample'],
      [oos, 'out-of-sample'],
    ] as const) {
      if (!r.ok)
        throw new DataError('DATA_INVALID', `walk-forward fold ${k}: the ${what} run of its model failed: ${r.error}`, {
          hint: `the model is ${join(dir, training[k]!.model)}; check the ml-signal params and the data`,
          context: { file: join(dir, training[k]!.model) },
        });
    }
    if (!is.ok || !oos.ok) throw new Error('unreachable');
    const growth = stitchFold(f, timeline, oos, oosReturns, pnls);
    const isTs = is.ts as Float64Array;
    const inWindow = Array.from(is.returns).filter((_, i) => (isTs[i] as number) >= (timeline[f.trainStart] as number));
    const sharpe = is.metrics.sharpe;
    return {
      ...f,
      trainStartDate: date(f.trainStart),
      trainEndDate: date(f.trainEnd - 1),
      testStartDate: date(f.trainEnd),
      testEndDate: date(f.testEnd - 1),
      params: { ...spec.strategy.params, model: training[k]!.model },
      inSample: sharpe === null || !Number.isFinite(sharpe) ? NaN : sharpe,
      inSampleMean: inWindow.length === 0 ? NaN : mean(inWindow),
      outOfSampleReturn: growth - 1,
    };
  });

  const first = (folds[0] as Fold).useFrom;
  const last = (folds[folds.length - 1] as Fold).useTo;
  const ts = timeline.slice(first, last);
  const returns = oosReturns.slice(first, last);
  const metrics = measureOutOfSample(ts, returns, spec.venue.cash, pnls, results);
  // One configuration was walked forward (no search): the DSR is the probabilistic Sharpe ratio
  // of the stitched returns against zero, and there are no trials for a PBO.
  const dsr = returns.length < 3 ? null : dsrOf({ returns: Array.from(returns), trials: 1, trialSharpes: [] }).dsr;
  const dsrValue = dsr === null || !Number.isFinite(dsr) ? null : dsr;
  const gates = evaluateGates(o.gates, {
    sharpe: metrics.sharpe,
    max_drawdown: metrics.maxDrawdown,
    trades: metrics.trades,
    win_rate: metrics.winRate,
    total_return: metrics.totalReturn,
    cagr: metrics.cagr,
    wfe: metrics.wfe,
    dsr: dsrValue,
    pbo: null,
  });

  // 4. Optionally, the fold models in the registry (stage candidate), in fold order.
  if (ml.register !== undefined) {
    const ledger = await createLedger(o.config, o.home);
    try {
      for (const f of folds) {
        const t = training[f.index]!;
        const saved = await ledger.registerModel(
          foldVersion(ml, d, artifacts[f.index]!, t, results[f.index]!, id, spec),
          'walkforward',
        );
        training[f.index] = { ...t, registered: saved.id };
      }
    } finally {
      await ledger.close();
    }
  }

  return {
    id,
    sweepId: id,
    cash: spec.venue.cash,
    objective: 'sharpe',
    folds: results,
    ts,
    returns,
    metrics,
    stability: [],
    gates,
    passed: gates.every((g) => g.pass),
    sweep: { trials: 1, dsr: dsrValue, pbo: null },
    ml: { label: ml.labelText, features: d.names, params: ml.params, embargo: ml.embargo, folds: training },
  };
}

/** The training rows of fold `f`: labels that start in its window and end by its last allowed session. */
export function trainFold(
  d: MlDataset,
  t0: Int32Array,
  t1: Int32Array,
  f: Fold,
  ml: MlWalkForwardSpec,
  date: (i: number) => string,
): { artifact: string; labelsCsv: string; info: Omit<MlFoldTraining, 'fold' | 'model' | 'labels'> } {
  // The model goes live after the close of the window's last session (trainEnd - 1): a label is
  // known then only if it ended by that session; the embargo keeps a margin before it.
  const lastEnd = f.trainEnd - 1 - ml.embargo;
  const rows: number[] = [];
  let purged = 0;
  let embargoed = 0;
  for (let i = 0; i < d.rows; i++) {
    const a = t0[i]!;
    if (a < f.trainStart || a >= f.trainEnd) continue;
    const b = t1[i]!;
    if (b > f.trainEnd - 1) purged++;
    else if (b > lastEnd) embargoed++;
    else rows.push(i);
  }
  const positives = rows.reduce((n, i) => n + (d.y[i] === 1 ? 1 : 0), 0);
  if (rows.length === 0 || positives === 0 || positives === rows.length) {
    throw new DataError(
      'DATA_INVALID',
      `walk-forward fold ${f.index} (${date(f.trainStart)} .. ${date(f.trainEnd - 1)}) has ${rows.length} training labels ` +
        `of ${rows.length === 0 ? 0 : positives === 0 || positives === rows.length ? 1 : 2} class(es) after the purge (${purged}) and the embargo (${embargoed})`,
      {
        hint: 'lengthen --train (the features warm up first), shorten the label horizon or the --embargo, or start the data earlier',
        context: { key: 'ml', row: f.index },
      },
    );
  }
  const x = new Float64Array(rows.length * d.cols);
  const y = new Float64Array(rows.length);
  const lines = ['t0,t1,label'];
  rows.forEach((r, k) => {
    x.set(d.x.subarray(r * d.cols, (r + 1) * d.cols), k * d.cols);
    y[k] = d.y[r]!;
    lines.push(`${date(t0[r]!)},${date(t1[r]!)},${d.y[r]}`);
  });
  const m = fit('gbdt', ml.params, x, rows.length, d.cols, y, d.names);
  return {
    artifact: m.artifact(),
    labelsCsv: `${lines.join('\n')}\n`,
    info: {
      trainRows: rows.length,
      positives,
      purged,
      embargoed,
      lastAllowedEnd: date(Math.max(0, lastEnd)),
      firstLabelStart: date(t0[rows[0]!]!),
      lastLabelEnd: date(Math.max(...rows.map((r) => t1[r]!))),
    },
  };
}

function foldVersion(
  ml: MlWalkForwardSpec,
  d: MlDataset,
  artifact: string,
  t: MlFoldTraining,
  r: FoldResult,
  id: string,
  spec: RunConfig,
): NewModelVersion {
  return {
    name: ml.register!,
    kind: 'gbdt',
    artifact,
    features: d.names,
    featureHash: d.featureHash,
    label: { ...ml.label },
    dataRange: {
      from: t.firstLabelStart,
      to: t.lastLabelEnd,
      samples: t.trainRows,
      kind: 'bars',
      symbols: d.source.symbols,
    },
    cv: { method: 'walk-forward', fold: t.fold, purge: 'label spans', embargoBars: ml.embargo },
    folds: [],
    pathSharpes: [],
    evaluation: {
      // The fold this model was trained for: the walk-forward, its windows and its test result.
      walkforward: {
        id,
        fold: t.fold,
        train: [r.trainStartDate, r.trainEndDate],
        test: [r.testStartDate, r.testEndDate],
        purged: t.purged,
        embargoed: t.embargoed,
        outOfSampleReturn: r.outOfSampleReturn,
      },
      recipe: {
        symbols: spec.data.symbols,
        features: ml.features,
        label: ml.label,
        start: r.trainStartDate,
        end: r.trainEndDate,
        model: 'gbdt',
        params: ml.params,
      },
    },
    trials: 1,
    codeVersion: CODE_VERSION,
    createdAt: Date.now(),
  };
}

/** The fold training table beside folds.csv. */
export function mlFoldsCsv(r: MlWalkForwardResult): string {
  const head =
    'fold,train_rows,positives,purged,embargoed,first_label_start,last_label_end,last_allowed_end,model,registered';
  const rows = r.ml.folds.map((f) =>
    [
      f.fold,
      f.trainRows,
      f.positives,
      f.purged,
      f.embargoed,
      f.firstLabelStart ?? '',
      f.lastLabelEnd ?? '',
      f.lastAllowedEnd,
      f.model,
      f.registered ?? '',
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

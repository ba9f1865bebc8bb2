/**
 * `momentic walkforward`: re-optimizes a sweep's parameter grid on each train window and trades
 * the winner on the next test window, stitches the out-of-sample returns, measures them, and
 * checks the promotion gates (with the DSR and PBO of the sweep's own trials). docs/evaluation.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../config/run-config.js';
import type { Config } from '../../config/schema.js';
import { DataError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { MetricKey } from '../../backtest/metrics.js';
import { mean } from '../../analytics/metrics/return-stats.js';
import { tsToDate } from '../../data/schema.js';
import { runConfigOf } from '../backtest-job.js';
import { loadRunData } from '../run-data.js';
import { withinHookBudget } from '../hook-budget.js';
import { modelsOfPins, type ModelPin } from '../registered-models.js';
import { createLedger } from '../../store/ledger.js';
import { checkSweepStrategy } from '../strategy-check.js';
import { isStrategyFile, loadStrategyFile } from '../strategy-file.js';
import { grid, randomSample, type ParamAxis } from '../sweep/param-space.js';
import { isLowerBetter } from '../sweep/sweep-job.js';
import type { SweepSummary } from '../sweep/summary.js';
import type { TrialOutcome, TrialSpec } from '../sweep/trial.js';
import { createTrialRunner } from '../sweep/trial-runner.js';
import type { SweepBatch } from '../sweep/sweep-job.js';
import { canonicalJson } from '../queue/trial-id.js';
import { walkForwardDir } from './outputs.js';
import { localFoldTrials, queuedFoldTrials, type FoldTask, type FoldTrials } from './fold-trials.js';
import { makeFolds, type Fold, type FoldOptions } from './folds.js';
import { evaluateGates, type Gate, type GateResult } from './gates.js';
import { measureOutOfSample, parameterStability, stitchFold, type OosMetrics, type ParamStability } from './oos.js';

export interface SweepDefinition {
  readonly strategy: string;
  readonly axes: readonly ParamAxis[];
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly search: { readonly kind: 'grid' } | { readonly kind: 'random'; readonly n: number; readonly seed: number };
  readonly objective: MetricKey;
  readonly spec: TrialSpec;
  /** Registry models the sweep's combinations name, pinned when the sweep ran. */
  readonly models?: Readonly<Record<string, ModelPin>>;
}

export interface FoldResult extends Fold {
  /** First and last session of the train and test windows. */
  readonly trainStartDate: string;
  readonly trainEndDate: string;
  readonly testStartDate: string;
  readonly testEndDate: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The winner's objective on the train window. */
  readonly inSample: number;
  /** Mean per-bar return of the winner on the train window. */
  readonly inSampleMean: number;
  /** Compounded return of the bars this fold contributes to the stitched series. */
  readonly outOfSampleReturn: number;
}

export interface WalkForwardResult {
  readonly sweepId: string;
  /** Initial cash of the stitched equity (the sweep's). */
  readonly cash: number;
  readonly objective: MetricKey;
  readonly folds: readonly FoldResult[];
  readonly ts: Float64Array;
  /** Stitched out-of-sample per-bar returns over ts. */
  readonly returns: Float64Array;
  readonly metrics: OosMetrics;
  readonly stability: readonly ParamStability[];
  readonly gates: readonly GateResult[];
  readonly passed: boolean;
  readonly sweep: Pick<SweepSummary, 'trials' | 'dsr' | 'pbo'>;
}

function readJson<T>(file: string, what: string): T {
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no ${what} at ${file}`, {
      hint: 'run the sweep first (momentic sweep ...) and pass its id: momentic walkforward --sweep ID',
      context: { file },
    });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'the sweep folder was damaged or edited: rerun the sweep (momentic sweep ... --name NAME) and walk forward the new one',
      context: { file },
    });
  }
}

/** A walk-forward, stopped by STRATEGY_HOOK_TIMEOUT when a call of a strategy file on this thread runs past its budget. */
export function runWalkForward(o: Parameters<typeof walkForward>[0]): Promise<WalkForwardResult> {
  return withinHookBudget(() => walkForward(o));
}

async function walkForward(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sweepId: string;
  readonly folds: FoldOptions;
  readonly gates: readonly Gate[];
  readonly workers?: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Runs the trials on the Redis queue's workers (orchestration/queue), as a sweep's: the
   * in-sample batch, then the out-of-sample batch, under one id (`walkforward-...`).
   */
  readonly runTrials?: (batch: SweepBatch) => Promise<void>;
  /** Where the walk-forward's files go, recorded with a queued walk-forward (default walkForwardDir). */
  readonly dir?: string;
}): Promise<WalkForwardResult> {
  const dir = join(o.home, 'data', 'results', 'sweeps', o.sweepId);
  const file = join(dir, 'sweep.json');
  const raw = readJson<SweepDefinition>(file, `sweep ${o.sweepId}`);
  // A sweep recorded before the RunConfig kept a flat spec: read as the run it was.
  const def: SweepDefinition = { ...raw, spec: runConfigOf(raw.spec, file) };
  const { timeframe } = def.spec.data;
  const summary = readJson<SweepSummary>(join(dir, 'summary.json'), `summary of sweep ${o.sweepId} (did it finish?)`);
  if (summary.trials === 0) {
    throw new DataError('DATA_INVALID', `sweep ${o.sweepId} has no trial that ran: nothing to walk forward`, {
      hint: `every combination failed (reasons in ${join(dir, 'trials.csv')}); fix the ranges and rerun the sweep`,
      context: { file: join(dir, 'trials.csv') },
    });
  }
  if (timeframe !== '1d') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `walk-forward windows count daily sessions; sweep ${o.sweepId} is on ${timeframe} bars`,
      {
        hint: 'walk forward a sweep of daily bars (--timeframe 1d)',
        context: { value: timeframe },
      },
    );
  }
  const hookTimeoutMs = o.config.engine.hook_timeout_ms;
  if (isStrategyFile(def.spec.strategy.name))
    await loadStrategyFile(def.spec.strategy.name, undefined, { hookTimeoutMs });
  const combos = (
    def.search.kind === 'grid' ? grid(def.axes) : randomSample(def.axes, def.search.n, def.search.seed)
  ).map((p) => ({ ...def.fixed, ...p }));
  // The sweep's strategy and the symbols its combinations need are checked before any data is
  // loaded (or fetched): a sweep.json edited, or recorded by a version that knew other strategies.
  checkSweepStrategy(def.spec, combos, { file });
  // The versions the sweep's trials scored, not what the names say now.
  const models = def.models === undefined ? undefined : await pinnedModels(o, def.models, file);
  const data = await loadRunData({
    home: o.home,
    config: o.config,
    env: o.env,
    spec: def.spec,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  });
  const tsBuf = readFileSync(join(dir, 'timestamps.f64'));
  const timeline = new Float64Array(tsBuf.buffer.slice(tsBuf.byteOffset, tsBuf.byteOffset + tsBuf.byteLength));
  const folds = makeFolds(timeline.length, o.folds);
  const lower = isLowerBetter(def.objective);
  const date = (i: number): string => tsToDate(timeline[i] as number);
  const dates = (f: Fold) => ({
    trainStartDate: date(f.trainStart),
    trainEndDate: date(f.trainEnd - 1),
    testStartDate: date(f.trainEnd),
    testEndDate: date(f.testEnd - 1),
  });
  // Each fold window is the sweep's run (costs, risk limits, benchmark...) over other dates.
  const foldRun = (start: string, end: string): RunConfig => ({ ...def.spec, data: { ...def.spec.data, start, end } });
  const total = folds.length * (combos.length + 1);
  let done = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  const runner =
    o.runTrials === undefined
      ? createTrialRunner({
          home: o.home,
          format: o.config.data.format,
          store: o.config.data.store,
          databaseUrl: o.config.database.url,
          data,
          tasks: total,
          hookTimeoutMs,
          strategy: def.spec.strategy.name,
          ...(o.workers === undefined ? {} : { workers: o.workers }),
          ...(models === undefined ? {} : { models }),
        })
      : undefined;
  const runFold: FoldTrials =
    o.runTrials === undefined
      ? localFoldTrials(runner!, tick)
      : queuedFoldTrials({
          runTrials: o.runTrials,
          // The same walk-forward of the same sweep is the same queued batch: a rerun resumes it.
          id: `walkforward-${createHash('sha256')
            .update(canonicalJson({ sweep: o.sweepId, definition: raw, folds: o.folds }))
            .digest('hex')
            .slice(0, 12)}`,
          dir: o.dir ?? walkForwardDir(o.home, o.sweepId, o.folds),
          total,
          spec: def.spec,
          data,
          ...(def.models === undefined ? {} : { models: def.models }),
          tick,
        });
  const results: FoldResult[] = [];
  const oosReturns = new Float64Array(timeline.length).fill(NaN);
  const pnls: number[] = [];
  try {
    // In-sample: every combination on every train window, all at once across the workers.
    const isTasks = folds.flatMap((f) =>
      combos.map((p, i): FoldTask => ({
        spec: foldRun(date(f.trainStart), date(f.trainEnd - 1)),
        params: p,
        combo: i,
      })),
    );
    const flat = await runFold(isTasks, folds.length);
    const winners = folds.map((_, k) =>
      pickWinner(flat.slice(k * combos.length, (k + 1) * combos.length), def.objective, lower),
    );
    // Out-of-sample: the winner from the train start (no orders while warming up) to the test end.
    // No combination had an objective on the train window (no trades, say): the fold stays flat.
    const oosTasks: FoldTask[] = [];
    const oosFold: number[] = [];
    folds.forEach((f, k) => {
      const w = winners[k];
      if (w === undefined) return tick();
      oosFold.push(k);
      oosTasks.push({
        spec: foldRun(date(f.trainStart), date(f.testEnd - 1)),
        params: combos[w.index] as Record<string, unknown>,
        combo: w.index,
        warmup: f.trainEnd - f.trainStart,
      });
    });
    const oosOut = await runFold(oosTasks, 0);
    const outcomes = folds.map((_, k): TrialOutcome | undefined => {
      const j = oosFold.indexOf(k);
      return j < 0 ? undefined : oosOut[j];
    });
    folds.forEach((f, k) => {
      const r = outcomes[k];
      const w = winners[k];
      if (r === undefined || w === undefined) {
        oosReturns.fill(0, f.useFrom, f.useTo);
        results.push({ ...f, ...dates(f), params: {}, inSample: NaN, inSampleMean: NaN, outOfSampleReturn: 0 });
        return;
      }
      if (!r.ok)
        throw new DataError('DATA_INVALID', `walk-forward fold ${k}: the out-of-sample run failed: ${r.error}`, {
          hint: 'check the sweep data and params',
        });
      const growth = stitchFold(f, timeline, r, oosReturns, pnls);
      results.push({
        ...f,
        ...dates(f),
        params: combos[w.index] as Record<string, unknown>,
        inSample: w.value,
        inSampleMean: w.mean,
        outOfSampleReturn: growth - 1,
      });
    });
  } finally {
    await runner?.close();
  }
  const first = (folds[0] as Fold).useFrom;
  const last = (folds[folds.length - 1] as Fold).useTo;
  const ts = timeline.slice(first, last);
  const returns = oosReturns.slice(first, last);
  const metrics = measureOutOfSample(ts, returns, def.spec.venue.cash, pnls, results);
  const gates = evaluateGates(o.gates, {
    sharpe: metrics.sharpe,
    max_drawdown: metrics.maxDrawdown,
    trades: metrics.trades,
    win_rate: metrics.winRate,
    total_return: metrics.totalReturn,
    cagr: metrics.cagr,
    wfe: metrics.wfe,
    dsr: summary.dsr,
    pbo: summary.pbo?.pbo ?? null,
  });
  return {
    sweepId: o.sweepId,
    cash: def.spec.venue.cash,
    objective: def.objective,
    folds: results,
    ts,
    returns,
    metrics,
    stability: parameterStability(def.axes, results),
    gates,
    passed: gates.every((g) => g.pass),
    sweep: { trials: summary.trials, dsr: summary.dsr, pbo: summary.pbo },
  };
}

async function pinnedModels(
  o: { readonly home: string; readonly config: Config },
  pins: Readonly<Record<string, ModelPin>>,
  file: string,
): Promise<Awaited<ReturnType<typeof modelsOfPins>>> {
  const ledger = await createLedger(o.config, o.home);
  try {
    return await modelsOfPins(pins, (id) => ledger.getModel(id), { file });
  } finally {
    await ledger.close();
  }
}

/** The best combination of a fold's train window by the objective (ties: the lowest index); undefined when none has one. */
function pickWinner(
  outcomes: readonly TrialOutcome[],
  objective: MetricKey,
  lower: boolean,
): { index: number; value: number; mean: number } | undefined {
  let best: { index: number; value: number; mean: number } | undefined;
  for (const r of outcomes) {
    if (!r.ok) continue;
    const v = r.metrics[objective];
    if (v === null || !Number.isFinite(v)) continue;
    if (best === undefined || (lower ? v < best.value : v > best.value)) {
      best = { index: r.index, value: v, mean: mean(r.returns) };
    }
  }
  return best;
}

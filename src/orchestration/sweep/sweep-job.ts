/**
 * `momentic sweep`: runs a strategy over a grid (or a seeded random sample) of parameters, spread
 * over worker processes, records every trial (params, metrics, returns) and sums up the search
 * honestly: the best trial by the objective, and its deflated Sharpe ratio from the true number
 * of trials and the variance of their Sharpe ratios. docs/evaluation.md.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { didYouMean } from '../../core/did-you-mean.js';
import { DataError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { METRIC_KEYS, type MetricKey } from '../../backtest/metrics.js';
import type { BacktestSpec } from '../backtest-job.js';
import { loadRunData, withDataRange, type RunData } from '../run-data.js';
import { resolveSweepModels, type ModelPin } from '../registered-models.js';
import { checkSweepStrategy } from '../strategy-check.js';
import { withinHookBudget } from '../hook-budget.js';
import { isStrategyFile, loadStrategyFile } from '../strategy-file.js';
import { gridSize, grid, randomSample, trialKey, type ParamAxis } from './param-space.js';
import { checkPartitions } from '../../analytics/stats/pbo.js';
import { summarize, type SweepSummary } from './summary.js';
import { SweepStore, type TrialLine } from './sweep-store.js';
import type { TrialOutcome, TrialSpec } from './trial.js';
import { createTrialRunner } from './trial-runner.js';
import { returnsCsvBody, writeSweepOutputs } from './outputs.js';
import { SweepTally } from './sweep-tally.js';

/**
 * Runs `todo` with at most `lanes` trials in flight and hands each outcome to `record` in the
 * order of `todo` (an early finisher waits for the trials before it): the sweep's files then hold
 * the same bytes whatever the number of workers, and a crash loses only unrecorded trials.
 */
export async function runInOrder<T, R>(
  todo: readonly T[],
  lanes: number,
  run: (t: T) => Promise<R>,
  record: (t: T, r: R) => void,
): Promise<void> {
  const ready = new Map<number, R>();
  let next = 0;
  let written = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      const k = next++;
      ready.set(k, await run(todo[k] as T));
      while (ready.has(written)) {
        const r = ready.get(written) as R;
        ready.delete(written);
        record(todo[written] as T, r);
        written++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}

export interface SweepOptions {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run every trial shares; its `params` are fixed values under the axes. */
  readonly spec: BacktestSpec;
  readonly axes: readonly ParamAxis[];
  /** Grid (default) or `n` random combinations of it. */
  readonly random?: { readonly n: number; readonly seed: number };
  readonly objective: string;
  /** CSCV blocks for the PBO (default: 16, fewer for short runs). */
  readonly partitions?: number;
  /** Most trials a sweep may have (default MAX_TRIALS): a larger grid is refused before any work. */
  readonly maxTrials?: number;
  /** Worker processes (default: every core); 1 runs in this thread. */
  readonly workers?: number;
  /** Folder name under data/results/sweeps/ (default: from the sweep's fingerprint). */
  readonly name?: string;
  readonly logger?: Logger;
  readonly onFetch?: (symbol: string) => void;
  readonly onTrial?: (done: number, total: number) => void;
  /**
   * Runs the trials somewhere else than this machine's worker processes (the Redis queue of
   * orchestration/queue): it calls `record` once per trial of `todo`, in any order.
   */
  readonly runTrials?: (batch: SweepBatch) => Promise<void>;
}

/** The trials of a sweep still to run, for an executor other than the local worker processes. */
export interface SweepBatch {
  readonly id: string;
  readonly dir: string;
  readonly total: number;
  readonly spec: TrialSpec;
  readonly data: RunData;
  readonly todo: readonly {
    readonly params: Record<string, unknown>;
    readonly index: number;
    readonly key: string;
    /** This trial's own run (a walk-forward fold's window and warm-up); default `spec`. */
    readonly spec?: TrialSpec;
  }[];
  readonly record: (t: { params: Record<string, unknown>; index: number; key: string }, r: TrialOutcome) => void;
  /** Registry models the combinations name, pinned to the version resolved before the trials. */
  readonly models?: Readonly<Record<string, ModelPin>>;
  /** What the batch is for (log lines, the workers' refusals); default sweep. */
  readonly kind?: 'sweep' | 'walkforward';
  /**
   * Trials of `total` that later batches of the same id will queue (a walk-forward's
   * out-of-sample runs, which wait for the in-sample winners): not done yet.
   */
  readonly later?: number;
}

export interface SweepResult {
  readonly id: string;
  readonly dir: string;
  readonly summary: SweepSummary;
  /** Trials run now (the rest were recorded by an earlier, interrupted run). */
  readonly ranNow: number;
  /** Where they ran: this machine's worker processes (1: the command's thread, unless a strategy file's), or the queue. */
  readonly workers: number | 'queue';
  readonly elapsedMs: number;
  /** Of which running the trials (the rest: loading data, and the summary, PBO and files at the end). */
  readonly trialsMs: number;
  /** Of which the end: the summary (DSR, PBO over all trials), returns.csv, trials.csv and the report. */
  readonly tailMs: number;
}

/** Why no combination of a sweep ran: its failures, the commonest reasons first. */
export function noTrialRan(id: string, dir: string, lines: readonly TrialLine[]): DataError {
  const counts = new Map<string, number>();
  for (const l of lines) if (!l.ok) counts.set(l.error ?? 'unknown', (counts.get(l.error ?? 'unknown') ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const reasons = top.map(([why, n]) => `${n} x ${why}`).join('; ');
  return new DataError(
    'DATA_INVALID',
    `no trial of sweep ${id} ran: all ${lines.length} combinations failed (${reasons})`,
    {
      hint: `read each failure's reason in ${join(dir, 'trials.csv')} (a parameter mix the strategy refuses, or an error of the strategy), fix it, then rerun the sweep`,
      context: { file: join(dir, 'trials.csv') },
    },
  );
}

/** Default `--max-trials`: a grid far beyond it is a typo in a range, not a research plan. */
export const MAX_TRIALS = 100_000;

/** Objectives that are better when lower. */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['ann_volatility', 'max_drawdown_duration_days', 'turnover']);

export function checkObjective(objective: string): MetricKey {
  if ((METRIC_KEYS as readonly string[]).includes(objective)) return objective as MetricKey;
  throw new UsageError('USAGE_INVALID_OPTION', `--objective ${objective} is not a metric`, {
    hint: `${didYouMean(objective, METRIC_KEYS)}objectives: ${METRIC_KEYS.join(', ')}`,
    context: { flag: '--objective', value: objective },
  });
}

export function isLowerBetter(objective: string): boolean {
  return LOWER_IS_BETTER.has(objective);
}

/** A sweep, stopped by STRATEGY_HOOK_TIMEOUT when a call of a strategy file on this thread runs past its budget. */
export function runSweep(o: SweepOptions): Promise<SweepResult> {
  return withinHookBudget(() => sweep(o));
}

async function sweep(o: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const objective = checkObjective(o.objective);
  if (o.axes.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', 'a sweep needs at least one --param with several values', {
      hint: 'e.g. --param fast=5..50:5 --param slow=20..200:10',
      context: { flag: '--param' },
    });
  }
  // Every flag is checked before any work: a grid too large to hold, or a bad S, must not surface
  // after the trials ran (or as an array that cannot be allocated).
  if (o.partitions !== undefined) checkPartitions(o.partitions, '--partitions');
  const maxTrials = o.maxTrials ?? MAX_TRIALS;
  const trials = o.random === undefined ? gridSize(o.axes) : Math.min(o.random.n, gridSize(o.axes));
  if (trials > maxTrials) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `the sweep has ${trials.toLocaleString('en-US')} combinations, more than --max-trials ${maxTrials.toLocaleString('en-US')}`,
      {
        hint: 'narrow the --param ranges (a larger step), draw a sample with --random N, or raise --max-trials',
        context: { flag: '--max-trials', value: String(trials) },
      },
    );
  }
  const swept = new Set(o.axes.map((a) => a.name));
  const fixed = Object.fromEntries(Object.entries(o.spec.strategy.params).filter(([k]) => !swept.has(k)));
  const combos = (o.random === undefined ? grid(o.axes) : randomSample(o.axes, o.random.n, o.random.seed)).map((p) => ({
    ...fixed,
    ...p,
  }));
  const hookTimeoutMs = o.config.engine.hook_timeout_ms;
  if (isStrategyFile(o.spec.strategy.name)) await loadStrategyFile(o.spec.strategy.name, undefined, { hookTimeoutMs });
  // The strategy and the symbols its combinations need are checked before any data is loaded.
  checkSweepStrategy(o.spec, combos);
  // A registry model (`model=NAME@production`) is resolved once, before any trial, as a backtest
  // resolves it: every trial, here or queued on another machine, scores the same version, and
  // the sweep records which (a stage's version changes as models are promoted).
  const resolved = await resolveSweepModels(
    combos.map((c) => c.model),
    o.config,
    o.home,
    { flag: '--param' },
  );
  const pinned = Object.keys(resolved.pins).length > 0;
  const data = await loadRunData({
    home: o.home,
    config: o.config,
    env: o.env,
    spec: o.spec,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
    ...(o.onFetch === undefined ? {} : { onFetch: o.onFetch }),
  });
  // Every trial is the sweep's run with its own params, over the dates the data gives when open.
  const ranged = withDataRange(o.spec, data);
  const spec: TrialSpec = {
    ...ranged,
    strategy: { name: ranged.strategy.name, params: {} },
    // A universe's members come from its files in each trial (and a walk-forward of the sweep):
    // listing them as symbols too would name both, which a run refuses.
    data: { ...ranged.data, symbols: ranged.data.universe === null ? [...data.symbols] : [] },
  };
  const definition = {
    strategy: spec.strategy.name,
    axes: o.axes,
    fixed,
    search: o.random === undefined ? { kind: 'grid', size: gridSize(o.axes) } : { kind: 'random', ...o.random },
    objective,
    spec,
    data_files: data.dataFiles,
    // Only when a registry model is named, so the fingerprint (the id) of every other sweep stays.
    ...(pinned ? { models: resolved.pins } : {}),
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  const id = o.name ?? `sweep-${fingerprint.slice(0, 12)}`;
  const store = new SweepStore(join(o.home, 'data', 'results', 'sweeps', id));
  const done = new Set(store.open({ ...definition, fingerprint }).map((l) => l.key));
  const todo = combos
    .map((params, index) => ({ params, index, key: trialKey(params) }))
    .filter((t) => !done.has(t.key));
  const total = combos.length;
  let finished = total - todo.length;
  o.onTrial?.(finished, total);
  // What the summary needs of each trial is computed as it is recorded, not all at the end.
  const tally = new SweepTally(o.partitions);
  const record = (t: { params: Record<string, unknown>; index: number; key: string }, r: TrialOutcome): TrialLine => {
    finished++;
    o.onTrial?.(finished, total);
    if (!r.ok) return store.add({ index: t.index, key: t.key, params: t.params, ok: false, error: r.error });
    const line = store.add(
      { index: t.index, key: t.key, params: t.params, ok: true, metrics: r.metrics },
      r.returns,
      r.ts,
    );
    if (line.row !== undefined) tally.add(line.row, r.returns, r.cells);
    return line;
  };
  const tTrials = performance.now();
  let trialsMs: number;
  let summary: SweepSummary;
  let workers: number | 'queue' = 'queue';
  if (o.runTrials !== undefined) {
    await o.runTrials({
      id,
      dir: store.dir,
      total,
      spec,
      data,
      todo,
      record,
      ...(pinned ? { models: resolved.pins } : {}),
    });
    trialsMs = performance.now() - tTrials;
    summary = await summarize(store, objective, isLowerBetter(objective), o.partitions, { tally });
    await writeSweepOutputs(store, summary, definition, returnsCsvBody(store, spec.data.timeframe, tally));
  } else {
    const runner = createTrialRunner({
      home: o.home,
      format: o.config.data.format,
      store: o.config.data.store,
      databaseUrl: o.config.database.url,
      data,
      tasks: todo.length,
      hookTimeoutMs,
      strategy: o.spec.strategy.name,
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(pinned ? { models: resolved.models } : {}),
    });
    workers = runner.workers;
    try {
      await runInOrder(
        todo,
        runner.lanes,
        // Each trial's returns come formatted for returns.csv: the worker processes format them
        // beside the trials, rather than all at the end.
        (t) => runner.run(spec, t.params, t.index, undefined, !store.hasTimeline, true),
        record,
      );
      trialsMs = performance.now() - tTrials;
      // The tail: the worker processes score the PBO's combinations while this thread lays out
      // returns.csv from the trials' cells.
      const summarizing = summarize(store, objective, isLowerBetter(objective), o.partitions, {
        tally,
        cscv: (task) => runner.cscv(task),
        pieces: runner.workers,
      });
      summarizing.catch(() => undefined); // awaited below; a throw laying out returns.csv must not leave it unhandled
      const body = returnsCsvBody(store, spec.data.timeframe, tally);
      summary = await summarizing;
      await writeSweepOutputs(store, summary, definition, body);
    } finally {
      await runner.close();
    }
  }
  // The files stay (trials.csv says why each combination failed); a sweep with no trial is no result.
  if (summary.trials === 0) throw noTrialRan(id, store.dir, store.lines);
  const end = performance.now();
  return {
    id,
    dir: store.dir,
    summary,
    ranNow: todo.length,
    workers,
    elapsedMs: end - t0,
    trialsMs,
    tailMs: end - tTrials - trialsMs,
  };
}

import type { RunConfig } from '../../config/run-config.js';
import { isMomenticError } from '../../core/errors.js';
import { computeMetrics } from '../../backtest/metrics.js';
import type { Metrics } from '../../backtest/metrics.js';
import type { RegisteredModel } from '../../ml/model-ref.js';
import type { StrategyEnv } from '../../strategies/define.js';
import { runConfigured, type LoadedBars } from '../configured-run.js';
import { formatReturnCells, type ReturnCells } from './returns-cells.js';

/** What every trial of a sweep shares: the whole run, its `strategy.params` the fixed values under the axes. */
export type TrialSpec = RunConfig;

export type TrialOutcome =
  | {
      readonly index: number;
      readonly ok: true;
      readonly metrics: Metrics;
      /** Simple return of each bar of the run (equity[t] / equity[t-1] - 1; the first vs initial cash). */
      readonly returns: Float64Array;
      /** The bars' timestamps (all trials of one data set share the timeline). */
      readonly ts?: Float64Array;
      /** Exit time and net P&L of each closed round trip. */
      readonly exits: Float64Array;
      readonly pnls: Float64Array;
      /** The returns formatted for returns.csv, when asked (a sweep's trials: returns-cells.ts). */
      readonly cells?: ReturnCells;
      readonly ms: number;
    }
  | { readonly index: number; readonly ok: false; readonly error: string; readonly ms: number };

/** Registry models a sweep resolved before its trials, by the reference its params give (a plain record crosses threads and queues). */
export type TrialModels = Readonly<Record<string, RegisteredModel>>;

/** The strategy env of a trial's resolved models. */
export function envOfModels(models: TrialModels | undefined): StrategyEnv {
  if (models === undefined || Object.keys(models).length === 0) return {};
  return { models: new Map(Object.entries(models)) };
}

/** Runs one trial in this thread: the run with these params over loaded bars, its metrics and per-bar returns. */
export function runTrial(
  spec: TrialSpec,
  bars: LoadedBars,
  params: Readonly<Record<string, unknown>>,
  index: number,
  withTs: boolean,
  /** Bars at the start without orders (indicators warm up on them); default the run's. */
  warmup?: number,
  /** Registry models the sweep resolved before its trials (registered-models.ts). */
  models?: TrialModels,
): TrialOutcome {
  const t0 = performance.now();
  try {
    const run: RunConfig = {
      ...spec,
      strategy: { ...spec.strategy, params },
      ...(warmup === undefined ? {} : { warmup }),
    };
    const env = envOfModels(models);
    const { record: rec } = runConfigured(run, bars, {
      runId: `trial-${index}`,
      ...(env.models === undefined ? {} : { env }),
    });
    const equity = rec.equity.column('equity');
    const returns = new Float64Array(equity.length);
    let prev = rec.initialCash;
    for (let i = 0; i < equity.length; i++) {
      const e = equity[i] as number;
      returns[i] = prev > 0 ? e / prev - 1 : 0;
      prev = e;
    }
    const metrics = computeMetrics(rec);
    const closed = rec.trades.filter((t) => !t.isOpen);
    return {
      index,
      ok: true,
      metrics,
      returns,
      ...(withTs ? { ts: rec.equity.column('ts') } : {}),
      exits: Float64Array.from(closed, (t) => t.exitTs),
      pnls: Float64Array.from(closed, (t) => t.pnl),
      ms: performance.now() - t0,
    };
  } catch (e) {
    // The code too, so a strategy file's error reads in trials.csv as it would from a backtest.
    const error = isMomenticError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    return { index, ok: false, error, ms: performance.now() - t0 };
  }
}

/** The outcome with its returns formatted for returns.csv (a failed trial has none). */
export function withCells(r: TrialOutcome): TrialOutcome {
  return r.ok ? { ...r, cells: formatReturnCells(r.returns) } : r;
}

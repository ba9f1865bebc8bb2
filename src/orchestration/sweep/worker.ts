/**
 * A sweep worker (piscina): loads the run's bars once per worker thread and runs trials.
 * Strategy files are compiled once per thread too.
 */
import type { BarSeries } from '../../core/bar.js';
import { RawStore } from '../../data/raw-store.js';
import { useHookClock } from '../hook-budget.js';
import type { PositionEvent } from '../../engine/engine-options.js';
import { instrumentOf } from '../run-data.js';
import { runPrices } from '../run-prices.js';
import { isStrategyFile, loadStrategyFile } from '../strategy-file.js';
import { runTrial, type TrialOutcome, type TrialSpec } from './trial.js';

export interface TrialTask {
  readonly home: string;
  readonly format: 'csv' | 'parquet';
  readonly symbols: readonly string[];
  readonly calendars: readonly (readonly [string, string])[];
  readonly spec: TrialSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly index: number;
  readonly withTs: boolean;
  readonly warmup?: number;
  /** `engine.hook_timeout_ms` for a strategy file's hooks. */
  readonly hookTimeoutMs?: number;
  /** The clock the strategy file's calls tick, which the pool's owner watches (hook-budget.ts). */
  readonly hookClock?: SharedArrayBuffer;
}

let loaded:
  { key: string; series: BarSeries[]; positionEvents: readonly PositionEvent[]; benchmark?: BarSeries } | undefined;
const strategyFiles = new Set<string>();

async function seriesOf(t: TrialTask): Promise<NonNullable<typeof loaded>> {
  const { timeframe, benchmark } = t.spec.data;
  const key = JSON.stringify([t.home, t.format, t.symbols, timeframe, benchmark, t.spec.data.prices]);
  if (loaded?.key === key) return loaded;
  const store = new RawStore(t.home, t.format);
  const read = async (s: string): Promise<BarSeries> => {
    const bars = await store.read(s, timeframe);
    if (bars === undefined) throw new Error(`no ${timeframe} data for ${s} in ${t.home}`);
    return bars;
  };
  const series: BarSeries[] = [];
  for (const s of t.symbols) series.push(await read(s));
  // The trial trades what a backtest of the same RunConfig trades (run-prices.ts).
  const prices = runPrices(t.home, series, t.spec.data.prices);
  loaded = {
    key,
    series: prices.series,
    positionEvents: prices.positionEvents,
    ...(benchmark === null ? {} : { benchmark: await read(benchmark) }),
  };
  return loaded;
}

export default async function trial(t: TrialTask): Promise<TrialOutcome> {
  const strategy = t.spec.strategy.name;
  if (isStrategyFile(strategy) && !strategyFiles.has(strategy)) {
    await loadStrategyFile(
      strategy,
      undefined,
      t.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: t.hookTimeoutMs },
    );
    strategyFiles.add(strategy);
  }
  if (t.hookClock !== undefined) useHookClock(t.hookClock);
  const { series, benchmark, positionEvents } = await seriesOf(t);
  const bars = {
    series,
    positionEvents,
    instrument: instrumentOf(new Map(t.calendars)),
    ...(benchmark === undefined ? {} : { benchmark }),
  };
  return runTrial(t.spec, bars, t.params, t.index, t.withTs, t.warmup);
}

/**
 * A sweep worker (piscina): loads the run's bars once per worker thread and runs trials.
 * Strategy files are compiled once per thread too.
 */
import type { BarSeries } from '../../core/bar.js';
import { openBarStore } from '../../data/bar-store.js';
import { useHookClock } from '../hook-budget.js';
import { instrumentOf } from '../run-data.js';
import { isStrategyFile, loadStrategyFile } from '../strategy-file.js';
import { runTrial, type TrialOutcome, type TrialSpec } from './trial.js';

export interface TrialTask {
  readonly home: string;
  readonly format: 'csv' | 'parquet';
  /** `data.store` and `database.url`: workers on other machines read the shared PostgreSQL bar store. */
  readonly store?: 'files' | 'postgres';
  readonly databaseUrl?: string;
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

let loaded: { key: string; series: BarSeries[]; benchmark?: BarSeries } | undefined;
const strategyFiles = new Set<string>();

async function seriesOf(t: TrialTask): Promise<NonNullable<typeof loaded>> {
  const { timeframe, benchmark } = t.spec.data;
  const key = JSON.stringify([t.home, t.format, t.store, t.databaseUrl, t.symbols, timeframe, benchmark]);
  if (loaded?.key === key) return loaded;
  const store = await openBarStore({
    store: t.store ?? 'files',
    home: t.home,
    format: t.format,
    url: t.databaseUrl ?? '',
  });
  try {
    const read = async (s: string): Promise<BarSeries> => {
      const bars = await store.read(s, timeframe);
      if (bars === undefined) throw new Error(`no ${timeframe} data for ${s} in ${store.where}`);
      return bars;
    };
    const series: BarSeries[] = [];
    for (const s of t.symbols) series.push(await read(s));
    loaded = { key, series, ...(benchmark === null ? {} : { benchmark: await read(benchmark) }) };
    return loaded;
  } finally {
    await store.close();
  }
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
  const { series, benchmark } = await seriesOf(t);
  const bars = {
    series,
    instrument: instrumentOf(new Map(t.calendars)),
    ...(benchmark === undefined ? {} : { benchmark }),
  };
  return runTrial(t.spec, bars, t.params, t.index, t.withTs, t.warmup);
}

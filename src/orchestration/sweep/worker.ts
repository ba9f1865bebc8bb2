/**
 * A sweep worker (piscina): loads the run's bars once per worker thread and runs trials.
 * Strategy files are compiled once per thread too.
 */
import type { BarSeries } from '../../core/bar.js';
import type { Timeframe } from '../../core/enums.js';
import { RawStore } from '../../data/raw-store.js';
import { instrumentOf } from '../run-data.js';
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
}

let loaded: { key: string; series: BarSeries[] } | undefined;
const strategyFiles = new Set<string>();

async function seriesOf(t: TrialTask): Promise<BarSeries[]> {
  const key = JSON.stringify([t.home, t.format, t.symbols, t.spec.timeframe]);
  if (loaded?.key === key) return loaded.series;
  const store = new RawStore(t.home, t.format);
  const series: BarSeries[] = [];
  for (const s of t.symbols) {
    const bars = await store.read(s, t.spec.timeframe as Timeframe);
    if (bars === undefined) throw new Error(`no ${t.spec.timeframe} data for ${s} in ${t.home}`);
    series.push(bars);
  }
  loaded = { key, series };
  return series;
}

export default async function trial(t: TrialTask): Promise<TrialOutcome> {
  if (isStrategyFile(t.spec.strategy) && !strategyFiles.has(t.spec.strategy)) {
    await loadStrategyFile(t.spec.strategy);
    strategyFiles.add(t.spec.strategy);
  }
  const series = await seriesOf(t);
  return runTrial(t.spec, series, instrumentOf(new Map(t.calendars)), t.params, t.index, t.withTs, t.warmup);
}

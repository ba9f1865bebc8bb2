/**
 * What a sweep's worker process runs (trial-process.ts): trials over bars it holds once per
 * process, keyed by what the data is (`dataKey`), so consecutive walk-forward folds over the same
 * files reuse them. The bars come once from the pool's owner (`holdBars`, from its `PackedBars`),
 * or, for a task whose data key names none held (a task from a queue, run on another machine),
 * from the data files under `home`. Strategy files are compiled once per process too.
 *
 * `trial(TrialTask)` is the seam a distributed runner uses: a task is plain data.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BarSeries } from '../../core/bar.js';
import { openBarStore } from '../../data/bar-store.js';
import type { PositionEvent } from '../../engine/engine-options.js';
import type { UniverseMembership } from '../../engine/engine-options.js';
import { instrumentOf, universeOf } from '../run-data.js';
import { runPrices } from '../run-prices.js';
import { universeDir } from '../../universe/universe-files.js';
import { isStrategyFile, loadStrategyFile } from '../strategy-file.js';
import { unpackBars, type PackedBars } from './packed-bars.js';
import { runTrial, withCells, type TrialModels, type TrialOutcome, type TrialSpec } from './trial.js';

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
  /** Whether the outcome carries the bars' timestamps (a sweep needs them from one trial only). */
  readonly withTs: boolean;
  readonly warmup?: number;
  /** `engine.hook_timeout_ms` for a strategy file's hooks. */
  readonly hookTimeoutMs?: number;
  /**
   * What the data is (`dataKey`): the bars held under it (`holdBars`), else the cache key of the
   * bars read from `home` (default: the paths).
   */
  readonly dataKey?: string;
  /** Registry models the sweep resolved before its trials (their artifacts), by reference. */
  readonly models?: TrialModels;
  /** Whether the outcome carries its returns formatted for returns.csv (a local sweep's trials). */
  readonly cells?: boolean;
}

/** What every trial of one run shares: its task but for the trial's own fields. */
export type TrialContext = Omit<TrialTask, 'params' | 'index' | 'withTs' | 'warmup' | 'cells'>;

/** A trial of a context sent to this process before (`holdContext`): only its own fields. */
export interface TrialOfContext extends Pick<TrialTask, 'params' | 'index' | 'withTs' | 'warmup' | 'cells'> {
  readonly context: number;
}

/** Contexts by number, as the pool's owner sent them (one per run: a sweep has one, a walk-forward one per fold). */
const contexts = new Map<number, TrialContext>();

export function holdContext(id: number, context: TrialContext): void {
  contexts.set(id, context);
}

/** The whole task of a trial sent as its context's number and its own fields. */
export function taskOf(t: TrialOfContext): TrialTask {
  const context = contexts.get(t.context);
  if (context === undefined) throw new Error(`no trial context ${t.context} in this worker process`);
  return {
    ...context,
    params: t.params,
    index: t.index,
    withTs: t.withTs,
    ...(t.warmup === undefined ? {} : { warmup: t.warmup }),
    ...(t.cells === undefined ? {} : { cells: t.cells }),
  };
}

interface Loaded {
  series: BarSeries[];
  positionEvents: readonly PositionEvent[];
  benchmark?: BarSeries;
}

/** Bars by data key; two, so a walk-forward over a sweep's data and its next sweep both hit. */
const cache = new Map<string, Loaded>();
const CACHE_SIZE = 2;
const strategyFiles = new Set<string>();

/** The bars the pool's owner sent this process once (a sweep's, or a walk-forward's). */
let held: { key: string; bars: Loaded } | undefined;

/** Keeps the pool owner's bars for the tasks whose `dataKey` is theirs. */
export function holdBars(bars: PackedBars): void {
  held = { key: bars.key, bars: unpackBars(bars) };
}

function remember(key: string, bars: Loaded): Loaded {
  cache.set(key, bars);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return bars;
}

async function seriesOf(t: TrialTask): Promise<Loaded> {
  const { timeframe, benchmark } = t.spec.data;
  const key =
    t.dataKey ??
    JSON.stringify([t.home, t.format, t.store, t.databaseUrl, t.symbols, timeframe, benchmark, t.spec.data.prices]);
  if (held?.key === key) return held.bars;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
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
    // The trial trades what a backtest of the same RunConfig trades (run-prices.ts).
    const prices = runPrices(t.home, series, t.spec.data.prices);
    return remember(key, {
      series: prices.series,
      positionEvents: prices.positionEvents,
      ...(benchmark === null ? {} : { benchmark: await read(benchmark) }),
    });
  } finally {
    await store.close();
  }
}

/** When the universe's files last changed (a build rewrites its manifest; a file its own). */
function universeStamp(home: string, universe: string): number {
  const path =
    universe === 'core' || universe === 'extended' ? join(universeDir(home), 'manifest.json') : resolve(home, universe);
  for (const p of [path, universeDir(home)]) {
    try {
      return statSync(p).mtimeMs;
    } catch {
      // No manifest (files written by hand): the folder's time; neither: universeOf names it.
    }
  }
  return 0;
}

/** The last universe gate this process built, by what it was built from. */
let gate: { key: string; membership: UniverseMembership } | undefined;

/**
 * The run's point-in-time membership, rebuilt in this process from the universe files under
 * `home` (the same files the pool's owner read), so a trial admits what the backtest admits.
 */
function membershipOf(t: TrialTask): UniverseMembership | undefined {
  const { universe, universe_exit: exit } = t.spec.data;
  if (universe === null) return undefined;
  // A queue worker's processes outlive a sweep: a universe rebuilt since (its manifest rewritten,
  // or its file) is read again.
  const key = JSON.stringify([t.home, universe, exit, universeStamp(t.home, universe)]);
  if (gate?.key !== key) gate = { key, membership: universeOf(t.home, universe, exit).membership };
  return gate.membership;
}

/** Runs one trial described by `t` in this process. */
export async function trial(t: TrialTask): Promise<TrialOutcome> {
  const strategy = t.spec.strategy.name;
  if (isStrategyFile(strategy) && !strategyFiles.has(strategy)) {
    await loadStrategyFile(
      strategy,
      undefined,
      t.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: t.hookTimeoutMs },
    );
    strategyFiles.add(strategy);
  }
  const { series, benchmark, positionEvents } = await seriesOf(t);
  const membership = membershipOf(t);
  const bars = {
    series,
    positionEvents,
    ...(membership === undefined ? {} : { membership }),
    instrument: instrumentOf(new Map(t.calendars)),
    ...(benchmark === undefined ? {} : { benchmark }),
  };
  const r = runTrial(t.spec, bars, t.params, t.index, t.withTs, t.warmup, t.models);
  return t.cells === true ? withCells(r) : r;
}

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HOOK_TIMEOUT_MS } from '../hook-budget.js';
import type { RunData } from '../run-data.js';
import { isStrategyFile } from '../strategy-file.js';
import type { CscvColumns } from '../../analytics/stats/pbo-cscv.js';
import { runTrial, withCells, type TrialModels, type TrialOutcome, type TrialSpec } from './trial.js';
import type { TrialInit } from './trial-process.js';
import type { TrialOfContext } from './worker.js';
import { dataKey, packBars } from './packed-bars.js';
import { ProcessPool } from './process-pool.js';
import { cscvTask, type CscvTask } from './tail-tasks.js';
import { bundleEntryUrl, IS_BUNDLED } from '../../core/package-files.js';

/** Runs trials of one data set, on worker processes or (workers = 1) in this thread. */
export interface TrialRunner {
  /** Processes running trials (1: this thread). */
  readonly workers: number;
  run(
    spec: TrialSpec,
    params: Readonly<Record<string, unknown>>,
    index: number,
    warmup?: number,
    /** Whether the outcome carries the bars' timestamps (default true). */
    withTs?: boolean,
    /** Whether the outcome carries its returns formatted for returns.csv (default false). */
    cells?: boolean,
  ): Promise<TrialOutcome>;
  /** Scores a range of PBO combinations on a worker process (in this thread when it runs the trials). */
  cscv(task: CscvTask): Promise<CscvColumns>;
  close(): Promise<void>;
}

/**
 * The worker processes' module. Under tsx or vitest this one is TypeScript, and so is it (tests
 * run the sources). Otherwise the bundle's entry, which the command runs and which starts in
 * about 0.3 s of CPU against 0.5 s for tsc's output (twice per sweep on two cores), also when
 * this code runs from tsc's output (the benchmarks); tsc's output only when no bundle was built.
 */
export function trialProcessFile(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./trial-process.ts', import.meta.url);
  const bundled = bundleEntryUrl('trial-process');
  return IS_BUNDLED || existsSync(fileURLToPath(bundled)) ? bundled : new URL('./trial-process.js', import.meta.url);
}

export function createTrialRunner(o: {
  readonly home: string;
  readonly format: 'csv' | 'parquet';
  /** `data.store` and `database.url`, for the worker processes to read what the run read. */
  readonly store?: 'files' | 'postgres';
  readonly databaseUrl?: string;
  readonly data: RunData;
  /** Worker processes (default: every core). */
  readonly workers?: number;
  /** Trials to come, to not start more processes than useful. */
  readonly tasks: number;
  /** `engine.hook_timeout_ms` for a strategy file's hooks in the worker processes. */
  readonly hookTimeoutMs?: number;
  /** The strategy of every trial: a strategy file's trials always run in worker processes. */
  readonly strategy?: string;
  /** Registry models resolved before the trials (a sweep's `model=NAME@STAGE`), handed to every trial. */
  readonly models?: TrialModels;
}): TrialRunner {
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), o.tasks));
  const budget = o.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  // A trial whose hook runs past its budget is stopped in its worker process, which is then
  // replaced, so that the trial fails alone; on this thread the stop would end the whole sweep.
  const isolate = budget > 0 && o.strategy !== undefined && isStrategyFile(o.strategy);
  if (workers === 1 && !isolate) {
    return {
      workers: 1,
      run: async (spec, params, index, warmup, withTs = true, cells = false) => {
        const r = runTrial(spec, o.data, params, index, withTs, warmup, o.models);
        return cells ? withCells(r) : r;
      },
      cscv: async (task) => cscvTask(task),
      close: async () => undefined,
    };
  }
  // The bars go to each process once, with its first message: no process re-reads or re-parses
  // the files (nor waits for a database), and a trial's message carries none.
  const key = dataKey(o.data);
  const pool = new ProcessPool({ file: trialProcessFile(), workers, init: packBars(o.data, key) });
  const base = {
    home: o.home,
    format: o.format,
    ...(o.store === undefined ? {} : { store: o.store }),
    ...(o.databaseUrl === undefined ? {} : { databaseUrl: o.databaseUrl }),
    symbols: o.data.symbols,
    calendars: [...o.data.calendars],
    dataKey: key,
    ...(o.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: o.hookTimeoutMs }),
    ...(o.models === undefined || Object.keys(o.models).length === 0 ? {} : { models: o.models }),
  };
  // What a run's trials share (the spec, where the data is) goes to each process once, as a
  // numbered context; each trial's message then carries only its params and number.
  const contexts = new Map<TrialSpec, number>();
  const contextOf = (spec: TrialSpec): number => {
    let id = contexts.get(spec);
    if (id === undefined) {
      id = contexts.size;
      contexts.set(spec, id);
      pool.broadcast({ context: id, task: { ...base, spec } } satisfies TrialInit);
    }
    return id;
  };
  return {
    workers,
    cscv: (task) => pool.run<CscvColumns>('cscv', task, `PBO combinations ${task.from}..${task.to - 1}`),
    run: (spec, params, index, warmup, withTs = true, cells = false) => {
      const task: TrialOfContext = {
        context: contextOf(spec),
        params,
        index,
        withTs,
        ...(warmup === undefined ? {} : { warmup }),
        ...(cells ? { cells } : {}),
      };
      return pool.run<TrialOutcome>('trialOf', task, `trial ${index}`);
    },
    close: () => pool.close(),
  };
}

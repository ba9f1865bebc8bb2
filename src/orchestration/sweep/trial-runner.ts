import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { StrategyError } from '../../core/errors.js';
import { DEFAULT_HOOK_TIMEOUT_MS, newHookClock, watchHookClock } from '../hook-budget.js';
import type { RunData } from '../run-data.js';
import { isStrategyFile } from '../strategy-file.js';
import { runTrial, type TrialModels, type TrialOutcome, type TrialSpec } from './trial.js';
import type { TrialTask } from './worker.js';
import { dataKey, shareBars } from './shared-bars.js';
import { returnsCsvRows, type ReturnsRowsJob } from './tail-tasks.js';

/** Runs trials of one data set, on worker threads or (workers = 1) in this thread. */
export interface TrialRunner {
  /** Threads running trials (1: this one). */
  readonly workers: number;
  run(
    spec: TrialSpec,
    params: Readonly<Record<string, unknown>>,
    index: number,
    warmup?: number,
    /** Whether the outcome carries the bars' timestamps (default true). */
    withTs?: boolean,
  ): Promise<TrialOutcome>;
  /** Formats rows of returns.csv on a worker thread (in this thread when it runs the trials). */
  returnsCsvRows(job: ReturnsRowsJob): Promise<string>;
  close(): Promise<void>;
}

function workerFile(): URL {
  // Under tsx or vitest this module is TypeScript: so is its worker, loaded through tsx.
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
}

export function createTrialRunner(o: {
  readonly home: string;
  readonly format: 'csv' | 'parquet';
  /** `data.store` and `database.url`, for the worker threads to read the bars where the run did. */
  readonly store?: 'files' | 'postgres';
  readonly databaseUrl?: string;
  readonly data: RunData;
  /** Worker threads (default: every core). */
  readonly workers?: number;
  /** Trials to come, to not start more threads than useful. */
  readonly tasks: number;
  /** `engine.hook_timeout_ms` for a strategy file's hooks on the worker threads. */
  readonly hookTimeoutMs?: number;
  /** The strategy of every trial: a strategy file's trials always run on worker threads. */
  readonly strategy?: string;
  /** Registry models resolved before the trials (a sweep's `model=NAME@STAGE`), handed to every trial. */
  readonly models?: TrialModels;
}): TrialRunner {
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), o.tasks));
  const budget = o.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  // A trial whose hook runs past its budget is stopped by ending its worker thread, so that it
  // fails alone; on this thread the stop would end the whole sweep.
  const isolate = budget > 0 && o.strategy !== undefined && isStrategyFile(o.strategy);
  if (workers === 1 && !isolate) {
    return {
      workers: 1,
      run: async (spec, params, index, warmup, withTs = true) =>
        runTrial(spec, o.data, params, index, withTs, warmup, o.models),
      returnsCsvRows: async (job) => returnsCsvRows(job),
      close: async () => undefined,
    };
  }
  const file = workerFile();
  const pool = new Piscina({
    filename: file.href,
    minThreads: workers,
    maxThreads: workers,
    ...(file.pathname.endsWith('.ts') ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  // The bars go to the threads once, in shared memory: no thread re-reads or re-parses the files.
  const key = dataKey(o.data);
  const base = {
    home: o.home,
    format: o.format,
    ...(o.store === undefined ? {} : { store: o.store }),
    ...(o.databaseUrl === undefined ? {} : { databaseUrl: o.databaseUrl }),
    symbols: o.data.symbols,
    calendars: [...o.data.calendars],
    bars: shareBars(o.data, key),
    dataKey: key,
    ...(o.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: o.hookTimeoutMs }),
    ...(o.models === undefined || Object.keys(o.models).length === 0 ? {} : { models: o.models }),
  };
  return {
    workers,
    returnsCsvRows: async (job) => (await pool.run(job, { name: 'returnsCsvRows' })) as string,
    run: async (spec, params, index, warmup, withTs = true) => {
      const task: TrialTask = {
        ...base,
        spec,
        params,
        index,
        withTs,
        ...(warmup === undefined ? {} : { warmup }),
      };
      if (!isolate) return (await pool.run(task)) as TrialOutcome;
      // The trial ticks a clock of its own; its call past the budget aborts the task, which ends
      // the worker thread (piscina starts another), and the trial fails with the reason.
      const clock = newHookClock();
      const abort = new AbortController();
      const t0 = performance.now();
      let stuck: StrategyError | undefined;
      const stop = watchHookClock(clock, spec.strategy.name, budget, (e) => {
        stuck = e;
        abort.abort(e);
      });
      try {
        return (await pool.run({ ...task, hookClock: clock }, { signal: abort.signal })) as TrialOutcome;
      } catch (e) {
        if (stuck === undefined) throw e;
        return { index, ok: false, error: `${stuck.code}: ${stuck.message}`, ms: performance.now() - t0 };
      } finally {
        stop();
      }
    },
    close: () => pool.destroy(),
  };
}

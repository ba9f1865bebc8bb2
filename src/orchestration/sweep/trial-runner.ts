import { availableParallelism } from 'node:os';
import { DEFAULT_HOOK_TIMEOUT_MS } from '../hook-budget.js';
import type { RunData } from '../run-data.js';
import { isStrategyFile } from '../strategy-file.js';
import { runTrial, type TrialModels, type TrialOutcome, type TrialSpec } from './trial.js';
import type { TrialTask } from './worker.js';
import { dataKey, packBars } from './packed-bars.js';
import { ProcessPool } from './process-pool.js';
import { returnsCsvRows, type ReturnsRowsJob } from './tail-tasks.js';
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
  ): Promise<TrialOutcome>;
  /** Formats rows of returns.csv on a worker process (in this thread when it runs the trials). */
  returnsCsvRows(job: ReturnsRowsJob): Promise<string>;
  close(): Promise<void>;
}

/**
 * The worker processes' module: the bundle's own entry when running from it; under tsx or
 * vitest this one is TypeScript, and so is it.
 */
export function trialProcessFile(): URL {
  if (IS_BUNDLED) return bundleEntryUrl('trial-process');
  return new URL(import.meta.url.endsWith('.ts') ? './trial-process.ts' : './trial-process.js', import.meta.url);
}

/**
 * The piece of returns.csv a job asks for, alone: its bars of every column, so a worker process
 * is sent those (a 1/pieces share of the matrix), not the whole matrix of every trial.
 */
export function returnsRowsPiece(job: ReturnsRowsJob): ReturnsRowsJob {
  const width = job.to - job.from;
  const matrix = new Float64Array(job.rows.length * width);
  job.rows.forEach((r, c) =>
    matrix.set(job.matrix.subarray(r * job.bars + job.from, r * job.bars + job.to), c * width),
  );
  return {
    matrix,
    bars: width,
    rows: job.rows.map((_, c) => c),
    timeframe: job.timeframe,
    from: 0,
    to: width,
    ...(job.ts === undefined ? {} : { ts: job.ts.slice(job.from, job.to) }),
  };
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
      run: async (spec, params, index, warmup, withTs = true) =>
        runTrial(spec, o.data, params, index, withTs, warmup, o.models),
      returnsCsvRows: async (job) => returnsCsvRows(job),
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
  return {
    workers,
    returnsCsvRows: (job) =>
      pool.run<string>('returnsCsvRows', returnsRowsPiece(job), `returns.csv rows ${job.from}..${job.to - 1}`),
    run: (spec, params, index, warmup, withTs = true) => {
      const task: TrialTask = {
        ...base,
        spec,
        params,
        index,
        withTs,
        ...(warmup === undefined ? {} : { warmup }),
      };
      return pool.run<TrialOutcome>('trial', task, `trial ${index}`);
    },
    close: () => pool.close(),
  };
}

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

/** Runs trials of one data set, on this thread and worker processes (workers = 1: this thread alone). */
export interface TrialRunner {
  /** Workers running trials: this thread and worker processes (1: this thread alone). */
  readonly workers: number;
  /** Trials worth having in flight at once, to keep every worker busy. */
  readonly lanes: number;
  /** Trials run so far on this thread and in worker processes. */
  readonly ran: { readonly thread: number; readonly processes: number };
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
    const ran = { thread: 0, processes: 0 };
    return {
      workers: 1,
      lanes: 1,
      ran,
      run: async (spec, params, index, warmup, withTs = true, cells = false) => {
        ran.thread++;
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
  // The command's thread is a worker too (but for a strategy file's trials, which need a process
  // to stop): it holds the bars already, needs no process started (0.3 s of CPU, then a warm-up
  // of the compiled code), and its outcomes cross no channel; so N workers are this thread and
  // N - 1 processes.
  const processes = isolate ? workers : workers - 1;
  const depth = isolate ? DEPTH : SHARED_DEPTH;
  const pool = new ProcessPool({ file: trialProcessFile(), workers: processes, init: packBars(o.data, key), depth });
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
  const inProcess = (t: Pending): Promise<TrialOutcome> => {
    const task: TrialOfContext = {
      context: contextOf(t.spec),
      params: t.params,
      index: t.index,
      withTs: t.withTs,
      ...(t.warmup === undefined ? {} : { warmup: t.warmup }),
      ...(t.cells ? { cells: t.cells } : {}),
    };
    return pool.run<TrialOutcome>('trialOf', task, `trial ${t.index}`);
  };
  const cscv = (task: CscvTask): Promise<CscvColumns> =>
    pool.run<CscvColumns>('cscv', task, `PBO combinations ${task.from}..${task.to - 1}`);
  if (isolate) {
    const ran = { thread: 0, processes: 0 };
    return {
      workers,
      lanes: processes * depth,
      ran,
      cscv,
      run: (spec, params, index, warmup, withTs = true, cells = false) => {
        ran.processes++;
        return inProcess({ spec, params, index, warmup, withTs, cells });
      },
      close: () => pool.close(),
    };
  }
  const shared = shareTrials({
    processes: processes * depth,
    inProcess,
    inThread: (t) => {
      const r = runTrial(t.spec, o.data, t.params, t.index, t.withTs, t.warmup, o.models);
      return t.cells ? withCells(r) : r;
    },
  });
  return {
    workers,
    // The processes' tasks, the thread's trial and its next one.
    lanes: processes * depth + 2,
    ran: shared.ran,
    cscv,
    run: (spec, params, index, warmup, withTs = true, cells = false) =>
      shared.run({ spec, params, index, warmup, withTs, cells }),
    close: async () => {
      shared.close();
      await pool.close();
    },
  };
}

/** Tasks a worker process holds at once when it is the only kind of worker (a strategy file's trials). */
const DEPTH = 2;

/**
 * Tasks a worker process holds at once beside the command's thread: the thread answers the
 * processes only between its own trials, so each process holds enough not to run dry meanwhile.
 */
const SHARED_DEPTH = 3;

/** A trial asked of the runner. */
export interface Pending {
  readonly spec: TrialSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly index: number;
  readonly warmup: number | undefined;
  readonly withTs: boolean;
  readonly cells: boolean;
}

/**
 * Trials shared between the worker processes and this thread, in the order asked: the processes
 * are kept full (up to `processes` tasks in flight), and this thread takes the next trial
 * whenever it is free, one at a time, each after the event loop has read the processes'
 * answers and sent them their next tasks (so they never wait on this thread's trial).
 */
export function shareTrials(o: {
  /** Trials the worker processes hold at once. */
  readonly processes: number;
  readonly inProcess: (t: Pending) => Promise<TrialOutcome>;
  readonly inThread: (t: Pending) => TrialOutcome;
}): { run(t: Pending): Promise<TrialOutcome>; close(): void; readonly ran: { thread: number; processes: number } } {
  interface Asked {
    readonly t: Pending;
    readonly resolve: (r: TrialOutcome) => void;
    readonly reject: (e: unknown) => void;
  }
  const queue: Asked[] = [];
  let inFlight = 0;
  let threadBusy = false;
  let closed = false;
  const ran = { thread: 0, processes: 0 };
  const fill = (): void => {
    while (queue.length > 0 && inFlight < o.processes) {
      const a = queue.shift() as Asked;
      inFlight++;
      ran.processes++;
      o.inProcess(a.t).then(
        (r) => {
          inFlight--;
          a.resolve(r);
          pump();
        },
        (e: unknown) => {
          inFlight--;
          a.reject(e);
          pump();
        },
      );
    }
  };
  const pump = (): void => {
    fill();
    if (queue.length === 0 || threadBusy || closed) return;
    threadBusy = true;
    // After this turn's I/O: the processes' answers read and their next tasks sent first.
    setImmediate(() => {
      threadBusy = false;
      if (closed) return;
      fill();
      const a = queue.shift();
      if (a !== undefined) {
        ran.thread++;
        try {
          a.resolve(o.inThread(a.t));
        } catch (e) {
          a.reject(e);
        }
      }
      pump();
    });
  };
  return {
    ran,
    run: (t) =>
      closed
        ? Promise.reject(new Error(`trial ${t.index}: the trial runner is closed`))
        : new Promise<TrialOutcome>((resolve, reject) => {
            queue.push({ t, resolve, reject });
            pump();
          }),
    close: () => {
      closed = true;
      const closing = new Error('the trial runner was closed');
      for (const a of queue.splice(0)) a.reject(closing);
    },
  };
}

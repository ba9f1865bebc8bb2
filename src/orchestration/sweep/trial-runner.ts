import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunData } from '../run-data.js';
import { runTrial, type TrialOutcome, type TrialSpec } from './trial.js';
import type { TrialTask } from './worker.js';

/** Runs trials of one data set, on worker threads or (workers = 1) in this thread. */
export interface TrialRunner {
  run(
    spec: TrialSpec,
    params: Readonly<Record<string, unknown>>,
    index: number,
    warmup?: number,
  ): Promise<TrialOutcome>;
  close(): Promise<void>;
}

function workerFile(): URL {
  // Under tsx or vitest this module is TypeScript: so is its worker, loaded through tsx.
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
}

export function createTrialRunner(o: {
  readonly home: string;
  readonly format: 'csv' | 'parquet';
  readonly data: RunData;
  /** Worker threads (default: every core). */
  readonly workers?: number;
  /** Trials to come, to not start more threads than useful. */
  readonly tasks: number;
  /** `engine.hook_timeout_ms` for a strategy file's hooks on the worker threads. */
  readonly hookTimeoutMs?: number;
}): TrialRunner {
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), o.tasks));
  if (workers === 1) {
    return {
      run: async (spec, params, index, warmup) => runTrial(spec, o.data, params, index, true, warmup),
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
  const base = {
    home: o.home,
    format: o.format,
    symbols: o.data.symbols,
    calendars: [...o.data.calendars],
    ...(o.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: o.hookTimeoutMs }),
  };
  return {
    run: async (spec, params, index, warmup) => {
      const task: TrialTask = {
        ...base,
        spec,
        params,
        index,
        withTs: true,
        ...(warmup === undefined ? {} : { warmup }),
      };
      return (await pool.run(task)) as TrialOutcome;
    },
    close: () => pool.destroy(),
  };
}

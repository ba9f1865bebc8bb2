/**
 * A sweep's worker process (forked by process-pool.ts): holds the bars its pool's owner sends
 * once, and the context of a run's trials once (then each trial comes as its params), runs
 * trials (worker.ts), and pieces of the sweep's end: ranges of PBO combinations (tail-tasks.ts).
 *
 * A strategy file's call that runs past `engine.hook_timeout_ms` is stopped by this process's own
 * watchdog, as on a CLI run's main thread (hook-budget.ts): the trial fails with
 * STRATEGY_HOOK_TIMEOUT, and the process asks to be replaced, as the stopped call left its
 * JavaScript state half-updated. The other trials of the sweep go on.
 */
import { isMomenticError } from '../../core/errors.js';
import { armHookWatchdog, DEFAULT_HOOK_TIMEOUT_MS, withinHookBudget } from '../hook-budget.js';
import { isStrategyFile } from '../strategy-file.js';
import type { PackedBars } from './packed-bars.js';
import { serveTasks, type Served } from './process-child.js';
import { cscvTask, type CscvTask } from './tail-tasks.js';
import {
  holdBars,
  holdContext,
  taskOf,
  trial,
  type TrialContext,
  type TrialOfContext,
  type TrialTask,
} from './worker.js';

/** An init message: the bars, or a context its trials name (trial-runner.ts). */
export type TrialInit = PackedBars | { readonly context: number; readonly task: TrialContext };

/** Runs one trial, in a watchdog for a strategy file's calls. */
async function runTask(t: TrialTask): Promise<Served> {
  const t0 = performance.now();
  if (isStrategyFile(t.spec.strategy.name) && (t.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS) > 0) await armHookWatchdog();
  try {
    return { value: await withinHookBudget(() => trial(t)) };
  } catch (e) {
    if (!isMomenticError(e) || e.code !== 'STRATEGY_HOOK_TIMEOUT') throw e;
    return {
      value: { index: t.index, ok: false, error: `${e.code}: ${e.message}`, ms: performance.now() - t0 },
      retire: true,
    };
  }
}

serveTasks({
  init: (value) => {
    const v = value as TrialInit;
    if ('context' in v) holdContext(v.context, v.task);
    else holdBars(v);
  },
  tasks: {
    trial: (value) => runTask(value as TrialTask),
    trialOf: (value) => runTask(taskOf(value as TrialOfContext)),
    cscv: async (value) => ({ value: cscvTask(value as CscvTask) }),
  },
});

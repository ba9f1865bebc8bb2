/**
 * A sweep's worker process (forked by process-pool.ts): holds the bars its pool's owner sends
 * once, then runs trials (worker.ts) and formats pieces of returns.csv (tail-tasks.ts).
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
import { serveTasks } from './process-child.js';
import { returnsCsvRows, type ReturnsRowsJob } from './tail-tasks.js';
import { holdBars, trial, type TrialTask } from './worker.js';

serveTasks({
  init: (value) => holdBars(value as PackedBars),
  tasks: {
    trial: async (value) => {
      const t = value as TrialTask;
      const t0 = performance.now();
      if (isStrategyFile(t.spec.strategy.name) && (t.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS) > 0)
        await armHookWatchdog();
      try {
        return { value: await withinHookBudget(() => trial(t)) };
      } catch (e) {
        if (!isMomenticError(e) || e.code !== 'STRATEGY_HOOK_TIMEOUT') throw e;
        return {
          value: { index: t.index, ok: false, error: `${e.code}: ${e.message}`, ms: performance.now() - t0 },
          retire: true,
        };
      }
    },
    returnsCsvRows: async (value) => ({ value: returnsCsvRows(value as ReturnsRowsJob) }),
  },
});

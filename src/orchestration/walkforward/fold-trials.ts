/**
 * Where a walk-forward's trials run: this machine's worker processes (a `TrialRunner`), or the
 * Redis queue's `momentic worker` processes through the sweep's own batch seam (`runTrials`,
 * orchestration/queue/submit-trials.ts). Either way the walk-forward gets one outcome per task,
 * in task order, and picks winners and stitches folds from them alike: the same files.
 */
import type { RunConfig } from '../../config/run-config.js';
import type { ModelPin } from '../registered-models.js';
import type { RunData } from '../run-data.js';
import { trialKey } from '../sweep/param-space.js';
import type { SweepBatch } from '../sweep/sweep-job.js';
import type { TrialOutcome } from '../sweep/trial.js';
import type { TrialRunner } from '../sweep/trial-runner.js';

/** One run of a walk-forward: a combination over a fold's window. */
export interface FoldTask {
  /** The sweep's run over the fold's window. */
  readonly spec: RunConfig;
  readonly params: Record<string, unknown>;
  /** The combination's index in the sweep (the outcome's `index`). */
  readonly combo: number;
  /** Bars at the start without orders (an out-of-sample run warms up on its train window). */
  readonly warmup?: number;
}

/**
 * Runs tasks and gives their outcomes in task order, `index` the task's combination; `later` is
 * how many of the walk-forward's trials are still to come after these (for a queued batch's
 * count of done trials).
 */
export type FoldTrials = (tasks: readonly FoldTask[], later: number) => Promise<TrialOutcome[]>;

/** This machine's worker processes, all tasks in flight at once. */
export function localFoldTrials(runner: TrialRunner, tick: () => void): FoldTrials {
  return (tasks) =>
    Promise.all(
      tasks.map(async (t) => {
        const r = await runner.run(t.spec, t.params, t.combo, t.warmup);
        tick();
        return r;
      }),
    );
}

/**
 * The queue's workers: each call is one batch of the walk-forward's queued id, its trials
 * numbered after the previous batches' (so the in-sample and out-of-sample runs of one
 * walk-forward never share an index). The warm-up goes into the trial's run config, where a
 * trial reads it, so it is part of the trial's id.
 */
export function queuedFoldTrials(o: {
  readonly runTrials: (batch: SweepBatch) => Promise<void>;
  readonly id: string;
  readonly dir: string;
  /** Every trial of the walk-forward: in-sample runs, then one out-of-sample run per fold. */
  readonly total: number;
  readonly spec: RunConfig;
  readonly data: RunData;
  readonly models?: Readonly<Record<string, ModelPin>>;
  readonly tick: () => void;
}): FoldTrials {
  let offset = 0;
  return async (tasks, later) => {
    const base = offset;
    offset += tasks.length;
    const out: (TrialOutcome | undefined)[] = new Array<TrialOutcome | undefined>(tasks.length);
    await o.runTrials({
      id: o.id,
      dir: o.dir,
      total: o.total,
      spec: o.spec,
      data: o.data,
      kind: 'walkforward',
      later,
      todo: tasks.map((t, j) => ({
        params: t.params,
        index: base + j,
        key: trialKey(t.params),
        spec: t.warmup === undefined ? t.spec : { ...t.spec, warmup: t.warmup },
      })),
      record: (t, r) => {
        const j = t.index - base;
        out[j] = { ...r, index: (tasks[j] as FoldTask).combo };
        o.tick();
      },
      ...(o.models === undefined ? {} : { models: o.models }),
    });
    return out.map((r, j) => {
      if (r === undefined) throw new Error(`walk-forward ${o.id}: no outcome for trial ${base + j}`);
      return r;
    });
  };
}

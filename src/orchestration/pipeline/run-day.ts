/**
 * `momentic pipeline daily`: one day of seed 001's pipeline as named steps (fetch, validate,
 * features, universe, trade, reconcile, drift, report), each recorded in the ledger with its start, end,
 * status, outputs and error. The ledger is the state: a day whose steps are all done is done
 * (run again, nothing happens and it says so); a failed day runs again from its failed step
 * (steps done stay done); `force` redoes one step (and the report after it). A failed step stops
 * the steps after it but the report, which tells why; the failure is alerted
 * (`pipelineFailedAlert`) and its exit code is the command's.
 */
import type { IsoDate } from '../../core/dates.js';
import { toMomenticError, type MomenticError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Config } from '../../config/schema.js';
import { createLedger } from '../../store/ledger.js';
import type { PipelineDay, PipelineError, PipelineStep } from '../../store/pipeline-types.js';
import { pipelineFailedAlert } from '../alerts/alert-events.js';
import type { Notifier } from '../alerts/notifier.js';
import { driftStep, reconcileStep } from './check-steps.js';
import { featuresStep, fetchStep, validateStep } from './data-steps.js';
import type { PipelineSpec } from './pipeline-file.js';
import { checkPipelineDay } from './pipeline-date.js';
import { reportStep } from './report-step.js';
import { PIPELINE_STEPS, type StepContext, type StepName, type StepOutputs, type StepRun } from './step-context.js';
import { tradeStep } from './trade-step.js';
import { universeStep } from './universe-step.js';

const STEP_RUNS: Readonly<Record<StepName, StepRun>> = {
  fetch: fetchStep,
  validate: validateStep,
  features: featuresStep,
  universe: universeStep,
  trade: tradeStep,
  reconcile: reconcileStep,
  drift: driftStep,
  report: reportStep,
};

export interface RunDayOptions {
  readonly pipeline: PipelineSpec;
  readonly date: IsoDate;
  /** Redo this step whatever its state (and the report after it). */
  readonly force?: StepName;
  readonly home: string;
  readonly cwd: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly appSources?: ReadonlyMap<string, string>;
  readonly logger?: Logger;
  readonly alerts?: Notifier;
  readonly confirmLive?: boolean;
  /** The wall clock (default Date.now). */
  readonly now?: () => number;
  /** Told as each step starts and ends (progress on the terminal). */
  readonly onStep?: (step: StepName, status: 'running' | 'done' | 'failed' | 'skipped') => void;
}

export interface DayOutcome {
  /** `already_done`: every step was done before; nothing ran. */
  readonly status: 'done' | 'failed' | 'already_done';
  readonly day: PipelineDay;
  readonly steps: readonly PipelineStep[];
  /** Steps this run started, in order. */
  readonly ran: readonly StepName[];
  readonly failure?: MomenticError;
}

export function pipelineError(e: MomenticError): PipelineError {
  return {
    code: e.code,
    message: e.message,
    hint: e.hint,
    exitCode: e.exitCode,
    ...(Object.keys(e.context).length === 0 ? {} : { context: { ...e.context } }),
  };
}

export async function runPipelineDay(o: RunDayOptions): Promise<DayOutcome> {
  const now = o.now ?? Date.now;
  const { pipeline: p, date } = o;
  checkPipelineDay(p.calendar, date, now());
  let ledger;
  try {
    ledger = await createLedger(o.config, o.home);
  } catch (e) {
    // No step can run, nor be recorded, without the ledger: the day is alerted all the same.
    void o.alerts?.notify(pipelineFailedAlert(p.name, 'ledger', toMomenticError(e)));
    throw e;
  }
  try {
    const before = await ledger.pipelineSteps(p.name, date);
    const isDone = (s: StepName): boolean => before.find((x) => x.step === s)?.status === 'done';
    const todo = new Set<StepName>(PIPELINE_STEPS.filter((s) => !isDone(s) || s === o.force));
    const existing = await ledger.pipelineDay(p.name, date);
    if (todo.size === 0 && existing !== undefined) {
      return { status: 'already_done', day: existing, steps: before, ran: [] };
    }
    // The report tells the day as it stands after whatever ran.
    todo.add('report');
    await ledger.startPipelineDay(p.name, date, now());
    const outputs = new Map<StepName, StepOutputs>();
    for (const s of before)
      if (s.status === 'done' && s.outputs !== undefined) outputs.set(s.step as StepName, s.outputs);
    const ran: StepName[] = [];
    let failure: MomenticError | undefined;
    let failedStep: StepName | undefined;
    for (const [position, step] of PIPELINE_STEPS.entries()) {
      if (!todo.has(step)) continue;
      const key = { pipeline: p.name, date, step, position };
      if (failedStep !== undefined && step !== 'report') {
        // A failed step stops the trading after it; the report still runs.
        await ledger.endPipelineStep(key, {
          status: 'skipped',
          endedAt: now(),
          outputs: { reason: `${failedStep} failed: ${failure?.code ?? ''}` },
        });
        o.onStep?.(step, 'skipped');
        continue;
      }
      const previous = before.find((x) => x.step === step);
      await ledger.startPipelineStep({ ...key, startedAt: now() });
      ran.push(step);
      o.onStep?.(step, 'running');
      const ctx: StepContext = {
        pipeline: p,
        date,
        home: o.home,
        cwd: o.cwd,
        config: o.config,
        env: o.env,
        ...(o.appSources === undefined ? {} : { appSources: o.appSources }),
        ledger,
        ...(o.logger === undefined ? {} : { logger: o.logger }),
        ...(o.alerts === undefined ? {} : { alerts: o.alerts }),
        confirmLive: o.confirmLive === true,
        now,
        outputsOf: (s) => outputs.get(s),
        ...(previous === undefined ? {} : { previous }),
      };
      let result: { outputs?: StepOutputs; failure?: MomenticError };
      try {
        result = await STEP_RUNS[step](ctx);
      } catch (e) {
        result = { failure: toMomenticError(e) };
      }
      if (result.failure === undefined) {
        await ledger.endPipelineStep(key, { status: 'done', endedAt: now(), outputs: result.outputs ?? {} });
        outputs.set(step, result.outputs ?? {});
        o.onStep?.(step, 'done');
        continue;
      }
      const err = result.failure;
      await ledger.endPipelineStep(key, {
        status: 'failed',
        endedAt: now(),
        ...(result.outputs === undefined ? {} : { outputs: result.outputs }),
        error: pipelineError(err),
      });
      o.onStep?.(step, 'failed');
      o.logger?.error({ step, code: err.code }, err.message);
      void o.alerts?.notify(pipelineFailedAlert(p.name, step, err));
      failure ??= err;
      failedStep ??= step;
    }
    const steps = await ledger.pipelineSteps(p.name, date);
    const allDone = PIPELINE_STEPS.every((s) => steps.find((x) => x.step === s)?.status === 'done');
    const reportDir = outputs.get('report')?.['dir'];
    await ledger.endPipelineDay(p.name, date, {
      status: failure === undefined && allDone ? 'done' : 'failed',
      endedAt: now(),
      ...(failedStep === undefined ? {} : { failedStep }),
      ...(failure === undefined ? {} : { error: pipelineError(failure) }),
      ...(typeof reportDir === 'string' ? { reportDir } : {}),
    });
    const day = (await ledger.pipelineDay(p.name, date)) as PipelineDay;
    return {
      status: day.status === 'done' ? 'done' : 'failed',
      day,
      steps,
      ran,
      ...(failure === undefined ? {} : { failure }),
    };
  } finally {
    await ledger.close();
  }
}

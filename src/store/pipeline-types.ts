import type { IsoDate } from '../core/dates.js';
import type { PIPELINE_DAY_STATUSES, PIPELINE_STEP_STATUSES } from './migration-pipeline.js';

/**
 * A pipeline day in the ledger: `running` while a `momentic pipeline daily` works on it, then
 * `done` (every step done) or `failed` (a step failed; later trading steps skipped).
 */
export type PipelineDayStatus = (typeof PIPELINE_DAY_STATUSES)[number];

/** A step of a day: `running`, then `done` or `failed`; `skipped` when an earlier step failed. */
export type PipelineStepStatus = (typeof PIPELINE_STEP_STATUSES)[number];

/** Why a step failed, as the error catalogue has it (docs/errors.md). */
export interface PipelineError {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  readonly exitCode: number;
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface PipelineDay {
  readonly pipeline: string;
  readonly date: IsoDate;
  readonly status: PipelineDayStatus;
  /** Times the day was run (`pipeline daily` invocations that had something to do). */
  readonly attempts: number;
  /** The first attempt's start. */
  readonly startedAt: number;
  /** The last attempt's end. */
  readonly endedAt?: number;
  readonly failedStep?: string;
  readonly error?: PipelineError;
  /** The day's report folder. */
  readonly reportDir?: string;
}

export interface PipelineStep {
  readonly pipeline: string;
  readonly date: IsoDate;
  readonly step: string;
  /** Its place in the day (0 first). */
  readonly position: number;
  readonly status: PipelineStepStatus;
  /** Times it was started (a resumed or forced step counts again). */
  readonly attempts: number;
  /** The latest attempt's start and end (absent for a step skipped without starting). */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** What the step produced (files, counts, summaries), as JSON. */
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly error?: PipelineError;
}

export interface PipelineStepStart {
  readonly pipeline: string;
  readonly date: IsoDate;
  readonly step: string;
  readonly position: number;
  readonly startedAt: number;
}

export interface PipelineStepEnd {
  readonly status: 'done' | 'failed' | 'skipped';
  readonly endedAt: number;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly error?: PipelineError;
}

export interface PipelineDayEnd {
  readonly status: 'done' | 'failed';
  readonly endedAt: number;
  readonly failedStep?: string;
  readonly error?: PipelineError;
  readonly reportDir?: string;
}

import type { IsoDate } from '../core/dates.js';
import type { JOB_RUN_STATUSES } from './migration-scheduler.js';

/**
 * A scheduled job's run in the ledger: `running` once claimed and started, then `succeeded` or
 * `failed` (its exit code); `skipped` when the catch-up policy or a deadline passed it over;
 * `abandoned` when its scheduler lost the lock (crashed) before recording the end.
 */
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/** The holder of a schedule's lock (a scheduler process), valid until `expiresAt`. */
export interface SchedulerLock {
  readonly name: string;
  readonly owner: string;
  readonly acquiredAt: number;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

export interface LockRequest {
  /** The schedule's name: one lock per schedule. */
  readonly name: string;
  /** Who asks (host, pid and a random part: unique per process). */
  readonly owner: string;
  readonly now: number;
  readonly ttlMs: number;
}

export interface LockResult {
  /** True when `owner` holds the lock after the call (taken, taken over, or renewed). */
  readonly isHeld: boolean;
  /** The lock as it stands after the call (another owner's when not held). */
  readonly lock: SchedulerLock | undefined;
}

export interface NewJobRun {
  readonly schedule: string;
  readonly job: string;
  /** The session (or market-local) date the run belongs to. */
  readonly date: IsoDate;
  readonly plannedAt: number;
  readonly owner: string;
  /** `running`: started now (give `startedAt`); `skipped`: passed over (give `detail`, why). */
  readonly status: 'running' | 'skipped';
  readonly startedAt?: number;
  readonly detail?: string;
  readonly logFile?: string;
}

export interface JobRunEnd {
  readonly status: 'succeeded' | 'failed';
  readonly endedAt: number;
  readonly exitCode?: number;
  readonly detail?: string;
}

export interface JobRun {
  readonly id: number;
  readonly schedule: string;
  readonly job: string;
  readonly date: IsoDate;
  readonly plannedAt: number;
  readonly status: JobRunStatus;
  readonly owner: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly exitCode?: number;
  readonly detail?: string;
  readonly logFile?: string;
}

export interface JobRunFilter {
  readonly schedule: string;
  readonly job?: string;
  /** The latest `limit` runs (by planned instant); all when absent. */
  readonly limit?: number;
}

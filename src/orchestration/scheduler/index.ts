export { expandAction, isoUtc } from './action.js';
export { decideCatchUp, deadlineOf, type CatchUpDecision } from './catch-up.js';
export { systemClock, type SchedulerClock } from './clock.js';
export {
  MOMENTIC_BIN,
  processExecutor,
  type JobExecutor,
  type JobLaunch,
  type JobOutcome,
  type ProcessExecutorOptions,
  type RunningJob,
} from './executor.js';
export * from './market-time.js';
export { jobRunsBetween, nextRun, planRuns, type Plannable, type PlannedRun } from './plan.js';
export {
  CATCH_UP_POLICIES,
  loadSchedule,
  PLACEHOLDERS,
  type CatchUpPolicy,
  type Deadline,
  type Schedule,
  type ScheduledJob,
} from './schedule.js';
export {
  Scheduler,
  schedulerOwner,
  type SchedulerLedger,
  type SchedulerOptions,
  type SchedulerSummary,
} from './scheduler.js';

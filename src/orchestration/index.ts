export {
  TradingNode,
  runBacktest,
  resolveStrategy,
  type BacktestOptions,
  type NodeComponents,
  type NodeSetup,
} from './node.js';
export * from './push-bar-source.js';
export * from './configured-run.js';
export { runBacktestJob, type BacktestJobResult } from './backtest-job.js';
export * from './fetch-data.js';
export * from './risk-gate.js';
export { runSweep, type SweepOptions, type SweepResult } from './sweep/sweep-job.js';
export { runWalkForward } from './walkforward/walkforward-job.js';
export {
  runSession,
  type SessionOptions,
  type SessionResult,
  type SessionVenue,
  type SessionWatch,
} from './session.js';
export { runSessionJob, type SessionJobOptions, type SessionJobResult } from './session-job.js';
export { journalWithTelemetry, type TelemetryAccount, type SessionTelemetry } from './session-telemetry.js';
export { runPaperJob } from './paper-job.js';
export { ReplayFeed, readReplayFile, type ReplaySpeed } from './replay-feed.js';
export { ReplayClock } from './replay-clock.js';
export { LedgerJournal } from './ledger-journal.js';
export {
  Watchdogs,
  watchSession,
  Supervisor,
  classifyExit,
  RestartBudget,
  readHeartbeats,
  type Check,
  type CheckName,
  type Verdict,
  type WatchdogAction,
  type HeartbeatRecord,
  type SupervisorOptions,
  type SupervisorResult,
} from './watchdogs/index.js';
export {
  jobRunsBetween,
  loadSchedule,
  planRuns,
  processExecutor,
  Scheduler,
  systemClock,
  type CatchUpPolicy,
  type JobExecutor,
  type PlannedRun,
  type Schedule,
  type ScheduledJob,
  type SchedulerClock,
  type SchedulerOptions,
  type SchedulerSummary,
} from './scheduler/index.js';
export {
  Notifier,
  buildNotifier,
  makeAlert,
  killSwitchAlert,
  sessionFailedAlert,
  reconcileMismatchAlert,
  restartAlert,
  gateFailedAlert,
  pipelineFailedAlert,
  ALERT_KINDS,
  type Alert,
  type AlertInput,
  type AlertKind,
  type Severity,
  type AlertChannel,
  type ChannelRoute,
  type Delivery,
  type NotifyOutcome,
} from './alerts/index.js';
export {
  runPipelineDay,
  loadPipeline,
  buildDailyReport,
  reportsDir,
  PIPELINE_STEPS,
  type DailyReport,
  type DayOutcome,
  type PipelineSpec,
  type RunDayOptions,
  type StepName,
} from './pipeline/index.js';
export {
  adminStatus,
  issueAdminCommand,
  NodeAgent,
  ADMIN_ACTIONS,
  type AdminAction,
  type AdminStatus,
  type IssueOptions,
  type IssueResult,
  type NodeControls,
  type NodeStatus,
} from './admin/index.js';

import type { Generated } from 'kysely';

/**
 * Row types of the ledger tables as the query layer sees them (docs/ledger.md, "Schema").
 * The same columns on SQLite and PostgreSQL: times are epoch-ms integers (`bigint`), quantities
 * and prices doubles (NULL where the domain has NaN), JSON documents text, flags 0/1 integers.
 */
export interface RunsTable {
  id: string;
  kind: string;
  strategy: string;
  params: string;
  spec: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  metrics: string | null;
  result_dir: string | null;
}

export interface OrdersTable {
  id: Generated<number>;
  run_id: string;
  client_order_id: string;
  venue_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  qty: number;
  limit_price: number | null;
  stop_price: number | null;
  tif: string;
  status: string;
  filled_qty: number;
  avg_price: number | null;
  fees: number;
  reason: string | null;
  strategy: string | null;
  tag: string | null;
  /** Fields of rarer order kinds (trail, bracket legs, class, parent) as JSON, or NULL. */
  extra: string | null;
  created_at: number;
  updated_at: number;
  sent: number;
  sent_at: number | null;
}

export interface OrderEventsTable {
  id: Generated<number>;
  run_id: string;
  client_order_id: string;
  status: string;
  ts: number;
  reason: string | null;
}

export interface FillsTable {
  id: Generated<number>;
  run_id: string;
  client_order_id: string;
  /** The venue's execution id, unique per run when given (a replayed fill is not booked twice). */
  exec_id: string | null;
  symbol: string;
  side: string;
  qty: number;
  price: number;
  fee: number;
  ts: number;
  liquidity: string | null;
}

export interface PositionsTable {
  run_id: string;
  symbol: string;
  qty: number;
  avg_price: number | null;
  realized_pnl: number;
  fees: number;
  updated_at: number;
}

export interface EquitySnapshotsTable {
  id: Generated<number>;
  run_id: string;
  ts: number;
  equity: number;
  cash: number;
  gross_exposure: number;
  net_exposure: number;
}

export interface RiskEventsTable {
  id: Generated<number>;
  run_id: string | null;
  ts: number;
  kind: string;
  check_name: string | null;
  symbol: string | null;
  client_order_id: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string;
  detail: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  ts: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

/** The scheduler's lock: one row per schedule name, held by `owner` until `expires_at`. */
export interface SchedulerLocksTable {
  name: string;
  owner: string;
  acquired_at: number;
  heartbeat_at: number;
  expires_at: number;
}

/** One planned run of a scheduled job: claimed once, then started or skipped, then ended. */
export interface SchedulerRunsTable {
  id: Generated<number>;
  schedule: string;
  job: string;
  date: string;
  planned_at: number;
  status: string;
  owner: string;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  detail: string | null;
  log_file: string | null;
}

/** One day of a pipeline: its status across attempts and its report folder. */
export interface PipelineDaysTable {
  pipeline: string;
  date: string;
  status: string;
  attempts: number;
  started_at: number;
  ended_at: number | null;
  failed_step: string | null;
  error: string | null;
  report_dir: string | null;
}

/** One step of a pipeline day: its latest attempt's times, status, outputs and error (JSON). */
export interface PipelineStepsTable {
  pipeline: string;
  date: string;
  step: string;
  position: number;
  status: string;
  attempts: number;
  started_at: number | null;
  ended_at: number | null;
  outputs: string | null;
  error: string | null;
}

/** A trading node's latest heartbeat: one row per paper or live session. */
export interface NodeHeartbeatsTable {
  run_id: string;
  mode: string;
  host: string;
  pid: number;
  started_at: number;
  beat_at: number;
  stopped_at: number | null;
  /** The node's report (kill switch, limits, holds, last bars) as JSON. */
  state: string;
}

/** An operator's command to a node, and the node's answer (`ack`, JSON) once given. */
export interface AdminCommandsTable {
  id: Generated<number>;
  run_id: string;
  action: string;
  /** The command's arguments, a JSON array of strings. */
  args: string;
  actor: string;
  reason: string | null;
  issued_at: number;
  /** The node applies the command only before this (wall-clock ms); the issuer waits until then. */
  expires_at: number;
  status: string;
  acked_at: number | null;
  ack: string | null;
}

/** An API token of the service: the hash of its secret, never the secret. */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A registered model version (docs/ml/registry.md); JSON columns are text. */
export interface MlModelsTable {
  id: string;
  name: string;
  version: number;
  stage: string;
  kind: string;
  artifact: string;
  features: string;
  feature_hash: string;
  label: string;
  data_range: string;
  cv: string;
  folds: string;
  path_sharpes: string;
  evaluation: string;
  trials: number;
  code_version: string;
  created_at: number;
  promoted_at: number | null;
  stage_history: string;
}

/** A sweep submitted to the queue (docs/scale.md, "Many machines"). */
export interface QueueSweepsTable {
  id: string;
  queue: string;
  total: number;
  status: string;
  code_version: string;
  dir: string;
  created_at: number;
  updated_at: number;
}

/** Which trial ids a queued sweep's combinations are, by combination index. */
export interface QueueSweepTrialsTable {
  sweep_id: string;
  trial_id: string;
  idx: number;
}

/** One trial's outcome, stored once per trial id; returns and timestamps as float64 little-endian. */
export interface TrialResultsTable {
  seq: Generated<number>;
  trial_id: string;
  ok: number;
  metrics: string | null;
  error: string | null;
  returns: Uint8Array | null;
  ts: Uint8Array | null;
  worker: string;
  attempts: number;
  code_version: string;
  finished_at: number;
  /** Closed round trips' exit times and net P&L (migration 0009_trial_trades). */
  exits: Uint8Array | null;
  pnls: Uint8Array | null;
}

/** A service job (backtest, sweep or walk-forward asked of the API). */
export interface ServiceJobsTable {
  id: string;
  kind: string;
  status: string;
  request: string;
  actor: string;
  progress: number;
  message: string | null;
  result_id: string | null;
  error: string | null;
  server: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

export interface LedgerTables {
  runs: RunsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  fills: FillsTable;
  positions: PositionsTable;
  equity_snapshots: EquitySnapshotsTable;
  risk_events: RiskEventsTable;
  audit_log: AuditLogTable;
  scheduler_locks: SchedulerLocksTable;
  scheduler_runs: SchedulerRunsTable;
  pipeline_days: PipelineDaysTable;
  pipeline_steps: PipelineStepsTable;
  node_heartbeats: NodeHeartbeatsTable;
  admin_commands: AdminCommandsTable;
  api_tokens: ApiTokensTable;
  ml_models: MlModelsTable;
  queue_sweeps: QueueSweepsTable;
  queue_sweep_trials: QueueSweepTrialsTable;
  trial_results: TrialResultsTable;
  service_jobs: ServiceJobsTable;
}

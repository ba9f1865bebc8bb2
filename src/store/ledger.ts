import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { OrderRequest } from '../core/order.js';
import type { Config } from '../config/schema.js';
import { describeTarget, ledgerTarget, openPostgres, type LedgerTarget } from './connect.js';
import * as admin from './admin-repo.js';
import type { AdminAck, AdminCommand, AdminCommandStatus, NewAdminCommand, NodeHeartbeat } from './admin-types.js';
import * as fills from './fills-repo.js';
import * as models from './models-repo.js';
import * as sweepQueue from './sweep-queue-repo.js';
import type { ModelFilter, ModelSummary, ModelVersion, NewModelVersion } from './model-types.js';
import * as journal from './journal-repo.js';
import { writeJournalBatch } from './journal-batch.js';
import { writeJournalSqlite } from './journal-sqlite.js';
import { guarded } from './ledger-errors.js';
import { migrateLedger, type MigrationReport } from './migrate.js';
import type { LedgerDialect } from './migrations.js';
import * as orders from './orders-repo.js';
import { persistOrders } from './persist-many.js';
import { recordRunPostgres } from './recording-repo.js';
import { acquireSqlite } from './sqlite-shared.js';
import * as pipeline from './pipeline-repo.js';
import type {
  PipelineDay,
  PipelineDayEnd,
  PipelineStep,
  PipelineStepEnd,
  PipelineStepStart,
} from './pipeline-types.js';
import * as runs from './runs-repo.js';
import * as scheduler from './scheduler-repo.js';
import * as tokens from './tokens-repo.js';
import * as jobs from './jobs-repo.js';
import type { StoredJob, StoredJobFilter } from './job-types.js';
import type { ApiToken, NewApiToken } from './token-types.js';
import type {
  JobRun,
  JobRunEnd,
  JobRunFilter,
  LockRequest,
  LockResult,
  NewJobRun,
  SchedulerLock,
} from './scheduler-types.js';
import { writeRunSqlite } from './sqlite-recorder.js';
import type { LedgerTables } from './tables.js';
import type {
  AuditEntry,
  EquitySnapshot,
  FillResult,
  JournalEntry,
  LedgerFill,
  LedgerOrder,
  LedgerPosition,
  LedgerRun,
  NewFill,
  NewRun,
  OpenState,
  OrderEvent,
  OrderFilter,
  PersistResult,
  LedgerRiskEvent,
  RunCounts,
  RunEnd,
  RunFilter,
  RunRecording,
  StatusChange,
  TransitionResult,
} from './types.js';

/**
 * The durable ledger (docs/ledger.md): runs, orders and their transitions, fills, positions,
 * equity, risk events and the audit log, on SQLite or PostgreSQL through one query layer.
 * Callers use these functions, never SQL. Every multi-row change is one transaction.
 */
export interface LedgerStore {
  readonly dialect: LedgerDialect;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** What opening the ledger migrated. */
  readonly migration: MigrationReport;

  startRun(run: NewRun): Promise<{ created: boolean; run: LedgerRun }>;
  endRun(runId: string, end: RunEnd): Promise<LedgerRun>;
  getRun(runId: string): Promise<LedgerRun | undefined>;
  listRuns(o?: RunFilter): Promise<LedgerRun[]>;
  runCounts(runId: string): Promise<RunCounts>;
  /** A finished run (a backtest) with its orders, transitions and fills, in one transaction. */
  recordRun(rec: RunRecording): Promise<void>;

  /** Persists an order as `new`, not sent: call before sending it. Idempotent by client order id. */
  persistOrder(runId: string, order: OrderRequest, ts: number): Promise<PersistResult>;
  /** Several orders persisted in one transaction (one commit), in order; all or none. */
  persistOrders(
    runId: string,
    orders: readonly { readonly order: OrderRequest; readonly ts: number }[],
  ): Promise<PersistResult[]>;
  markSent(runId: string, clientOrderId: string, ts: number, venueOrderId?: string): Promise<LedgerOrder>;
  /**
   * A trading session's journal entries, in order, in one transaction (one commit, so one sync
   * to disk for all of them), each as its ledger call would write it. An entry that fails stops
   * the writing: the entries before it are committed, it and the ones after it are not, and its
   * error is thrown (as if each entry had been its own call, stopped at the first failure).
   */
  writeJournal(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  transitionOrder(runId: string, clientOrderId: string, change: StatusChange): Promise<TransitionResult>;
  recordFill(runId: string, fill: NewFill): Promise<FillResult>;
  getOrder(runId: string, clientOrderId: string): Promise<LedgerOrder | undefined>;
  listOrders(filter?: OrderFilter): Promise<LedgerOrder[]>;
  orderEvents(runId: string, clientOrderId: string): Promise<OrderEvent[]>;
  /** Every order's transitions of a run, by client order id, in the order they were recorded. */
  runOrderEvents(runId: string): Promise<Map<string, OrderEvent[]>>;
  listFills(runId: string, clientOrderId?: string): Promise<LedgerFill[]>;
  /** Persisted orders never sent (of one run, or all): a restart sends these once. */
  pendingSends(runId?: string): Promise<LedgerOrder[]>;
  /** What a restarted run resumes from: its orders not yet ended (sent or not) and its open positions. */
  loadOpenState(runId: string): Promise<OpenState>;

  positions(runId: string): Promise<LedgerPosition[]>;
  upsertPosition(position: LedgerPosition): Promise<void>;
  recordEquity(snapshot: EquitySnapshot): Promise<void>;
  equity(runId: string): Promise<EquitySnapshot[]>;
  recordRiskEvent(event: LedgerRiskEvent): Promise<void>;
  riskEvents(runId?: string): Promise<LedgerRiskEvent[]>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit?: number): Promise<AuditEntry[]>;

  /** Takes a schedule's lock when free or expired, renews it when held by the same owner. */
  acquireSchedulerLock(req: LockRequest): Promise<LockResult>;
  /** Gives the lock up when `owner` holds it. */
  releaseSchedulerLock(name: string, owner: string): Promise<void>;
  schedulerLock(name: string): Promise<SchedulerLock | undefined>;
  /** Records a planned run of a job once; undefined when it was already claimed. */
  claimJobRun(run: NewJobRun): Promise<JobRun | undefined>;
  endJobRun(id: number, end: JobRunEnd): Promise<void>;
  /** Marks `running` runs of other owners `abandoned` (their scheduler lost the lock). */
  abandonJobRuns(schedule: string, owner: string, now: number): Promise<JobRun[]>;
  /** The latest planned instant recorded per job. */
  lastPlannedRuns(schedule: string): Promise<Map<string, number>>;
  jobRuns(filter: JobRunFilter): Promise<JobRun[]>;

  /** A day of a pipeline, or undefined when it never ran. */
  pipelineDay(name: string, date: string): Promise<PipelineDay | undefined>;
  /** Days of a pipeline (of every pipeline when `name` is undefined), latest date first. */
  pipelineDays(name?: string, limit?: number): Promise<PipelineDay[]>;
  /** Marks a day running: its one row made, or counted again on a rerun. */
  startPipelineDay(name: string, date: string, now: number): Promise<PipelineDay>;
  endPipelineDay(name: string, date: string, end: PipelineDayEnd): Promise<void>;
  /** A day's steps in their order. */
  pipelineSteps(name: string, date: string): Promise<PipelineStep[]>;
  /** A step starts (again): one row per pipeline, date and step, its attempts counted. */
  startPipelineStep(start: PipelineStepStart): Promise<void>;
  endPipelineStep(key: Omit<PipelineStepStart, 'startedAt'>, end: PipelineStepEnd): Promise<void>;

  /** Writes a trading node's heartbeat (creates its row, then replaces it). */
  beat(heartbeat: NodeHeartbeat): Promise<void>;
  /** Trading nodes' heartbeats, the latest beat first. */
  heartbeats(limit?: number): Promise<NodeHeartbeat[]>;
  /** Queues an operator's command for a node (`pending`). */
  issueAdminCommand(command: NewAdminCommand): Promise<AdminCommand>;
  adminCommand(id: number): Promise<AdminCommand | undefined>;
  /** A node's commands not answered yet, in the order they were issued. */
  pendingAdminCommands(runId: string): Promise<AdminCommand[]>;
  /**
   * Answers a command still in one of the `from` statuses (default pending) with its audit
   * entry, in one transaction; `applied` is false when it was answered otherwise already.
   */
  answerAdminCommand(
    id: number,
    ack: AdminAck,
    audit: AuditEntry,
    from?: readonly AdminCommandStatus[],
  ): Promise<{ applied: boolean; command: AdminCommand | undefined }>;
  /** Stores a new API token (its secret's hash); an id already used is LEDGER_CONFLICT. */
  createToken(token: NewApiToken): Promise<ApiToken>;
  getToken(id: string): Promise<ApiToken | undefined>;
  /** Every token, revoked ones included, oldest first. */
  listTokens(): Promise<ApiToken[]>;
  /** Revokes a token at once (LEDGER_NOT_FOUND for an unknown id); it stays listed. */
  revokeToken(id: string, ts: number): Promise<ApiToken>;
  /** Records that a request carried the token. */
  touchToken(id: string, ts: number): Promise<void>;

  /** Registers a new version of a model as a candidate (docs/ml/registry.md), audited. */
  registerModel(model: NewModelVersion, actor?: string): Promise<ModelVersion>;
  getModel(id: string): Promise<ModelVersion | undefined>;
  /** Versions newest first, without their artifacts. */
  listModels(filter?: ModelFilter): Promise<ModelSummary[]>;
  /**
   * Moves a version's stage with its audit entry (LEDGER_NOT_FOUND for an unknown id); moving one
   * to production retires the name's previous production version.
   */
  setModelStage(id: string, move: models.StageMove): Promise<ModelVersion>;

  /** A sweep submitted to the queue and its trial ids (docs/scale.md, "Many machines"). */
  registerQueuedSweep(
    sweep: Omit<sweepQueue.QueuedSweep, 'status' | 'createdAt' | 'updatedAt'>,
    trials: readonly { readonly trialId: string; readonly index: number }[],
    now: number,
  ): Promise<void>;
  getQueuedSweep(id: string): Promise<sweepQueue.QueuedSweep | undefined>;
  setQueuedSweepStatus(id: string, status: sweepQueue.QueuedSweepStatus, now: number): Promise<void>;
  queuedSweepTrials(id: string): Promise<{ trialId: string; index: number; ok: boolean | null }[]>;
  /** Stores a trial's outcome once per trial id; true when this call stored it. */
  recordTrialResult(r: sweepQueue.NewTrialResult): Promise<boolean>;
  trialResults(ids: readonly string[]): Promise<sweepQueue.TrialResult[]>;
  trialIdsSince(seq: number): Promise<{ seq: number; trialId: string }[]>;
  hasTrialResult(id: string): Promise<boolean>;
  lastTrialSeq(): Promise<number>;

  /** Writes a service job whole (docs/service.md, "Jobs"): made on its first write, replaced after. */
  saveJob(job: StoredJob): Promise<void>;
  getJob(id: string): Promise<StoredJob | undefined>;
  /** Service jobs, newest first. */
  listJobs(filter?: StoredJobFilter): Promise<StoredJob[]>;

  close(): Promise<void>;
}

class SqlLedger implements LedgerStore {
  readonly dialect: LedgerDialect;
  readonly location: string;
  readonly migration: MigrationReport;
  readonly #db: Kysely<LedgerTables>;
  /** SQLite's connection under `#db`, for bulk writes while holding `#db`'s one connection. */
  readonly #sqlite: BetterSqlite3.Database | undefined;
  readonly #release: () => Promise<void>;

  constructor(
    db: Kysely<LedgerTables>,
    dialect: LedgerDialect,
    location: string,
    migration: MigrationReport,
    release: () => Promise<void>,
    sqlite?: BetterSqlite3.Database,
  ) {
    this.#db = db;
    this.#sqlite = sqlite;
    this.#release = release;
    this.dialect = dialect;
    this.location = location;
    this.migration = migration;
  }

  startRun = (run: NewRun) => runs.insertRun(this.#db, run);
  endRun = (id: string, end: RunEnd) => runs.endRun(this.#db, id, end);
  getRun = (id: string) => runs.getRun(this.#db, id);
  listRuns = (o?: RunFilter) => runs.listRuns(this.#db, o);
  runCounts = (id: string) => runs.runCounts(this.#db, id);
  recordRun = async (rec: RunRecording): Promise<void> => {
    const sqlite = this.#sqlite;
    if (sqlite === undefined) return recordRunPostgres(this.#db, rec);
    // Holding the query layer's one connection keeps its other users out while the prepared
    // statements run (better-sqlite3 is synchronous, the transaction is whole).
    await this.#db.connection().execute(async () => writeRunSqlite(sqlite, rec));
  };

  persistOrder = (runId: string, order: OrderRequest, ts: number) => orders.persistOrder(this.#db, runId, order, ts);
  persistOrders = (runId: string, list: readonly { readonly order: OrderRequest; readonly ts: number }[]) =>
    persistOrders(this.#db, runId, list, this.dialect);
  markSent = (runId: string, id: string, ts: number, venueOrderId?: string) =>
    orders.markSent(this.#db, runId, id, ts, venueOrderId);
  writeJournal = async (runId: string, entries: readonly JournalEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    const sqlite = this.#sqlite;
    if (sqlite === undefined) return writeJournalBatch(this.#db, runId, entries);
    // As recordRun: holding the query layer's one connection keeps its other users out.
    await this.#db.connection().execute(async () => writeJournalSqlite(sqlite, runId, entries));
  };
  transitionOrder = (runId: string, id: string, change: StatusChange) =>
    orders.transitionOrder(this.#db, runId, id, change);
  recordFill = (runId: string, fill: NewFill) => fills.recordFill(this.#db, runId, fill);
  getOrder = (runId: string, id: string) => orders.getOrder(this.#db, runId, id);
  listOrders = (filter: OrderFilter = {}) => orders.listOrders(this.#db, filter);
  orderEvents = (runId: string, id: string) => orders.orderEvents(this.#db, runId, id);
  runOrderEvents = (runId: string) => orders.runOrderEvents(this.#db, runId);
  listFills = (runId: string, id?: string) => fills.listFills(this.#db, runId, id);
  pendingSends = (runId?: string) => orders.pendingSends(this.#db, runId);

  async loadOpenState(runId: string): Promise<OpenState> {
    await runs.requireRun(this.#db, runId);
    return {
      orders: await orders.openOrders(this.#db, runId),
      positions: await fills.listPositions(this.#db, runId, true),
    };
  }

  positions = (runId: string) => fills.listPositions(this.#db, runId);
  upsertPosition = (p: LedgerPosition) => fills.upsertPosition(this.#db, p);
  recordEquity = (s: EquitySnapshot) => journal.recordEquity(this.#db, s);
  equity = (runId: string) => journal.listEquity(this.#db, runId);
  recordRiskEvent = (e: LedgerRiskEvent) => journal.recordRiskEvent(this.#db, e);
  riskEvents = (runId?: string) => journal.listRiskEvents(this.#db, runId);
  audit = (a: AuditEntry) => journal.audit(this.#db, a);
  auditLog = (limit?: number) => journal.listAudit(this.#db, limit);

  acquireSchedulerLock = (req: LockRequest) => scheduler.acquireLock(this.#db, req);
  releaseSchedulerLock = (name: string, owner: string) => scheduler.releaseLock(this.#db, name, owner);
  schedulerLock = (name: string) => scheduler.getLock(this.#db, name);
  claimJobRun = (run: NewJobRun) => scheduler.claimRun(this.#db, run);
  endJobRun = (id: number, end: JobRunEnd) => scheduler.endRun(this.#db, id, end);
  abandonJobRuns = (schedule: string, owner: string, now: number) =>
    scheduler.abandonRuns(this.#db, schedule, owner, now);
  lastPlannedRuns = (schedule: string) => scheduler.lastPlanned(this.#db, schedule);
  jobRuns = (filter: JobRunFilter) => scheduler.listRuns(this.#db, filter);

  pipelineDay = (name: string, date: string) => pipeline.getDay(this.#db, name, date);
  pipelineDays = (name?: string, limit?: number) => pipeline.listDays(this.#db, name, limit);
  startPipelineDay = (name: string, date: string, now: number) => pipeline.startDay(this.#db, name, date, now);
  endPipelineDay = (name: string, date: string, end: PipelineDayEnd) => pipeline.endDay(this.#db, name, date, end);
  pipelineSteps = (name: string, date: string) => pipeline.listSteps(this.#db, name, date);
  startPipelineStep = (start: PipelineStepStart) => pipeline.startStep(this.#db, start);
  endPipelineStep = (key: Omit<PipelineStepStart, 'startedAt'>, end: PipelineStepEnd) =>
    pipeline.endStep(this.#db, key, end);

  beat = (h: NodeHeartbeat) => admin.beat(this.#db, h);
  heartbeats = (limit?: number) => admin.heartbeats(this.#db, limit);
  issueAdminCommand = (c: NewAdminCommand) => admin.insertCommand(this.#db, c);
  adminCommand = (id: number) => admin.getCommand(this.#db, id);
  pendingAdminCommands = (runId: string) => admin.pendingCommands(this.#db, runId);
  answerAdminCommand = (id: number, ack: AdminAck, entry: AuditEntry, from?: readonly AdminCommandStatus[]) =>
    admin.answerCommand(this.#db, id, ack, entry, from);
  createToken = (t: NewApiToken) => tokens.createToken(this.#db, t);
  getToken = (id: string) => tokens.getToken(this.#db, id);
  listTokens = () => tokens.listTokens(this.#db);
  revokeToken = (id: string, ts: number) => tokens.revokeToken(this.#db, id, ts);
  touchToken = (id: string, ts: number) => tokens.touchToken(this.#db, id, ts);
  registerModel = (m: NewModelVersion, actor?: string) => models.registerModel(this.#db, m, actor);
  getModel = (id: string) => models.getModel(this.#db, id);
  listModels = (f?: ModelFilter) => models.listModels(this.#db, f);
  registerQueuedSweep = (
    sweep: Omit<sweepQueue.QueuedSweep, 'status' | 'createdAt' | 'updatedAt'>,
    trials: readonly { readonly trialId: string; readonly index: number }[],
    now: number,
  ) => sweepQueue.registerQueuedSweep(this.#db, sweep, trials, now);
  getQueuedSweep = (id: string) => sweepQueue.getQueuedSweep(this.#db, id);
  setQueuedSweepStatus = (id: string, status: sweepQueue.QueuedSweepStatus, now: number) =>
    sweepQueue.setQueuedSweepStatus(this.#db, id, status, now);
  queuedSweepTrials = (id: string) => sweepQueue.queuedSweepTrials(this.#db, id);
  recordTrialResult = (r: sweepQueue.NewTrialResult) => sweepQueue.recordTrialResult(this.#db, r);
  trialResults = (ids: readonly string[]) => sweepQueue.trialResults(this.#db, ids);
  trialIdsSince = (seq: number) => sweepQueue.trialIdsSince(this.#db, seq);
  hasTrialResult = (id: string) => sweepQueue.hasTrialResult(this.#db, id);
  lastTrialSeq = () => sweepQueue.lastTrialSeq(this.#db);
  saveJob = (j: StoredJob) => jobs.saveJob(this.#db, j);
  getJob = (id: string) => jobs.getJob(this.#db, id);
  listJobs = (f?: StoredJobFilter) => jobs.listJobs(this.#db, f);
  setModelStage = (id: string, move: models.StageMove) => models.setModelStage(this.#db, id, move);

  #closed = false;
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#release();
  }
}

/**
 * The ledger with every call's failure passed through `ledgerFailure` (a damaged file is
 * LEDGER_CORRUPT whichever query meets the damage first).
 */
function guardedLedger(ledger: LedgerStore, target: LedgerTarget): LedgerStore {
  return new Proxy(ledger, {
    get(t, key) {
      const v: unknown = Reflect.get(t, key, t);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => guarded(target, async () => (v as (...a: unknown[]) => unknown).apply(t, args));
    },
  });
}

/** Opens a ledger at a target and migrates it to the latest schema. */
export async function openLedger(target: LedgerTarget): Promise<LedgerStore> {
  const location = describeTarget(target);
  if (target.dialect === 'sqlite') {
    const { db, sqlite, migration, release } = await guarded(target, () => acquireSqlite(target.file));
    return guardedLedger(new SqlLedger(db, 'sqlite', location, migration, release, sqlite), target);
  }
  const db = await openPostgres(target.url);
  try {
    const migration = await guarded(target, () => migrateLedger(db, 'postgres', location));
    return guardedLedger(new SqlLedger(db, 'postgres', location, migration, () => db.destroy()), target);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    throw e;
  }
}

/**
 * The workspace's ledger: `{home}/state/momentic.db` (SQLite), or PostgreSQL when
 * `database.url` (`MOMENTIC_DATABASE_URL`) is set. Close it when done.
 */
export function createLedger(config: Pick<Config, 'database'>, home: string): Promise<LedgerStore> {
  return openLedger(ledgerTarget(config.database.url, home));
}

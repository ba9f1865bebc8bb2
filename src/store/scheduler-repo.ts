import { sql, type Kysely, type Selectable } from 'kysely';
import { ms, opt } from './rows.js';
import type { LedgerTables, SchedulerLocksTable, SchedulerRunsTable } from './tables.js';
import type {
  JobRun,
  JobRunEnd,
  JobRunFilter,
  JobRunStatus,
  LockRequest,
  LockResult,
  NewJobRun,
  SchedulerLock,
} from './scheduler-types.js';

/** The scheduler's lock and job runs (docs/operations.md, "Scheduler"). */
type Db = Kysely<LedgerTables>;

function lockFromRow(r: Selectable<SchedulerLocksTable>): SchedulerLock {
  return {
    name: r.name,
    owner: r.owner,
    acquiredAt: Number(r.acquired_at),
    heartbeatAt: Number(r.heartbeat_at),
    expiresAt: Number(r.expires_at),
  };
}

function runFromRow(r: Selectable<SchedulerRunsTable>): JobRun {
  return {
    id: Number(r.id),
    schedule: r.schedule,
    job: r.job,
    date: r.date,
    plannedAt: Number(r.planned_at),
    status: r.status as JobRunStatus,
    owner: r.owner,
    ...opt('startedAt', r.started_at === null ? null : Number(r.started_at)),
    ...opt('endedAt', r.ended_at === null ? null : Number(r.ended_at)),
    ...opt('exitCode', r.exit_code === null ? null : Number(r.exit_code)),
    ...opt('detail', r.detail),
    ...opt('logFile', r.log_file),
  };
}

export async function getLock(db: Db, name: string): Promise<SchedulerLock | undefined> {
  const row = await db.selectFrom('scheduler_locks').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : lockFromRow(row);
}

/**
 * Takes the lock when nobody has it or its holder let it expire, renews it when `owner` holds it;
 * one statement, so two schedulers asking at once cannot both win (PostgreSQL re-checks the
 * condition on the row it waited for; SQLite has one writer). A renewal keeps `acquired_at`.
 */
export async function acquireLock(db: Db, req: LockRequest): Promise<LockResult> {
  const now = ms(req.now, 'now');
  const expires = ms(req.now + req.ttlMs, 'expiresAt');
  const won = await db
    .insertInto('scheduler_locks')
    .values({ name: req.name, owner: req.owner, acquired_at: now, heartbeat_at: now, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          owner: req.owner,
          acquired_at: sql<number>`case when scheduler_locks.owner = ${req.owner} then scheduler_locks.acquired_at else ${now} end`,
          heartbeat_at: now,
          expires_at: expires,
        })
        .where((eb) =>
          eb.or([eb('scheduler_locks.owner', '=', req.owner), eb('scheduler_locks.expires_at', '<=', now)]),
        ),
    )
    .returning(['name', 'owner', 'acquired_at', 'heartbeat_at', 'expires_at'])
    .executeTakeFirst();
  if (won !== undefined) return { isHeld: true, lock: lockFromRow(won) };
  return { isHeld: false, lock: await getLock(db, req.name) };
}

/** Gives the lock up (a clean stop), so another scheduler need not wait for it to expire. */
export async function releaseLock(db: Db, name: string, owner: string): Promise<void> {
  await db.deleteFrom('scheduler_locks').where('name', '=', name).where('owner', '=', owner).execute();
}

/** Records a planned run once: undefined when it was claimed before (by any scheduler). */
export async function claimRun(db: Db, run: NewJobRun): Promise<JobRun | undefined> {
  const row = await db
    .insertInto('scheduler_runs')
    .values({
      schedule: run.schedule,
      job: run.job,
      date: run.date,
      planned_at: ms(run.plannedAt, 'plannedAt'),
      status: run.status,
      owner: run.owner,
      started_at: run.startedAt === undefined ? null : ms(run.startedAt, 'startedAt'),
      ended_at: null,
      exit_code: null,
      detail: run.detail ?? null,
      log_file: run.logFile ?? null,
    })
    .onConflict((oc) => oc.columns(['schedule', 'job', 'planned_at']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : runFromRow(row);
}

/** Ends a running run; a run already ended (abandoned by a takeover) keeps its first end. */
export async function endRun(db: Db, id: number, end: JobRunEnd): Promise<void> {
  await db
    .updateTable('scheduler_runs')
    .set({
      status: end.status,
      ended_at: ms(end.endedAt, 'endedAt'),
      exit_code: end.exitCode ?? null,
      detail: end.detail ?? null,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** Runs still `running` under another owner: that scheduler lost the lock before ending them. */
export async function abandonRuns(db: Db, schedule: string, owner: string, now: number): Promise<JobRun[]> {
  const rows = await db
    .updateTable('scheduler_runs')
    .set((eb) => ({
      status: 'abandoned',
      ended_at: ms(now, 'now'),
      detail: sql<string>`'its scheduler (' || ${eb.ref('owner')} || ') lost the lock before the run ended'`,
    }))
    .where('schedule', '=', schedule)
    .where('status', '=', 'running')
    .where('owner', '<>', owner)
    .returningAll()
    .execute();
  return rows.map(runFromRow);
}

/** The latest planned instant recorded per job of a schedule (any status). */
export async function lastPlanned(db: Db, schedule: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('scheduler_runs')
    .select(['job', (eb) => eb.fn.max('planned_at').as('last')])
    .where('schedule', '=', schedule)
    .groupBy('job')
    .execute();
  return new Map(rows.map((r) => [r.job, Number(r.last)]));
}

/** Runs of a schedule (or one job) by planned instant, oldest first; the latest `limit` when given. */
export async function listRuns(db: Db, f: JobRunFilter): Promise<JobRun[]> {
  let q = db.selectFrom('scheduler_runs').selectAll().where('schedule', '=', f.schedule);
  if (f.job !== undefined) q = q.where('job', '=', f.job);
  q = q.orderBy('planned_at', 'desc').orderBy('id', 'desc');
  if (f.limit !== undefined) q = q.limit(f.limit);
  const rows = await q.execute();
  return rows.reverse().map(runFromRow);
}

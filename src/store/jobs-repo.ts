import type { Kysely, Selectable } from 'kysely';
import { json, ms, opt } from './rows.js';
import type { LedgerTables, ServiceJobsTable } from './tables.js';
import type { StoredJob, StoredJobFilter } from './job-types.js';

/** The service's jobs (docs/service.md, "Jobs"). */
type Db = Kysely<LedgerTables>;

function jobFromRow(r: Selectable<ServiceJobsTable>): StoredJob {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    request: JSON.parse(r.request) as Record<string, unknown>,
    actor: r.actor,
    progress: Number(r.progress),
    message: r.message,
    resultId: r.result_id,
    error: r.error === null ? null : (JSON.parse(r.error) as Record<string, unknown>),
    server: r.server,
    createdAt: Number(r.created_at),
    ...opt('startedAt', r.started_at === null ? null : Number(r.started_at)),
    ...opt('endedAt', r.ended_at === null ? null : Number(r.ended_at)),
    updatedAt: Number(r.updated_at),
  };
}

/** Writes a job whole: its first write makes the row, later ones replace what changed. */
export async function saveJob(db: Db, j: StoredJob): Promise<void> {
  const changing = {
    status: j.status,
    progress: j.progress,
    message: j.message,
    result_id: j.resultId,
    error: j.error === null ? null : json(j.error),
    server: j.server,
    started_at: j.startedAt === undefined ? null : ms(j.startedAt, 'startedAt'),
    ended_at: j.endedAt === undefined ? null : ms(j.endedAt, 'endedAt'),
    updated_at: ms(j.updatedAt, 'updatedAt'),
  };
  await db
    .insertInto('service_jobs')
    .values({
      id: j.id,
      kind: j.kind,
      request: json(j.request),
      actor: j.actor,
      created_at: ms(j.createdAt, 'createdAt'),
      ...changing,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet(changing))
    .execute();
}

export async function getJob(db: Db, id: string): Promise<StoredJob | undefined> {
  const row = await db.selectFrom('service_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : jobFromRow(row);
}

/** Newest first. */
export async function listJobs(db: Db, f: StoredJobFilter = {}): Promise<StoredJob[]> {
  let q = db.selectFrom('service_jobs').selectAll();
  if (f.statuses !== undefined) {
    if (f.statuses.length === 0) return [];
    q = q.where('status', 'in', [...f.statuses]);
  }
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit ?? 200)
    .execute();
  return rows.map(jobFromRow);
}

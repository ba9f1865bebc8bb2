import type { Kysely } from 'kysely';
import type { OrderStatus } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { json, ms, runFromRow } from './rows.js';
import type { LedgerTables } from './tables.js';
import type { LedgerRun, NewRun, RunCounts, RunEnd, RunFilter } from './types.js';

type Db = Kysely<LedgerTables>;

export function runNotFound(id: string): DataError {
  return new DataError('LEDGER_NOT_FOUND', `no run ${id} in the ledger`, {
    hint: 'momentic runs ls lists the recorded runs',
    context: { value: id },
  });
}

export async function getRun(db: Db, id: string): Promise<LedgerRun | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : runFromRow(row);
}

export async function requireRun(db: Db, id: string): Promise<LedgerRun> {
  const run = await getRun(db, id);
  if (run === undefined) throw runNotFound(id);
  return run;
}

/**
 * Starts a run (status `running`). Starting it again with the same id, kind and strategy (a
 * restarted process resuming its run) changes nothing; the same id for another run is refused.
 */
export async function insertRun(db: Db, run: NewRun): Promise<{ created: boolean; run: LedgerRun }> {
  const inserted = await db
    .insertInto('runs')
    .values({
      id: run.id,
      kind: run.kind,
      strategy: run.strategy,
      params: json(run.params),
      spec: json(run.spec),
      started_at: ms(run.startedAt, 'startedAt'),
      finished_at: null,
      status: 'running',
      metrics: null,
      result_dir: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  const stored = await requireRun(db, run.id);
  if (inserted === undefined && (stored.kind !== run.kind || stored.strategy !== run.strategy)) {
    throw new DataError(
      'LEDGER_CONFLICT',
      `run ${run.id} is already recorded as a ${stored.kind} run of ${stored.strategy}`,
      {
        hint: 'give the new run its own id (runs are resumed only by the same kind and strategy)',
        context: { value: run.id },
      },
    );
  }
  return { created: inserted !== undefined, run: stored };
}

export async function endRun(db: Db, id: string, end: RunEnd): Promise<LedgerRun> {
  const r = await db
    .updateTable('runs')
    .set({
      status: end.status,
      finished_at: ms(end.finishedAt, 'finishedAt'),
      ...(end.metrics === undefined ? {} : { metrics: json(end.metrics) }),
      ...(end.resultDir === undefined ? {} : { result_dir: end.resultDir }),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw runNotFound(id);
  return requireRun(db, id);
}

/** Most recently started first; `offset` skips that many (paging). */
export async function listRuns(db: Db, o: RunFilter = {}): Promise<LedgerRun[]> {
  let q = db.selectFrom('runs').selectAll();
  if (o.kind !== undefined) q = q.where('kind', '=', o.kind);
  if (o.status !== undefined) q = q.where('status', '=', o.status);
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(o.limit ?? 20)
    .offset(o.offset ?? 0)
    .execute();
  return rows.map(runFromRow);
}

async function countOf(
  db: Db,
  table: 'order_events' | 'fills' | 'positions' | 'equity_snapshots' | 'risk_events',
  runId: string,
): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function runCounts(db: Db, runId: string): Promise<RunCounts> {
  await requireRun(db, runId);
  const byStatus = await db
    .selectFrom('orders')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const ordersByStatus: Partial<Record<OrderStatus, number>> = {};
  let orders = 0;
  for (const r of byStatus) {
    ordersByStatus[r.status as OrderStatus] = Number(r.n);
    orders += Number(r.n);
  }
  return {
    orders,
    ordersByStatus,
    orderEvents: await countOf(db, 'order_events', runId),
    fills: await countOf(db, 'fills', runId),
    positions: await countOf(db, 'positions', runId),
    equitySnapshots: await countOf(db, 'equity_snapshots', runId),
    riskEvents: await countOf(db, 'risk_events', runId),
  };
}

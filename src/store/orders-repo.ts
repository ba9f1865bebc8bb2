import type { Insertable, Kysely } from 'kysely';
import type { OrderStatus } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { openStatuses, statusesBefore } from '../core/order-state.js';
import type { OrderRequest } from '../core/order.js';
import { isForeignKeyViolation } from './db-errors.js';
import { ms, orderFromRow, orderToRow } from './rows.js';
import { runNotFound } from './runs-repo.js';
import type { LedgerTables, OrdersTable } from './tables.js';
import type { LedgerOrder, OrderEvent, OrderFilter, PersistResult, StatusChange, TransitionResult } from './types.js';

type Db = Kysely<LedgerTables>;

const OPEN = openStatuses();

export function orderNotFound(runId: string, clientOrderId: string): DataError {
  return new DataError('LEDGER_NOT_FOUND', `no order ${clientOrderId} in run ${runId}`, {
    hint: 'persist the order first (persistOrder); momentic orders ls --run RUN_ID lists a run’s orders',
    context: { key: 'client_order_id', value: clientOrderId, run: runId },
  });
}

export async function getOrder(db: Db, runId: string, clientOrderId: string): Promise<LedgerOrder | undefined> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('run_id', '=', runId)
    .where('client_order_id', '=', clientOrderId)
    .executeTakeFirst();
  return row === undefined ? undefined : orderFromRow(row);
}

async function requireOrder(db: Db, runId: string, clientOrderId: string): Promise<LedgerOrder> {
  const o = await getOrder(db, runId, clientOrderId);
  if (o === undefined) throw orderNotFound(runId, clientOrderId);
  return o;
}

/** The fields that make an order what it is: a retry must repeat them exactly. */
const IDENTITY = ['symbol', 'side', 'type', 'qty', 'tif', 'limitPrice', 'stopPrice'] as const;

/**
 * Writes an order as `new` and not sent, with its first event, before anything goes to the
 * venue. A retry with the same client order id and the same order changes nothing
 * (`created: false`); the same id for a different order is refused (LEDGER_CONFLICT).
 */
export async function persistOrder(db: Db, runId: string, req: OrderRequest, ts: number): Promise<PersistResult> {
  ms(ts, 'ts');
  return db.transaction().execute(async (trx) => persistIn(trx, runId, req, ts));
}

/** The row of an order persisted now: `new`, nothing filled, not sent. */
export function newOrderRow(runId: string, req: OrderRequest, ts: number): Insertable<OrdersTable> {
  ms(ts, 'ts');
  return orderToRow(runId, {
    ...req,
    status: 'new',
    filledQty: 0,
    avgPrice: NaN,
    fees: 0,
    createdAt: ts,
    updatedAt: ts,
    sent: false,
  });
}

async function persistIn(trx: Db, runId: string, req: OrderRequest, ts: number): Promise<PersistResult> {
  const row = newOrderRow(runId, req, ts);
  let inserted: { id: number } | undefined;
  try {
    inserted = await trx
      .insertInto('orders')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'client_order_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
  } catch (e) {
    if (isForeignKeyViolation(e)) throw runNotFound(runId);
    throw e;
  }
  if (inserted !== undefined) {
    await trx
      .insertInto('order_events')
      .values({ run_id: runId, client_order_id: req.clientOrderId, status: 'new', ts, reason: null })
      .execute();
    return { created: true, order: await requireOrder(trx, runId, req.clientOrderId) };
  }
  const existing = await requireOrder(trx, runId, req.clientOrderId);
  const conflict = identityConflict(runId, existing, req);
  if (conflict !== undefined) throw conflict;
  return { created: false, order: existing };
}

/** LEDGER_CONFLICT when the order already under this client order id is not the same order, else undefined. */
export function identityConflict(runId: string, existing: LedgerOrder, req: OrderRequest): DataError | undefined {
  const differs = IDENTITY.filter((k) => existing[k] !== req[k]);
  if (differs.length === 0) return undefined;
  const k = differs[0] as (typeof IDENTITY)[number];
  return new DataError(
    'LEDGER_CONFLICT',
    `client order id ${req.clientOrderId} of run ${runId} is already an order with ${k} ${String(existing[k])}, not ${String(req[k])}`,
    {
      hint: 'a client order id names one order: derive a new id for a different order',
      context: { key: k, value: req.clientOrderId, run: runId },
    },
  );
}

/**
 * Moves an order to a new status and records the transition, in one transaction. The lifecycle
 * only goes forward (new -> accepted -> partially_filled -> an end): an order that has ended
 * never changes status again, and a change to the present or an earlier status is not a
 * transition; both come back with `applied: false`.
 */
export async function transitionOrder(
  db: Db,
  runId: string,
  clientOrderId: string,
  change: StatusChange,
): Promise<TransitionResult> {
  ms(change.ts, 'ts');
  return db.transaction().execute(async (trx) => {
    const applied = await transitionIn(trx, runId, clientOrderId, change, false);
    return { applied, order: await requireOrder(trx, runId, clientOrderId) };
  });
}

/**
 * `transitionOrder`'s writes inside the caller's transaction, without reading the order back:
 * whether the change applied; `check`: LEDGER_NOT_FOUND when there is no such order.
 */
export async function transitionIn(
  db: Db,
  runId: string,
  clientOrderId: string,
  change: StatusChange,
  check = true,
): Promise<boolean> {
  ms(change.ts, 'ts');
  const from = statusesBefore(change.status);
  const r =
    from.length === 0
      ? { numUpdatedRows: 0n }
      : await db
          .updateTable('orders')
          .set((eb) => ({
            status: change.status,
            updated_at: change.ts,
            ...(change.reason === undefined ? {} : { reason: change.reason }),
            venue_order_id: change.venueOrderId ?? eb.ref('venue_order_id'),
          }))
          .where('run_id', '=', runId)
          .where('client_order_id', '=', clientOrderId)
          .where('status', 'in', from)
          .executeTakeFirst();
  const applied = Number(r.numUpdatedRows) === 1;
  if (applied) {
    await db
      .insertInto('order_events')
      .values({
        run_id: runId,
        client_order_id: clientOrderId,
        status: change.status,
        ts: change.ts,
        reason: change.reason ?? null,
      })
      .execute();
  } else if (check) await requireExists(db, runId, clientOrderId);
  return applied;
}

async function requireExists(db: Db, runId: string, clientOrderId: string): Promise<void> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where('run_id', '=', runId)
    .where('client_order_id', '=', clientOrderId)
    .executeTakeFirst();
  if (row === undefined) throw orderNotFound(runId, clientOrderId);
}

/** The venue has the order (or said it already had it). Marking twice changes nothing. */
export async function markSent(
  db: Db,
  runId: string,
  clientOrderId: string,
  ts: number,
  venueOrderId?: string,
): Promise<LedgerOrder> {
  await markSentIn(db, runId, clientOrderId, ts, venueOrderId, false);
  return requireOrder(db, runId, clientOrderId);
}

/** `markSent`'s write, without reading the order back; `check`: LEDGER_NOT_FOUND when there is no such order. */
export async function markSentIn(
  db: Db,
  runId: string,
  clientOrderId: string,
  ts: number,
  venueOrderId: string | undefined,
  check = true,
): Promise<void> {
  ms(ts, 'ts');
  const r = await db
    .updateTable('orders')
    .set((eb) => ({ sent: 1, sent_at: ts, venue_order_id: venueOrderId ?? eb.ref('venue_order_id') }))
    .where('run_id', '=', runId)
    .where('client_order_id', '=', clientOrderId)
    .where('sent', '=', 0)
    .executeTakeFirst();
  if (check && Number(r.numUpdatedRows) === 0) await requireExists(db, runId, clientOrderId);
}

/** Orders of the filter, most recent first. */
export async function listOrders(db: Db, f: OrderFilter): Promise<LedgerOrder[]> {
  let q = db.selectFrom('orders').selectAll();
  if (f.runId !== undefined) q = q.where('run_id', '=', f.runId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.symbol !== undefined) q = q.where('symbol', '=', f.symbol);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0)
    .execute();
  return rows.map(orderFromRow);
}

/** The transitions of one order, in the order they were recorded. */
export async function orderEvents(db: Db, runId: string, clientOrderId: string): Promise<OrderEvent[]> {
  const rows = await db
    .selectFrom('order_events')
    .select(['status', 'ts', 'reason'])
    .where('run_id', '=', runId)
    .where('client_order_id', '=', clientOrderId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    status: r.status as OrderStatus,
    ts: Number(r.ts),
    ...(r.reason === null ? {} : { reason: r.reason }),
  }));
}

/** Every order's transitions of a run in one read (one pass over the run's rows), by order. */
export async function runOrderEvents(db: Db, runId: string): Promise<Map<string, OrderEvent[]>> {
  const rows = await db
    .selectFrom('order_events')
    .select(['client_order_id', 'status', 'ts', 'reason'])
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
  const out = new Map<string, OrderEvent[]>();
  for (const r of rows) {
    let list = out.get(r.client_order_id);
    if (list === undefined) out.set(r.client_order_id, (list = []));
    list.push({
      status: r.status as OrderStatus,
      ts: Number(r.ts),
      ...(r.reason === null ? {} : { reason: r.reason }),
    });
  }
  return out;
}

/** Orders of a run that have not ended, sent or not, in the order they were persisted. */
export async function openOrders(db: Db, runId: string): Promise<LedgerOrder[]> {
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .where('run_id', '=', runId)
    .where('status', 'in', OPEN)
    .orderBy('id')
    .execute();
  return rows.map(orderFromRow);
}

/** Orders persisted but never sent (a crash came between), oldest first: send these exactly once. */
export async function pendingSends(db: Db, runId?: string): Promise<LedgerOrder[]> {
  let q = db.selectFrom('orders').selectAll().where('sent', '=', 0).where('status', '=', 'new');
  if (runId !== undefined) q = q.where('run_id', '=', runId);
  const rows = await q.orderBy('id').execute();
  return rows.map(orderFromRow);
}

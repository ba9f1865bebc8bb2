import type { Kysely } from 'kysely';
import type { OrderRequest } from '../core/order.js';
import { isForeignKeyViolation } from './db-errors.js';
import type { LedgerDialect } from './migrations.js';
import { identityConflict, newOrderRow } from './orders-repo.js';
import { unnestInsert } from './pg-bulk.js';
import { ms, ORDER_ROW_COLUMNS, orderFromRow } from './rows.js';
import { runNotFound } from './runs-repo.js';
import type { LedgerTables } from './tables.js';
import type { LedgerOrder, PersistResult } from './types.js';

type Db = Kysely<LedgerTables>;

const EVENT_COLUMNS = ['run_id', 'client_order_id', 'status', 'ts', 'reason'] as const;

/**
 * Persists several orders in one transaction, in the given order (a session's orders of one bar:
 * one commit, so one sync to disk, instead of one each), with a few multi-row statements rather
 * than three per order. All or none.
 */
export async function persistOrders(
  db: Db,
  runId: string,
  orders: readonly { readonly order: OrderRequest; readonly ts: number }[],
  dialect: LedgerDialect = 'sqlite',
): Promise<PersistResult[]> {
  for (const o of orders) ms(o.ts, 'ts');
  return db.transaction().execute(async (trx) => {
    let created: boolean[];
    try {
      created = await persistManyIn(trx, runId, orders, dialect);
    } catch (e) {
      throw e instanceof EntryFailure ? e.error : e;
    }
    const byId = new Map<string, LedgerOrder>();
    for (const ids of chunks([...new Set(orders.map((o) => o.order.clientOrderId))], ROWS_PER_STATEMENT)) {
      const rows = await trx
        .selectFrom('orders')
        .selectAll()
        .where('run_id', '=', runId)
        .where('client_order_id', 'in', ids)
        .execute();
      for (const r of rows) byId.set(r.client_order_id, orderFromRow(r));
    }
    return orders.map((o, i) => ({
      created: created[i] as boolean,
      order: byId.get(o.order.clientOrderId) as LedgerOrder,
    }));
  });
}

/** Rows per multi-row statement: 22 bound values each stays well under SQLite's 32,766. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** The entry at `index` of a batch failed with `error` (the entries before it did not). */
export class EntryFailure {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

/**
 * `persistIn` for several orders inside the caller's transaction, with multi-row statements: the
 * orders inserted at once (a conflict leaves the one there), the events of those inserted, and the
 * ones found already there checked to be the same orders. Returns, per entry, whether it created
 * its order; throws an EntryFailure naming the first entry that fails as persistIn would.
 */
export async function persistManyIn(
  trx: Db,
  runId: string,
  list: readonly { readonly order: OrderRequest; readonly ts: number }[],
  dialect: LedgerDialect = 'sqlite',
): Promise<boolean[]> {
  const created: boolean[] = [];
  let start = 0;
  while (start < list.length) {
    // A piece ends before a client order id it already holds (its repeat must see the first).
    const ids = new Set<string>();
    let end = start;
    while (
      end < list.length &&
      end - start < ROWS_PER_STATEMENT &&
      !ids.has((list[end] as { order: OrderRequest }).order.clientOrderId)
    )
      ids.add((list[end++] as { order: OrderRequest }).order.clientOrderId);
    const piece = list.slice(start, end);
    const rows = piece.map((o, k) => {
      try {
        return newOrderRow(runId, o.order, o.ts);
      } catch (e) {
        throw new EntryFailure(start + k, e);
      }
    });
    let inserted: Set<string>;
    try {
      const back =
        dialect === 'postgres'
          ? ((await unnestInsert(trx, 'orders', ORDER_ROW_COLUMNS, rows, {
              on: ['run_id', 'client_order_id'],
              returning: 'client_order_id',
            })) as string[])
          : (
              await trx
                .insertInto('orders')
                .values(rows)
                .onConflict((oc) => oc.columns(['run_id', 'client_order_id']).doNothing())
                .returning('client_order_id')
                .execute()
            ).map((r) => r.client_order_id);
      inserted = new Set(back);
    } catch (e) {
      throw new EntryFailure(start, isForeignKeyViolation(e) ? runNotFound(runId) : e);
    }
    const events = piece
      .filter((o) => inserted.has(o.order.clientOrderId))
      .map((o) => ({ run_id: runId, client_order_id: o.order.clientOrderId, status: 'new', ts: o.ts, reason: null }));
    if (events.length > 0) {
      if (dialect === 'postgres') await unnestInsert(trx, 'order_events', EVENT_COLUMNS, events);
      else await trx.insertInto('order_events').values(events).execute();
    }
    const there = piece.filter((o) => !inserted.has(o.order.clientOrderId)).map((o) => o.order.clientOrderId);
    const existing = new Map<string, LedgerOrder>();
    if (there.length > 0) {
      const found = await trx
        .selectFrom('orders')
        .selectAll()
        .where('run_id', '=', runId)
        .where('client_order_id', 'in', there)
        .execute();
      for (const r of found) existing.set(r.client_order_id, orderFromRow(r));
    }
    piece.forEach((o, k) => {
      const isNew = inserted.has(o.order.clientOrderId);
      if (!isNew) {
        const conflict = identityConflict(runId, existing.get(o.order.clientOrderId) as LedgerOrder, o.order);
        if (conflict !== undefined) throw new EntryFailure(start + k, conflict);
      }
      created.push(isNew);
    });
    start = end;
  }
  return created;
}

import type { Kysely } from 'kysely';
import { isTerminal } from '../core/order-state.js';
import { isForeignKeyViolation } from './db-errors.js';
import { orderNotFound, getOrder } from './orders-repo.js';
import { applyFill, FLAT } from '../portfolio/position-math.js';
import { fillFromRow, fillToRow, positionFromRow, positionToRow, toDb } from './rows.js';
import type { LedgerTables } from './tables.js';
import type { FillResult, LedgerFill, LedgerOrder, LedgerPosition, NewFill } from './types.js';

type Db = Kysely<LedgerTables>;

/** A fill that leaves less than this fraction of the order open completes it (float residue). */
const FILLED_TOLERANCE = 1e-9;

export async function getPosition(db: Db, runId: string, symbol: string): Promise<LedgerPosition | undefined> {
  const row = await db
    .selectFrom('positions')
    .selectAll()
    .where('run_id', '=', runId)
    .where('symbol', '=', symbol)
    .executeTakeFirst();
  return row === undefined ? undefined : positionFromRow(row);
}

function flat(runId: string, symbol: string, ts: number): LedgerPosition {
  return { runId, symbol, ...FLAT, updatedAt: ts };
}

export async function upsertPosition(db: Db, p: LedgerPosition): Promise<void> {
  const row = positionToRow(p);
  await db
    .insertInto('positions')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['run_id', 'symbol']).doUpdateSet({
        qty: row.qty,
        avg_price: row.avg_price,
        realized_pnl: row.realized_pnl,
        fees: row.fees,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/**
 * Books a fill in one transaction: the fill row, the order's filled quantity, average price,
 * fees and status (`partially_filled`, or `filled` once the quantity is reached, with its event),
 * and the position. A fill whose `execId` was already booked changes nothing (`booked: false`).
 * A fill of an order that has already ended (a fill racing a cancel) is still booked into the
 * quantities and the position, but the order's status stays. A fill with `cumQty` books only
 * what the order lacks of that cumulative quantity, and nothing when it has it all.
 */
export async function recordFill(db: Db, runId: string, given: NewFill): Promise<FillResult> {
  return db.transaction().execute(async (trx) => {
    const order = await getOrder(trx, runId, given.clientOrderId);
    if (order === undefined) throw orderNotFound(runId, given.clientOrderId);
    const fill = given.cumQty === undefined ? given : { ...given, qty: lacking(order, given.qty, given.cumQty) };
    let inserted: { id: number } | undefined;
    if (given.cumQty === undefined || fill.qty > 0) {
      try {
        inserted = await trx
          .insertInto('fills')
          .values(fillToRow(runId, fill))
          .onConflict((oc) => oc.columns(['run_id', 'exec_id']).doNothing())
          .returning('id')
          .executeTakeFirst();
      } catch (e) {
        if (isForeignKeyViolation(e)) throw orderNotFound(runId, fill.clientOrderId);
        throw e;
      }
    }
    if (inserted === undefined) {
      const position = (await getPosition(trx, runId, fill.symbol)) ?? flat(runId, fill.symbol, fill.ts);
      return { booked: false, order, position };
    }
    const filledQty = order.filledQty + fill.qty;
    const avgPrice =
      order.filledQty === 0 ? fill.price : (order.avgPrice * order.filledQty + fill.price * fill.qty) / filledQty;
    const ended = isTerminal(order.status);
    const status = ended
      ? order.status
      : filledQty >= order.qty * (1 - FILLED_TOLERANCE)
        ? 'filled'
        : 'partially_filled';
    await trx
      .updateTable('orders')
      .set({
        filled_qty: filledQty,
        avg_price: toDb(avgPrice),
        fees: order.fees + fill.fee,
        status,
        updated_at: fill.ts,
      })
      .where('run_id', '=', runId)
      .where('client_order_id', '=', fill.clientOrderId)
      .execute();
    if (!ended) {
      await trx
        .insertInto('order_events')
        .values({ run_id: runId, client_order_id: fill.clientOrderId, status, ts: fill.ts, reason: null })
        .execute();
    }
    const before = (await getPosition(trx, runId, fill.symbol)) ?? flat(runId, fill.symbol, fill.ts);
    const position: LedgerPosition = {
      runId,
      symbol: fill.symbol,
      ...applyFill(before, fill.side, fill.qty, fill.price, fill.fee),
      updatedAt: fill.ts,
    };
    await upsertPosition(trx, position);
    return { booked: true, order: (await getOrder(trx, runId, fill.clientOrderId)) as LedgerOrder, position };
  });
}

/**
 * What a fill reaching `cumQty` in all adds to what the order has booked: at most its own
 * quantity, nothing (0) when the order has it all already (within float residue).
 */
function lacking(order: LedgerOrder, qty: number, cumQty: number): number {
  const missing = Math.min(qty, cumQty - order.filledQty);
  return missing > order.qty * FILLED_TOLERANCE ? missing : 0;
}

/** Fills of a run (or of one of its orders) in booking order. */
export async function listFills(db: Db, runId: string, clientOrderId?: string): Promise<LedgerFill[]> {
  let q = db.selectFrom('fills').selectAll().where('run_id', '=', runId);
  if (clientOrderId !== undefined) q = q.where('client_order_id', '=', clientOrderId);
  const rows = await q.orderBy('id').execute();
  return rows.map(fillFromRow);
}

/** Positions of a run; `open` keeps only the non-flat ones. */
export async function listPositions(db: Db, runId: string, open = false): Promise<LedgerPosition[]> {
  let q = db.selectFrom('positions').selectAll().where('run_id', '=', runId);
  if (open) q = q.where('qty', '!=', 0);
  const rows = await q.orderBy('symbol').execute();
  return rows.map(positionFromRow);
}

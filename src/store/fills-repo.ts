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

/** What a booked fill makes of its order's figures. */
export interface OrderFillFigures {
  readonly filledQty: number;
  readonly avgPrice: number;
  readonly fees: number;
  readonly status: LedgerOrder['status'];
  /** The order had already ended: its status stays and no event is recorded. */
  readonly ended: boolean;
}

/**
 * The order after a fill: quantities and the volume-weighted price grow, fees add up, and the
 * status becomes `partially_filled`, or `filled` once the quantity is reached; an order that has
 * already ended (a fill racing a cancel) keeps its status.
 */
export function orderAfterFill(
  order: Pick<LedgerOrder, 'qty' | 'filledQty' | 'avgPrice' | 'fees' | 'status'>,
  fill: Pick<NewFill, 'qty' | 'price' | 'fee'>,
): OrderFillFigures {
  const filledQty = order.filledQty + fill.qty;
  const avgPrice =
    order.filledQty === 0 ? fill.price : (order.avgPrice * order.filledQty + fill.price * fill.qty) / filledQty;
  const ended = isTerminal(order.status);
  const status = ended ? order.status : filledQty >= order.qty * (1 - FILLED_TOLERANCE) ? 'filled' : 'partially_filled';
  return { filledQty, avgPrice, fees: order.fees + fill.fee, status, ended };
}

/** The position after a fill (the ledger's copy of the portfolio's arithmetic). */
export function positionAfterFill(runId: string, before: LedgerPosition | undefined, fill: NewFill): LedgerPosition {
  const from = before ?? flat(runId, fill.symbol, fill.ts);
  return {
    runId,
    symbol: fill.symbol,
    ...applyFill(from, fill.side, fill.qty, fill.price, fill.fee),
    updatedAt: fill.ts,
  };
}

/**
 * Books a fill in one transaction: the fill row, the order's filled quantity, average price,
 * fees and status (`orderAfterFill`, with its event unless the order had ended), and the
 * position. A fill whose `execId` was already booked changes nothing (`booked: false`). A fill
 * with `cumQty` books only what the order lacks of that cumulative quantity, and nothing when it
 * has it all (an execution reconciliation adopted before its trade update came).
 */
export async function recordFill(db: Db, runId: string, fill: NewFill): Promise<FillResult> {
  return db.transaction().execute(async (trx) => {
    const booked = await recordFillIn(trx, runId, fill);
    const order = (await getOrder(trx, runId, fill.clientOrderId)) as LedgerOrder;
    const position = (await getPosition(trx, runId, fill.symbol)) ?? flat(runId, fill.symbol, fill.ts);
    return { booked, order, position };
  });
}

/** `recordFill`'s writes inside the caller's transaction, without reading the result back: whether it was booked. */
export async function recordFillIn(trx: Db, runId: string, given: NewFill): Promise<boolean> {
  let fill = given;
  if (given.cumQty !== undefined) {
    const before = await getOrder(trx, runId, given.clientOrderId);
    if (before === undefined) throw orderNotFound(runId, given.clientOrderId);
    const qty = lacking(before, given.qty, given.cumQty);
    if (qty === 0) return false;
    fill = { ...given, qty };
  }
  let inserted: { id: number } | undefined;
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
  if (inserted === undefined) return false;
  const order = (await getOrder(trx, runId, fill.clientOrderId)) as LedgerOrder;
  const next = orderAfterFill(order, fill);
  await trx
    .updateTable('orders')
    .set({
      filled_qty: next.filledQty,
      avg_price: toDb(next.avgPrice),
      fees: next.fees,
      status: next.status,
      updated_at: fill.ts,
    })
    .where('run_id', '=', runId)
    .where('client_order_id', '=', fill.clientOrderId)
    .execute();
  if (!next.ended) {
    await trx
      .insertInto('order_events')
      .values({ run_id: runId, client_order_id: fill.clientOrderId, status: next.status, ts: fill.ts, reason: null })
      .execute();
  }
  await upsertPosition(trx, positionAfterFill(runId, await getPosition(trx, runId, fill.symbol), fill));
  return true;
}

/**
 * What a fill reaching `cumQty` in all adds to what the order has booked: at most its own
 * quantity, nothing (0) when the order has it all already (within float residue).
 */
export function lacking(order: Pick<LedgerOrder, 'qty' | 'filledQty'>, qty: number, cumQty: number): number {
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

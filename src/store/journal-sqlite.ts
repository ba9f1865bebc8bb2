import type BetterSqlite3 from 'better-sqlite3';
import type { OrderStatus } from '../core/enums.js';
import { statusesBefore } from '../core/order-state.js';
import type { Selectable } from 'kysely';
import { isForeignKeyViolation } from './db-errors.js';
import { lacking, orderAfterFill, positionAfterFill } from './fills-repo.js';
import { identityConflict, orderNotFound } from './orders-repo.js';
import {
  fillToRow,
  fromDb,
  json,
  ms,
  ORDER_ROW_COLUMNS,
  orderFromRow,
  orderToRow,
  positionFromRow,
  positionToRow,
  toDb,
} from './rows.js';
import { runNotFound } from './runs-repo.js';
import type { OrdersTable, PositionsTable } from './tables.js';
import type { JournalEntry, NewFill } from './types.js';

/**
 * A session's journal written on SQLite with statements prepared once per connection (the query
 * layer compiles and prepares each query anew, which costs more than the write), one entry after
 * another in one `BEGIN IMMEDIATE` transaction: one commit, so one sync to disk, for every entry
 * of the batch. Each entry does what its ledger call does (JournalEntry), checks included.
 */

type Statement = BetterSqlite3.Statement;

interface Prepared {
  readonly insertOrder: Statement;
  readonly order: Statement;
  readonly orderExists: Statement;
  readonly insertEvent: Statement;
  readonly markSent: Statement;
  readonly transitions: Map<OrderStatus, Statement | null>;
  readonly insertFill: Statement;
  readonly fillOrder: Statement;
  readonly updateFilled: Statement;
  readonly position: Statement;
  readonly upsertPosition: Statement;
  readonly insertRisk: Statement;
}

const POSITION_COLUMNS = ['run_id', 'symbol', 'qty', 'avg_price', 'realized_pnl', 'fees', 'updated_at'] as const;

const prepared = new WeakMap<BetterSqlite3.Database, Prepared>();

function statements(db: BetterSqlite3.Database): Prepared {
  let p = prepared.get(db);
  if (p !== undefined) return p;
  const byOrder = 'where run_id = ? and client_order_id = ?';
  p = {
    insertOrder: db.prepare(
      `insert into orders (${ORDER_ROW_COLUMNS.join(', ')}) values (${ORDER_ROW_COLUMNS.map((c) => `@${c}`).join(', ')})
       on conflict (run_id, client_order_id) do nothing`,
    ),
    order: db.prepare(`select * from orders ${byOrder}`),
    orderExists: db.prepare(`select 1 from orders ${byOrder}`).pluck(),
    insertEvent: db.prepare(
      'insert into order_events (run_id, client_order_id, status, ts, reason) values (?, ?, ?, ?, ?)',
    ),
    markSent: db.prepare(
      `update orders set sent = 1, sent_at = ?, venue_order_id = coalesce(?, venue_order_id) ${byOrder} and sent = 0`,
    ),
    transitions: new Map(),
    insertFill: db.prepare(
      `insert into fills (run_id, client_order_id, exec_id, symbol, side, qty, price, fee, ts, liquidity)
       values (@run_id, @client_order_id, @exec_id, @symbol, @side, @qty, @price, @fee, @ts, @liquidity)
       on conflict (run_id, exec_id) do nothing`,
    ),
    fillOrder: db.prepare(`select qty, filled_qty, avg_price, fees, status from orders ${byOrder}`),
    updateFilled: db.prepare(
      `update orders set filled_qty = ?, avg_price = ?, fees = ?, status = ?, updated_at = ? ${byOrder}`,
    ),
    position: db.prepare('select * from positions where run_id = ? and symbol = ?'),
    upsertPosition: db.prepare(
      `insert into positions (${POSITION_COLUMNS.join(', ')}) values (${POSITION_COLUMNS.map((c) => `@${c}`).join(', ')})
       on conflict (run_id, symbol) do update set qty = excluded.qty, avg_price = excluded.avg_price,
         realized_pnl = excluded.realized_pnl, fees = excluded.fees, updated_at = excluded.updated_at`,
    ),
    insertRisk: db.prepare(
      `insert into risk_events (run_id, ts, kind, check_name, symbol, client_order_id, from_state, to_state, reason, detail)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  prepared.set(db, p);
  return p;
}

/** The update moving an order to `to` from the statuses before it (null when none comes before it). */
function transitionStatement(db: BetterSqlite3.Database, p: Prepared, to: OrderStatus): Statement | null {
  let s = p.transitions.get(to);
  if (s === undefined) {
    const from = statusesBefore(to);
    s =
      from.length === 0
        ? null
        : db.prepare(
            `update orders set status = ?, updated_at = ?, reason = coalesce(?, reason),
               venue_order_id = coalesce(?, venue_order_id)
             where run_id = ? and client_order_id = ? and status in (${from.map((f) => `'${f}'`).join(', ')})`,
          );
    p.transitions.set(to, s);
  }
  return s;
}

function requireExists(p: Prepared, runId: string, clientOrderId: string): void {
  if (p.orderExists.get(runId, clientOrderId) === undefined) throw orderNotFound(runId, clientOrderId);
}

function persist(p: Prepared, runId: string, e: Extract<JournalEntry, { kind: 'persist' }>): void {
  const req = e.order;
  const ts = ms(e.ts, 'ts');
  const row = orderToRow(runId, {
    ...req,
    status: 'new',
    filledQty: 0,
    avgPrice: NaN,
    fees: 0,
    createdAt: ts,
    updatedAt: ts,
    sent: false,
  });
  let changes: number;
  try {
    changes = p.insertOrder.run(row).changes;
  } catch (err) {
    if (isForeignKeyViolation(err)) throw runNotFound(runId);
    throw err;
  }
  if (changes === 1) {
    p.insertEvent.run(runId, req.clientOrderId, 'new', ts, null);
    return;
  }
  const existing = orderFromRow(p.order.get(runId, req.clientOrderId) as Selectable<OrdersTable>);
  const conflict = identityConflict(runId, existing, req);
  if (conflict !== undefined) throw conflict;
}

function transition(
  db: BetterSqlite3.Database,
  p: Prepared,
  runId: string,
  e: Extract<JournalEntry, { kind: 'transition' }>,
): void {
  const c = e.change;
  const ts = ms(c.ts, 'ts');
  const update = transitionStatement(db, p, c.status);
  const applied =
    update !== null &&
    update.run(c.status, ts, c.reason ?? null, c.venueOrderId ?? null, runId, e.clientOrderId).changes === 1;
  if (applied) p.insertEvent.run(runId, e.clientOrderId, c.status, ts, c.reason ?? null);
  else requireExists(p, runId, e.clientOrderId);
}

function fill(p: Prepared, runId: string, given: NewFill): void {
  let f = given;
  if (given.cumQty !== undefined) {
    // Only what the order lacks of the venue's cumulative quantity (see recordFill).
    const o = p.fillOrder.get(runId, given.clientOrderId) as
      Pick<Selectable<OrdersTable>, 'qty' | 'filled_qty'> | undefined;
    if (o === undefined) throw orderNotFound(runId, given.clientOrderId);
    const qty = lacking({ qty: Number(o.qty), filledQty: Number(o.filled_qty) }, given.qty, given.cumQty);
    if (qty === 0) return;
    f = { ...given, qty };
  }
  let changes: number;
  try {
    changes = p.insertFill.run(fillToRow(runId, f)).changes;
  } catch (err) {
    if (isForeignKeyViolation(err)) throw orderNotFound(runId, f.clientOrderId);
    throw err;
  }
  if (changes === 0) return;
  const o = p.fillOrder.get(runId, f.clientOrderId) as Pick<
    Selectable<OrdersTable>,
    'qty' | 'filled_qty' | 'avg_price' | 'fees' | 'status'
  >;
  const next = orderAfterFill(
    {
      qty: Number(o.qty),
      filledQty: Number(o.filled_qty),
      avgPrice: fromDb(o.avg_price),
      fees: Number(o.fees),
      status: o.status as OrderStatus,
    },
    f,
  );
  p.updateFilled.run(next.filledQty, toDb(next.avgPrice), next.fees, next.status, f.ts, runId, f.clientOrderId);
  if (!next.ended) p.insertEvent.run(runId, f.clientOrderId, next.status, f.ts, null);
  const before = p.position.get(runId, f.symbol) as Selectable<PositionsTable> | undefined;
  p.upsertPosition.run(
    positionToRow(positionAfterFill(runId, before === undefined ? undefined : positionFromRow(before), f)),
  );
}

function apply(db: BetterSqlite3.Database, p: Prepared, runId: string, e: JournalEntry): void {
  switch (e.kind) {
    case 'persist':
      return persist(p, runId, e);
    case 'sent': {
      const ts = ms(e.ts, 'ts');
      if (p.markSent.run(ts, e.venueOrderId ?? null, runId, e.clientOrderId).changes === 0)
        requireExists(p, runId, e.clientOrderId);
      return;
    }
    case 'transition':
      return transition(db, p, runId, e);
    case 'fill':
      return fill(p, runId, e.fill);
    case 'risk': {
      const r = e.event;
      try {
        p.insertRisk.run(
          r.runId ?? null,
          ms(r.ts, 'ts'),
          r.kind,
          r.check ?? null,
          r.symbol ?? null,
          r.clientOrderId ?? null,
          r.fromState ?? null,
          r.toState ?? null,
          r.reason,
          r.detail === undefined ? null : json(r.detail),
        );
      } catch (err) {
        if (r.runId !== undefined && isForeignKeyViolation(err)) throw runNotFound(r.runId);
        throw err;
      }
      return;
    }
  }
}

/**
 * Writes the entries in one transaction. An entry that fails rolls the transaction back; the
 * entries before it are then written again in a transaction of their own and its error is
 * thrown: the file ends as if each entry had been its own call, in order, up to the failure.
 */
export function writeJournalSqlite(db: BetterSqlite3.Database, runId: string, entries: readonly JournalEntry[]): void {
  const p = statements(db);
  let failedAt = -1;
  let failure: unknown;
  const write = db.transaction((upTo: number) => {
    for (let i = 0; i < upTo; i++) {
      try {
        apply(db, p, runId, entries[i] as JournalEntry);
      } catch (e) {
        failedAt = i;
        failure = e;
        throw e;
      }
    }
  });
  try {
    write.immediate(entries.length);
    return;
  } catch (e) {
    if (failedAt < 0) throw e;
  }
  const upTo = failedAt;
  if (upTo > 0) write.immediate(upTo);
  throw failure;
}

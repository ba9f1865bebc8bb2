import { DataError } from '../core/errors.js';
import { applyFill, FLAT, type PositionFigures } from '../portfolio/position-math.js';
import { extraOf, json, ms, toDb } from './rows.js';
import type { RunRecording } from './types.js';

/**
 * The rows a finished run adds to the ledger, table by table, as flat arrays of values (row after
 * row, in column order) rather than one object per row: a 15,000-order backtest writes about
 * 75,000 rows, and both bulk paths (prepared statements on SQLite, `unnest` arrays on PostgreSQL)
 * only need the values. Insertion order is the recording's order, so auto-numbered ids are too.
 * Kept free of the query builder so recording a backtest does not load it.
 */
export interface TableRows {
  readonly table: 'runs' | 'orders' | 'order_events' | 'fills' | 'positions' | 'equity_snapshots';
  readonly columns: readonly string[];
  /** `rows x columns.length` values. */
  readonly values: unknown[];
  /**
   * The `run_id` of every row, bound once per statement rather than carried in `values` (it is
   * the same for all; not in `columns`). Absent for the runs table itself.
   */
  readonly runId?: string;
}

const RUN_COLUMNS = [
  'id', 'kind', 'strategy', 'params', 'spec', 'started_at', 'finished_at', 'status', 'metrics', 'result_dir',
] as const; // prettier-ignore
const ORDER_COLUMNS = [
  'client_order_id', 'venue_order_id', 'symbol', 'side', 'type', 'qty', 'limit_price', 'stop_price',
  'tif', 'status', 'filled_qty', 'avg_price', 'fees', 'reason', 'strategy', 'tag', 'extra', 'created_at',
  'updated_at', 'sent', 'sent_at',
] as const; // prettier-ignore
const EVENT_COLUMNS = ['client_order_id', 'status', 'ts', 'reason'] as const;
const FILL_COLUMNS = [
  'client_order_id', 'exec_id', 'symbol', 'side', 'qty', 'price', 'fee', 'ts', 'liquidity',
] as const; // prettier-ignore
const POSITION_COLUMNS = ['symbol', 'qty', 'avg_price', 'realized_pnl', 'fees', 'updated_at'] as const;
const EQUITY_COLUMNS = ['ts', 'equity', 'cash', 'gross_exposure', 'net_exposure'] as const;

export function conflict(message: string, value: string): DataError {
  return new DataError('LEDGER_CONFLICT', message, {
    hint: 'record each run once, with one order per client order id',
    context: { value },
  });
}

/**
 * A fill whose order the run does not list. The ledger's foreign keys would refuse it too; the
 * rows are checked here so that the writer in another thread can insert without asking the
 * database about each fill's order (see ledger-worker.ts).
 */
export function fillWithoutOrder(runId: string, clientOrderId: string): DataError {
  return new DataError(
    'LEDGER_NOT_FOUND',
    `run ${runId} has a fill of order ${clientOrderId}, which it does not list`,
    {
      hint: 'record every order a fill belongs to with the run (its orders and fills come from the same run)',
      context: { key: 'client_order_id', value: clientOrderId, run: runId },
    },
  );
}

/** A run already recorded (or a fill's execution id repeated) as the user reads it. */
export const runConflict = (runId: string): DataError =>
  conflict(`run ${runId} is already in the ledger (or repeats a fill's execution id)`, runId);

/** The run's own row. */
export function runRow(run: RunRecording['run']): TableRows {
  const values = [
    run.id, run.kind, run.strategy, json(run.params), json(run.spec), ms(run.startedAt, 'startedAt'),
    ms(run.finishedAt, 'finishedAt'), run.status, run.metrics === undefined ? null : json(run.metrics),
    run.resultDir ?? null,
  ]; // prettier-ignore
  return { table: 'runs', columns: RUN_COLUMNS, values };
}

/**
 * The rows under a run, in insertion order: its orders in their final state, each order's
 * transitions, the fills, the positions the fills leave (average cost, in fill order) and the
 * optional equity snapshots. Throws LEDGER_CONFLICT for a client order id listed twice,
 * LEDGER_NOT_FOUND for a fill of an order the run does not list and DATA_INVALID for a time that
 * is not whole epoch milliseconds, before anything is written.
 */
export function runContentRows(runId: string, rec: Omit<RunRecording, 'run'>): TableRows[] {
  return runContentPieces(runId, rec).next().value ?? [];
}

/**
 * The same rows in pieces of at most `perPiece` orders (with their transitions) or fills each,
 * the last piece ending with the positions and equity: a writer in another thread can insert one
 * piece while the next is built, rather than wait for the whole run's rows. Within each table
 * the rows keep the recording's order (auto-numbered ids are per table). A piece is built only
 * when asked for, so a conflict or bad time in a later piece throws after earlier pieces were
 * handed out: their writer must then roll back. With no `perPiece`, there is one piece.
 */
export function* runContentPieces(
  runId: string,
  rec: Omit<RunRecording, 'run'>,
  perPiece = Infinity,
): Generator<TableRows[], undefined> {
  const rows = new ContentRows(runId, perPiece);
  for (const { order, events } of rec.orders) {
    const piece = rows.addOrder(order, events);
    if (piece !== undefined) yield piece;
  }
  for (const fill of rec.fills) {
    const piece = rows.addFill(fill);
    if (piece !== undefined) yield piece;
  }
  yield rows.finish(rec.equity);
  return undefined;
}

/**
 * Builds a run's rows as its orders and fills become known, in pieces of at most `perPiece`
 * orders (with their transitions) or fills: a run still going can hand its ended orders to a
 * writer in another thread. Orders must come in the recording's order, and so must fills; the
 * two may interleave (each table's rows keep their own order, hence their auto-numbered ids).
 * `finish` returns the last piece: what is left, the positions the fills leave and the equity.
 */
export class ContentRows {
  readonly #runId: string;
  readonly #perPiece: number;
  readonly #ids = new Set<string>();
  /** Client order ids of fills whose order had not been added yet when they were. */
  readonly #unmatched = new Set<string>();
  // Filled by appending at the next index: a push of ~20 values per row cost more than the
  // inserts' binding for a 15,000-order run, and arrays sized up front (`new Array(n)`) are
  // holey, which the structured clone to the worker copies as slow sparse arrays.
  #orders: unknown[] = [];
  #events: unknown[] = [];
  #fills: unknown[] = [];
  #at = 0;
  #e = 0;
  #f = 0;
  #ordersInPiece = 0;
  #fillsInPiece = 0;
  readonly #positions = new Map<string, { figures: PositionFigures; ts: number }>();

  constructor(runId: string, perPiece = Infinity) {
    this.#runId = runId;
    this.#perPiece = perPiece;
  }

  /** Adds an order in its final state and its transitions; returns a full piece when one is ready. */
  addOrder(
    o: RunRecording['orders'][number]['order'],
    history: RunRecording['orders'][number]['events'],
  ): TableRows[] | undefined {
    const id = this.#runId;
    const cid = o.clientOrderId;
    if (this.#ids.has(cid)) throw conflict(`run ${id} lists client order id ${cid} twice`, cid);
    this.#ids.add(cid);
    const orders = this.#orders;
    let at = this.#at;
    orders[at++] = cid;
    orders[at++] = o.venueOrderId ?? null;
    orders[at++] = o.symbol;
    orders[at++] = o.side;
    orders[at++] = o.type;
    orders[at++] = o.qty;
    orders[at++] = o.limitPrice ?? null;
    orders[at++] = o.stopPrice ?? null;
    orders[at++] = o.tif;
    orders[at++] = o.status;
    orders[at++] = o.filledQty;
    orders[at++] = toDb(o.avgPrice);
    orders[at++] = o.fees;
    orders[at++] = o.reason ?? null;
    orders[at++] = o.strategy ?? null;
    orders[at++] = o.tag ?? null;
    orders[at++] = extraOf(o);
    orders[at++] = ms(o.createdAt, 'createdAt');
    orders[at++] = ms(o.updatedAt, 'updatedAt');
    orders[at++] = o.sent ? 1 : 0;
    orders[at++] = o.sentAt === undefined ? null : ms(o.sentAt, 'sentAt');
    this.#at = at;
    const events = this.#events;
    let e = this.#e;
    for (const h of history) {
      events[e++] = cid;
      events[e++] = h.status;
      events[e++] = ms(h.ts, 'event ts');
      events[e++] = h.reason ?? null;
    }
    this.#e = e;
    if (++this.#ordersInPiece < this.#perPiece) return undefined;
    const piece = this.#orderTables();
    this.#orders = [];
    this.#events = [];
    this.#at = this.#e = this.#ordersInPiece = 0;
    return piece;
  }

  /** Adds a fill (in booking order); returns a full piece when one is ready. */
  addFill(fill: RunRecording['fills'][number]): TableRows[] | undefined {
    const fills = this.#fills;
    let f = this.#f;
    if (!this.#ids.has(fill.clientOrderId)) this.#unmatched.add(fill.clientOrderId);
    fills[f++] = fill.clientOrderId;
    fills[f++] = fill.execId ?? null;
    fills[f++] = fill.symbol;
    fills[f++] = fill.side;
    fills[f++] = fill.qty;
    fills[f++] = fill.price;
    fills[f++] = fill.fee;
    fills[f++] = ms(fill.ts, 'fill ts');
    fills[f++] = fill.liquidity ?? null;
    this.#f = f;
    const p = this.#positions.get(fill.symbol)?.figures ?? FLAT;
    this.#positions.set(fill.symbol, {
      figures: applyFill(p, fill.side, fill.qty, fill.price, fill.fee),
      ts: fill.ts,
    });
    if (++this.#fillsInPiece < this.#perPiece) return undefined;
    const piece = [{ table: 'fills' as const, columns: FILL_COLUMNS, values: fills, runId: this.#runId }];
    this.#fills = [];
    this.#f = this.#fillsInPiece = 0;
    return piece;
  }

  /** The last piece: orders and fills not yet handed out, the positions and the equity snapshots. */
  finish(equitySnapshots: RunRecording['equity'] = []): TableRows[] {
    const id = this.#runId;
    for (const cid of this.#unmatched) if (!this.#ids.has(cid)) throw fillWithoutOrder(id, cid);
    const positionValues: unknown[] = [];
    for (const [symbol, { figures: p, ts }] of this.#positions) {
      positionValues.push(symbol, p.qty, toDb(p.avgPrice), p.realizedPnl, p.fees, ms(ts, 'updatedAt'));
    }
    const equity: unknown[] = [];
    for (const s of equitySnapshots ?? []) {
      equity.push(ms(s.ts, 'equity ts'), s.equity, s.cash, s.grossExposure, s.netExposure);
    }
    return [
      ...this.#orderTables(),
      { table: 'fills', columns: FILL_COLUMNS, values: this.#fills, runId: id },
      { table: 'positions', columns: POSITION_COLUMNS, values: positionValues, runId: id },
      { table: 'equity_snapshots', columns: EQUITY_COLUMNS, values: equity, runId: id },
    ];
  }

  #orderTables(): TableRows[] {
    return [
      { table: 'orders', columns: ORDER_COLUMNS, values: this.#orders, runId: this.#runId },
      { table: 'order_events', columns: EVENT_COLUMNS, values: this.#events, runId: this.#runId },
    ];
  }
}

/** Every row of a recording, the run's first (see runContentRows). */
export function recordingRows(rec: RunRecording): TableRows[] {
  const content = runContentRows(rec.run.id, rec);
  return [runRow(rec.run), ...content];
}

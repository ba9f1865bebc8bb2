import type { Insertable, Selectable } from 'kysely';
import type { OrderStatus, Side, TradingMode } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import type { FillsTable, OrdersTable, PositionsTable, RunsTable } from './tables.js';
import type { LedgerFill, LedgerOrder, LedgerPosition, LedgerRun, NewFill, RunStatus } from './types.js';

/** NaN (no value yet) is stored as NULL: SQLite has no NaN and the two databases must agree. */
export const toDb = (x: number): number | null => (Number.isNaN(x) ? null : x);
export const fromDb = (x: number | null): number => (x === null ? NaN : Number(x));

/** Times are whole epoch milliseconds; anything else is refused before it reaches a `bigint` column. */
export function ms(x: number, field: string): number {
  if (!Number.isSafeInteger(x)) {
    throw new DataError('DATA_INVALID', `${field} ${x} is not a whole number of epoch milliseconds`, {
      hint: 'pass times as integer epoch ms (Date.now(), Date.parse(iso))',
      context: { key: field, value: String(x) },
    });
  }
  return x;
}

export const json = (v: unknown): string => JSON.stringify(v);
export const parseJson = <T>(s: string | null): T | undefined => (s === null ? undefined : (JSON.parse(s) as T));
/** `{ key: v }`, or nothing when `v` is null or undefined (optional fields stay absent). */
export const opt = <K extends string, V>(key: K, v: V | null | undefined): { [P in K]?: V } =>
  (v === null || v === undefined ? {} : { [key]: v }) as { [P in K]?: V };

export function runFromRow(r: Selectable<RunsTable>): LedgerRun {
  return {
    id: r.id,
    kind: r.kind as TradingMode,
    strategy: r.strategy,
    params: JSON.parse(r.params) as Record<string, unknown>,
    spec: JSON.parse(r.spec) as Record<string, unknown>,
    startedAt: Number(r.started_at),
    status: r.status as RunStatus,
    ...opt('finishedAt', r.finished_at === null ? null : Number(r.finished_at)),
    ...opt('metrics', parseJson<Record<string, unknown>>(r.metrics)),
    ...opt('resultDir', r.result_dir),
  };
}

/** Fields of rarer order kinds, kept together in the `extra` JSON column. */
type OrderExtra = Pick<
  LedgerOrder,
  'trailAmount' | 'trailPercent' | 'orderClass' | 'takeProfit' | 'stopLoss' | 'parentId'
>;

export function extraOf(o: Omit<LedgerOrder, 'runId'>): string | null {
  // Most orders are simple: skip building an empty object for each of them.
  if (
    o.trailAmount == null &&
    o.trailPercent == null &&
    o.orderClass == null &&
    o.takeProfit == null &&
    o.stopLoss == null &&
    o.parentId == null
  )
    return null;
  const e: OrderExtra = {
    ...opt('trailAmount', o.trailAmount),
    ...opt('trailPercent', o.trailPercent),
    ...opt('orderClass', o.orderClass),
    ...opt('takeProfit', o.takeProfit),
    ...opt('stopLoss', o.stopLoss),
    ...opt('parentId', o.parentId),
  };
  return Object.keys(e).length === 0 ? null : json(e);
}

/** The columns of `orderToRow`'s row, in table order. */
export const ORDER_ROW_COLUMNS = [
  'run_id', 'client_order_id', 'venue_order_id', 'symbol', 'side', 'type', 'qty', 'limit_price', 'stop_price', 'tif',
  'status', 'filled_qty', 'avg_price', 'fees', 'reason', 'strategy', 'tag', 'extra', 'created_at', 'updated_at',
  'sent', 'sent_at',
] as const; // prettier-ignore

export function orderToRow(runId: string, o: Omit<LedgerOrder, 'runId'>): Insertable<OrdersTable> {
  return {
    run_id: runId,
    client_order_id: o.clientOrderId,
    venue_order_id: o.venueOrderId ?? null,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    limit_price: o.limitPrice ?? null,
    stop_price: o.stopPrice ?? null,
    tif: o.tif,
    status: o.status,
    filled_qty: o.filledQty,
    avg_price: toDb(o.avgPrice),
    fees: o.fees,
    reason: o.reason ?? null,
    strategy: o.strategy ?? null,
    tag: o.tag ?? null,
    extra: extraOf(o),
    created_at: ms(o.createdAt, 'createdAt'),
    updated_at: ms(o.updatedAt, 'updatedAt'),
    sent: o.sent ? 1 : 0,
    sent_at: o.sentAt === undefined ? null : ms(o.sentAt, 'sentAt'),
  };
}

export function orderFromRow(r: Selectable<OrdersTable>): LedgerOrder {
  const extra = parseJson<OrderExtra>(r.extra) ?? {};
  return {
    runId: r.run_id,
    clientOrderId: r.client_order_id,
    ...opt('venueOrderId', r.venue_order_id),
    symbol: r.symbol,
    side: r.side as Side,
    type: r.type as LedgerOrder['type'],
    qty: Number(r.qty),
    ...opt('limitPrice', r.limit_price === null ? null : Number(r.limit_price)),
    ...opt('stopPrice', r.stop_price === null ? null : Number(r.stop_price)),
    tif: r.tif as LedgerOrder['tif'],
    ...extra,
    status: r.status as OrderStatus,
    filledQty: Number(r.filled_qty),
    avgPrice: fromDb(r.avg_price),
    fees: Number(r.fees),
    ...opt('reason', r.reason),
    ...opt('strategy', r.strategy),
    ...opt('tag', r.tag),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    sent: Number(r.sent) === 1,
    ...opt('sentAt', r.sent_at === null ? null : Number(r.sent_at)),
  };
}

export function fillToRow(runId: string, f: NewFill): Insertable<FillsTable> {
  return {
    run_id: runId,
    client_order_id: f.clientOrderId,
    exec_id: f.execId ?? null,
    symbol: f.symbol,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    ts: ms(f.ts, 'fill ts'),
    liquidity: f.liquidity ?? null,
  };
}

export function fillFromRow(r: Selectable<FillsTable>): LedgerFill {
  return {
    runId: r.run_id,
    clientOrderId: r.client_order_id,
    ...opt('execId', r.exec_id),
    symbol: r.symbol,
    side: r.side as Side,
    qty: Number(r.qty),
    price: Number(r.price),
    fee: Number(r.fee),
    ts: Number(r.ts),
    ...opt('liquidity', r.liquidity as LedgerFill['liquidity'] | null),
  };
}

export function positionToRow(p: LedgerPosition): Insertable<PositionsTable> {
  return {
    run_id: p.runId,
    symbol: p.symbol,
    qty: p.qty,
    avg_price: toDb(p.avgPrice),
    realized_pnl: p.realizedPnl,
    fees: p.fees,
    updated_at: ms(p.updatedAt, 'updatedAt'),
  };
}

export function positionFromRow(r: Selectable<PositionsTable>): LedgerPosition {
  return {
    runId: r.run_id,
    symbol: r.symbol,
    qty: Number(r.qty),
    avgPrice: fromDb(r.avg_price),
    realizedPnl: Number(r.realized_pnl),
    fees: Number(r.fees),
    updatedAt: Number(r.updated_at),
  };
}

import { z } from 'zod';
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce, TradingMode } from '../../core/enums.js';
import type { AuditEntry, LedgerFill, LedgerOrder, LedgerPosition, LedgerRun, OrderEvent } from '../../store/types.js';
import { finiteOrNull, iso, isoOrNull } from './common.js';

/** An order as `momentic orders ls --json` prints it, with its strategy, tag and send time. */
export const ledgerOrder = z
  .object({
    run_id: z.string(),
    client_order_id: z.string(),
    venue_order_id: z.string().nullable(),
    symbol: z.string(),
    side: z.enum(Object.values(Side)),
    type: z.enum(Object.values(OrderType)),
    qty: z.number(),
    limit_price: z.number().nullable(),
    stop_price: z.number().nullable(),
    tif: z.enum(Object.values(TimeInForce)),
    status: z.enum(Object.values(OrderStatus)),
    filled_qty: z.number(),
    avg_price: z.number().nullable(),
    fees: z.number(),
    reason: z.string().nullable(),
    strategy: z.string().nullable(),
    tag: z.string().nullable(),
    sent: z.boolean(),
    sent_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'LedgerOrder' });

export const orderEvent = z.object({
  status: z.enum(Object.values(OrderStatus)),
  ts: z.string(),
  reason: z.string().nullable(),
});

export const ledgerFill = z
  .object({
    run_id: z.string(),
    client_order_id: z.string(),
    exec_id: z.string().nullable(),
    symbol: z.string(),
    side: z.enum(Object.values(Side)),
    qty: z.number(),
    price: z.number(),
    fee: z.number(),
    ts: z.string(),
    liquidity: z.enum(Object.values(Liquidity)).nullable(),
  })
  .meta({ id: 'LedgerFill' });

export const ledgerPosition = z
  .object({
    run_id: z.string(),
    kind: z.enum(Object.values(TradingMode)),
    symbol: z.string(),
    qty: z.number().describe('signed: negative for a short'),
    avg_price: z.number().nullable().describe('average cost of the open quantity; null when flat'),
    realized_pnl: z.number().describe('gross realized P&L (fees apart)'),
    fees: z.number(),
    updated_at: z.string(),
  })
  .meta({ id: 'Position' });

export const auditEntry = z.object({
  ts: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export function toLedgerOrder(o: LedgerOrder): z.infer<typeof ledgerOrder> {
  return {
    run_id: o.runId,
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
    avg_price: finiteOrNull(o.avgPrice),
    fees: o.fees,
    reason: o.reason ?? null,
    strategy: o.strategy ?? null,
    tag: o.tag ?? null,
    sent: o.sent,
    sent_at: isoOrNull(o.sentAt),
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

export const toOrderEvent = (e: OrderEvent): z.infer<typeof orderEvent> => ({
  status: e.status,
  ts: iso(e.ts),
  reason: e.reason ?? null,
});

export const toLedgerFill = (f: LedgerFill): z.infer<typeof ledgerFill> => ({
  run_id: f.runId,
  client_order_id: f.clientOrderId,
  exec_id: f.execId ?? null,
  symbol: f.symbol,
  side: f.side,
  qty: f.qty,
  price: f.price,
  fee: f.fee,
  ts: iso(f.ts),
  liquidity: f.liquidity ?? null,
});

export const toPosition = (p: LedgerPosition, run: LedgerRun): z.infer<typeof ledgerPosition> => ({
  run_id: p.runId,
  kind: run.kind,
  symbol: p.symbol,
  qty: p.qty,
  avg_price: finiteOrNull(p.avgPrice),
  realized_pnl: p.realizedPnl,
  fees: p.fees,
  updated_at: iso(p.updatedAt),
});

export const toAuditEntry = (a: AuditEntry): z.infer<typeof auditEntry> => ({
  ts: iso(a.ts),
  actor: a.actor,
  action: a.action,
  subject: a.subject ?? null,
  detail: a.detail ?? null,
});

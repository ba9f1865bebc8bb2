import { createHash } from 'node:crypto';
import type { OrderRecord } from '../engine/ports.js';

/**
 * The canonical form of an orders list for golden tests and replays: one array per order, in
 * creation order, of the fields that define what was asked and what happened. NaN (no fill)
 * becomes null, as in JSON.
 */
export function canonicalOrders(orders: readonly OrderRecord[]): unknown[][] {
  return orders.map((o) => [
    o.clientOrderId,
    o.symbol,
    o.side,
    o.type,
    o.tif,
    o.qty,
    o.limitPrice ?? null,
    o.stopPrice ?? null,
    o.status,
    o.filledQty,
    Number.isNaN(o.avgFillPrice) ? null : o.avgFillPrice,
    o.fees,
    o.createdAt,
    o.updatedAt,
    o.reason ?? null,
  ]);
}

/** sha256 (hex) of the canonical orders list as JSON (shortest round-trip numbers, so exact). */
export function ordersHash(orders: readonly OrderRecord[]): string {
  return createHash('sha256')
    .update(JSON.stringify(canonicalOrders(orders)))
    .digest('hex');
}

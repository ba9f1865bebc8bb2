/**
 * What a session broadcasts as it trades to whoever watches it (the service's WebSocket feed,
 * src/server/ws): each order as it is journaled and at each change of status, each fill, each
 * row of the equity curve, the positions after each step, the signals, and the kill switch. A
 * port of plain calls in the domain's terms: the session knows nothing of sockets or JSON, and a
 * session without a feed pays nothing. Every call is synchronous and must not throw.
 */
import { TERMINAL_ORDER_STATUSES, type OrderStatus } from '../core/enums.js';
import type { Fill, OrderRequest } from '../core/order.js';
import type { Ledger } from '../engine/ports.js';
import type { SignalRecord } from '../engine/signal-record.js';
import type { EquityPoint } from '../portfolio/equity-curve.js';
import type { KillSwitchState } from '../risk/types.js';

/** An order now: what was asked, its status and what has filled. */
export interface BroadcastOrder {
  readonly request: OrderRequest;
  readonly status: OrderStatus;
  readonly filledQty: number;
  /** NaN before the first fill. */
  readonly avgFillPrice: number;
  readonly reason: string | undefined;
  /** When it entered `status` (session clock, epoch ms). */
  readonly ts: number;
}

/** A position after a step; `qty` 0 once it is flat. */
export interface BroadcastPosition {
  readonly symbol: string;
  /** Signed: negative is short. */
  readonly qty: number;
  /** NaN when flat. */
  readonly avgPrice: number;
  readonly marketValue: number;
  readonly unrealizedPnl: number;
}

export interface BroadcastRisk {
  readonly state: KillSwitchState;
  /** Why the kill switch is in `state` (undefined while it never left ACTIVE). */
  readonly reason: string | undefined;
  /** An operator's pause holds the strategy's new orders. */
  readonly isPaused: boolean;
  readonly ts: number;
}

export interface SessionBroadcast {
  order(runId: string, o: BroadcastOrder): void;
  fill(runId: string, f: Fill): void;
  equity(runId: string, p: EquityPoint): void;
  position(runId: string, p: BroadcastPosition): void;
  signal(runId: string, s: SignalRecord): void;
  risk(runId: string, r: BroadcastRisk): void;
}

interface Tracked {
  readonly request: OrderRequest;
  filledQty: number;
  notional: number;
}

/**
 * The OrderManager's journal with each call also shown on `feed`: every journaled order and
 * transition, and every fill, as the ledger records them. `lookup` gives the request of an order
 * the journal did not see placed (one carried over by a resumed session).
 */
export function journalWithBroadcast(
  inner: Ledger | undefined,
  feed: SessionBroadcast,
  runId: string,
  lookup: (clientOrderId: string) => OrderRequest | undefined,
): Ledger {
  const orders = new Map<string, Tracked>();
  const tracked = (id: string): Tracked | undefined => {
    let t = orders.get(id);
    if (t === undefined) {
      const request = lookup(id);
      if (request === undefined) return undefined;
      t = { request, filledQty: 0, notional: 0 };
      orders.set(id, t);
    }
    return t;
  };
  const show = (t: Tracked, status: OrderStatus, ts: number, reason: string | undefined): void =>
    feed.order(runId, {
      request: t.request,
      status,
      filledQty: t.filledQty,
      avgFillPrice: t.filledQty > 0 ? t.notional / t.filledQty : Number.NaN,
      reason,
      ts,
    });
  return {
    persist(order: OrderRequest, ts: number): void {
      inner?.persist(order, ts);
      const t: Tracked = { request: order, filledQty: 0, notional: 0 };
      orders.set(order.clientOrderId, t);
      show(t, 'new', ts, undefined);
    },
    markSent(clientOrderId: string, ts: number): void {
      inner?.markSent(clientOrderId, ts);
    },
    transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void {
      inner?.transition(clientOrderId, status, ts, reason);
      const t = tracked(clientOrderId);
      if (t === undefined) return;
      show(t, status, ts, reason);
      if (TERMINAL_ORDER_STATUSES.has(status)) orders.delete(clientOrderId);
    },
    fill(f: Fill): void {
      inner?.fill(f);
      const t = tracked(f.clientOrderId);
      if (t !== undefined) {
        t.filledQty += f.qty;
        t.notional += f.qty * f.price;
      }
      feed.fill(runId, f);
    },
  };
}

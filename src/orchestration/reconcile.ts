/**
 * Reconciliation of a session's ledger with the broker's books (docs/live.md, "Restart and
 * reconciliation"). The broker is the truth about what happened while we were away (a crash, a
 * lost connection): its executions of our orders are adopted, orders it ended are ended, and an
 * order we persisted but never marked sent is one it may already hold (sent just before a crash).
 * What cannot be explained (an open order we never placed, a position the fills do not account
 * for, an order we sent that the broker does not know) is reported; the session halts new
 * entries on it unless the operator adopts the broker's books (`--adopt`).
 */
import type { OrderStatus } from '../core/enums.js';
import { isTerminal } from '../core/order-state.js';
import type { BrokerFill, BrokerOrder, BrokerPosition } from '../engine/ports.js';
import { FLAT_TOLERANCE } from '../portfolio/position-math.js';
import type { LedgerOrder, LedgerPosition } from '../store/types.js';

/** The ledger's side: the session's orders not ended, its positions, and what it already booked. */
export interface LedgerBooks {
  readonly openOrders: readonly LedgerOrder[];
  readonly positions: readonly LedgerPosition[];
  /** Broker execution ids already booked as fills. */
  readonly execIds: ReadonlySet<string>;
  /** Whether a client order id is one of ours (any session of this ledger). */
  readonly isOurs: (clientOrderId: string) => boolean;
}

/** The broker's side, read just before planning. */
export interface BrokerBooks {
  readonly openOrders: readonly BrokerOrder[];
  /** The broker's view of each of the ledger's open orders (undefined: it has none). */
  readonly orders: ReadonlyMap<string, BrokerOrder | undefined>;
  /** Executions since the session's oldest open order (or its start). */
  readonly fills: readonly BrokerFill[];
  readonly positions: readonly BrokerPosition[];
}

export interface PositionMismatch {
  readonly symbol: string;
  /** The ledger's quantity once the adopted fills are booked. */
  readonly ledger: number;
  readonly broker: number;
}

/**
 * An execution to book, with the order's cumulative filled quantity through it: booked with it,
 * a fill the session's stream books meanwhile (a delayed update, a read racing the stream) is
 * not booked a second time (docs/ledger.md, `recordFill`).
 */
export interface AdoptedFill extends BrokerFill {
  readonly cumQty: number;
}

export interface ReconcilePlan {
  /** Persisted, never marked sent, but the broker has them: sent just before a crash. */
  readonly markSent: readonly { readonly clientOrderId: string; readonly venueOrderId?: string }[];
  /** Executions of our open orders the ledger lacks, oldest first. */
  readonly adoptFills: readonly AdoptedFill[];
  /** Orders the broker ended (cancelled, expired, rejected) while the ledger still has them open. */
  readonly endOrders: readonly { readonly clientOrderId: string; readonly status: OrderStatus }[];
  /** Orders the ledger says were sent and the broker does not know. */
  readonly lostOrders: readonly string[];
  /** Open orders at the broker that no session of ours placed. */
  readonly unknownOrders: readonly BrokerOrder[];
  /** Orders the broker filled further than the executions it reported explain. */
  readonly unexplainedFills: readonly {
    readonly clientOrderId: string;
    readonly broker: number;
    readonly ledger: number;
  }[];
  readonly positionMismatches: readonly PositionMismatch[];
  /** Nothing needs the operator: the session may trade. */
  readonly clean: boolean;
}

const signed = (side: 'buy' | 'sell', qty: number): number => (side === 'buy' ? qty : -qty);

/** Equal within the position arithmetic's flat tolerance, relative to the larger size. */
function sameQty(a: number, b: number): boolean {
  return Math.abs(a - b) <= FLAT_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

const byTime = (a: BrokerFill, b: BrokerFill): number =>
  a.ts - b.ts || (a.execId < b.execId ? -1 : a.execId > b.execId ? 1 : 0);

/** Each execution's order filled quantity through it: its own and its order's earlier executions. */
function cumulativeQty(fills: readonly BrokerFill[]): Map<BrokerFill, number> {
  const out = new Map<BrokerFill, number>();
  const sum = new Map<string, number>();
  for (const f of [...fills].sort(byTime)) {
    const cum = (sum.get(f.clientOrderId) ?? 0) + f.qty;
    sum.set(f.clientOrderId, cum);
    out.set(f, cum);
  }
  return out;
}

/** What reconciling would do; `applyReconcile` does it. Pure: the same books give the same plan. */
export function planReconcile(ledger: LedgerBooks, broker: BrokerBooks): ReconcilePlan {
  const markSent: { clientOrderId: string; venueOrderId?: string }[] = [];
  const endOrders: { clientOrderId: string; status: OrderStatus }[] = [];
  const lostOrders: string[] = [];
  const ours = new Map(ledger.openOrders.map((o) => [o.clientOrderId, o]));

  // Executions of our open orders the ledger lacks. Fills booked live carry no execution id (a
  // venue's stream reports cumulative quantities), so an order's first `filledQty` units of
  // executions are taken as the ones the ledger has; only the rest is adopted.
  const byOrder = new Map<string, BrokerFill[]>();
  for (const f of broker.fills) {
    if (ledger.execIds.has(f.execId) || !ours.has(f.clientOrderId)) continue;
    const list = byOrder.get(f.clientOrderId);
    if (list === undefined) byOrder.set(f.clientOrderId, [f]);
    else list.push(f);
  }
  const cumQty = cumulativeQty(broker.fills);
  const adoptFills: AdoptedFill[] = [];
  for (const [id, list] of byOrder) {
    let known = (ours.get(id) as LedgerOrder).filledQty;
    for (const f of list.sort(byTime)) {
      const cum = cumQty.get(f) as number;
      if (known <= 0 || sameQty(known, 0)) {
        adoptFills.push({ ...f, cumQty: cum });
      } else if (f.qty <= known || sameQty(f.qty, known)) {
        known -= f.qty;
      } else {
        adoptFills.push({ ...f, execId: `${f.execId}:rest`, qty: f.qty - known, cumQty: cum });
        known = 0;
      }
    }
  }
  adoptFills.sort(byTime);
  const adoptedQty = new Map<string, number>();
  for (const f of adoptFills) adoptedQty.set(f.clientOrderId, (adoptedQty.get(f.clientOrderId) ?? 0) + f.qty);

  const unexplainedFills: { clientOrderId: string; broker: number; ledger: number }[] = [];
  for (const order of ledger.openOrders) {
    const at = broker.orders.get(order.clientOrderId);
    if (at === undefined) {
      // Never sent: the outbox sends it on start. Sent: the broker acknowledged it once.
      if (order.sent) lostOrders.push(order.clientOrderId);
      continue;
    }
    if (!order.sent) {
      markSent.push({
        clientOrderId: order.clientOrderId,
        ...(at.venueOrderId === undefined ? {} : { venueOrderId: at.venueOrderId }),
      });
    }
    const filled = order.filledQty + (adoptedQty.get(order.clientOrderId) ?? 0);
    if (at.filledQty > filled && !sameQty(at.filledQty, filled)) {
      unexplainedFills.push({ clientOrderId: order.clientOrderId, broker: at.filledQty, ledger: filled });
    }
    // Filled orders end through their fills; the others end with the broker's status.
    if (isTerminal(at.status) && at.status !== 'filled') {
      endOrders.push({ clientOrderId: order.clientOrderId, status: at.status });
    }
  }

  const unknownOrders = broker.openOrders.filter((o) => !ours.has(o.clientOrderId) && !ledger.isOurs(o.clientOrderId));

  const expected = new Map<string, number>();
  for (const p of ledger.positions) expected.set(p.symbol, p.qty);
  for (const f of adoptFills) expected.set(f.symbol, (expected.get(f.symbol) ?? 0) + signed(f.side, f.qty));
  const held = new Map(broker.positions.map((p) => [p.symbol, p.qty]));
  const positionMismatches: PositionMismatch[] = [];
  for (const symbol of [...new Set([...expected.keys(), ...held.keys()])].sort()) {
    const mine = expected.get(symbol) ?? 0;
    const theirs = held.get(symbol) ?? 0;
    if (!sameQty(mine, theirs)) positionMismatches.push({ symbol, ledger: mine, broker: theirs });
  }

  return {
    markSent,
    adoptFills,
    endOrders,
    lostOrders,
    unknownOrders,
    unexplainedFills,
    positionMismatches,
    clean:
      lostOrders.length === 0 &&
      unknownOrders.length === 0 &&
      unexplainedFills.length === 0 &&
      positionMismatches.length === 0,
  };
}

/**
 * Reading both books and applying a reconciliation plan to the ledger (reconcile.ts plans).
 */
import type { BrokerAccount, BrokerOrder } from '../engine/ports.js';
import type { LedgerStore } from '../store/ledger.js';
import { planReconcile, type BrokerBooks, type LedgerBooks, type ReconcilePlan } from './reconcile.js';

/** Every order a session may have: more than any session places, so the read is whole. */
const ALL = Number.MAX_SAFE_INTEGER;

/** The session's ledger books and the broker's, read now. `since`: the session's start (epoch ms). */
export async function readBooks(
  store: LedgerStore,
  runId: string,
  broker: BrokerAccount,
  since: number,
): Promise<{ ledger: LedgerBooks; broker: BrokerBooks }> {
  const open = await store.loadOpenState(runId);
  const all = await store.listOrders({ runId, limit: ALL });
  const ids = new Set(all.map((o) => o.clientOrderId));
  const fills = await store.listFills(runId);
  const execIds = new Set<string>();
  for (const f of fills) if (f.execId !== undefined) execIds.add(f.execId);
  const positions = await store.positions(runId);

  const orders = new Map<string, BrokerOrder | undefined>();
  for (const o of open.orders) orders.set(o.clientOrderId, await broker.order(o.clientOrderId));
  const oldestOpen = open.orders.reduce((t, o) => Math.min(t, o.createdAt), since);
  return {
    ledger: { openOrders: open.orders, positions, execIds, isOurs: (id) => ids.has(id) },
    broker: {
      openOrders: await broker.openOrders(),
      orders,
      fills: await broker.fillsSince(oldestOpen),
      positions: await broker.positions(),
    },
  };
}

export interface ReconcileOutcome {
  readonly plan: ReconcilePlan;
  /** Whether the session may place new entries (clean, or the operator adopted the broker's books). */
  readonly canTrade: boolean;
  readonly adopted: boolean;
}

/**
 * Applies what the broker says happened: orders it holds are marked sent, its executions booked
 * (idempotent by execution id), orders it ended ended. With `adopt`, positions the fills do not
 * explain are set to the broker's and the decision is audited; otherwise they are left for the
 * operator and the session may not enter new positions.
 */
export async function applyReconcile(
  store: LedgerStore,
  runId: string,
  plan: ReconcilePlan,
  o: { readonly now: number; readonly adopt: boolean; readonly broker: BrokerBooks; readonly actor?: string },
): Promise<ReconcileOutcome> {
  for (const s of plan.markSent) {
    await store.markSent(runId, s.clientOrderId, o.now, s.venueOrderId);
    await store.transitionOrder(runId, s.clientOrderId, { status: 'accepted', ts: o.now });
  }
  for (const f of plan.adoptFills) {
    await store.recordFill(runId, {
      clientOrderId: f.clientOrderId,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      ts: f.ts,
      execId: f.execId,
      cumQty: f.cumQty,
    });
  }
  for (const e of plan.endOrders) {
    await store.transitionOrder(runId, e.clientOrderId, {
      status: e.status,
      ts: o.now,
      reason: 'ended at the broker while the session was away',
    });
  }
  if (plan.clean) return { plan, canTrade: true, adopted: false };
  if (!o.adopt) return { plan, canTrade: false, adopted: false };
  const held = new Map(o.broker.positions.map((p) => [p.symbol, p]));
  for (const m of plan.positionMismatches) {
    const at = held.get(m.symbol);
    const before = (await store.positions(runId)).find((p) => p.symbol === m.symbol);
    await store.upsertPosition({
      runId,
      symbol: m.symbol,
      qty: m.broker,
      avgPrice: at?.avgPrice ?? 0,
      realizedPnl: before?.realizedPnl ?? 0,
      fees: before?.fees ?? 0,
      updatedAt: o.now,
    });
  }
  await store.audit({
    ts: o.now,
    actor: o.actor ?? 'operator',
    action: 'reconcile.adopt',
    subject: runId,
    detail: {
      positions: plan.positionMismatches,
      unknown_orders: plan.unknownOrders.map((u) => u.clientOrderId),
      lost_orders: plan.lostOrders,
      unexplained_fills: plan.unexplainedFills,
    },
  });
  return { plan, canTrade: true, adopted: true };
}

/** Reads both books, plans and applies in one call (on start and every `live.reconcile_every`). */
export async function reconcileSession(
  store: LedgerStore,
  runId: string,
  broker: BrokerAccount,
  o: { readonly since: number; readonly now: number; readonly adopt: boolean; readonly actor?: string },
): Promise<ReconcileOutcome> {
  const books = await readBooks(store, runId, broker, o.since);
  const plan = planReconcile(books.ledger, books.broker);
  return applyReconcile(store, runId, plan, {
    now: o.now,
    adopt: o.adopt,
    broker: books.broker,
    ...(o.actor === undefined ? {} : { actor: o.actor }),
  });
}

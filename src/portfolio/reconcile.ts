/**
 * Reconciliation of our books (the ledger) against a broker snapshot (docs/ledger.md,
 * "Reconciliation"). Pure: the caller loads both sides; nothing is corrected here.
 */

/** An order as both sides describe it; `sent` is ours only (a broker's orders are sent by definition). */
export interface ReconcileOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly status: string;
  readonly filledQty: number;
  readonly sent?: boolean;
}

export interface ReconcilePosition {
  readonly symbol: string;
  /** Signed: negative for a short. */
  readonly qty: number;
}

/** One side: its open orders and its positions. */
export interface BookSnapshot {
  readonly orders: readonly ReconcileOrder[];
  readonly positions: readonly ReconcilePosition[];
}

export interface FieldDifference {
  readonly field: 'symbol' | 'side' | 'qty' | 'status' | 'filledQty';
  readonly ledger: string | number;
  readonly broker: string | number;
}

export interface OrderMismatch {
  readonly clientOrderId: string;
  readonly differences: readonly FieldDifference[];
}

export interface PositionMismatch {
  readonly symbol: string;
  readonly ledgerQty: number;
  readonly brokerQty: number;
}

export interface ReconciliationReport {
  /** True when nothing is missing, extra or mismatched (unsent orders do not count). */
  readonly isClean: boolean;
  readonly orders: {
    /** In the ledger and sent, not at the broker. */
    readonly missing: readonly ReconcileOrder[];
    /** At the broker, not in the ledger. */
    readonly extra: readonly ReconcileOrder[];
    readonly mismatched: readonly OrderMismatch[];
    /** In the ledger, never sent and not at the broker: the outbox sends these, nothing is wrong. */
    readonly unsent: readonly ReconcileOrder[];
  };
  readonly positions: {
    readonly missing: readonly ReconcilePosition[];
    readonly extra: readonly ReconcilePosition[];
    readonly mismatched: readonly PositionMismatch[];
  };
}

export interface ReconcileOptions {
  /** Quantities this close (relative to the larger, at least absolute) are equal; default 1e-9. */
  readonly tolerance?: number;
}

function sameQty(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

function orderDifferences(a: ReconcileOrder, b: ReconcileOrder, tol: number): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (a.symbol !== b.symbol) out.push({ field: 'symbol', ledger: a.symbol, broker: b.symbol });
  if (a.side !== b.side) out.push({ field: 'side', ledger: a.side, broker: b.side });
  if (!sameQty(a.qty, b.qty, tol)) out.push({ field: 'qty', ledger: a.qty, broker: b.qty });
  if (a.status !== b.status) out.push({ field: 'status', ledger: a.status, broker: b.status });
  if (!sameQty(a.filledQty, b.filledQty, tol))
    out.push({ field: 'filledQty', ledger: a.filledQty, broker: b.filledQty });
  return out;
}

/**
 * Matches orders by client order id and positions by symbol. Flat positions count as absent on
 * both sides. Each list keeps the order of its side's input.
 */
export function reconcile(
  ledger: BookSnapshot,
  broker: BookSnapshot,
  options: ReconcileOptions = {},
): ReconciliationReport {
  const tol = options.tolerance ?? 1e-9;
  const brokerOrders = new Map(broker.orders.map((o) => [o.clientOrderId, o]));
  const ledgerIds = new Set(ledger.orders.map((o) => o.clientOrderId));
  const missing: ReconcileOrder[] = [];
  const unsent: ReconcileOrder[] = [];
  const mismatched: OrderMismatch[] = [];
  for (const o of ledger.orders) {
    const b = brokerOrders.get(o.clientOrderId);
    if (b === undefined) (o.sent === false ? unsent : missing).push(o);
    else {
      const differences = orderDifferences(o, b, tol);
      if (differences.length > 0) mismatched.push({ clientOrderId: o.clientOrderId, differences });
    }
  }
  const extra = broker.orders.filter((o) => !ledgerIds.has(o.clientOrderId));

  const held = (ps: readonly ReconcilePosition[]) =>
    new Map(ps.filter((p) => !sameQty(p.qty, 0, tol)).map((p) => [p.symbol, p] as const));
  const ours = held(ledger.positions);
  const theirs = held(broker.positions);
  const posMissing = [...ours.values()].filter((p) => !theirs.has(p.symbol));
  const posExtra = [...theirs.values()].filter((p) => !ours.has(p.symbol));
  const posMismatched: PositionMismatch[] = [];
  for (const p of ours.values()) {
    const b = theirs.get(p.symbol);
    if (b !== undefined && !sameQty(p.qty, b.qty, tol))
      posMismatched.push({ symbol: p.symbol, ledgerQty: p.qty, brokerQty: b.qty });
  }
  return {
    isClean:
      missing.length + extra.length + mismatched.length + posMissing.length + posExtra.length + posMismatched.length ===
      0,
    orders: { missing, extra, mismatched, unsent },
    positions: { missing: posMissing, extra: posExtra, mismatched: posMismatched },
  };
}

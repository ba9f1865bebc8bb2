/**
 * The OrderManager (DESIGN.md: Strategy -> OrderManager -> RiskManager -> ExecutionClient): the
 * one keeper of every order on our side, in every mode, backtests included. It gates an order
 * (a reused client order id, the engine's warm-up, the pre-trade check), journals it before it
 * is sent (a restart resends what was never sent, once: client order ids are idempotent at the
 * venue), records each transition through the one order state machine, knows which orders are
 * open and how much open market orders still carry per symbol, and runs seed 004's execution
 * policies: cancel after a time unfilled, the partial-fill policy, retries of transient venue
 * errors with backoff, time-sliced (TWAP) parent orders, and no new entries in the first and
 * last minutes of a session. docs/orders.md.
 */
import type { OrderStatus } from '../core/enums.js';
import type { OrderRejection, OrderRequest } from '../core/order.js';
import { canTransition, isTerminal } from '../core/order-state.js';
import type {
  ExecutionClient,
  ExecutionEvent,
  ExecutionListener,
  Ledger,
  OrderRecord,
  PreTradeAccount,
  PreTradeCheck,
} from './ports.js';
import { ManagedOrder } from './managed-order.js';
import { DEFAULT_POLICIES, isTransient, type OrderPolicies } from './order-policies.js';
import { OpenOrders } from './open-orders.js';

export { ManagedOrder };
export * from './order-policies.js';

/** Where orders are journaled: the engine's `Ledger` port. */
export type OrderJournal = Ledger;

export interface OrderManagerOptions {
  readonly client: ExecutionClient;
  readonly now: () => number;
  /** Runs `fn` after `ms` on the run's clock (the engine's timers: simulated or real time). */
  readonly schedule: (ms: number, fn: () => void) => void;
  readonly journal?: OrderJournal;
  readonly policies?: Partial<OrderPolicies>;
  /** Symbols known up front (the run's), in slot order; others get a slot when first seen. */
  readonly symbols?: readonly string[];
  /** The pre-trade check (the risk manager) and the account it reads. */
  readonly risk?: PreTradeCheck;
  readonly account?: PreTradeAccount;
  /** The session of a symbol at a time, for the quiet windows (undefined: outside or unknown). */
  readonly session?: (symbol: string, ts: number) => { readonly open: number; readonly close: number } | undefined;
  /**
   * Keep ended orders for `order()` and `orders` (default true). The engine keeps only open ones:
   * a run's ended orders are the venue's records and the journal's rows.
   */
  readonly keepEnded?: boolean;
  /** The owner's handler of every booked event (the engine's); `subscribe` adds more. */
  readonly onEvent?: ExecutionListener;
  /** Called with a final venue error (after retries), e.g. the kill switch's venueError. */
  readonly onVenueError?: (message: string, ts: number) => void;
  readonly onVenueOk?: () => void;
  /** Client order ids used before (a resumed session's, from its ledger): never used again. */
  readonly usedIds?: readonly string[];
}

/** An order still working at the venue when a session restarts, as the ledger has it. */
export interface WorkingOrder {
  readonly request: OrderRequest;
  readonly status: OrderStatus;
  readonly filledQty: number;
  readonly createdAt: number;
  readonly sentAt: number;
  readonly updatedAt: number;
}

export type SubmitResult =
  { readonly ok: true; readonly clientOrderId: string } | { readonly ok: false; readonly reason: string };

export class OrderManager {
  /**
   * Told of each order refused before it was sent (a reused id, a gate, a quiet window, a
   * pre-trade denial): such an order is recorded as rejected but never journaled nor an event.
   */
  onDenied: ((rejection: OrderRejection, request: OrderRequest) => void) | undefined;
  readonly policies: OrderPolicies;
  /** Transitions the venue reported that the lifecycle does not allow (kept for audit, never applied). */
  readonly anomalies: string[] = [];
  readonly #o: OrderManagerOptions;
  readonly #books = new OpenOrders();
  /** Every order (managed, or denied before the venue), in creation order. */
  readonly #entries: (string | OrderRecord)[] = [];
  #seen: Set<string> | undefined;
  /** Whether `#seen` holds this run's entries yet (it is built on first need, then kept up). */
  #seenBuilt = false;
  /** Every order by id, ended ones too, when the owner keeps them (`keepEnded`). */
  readonly #kept: Map<string, ManagedOrder> | undefined;
  /** Whether an id the engine did not generate was used (a strategy's own id, a venue's leg). */
  #hasOtherIds = false;
  #seq = 0;
  #denied = 0;
  readonly #listeners: ExecutionListener[] = [];

  constructor(o: OrderManagerOptions) {
    this.#o = o;
    this.policies = { ...DEFAULT_POLICIES, ...o.policies };
    this.#kept = o.keepEnded === false ? undefined : new Map();
    for (const s of o.symbols ?? []) this.#books.slotOf(s);
    if (o.usedIds !== undefined && o.usedIds.length > 0) this.#seen = new Set(o.usedIds);
    o.client.subscribe((e) => this.#onEvent(e));
  }

  /** Every execution event, after the manager has booked it. */
  subscribe(listener: ExecutionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  get client(): ExecutionClient {
    return this.#o.client;
  }

  /** The order behind an id: an open one, or an ended one when the manager keeps them. */
  order(clientOrderId: string): ManagedOrder | undefined {
    return this.#kept?.get(clientOrderId) ?? this.#books.byId(clientOrderId);
  }

  /** The orders kept (every order with `keepEnded`, else the open ones), in creation order. */
  get orders(): readonly ManagedOrder[] {
    if (this.#kept !== undefined) return [...this.#kept.values()];
    return this.#books.all();
  }

  /** Signed quantity of a symbol: the sum of its fills. */
  position(symbol: string): number {
    return this.#books.position(this.#books.find(symbol));
  }

  hasOpen(slot: number): boolean {
    return this.#books.has(slot);
  }

  get openCount(): number {
    return this.#books.count;
  }

  /** Signed quantity of the symbol's open market orders not filled yet. */
  pendingQty(slot: number): number {
    return this.#books.pendingQty(slot);
  }

  /** Client order ids of open orders, optionally of one slot, in creation order. */
  openIds(slot?: number): string[] {
    return this.#books.ids(slot);
  }

  /**
   * Submits an order: a reused client order id, a gate reason, a quiet window or a pre-trade
   * denial refuses it (recorded as a rejected order, never sent); else it is journaled, then
   * sent (retrying transient errors).
   */
  submit(req: OrderRequest): SubmitResult {
    const reason = this.place(req);
    return reason === undefined ? { ok: true, clientOrderId: req.clientOrderId } : { ok: false, reason };
  }

  /**
   * The engine's order entry: `submit` with the symbol's slot known, the engine's gate reason
   * (warm-up, before the first bar) and whether the id came from the engine's per-symbol counter,
   * which only goes up (only an id the engine did not generate can have taken it before, so the
   * lookup is skipped while there is none). Returns the denial's reason, undefined when sent.
   */
  place(req: OrderRequest, slot = -1, isGenerated = false, gate?: string): string | undefined {
    const id = req.clientOrderId;
    const known = !(isGenerated && !this.#hasOtherIds) && this.#seenIds().has(id);
    const reason = known
      ? `client order id ${id} was already used in this run`
      : (gate ?? this.#quietWindow(req) ?? this.#o.risk?.check(req, this.#o.account as PreTradeAccount));
    const now = this.#o.now();
    if (reason !== undefined) {
      this.#deny(req, { clientOrderId: id, symbol: req.symbol, reason, source: 'risk', ts: now });
      return reason;
    }
    if (!isGenerated) this.#hasOtherIds = true;
    this.#o.journal?.persist(req, now);
    this.#send(this.#add(req, slot >= 0 ? slot : this.#books.slotOf(req.symbol), now), 1);
    return undefined;
  }

  /** Resends persisted orders that were never sent (after a restart): each exactly once. */
  resume(unsent: readonly OrderRequest[]): void {
    for (const req of unsent) {
      if (this.#seenIds().has(req.clientOrderId)) continue;
      this.#hasOtherIds = true;
      this.#send(this.#add(req, this.#books.slotOf(req.symbol), this.#o.now()), 1);
    }
  }

  /**
   * Orders an earlier run of the session left working at the venue (after a restart), managed
   * again without being sent: their fills are booked and journaled like any other, and the order
   * policies (the cancel timeout) apply to them.
   */
  adopt(open: readonly WorkingOrder[]): void {
    for (const o of open) {
      const id = o.request.clientOrderId;
      if (this.#books.byId(id) !== undefined) continue;
      this.#hasOtherIds = true;
      const m = this.#add(o.request, this.#books.slotOf(o.request.symbol), o.createdAt);
      m.sentAt = o.sentAt;
      if (o.status !== 'new') m.record('accepted', o.sentAt, undefined);
      if (o.filledQty > 0) {
        m.filledQty = o.filledQty;
        m.record('partially_filled', o.updatedAt, undefined);
      }
      const left = o.request.qty - o.filledQty;
      this.#books.setRemaining(m, o.request.side === 'buy' ? left : -left);
    }
  }

  cancel(clientOrderId: string): void {
    this.#o.client.cancel(clientOrderId);
  }

  /**
   * A parent order sliced in time (TWAP): `slices` child orders of qty / slices (the last takes
   * the rounding rest, in whole `lot`s), one every `intervalMs`, the first now. Returns the
   * children's ids.
   */
  submitTwap(parent: OrderRequest, slices: number, intervalMs: number, lot = 1): string[] {
    const per = Math.floor(parent.qty / slices / lot) * lot;
    const ids: string[] = [];
    for (let k = 0; k < slices; k++) {
      const qty = k === slices - 1 ? Math.round((parent.qty - per * (slices - 1)) / lot) * lot : per;
      if (!(qty > 0)) continue;
      const child: OrderRequest = { ...parent, qty, clientOrderId: `${parent.clientOrderId}.twap${k + 1}` };
      ids.push(child.clientOrderId);
      if (k === 0) this.submit(child);
      else this.#o.schedule(k * intervalMs, () => this.submit(child));
    }
    return ids;
  }

  /**
   * The orders from creation index `from` on, in creation order, and the index to continue from.
   * With `onlyEnded`, it stops at the first order still working (or not yet at the venue): a run
   * still going can hand its ended orders on, as their records no longer change, and the later
   * ones when they end. Without it, it is `records()` from `from` on.
   */
  recordsFrom(from: number, onlyEnded: boolean): { readonly records: OrderRecord[]; readonly next: number } {
    const out: OrderRecord[] = [];
    const client = this.#o.client;
    const entries = this.#entries;
    let i = from;
    for (; i < entries.length; i++) {
      const e = entries[i] as string | OrderRecord;
      if (typeof e !== 'string') out.push(e);
      else {
        const r = client.order(e);
        if (onlyEnded && (r === undefined || !isTerminal(r.status))) break;
        if (r !== undefined) out.push(r);
      }
    }
    return { records: out, next: i };
  }

  /** Every order in creation order with its final state (the venue's record where it has one). */
  records(): OrderRecord[] {
    const out: OrderRecord[] = [];
    const client = this.#o.client;
    for (const e of this.#entries) {
      if (typeof e !== 'string') out.push(e);
      else {
        const r = client.order(e);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  }

  #quietWindow(req: OrderRequest): string | undefined {
    const p = this.policies;
    if (this.#o.session === undefined || (p.quietOpenMs === 0 && p.quietCloseMs === 0)) return undefined;
    const pos = this.position(req.symbol);
    const signed = req.side === 'buy' ? req.qty : -req.qty;
    const reducing = pos !== 0 && Math.abs(pos + signed) < Math.abs(pos) && Math.sign(pos + signed) !== -Math.sign(pos);
    if (reducing) return undefined;
    const now = this.#o.now();
    const s = this.#o.session(req.symbol, now);
    if (s === undefined) return undefined;
    if (p.quietOpenMs > 0 && now < s.open + p.quietOpenMs)
      return `no new entries in the first ${p.quietOpenMs / 60_000} minutes of the session`;
    if (p.quietCloseMs > 0 && now >= s.close - p.quietCloseMs)
      return `no new entries in the last ${p.quietCloseMs / 60_000} minutes of the session`;
    return undefined;
  }

  #send(m: ManagedOrder, attempt: number): void {
    const id = m.request.clientOrderId;
    try {
      this.#o.client.submit(m.request);
      // The venue may have answered synchronously (a simulated rejection): sent all the same.
      m.sentAt = this.#o.now();
      this.#o.journal?.markSent(id, m.sentAt);
      if (this.policies.cancelAfterMs > 0 && !isTerminal(m.status)) {
        this.#o.schedule(this.policies.cancelAfterMs, () => this.#timeout(m));
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (isTransient(e) && attempt < this.policies.retries) {
        this.#o.schedule(this.policies.retryBaseMs * 2 ** (attempt - 1), () => this.#send(m, attempt + 1));
        return;
      }
      this.#o.onVenueError?.(message, this.#o.now());
      const reason = `venue error after ${attempt} attempt(s): ${message}`;
      this.#apply(m, 'rejected', this.#o.now(), reason);
      this.#emit({
        kind: 'rejected',
        ts: this.#o.now(),
        order: undefined,
        code: 'invalid_order',
        rejection: { clientOrderId: id, symbol: m.request.symbol, reason, source: 'venue', ts: this.#o.now() },
      });
    }
  }

  /** The order still works `cancelAfterMs` after it was sent: cancel it, and apply the partial-fill policy. */
  #timeout(m: ManagedOrder): void {
    if (isTerminal(m.status)) return;
    const ratio = m.filledQty / m.request.qty;
    m.outcome = m.filledQty === 0 ? 'timed_out' : ratio >= this.policies.minFillRatio ? 'accepted_partial' : 'unwound';
    this.#o.client.cancel(m.request.clientOrderId);
    if (m.outcome === 'unwound') {
      const r = m.request;
      this.submit({
        clientOrderId: `${r.clientOrderId}.unwind`,
        symbol: r.symbol,
        side: r.side === 'buy' ? 'sell' : 'buy',
        type: 'market',
        qty: m.filledQty,
        tif: 'day',
        ...(r.strategy === undefined ? {} : { strategy: r.strategy }),
        tag: 'unwind',
      });
    }
  }

  #onEvent(e: ExecutionEvent): void {
    // A broker answers after `submit` returned, its own retries spent: its acceptance says the
    // venue works, a `venue_unavailable` rejection is a venue error (N in a row halt the kill
    // switch). The simulated exchange accepts within `submit`, so it resets the count there.
    if (e.kind === 'accepted') this.#o.onVenueOk?.();
    else if (e.kind === 'rejected' && e.code === 'venue_unavailable') this.#o.onVenueError?.(e.rejection.reason, e.ts);
    this.#book(e);
    this.#emit(e);
  }

  #emit(e: ExecutionEvent): void {
    // The engine's handler first, called directly: every fill of a run passes here.
    this.#o.onEvent?.(e);
    const ls = this.#listeners;
    for (let i = 0; i < ls.length; i++) (ls[i] as ExecutionListener)(e);
  }

  #book(e: ExecutionEvent): void {
    const order = e.order;
    if (order === undefined) return; // a duplicate id the venue knew: the first order stands
    const id = order.clientOrderId;
    let m = this.#books.get(id, order.symbol);
    if (m === undefined) {
      if (this.#hasOtherIds && this.#seenIds().has(id)) {
        // An order that has ended hears of it again: kept for audit, never applied.
        this.anomalies.push(`${id}: ${e.kind} after ${this.#kept?.get(id)?.status ?? 'it ended'}`);
        return;
      }
      if (e.kind !== 'accepted') return;
      // Legs of brackets and OCO groups are created by the venue, not submitted here.
      this.#hasOtherIds = true;
      this.#o.journal?.persist(order, e.ts);
      this.#o.journal?.markSent(id, e.ts);
      m = this.#add(order, this.#books.slotOf(order.symbol), e.ts);
      m.sentAt = e.ts;
    }
    switch (e.kind) {
      case 'accepted':
        // The venue may have rounded the quantity down to the lot.
        this.#books.setRemaining(m, (order.side === 'buy' ? 1 : -1) * (order.qty - order.filledQty));
        this.#apply(m, 'accepted', e.ts, undefined);
        return;
      case 'partially_filled':
      case 'filled': {
        const f = e.fill;
        const signed = f.side === 'buy' ? f.qty : -f.qty;
        this.#books.addFill(m.slot, signed);
        m.filledQty += f.qty;
        this.#o.journal?.fill(f);
        this.#books.setRemaining(m, m.remaining - signed);
        this.#apply(m, e.kind, e.ts, undefined);
        return;
      }
      case 'rejected':
        this.#apply(m, 'rejected', e.ts, e.rejection.reason);
        return;
      default:
        this.#apply(m, e.kind, e.ts, e.reason);
    }
  }

  #apply(m: ManagedOrder, to: OrderStatus, ts: number, reason: string | undefined): void {
    if (!canTransition(m.status, to)) {
      this.anomalies.push(`${m.request.clientOrderId}: ${m.status} -> ${to} refused`);
      return;
    }
    m.status = to;
    m.record(to, ts, reason);
    this.#o.journal?.transition(m.request.clientOrderId, to, ts, reason);
    if (isTerminal(to)) this.#books.close(m);
  }

  #deny(req: OrderRequest, rejection: OrderRejection): void {
    const ts = rejection.ts;
    this.onDenied?.(rejection, req);
    this.#entries.push({
      ...req,
      id: `denied-${++this.#denied}`,
      status: 'rejected',
      filledQty: 0,
      avgFillPrice: NaN,
      createdAt: ts,
      updatedAt: ts,
      reason: rejection.reason,
      fees: 0,
      history: [
        { status: 'new', ts },
        { status: 'rejected', ts, reason: rejection.reason },
      ],
    });
  }

  /** Ids of the orders managed so far, built on first need: most runs never need it. */
  #seenIds(): Set<string> {
    if (!this.#seenBuilt) {
      const seen = (this.#seen ??= new Set());
      for (const e of this.#entries) if (typeof e === 'string') seen.add(e);
      this.#seenBuilt = true;
    }
    return this.#seen as Set<string>;
  }

  #add(req: OrderRequest, slot: number, ts: number): ManagedOrder {
    const m = new ManagedOrder(req, slot, this.#seq++, ts);
    // The id, not the order: an ended order is the venue's record (and the journal's), so a long
    // run does not keep one object per order alive unless asked to (`keepEnded`).
    this.#entries.push(req.clientOrderId);
    this.#seen?.add(req.clientOrderId);
    this.#kept?.set(req.clientOrderId, m);
    this.#books.open(m);
    return m;
  }
}

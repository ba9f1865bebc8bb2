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

/** Where orders are journaled: the engine's `Ledger` port. */
export type OrderJournal = Ledger;

export interface OrderPolicies {
  /** Cancel an order still working this long after it was sent (seed 004: 60 s); 0: never. */
  readonly cancelAfterMs: number;
  /**
   * When an order times out partly filled: at least this share filled is accepted (the rest is
   * cancelled); under it, the rest is cancelled and the filled part unwound at market (seed 004: 0.8).
   */
  readonly minFillRatio: number;
  /** Attempts for a transient venue error, and the first backoff (doubling each time). */
  readonly retries: number;
  readonly retryBaseMs: number;
  /** No new entries this long after a session opens and before it closes (seed 004: 5 min); 0: off. */
  readonly quietOpenMs: number;
  readonly quietCloseMs: number;
}

/** Seed 004's execution policies, for a run that asks for them (`orders:` in a run file). */
export const SEED_POLICIES: OrderPolicies = {
  cancelAfterMs: 60_000,
  minFillRatio: 0.8,
  retries: 3,
  retryBaseMs: 500,
  quietOpenMs: 5 * 60_000,
  quietCloseMs: 5 * 60_000,
};

/**
 * What a run gets unless it configures policies: transient errors retried, no timed
 * cancellation and no quiet windows. A timer of 60 s means nothing to a daily bar (the next
 * chance to fill is a day later), so timing policies are a choice of the run, not of a mode.
 */
export const DEFAULT_POLICIES: OrderPolicies = {
  ...SEED_POLICIES,
  cancelAfterMs: 0,
  quietOpenMs: 0,
  quietCloseMs: 0,
};

/** A venue error worth retrying (timeouts, 5xx, 429); anything else is final. */
export interface TransientError {
  readonly transient: true;
}

export function isTransient(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { transient?: unknown }).transient === true;
}

export interface ManagedOrder {
  readonly request: OrderRequest;
  /** The symbol's slot in the manager's books. */
  readonly slot: number;
  /** Creation order over all symbols. */
  readonly seq: number;
  status: OrderStatus;
  filledQty: number;
  /** Signed quantity still to fill while open (buys > 0); 0 once ended. */
  remaining: number;
  /** Market orders count toward the pending quantity; conditional ones (limit, stop, legs) do not. */
  readonly isMarket: boolean;
  sentAt: number;
  readonly history: { status: OrderStatus; ts: number; reason?: string }[];
  /** Set when the manager itself ended or unwound it (timeout, policy). */
  outcome?: 'timed_out' | 'accepted_partial' | 'unwound';
}

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
  /** Called with a final venue error (after retries), e.g. the kill switch's venueError. */
  readonly onVenueError?: (message: string, ts: number) => void;
  readonly onVenueOk?: () => void;
}

export type SubmitResult =
  { readonly ok: true; readonly clientOrderId: string } | { readonly ok: false; readonly reason: string };

/** How the engine submits: the symbol's slot, a gate reason, and whether the id came from its counter. */
export interface SubmitOptions {
  readonly slot?: number;
  /** Why the engine takes no orders now (before the first bar, warm-up): the order is denied. */
  readonly gate?: string | undefined;
  /**
   * The id came from the engine's per-symbol counter, which only goes up: only an id the engine
   * did not generate can have taken it before, so the lookup is skipped while there is none.
   */
  readonly isGenerated?: boolean;
}

const MARKET_TYPES: ReadonlySet<string> = new Set(['market', 'market_on_open', 'market_on_close']);

export class OrderManager {
  readonly policies: OrderPolicies;
  /** Transitions the venue reported that the lifecycle does not allow (kept for audit, never applied). */
  readonly anomalies: string[] = [];
  readonly #o: OrderManagerOptions;
  readonly #slots = new Map<string, number>();
  /**
   * Open orders per slot, in creation order: a symbol has a few, found by id with `===` on the
   * id string the order was submitted with (a Map would hash every fresh id string).
   */
  readonly #open: ManagedOrder[][] = [];
  #openCount = 0;
  #pendingQty = new Float64Array(16);
  #positions = new Float64Array(16);
  /** Every order (managed, or denied before the venue), in creation order. */
  readonly #entries: (ManagedOrder | OrderRecord)[] = [];
  /** Ids of managed orders, built on first need: most runs never need it. */
  #seen: Map<string, ManagedOrder> | undefined;
  /** Whether an id the engine did not generate was used (a strategy's own id, a venue's leg). */
  #hasOtherIds = false;
  #seq = 0;
  #denied = 0;
  readonly #listeners: ExecutionListener[] = [];

  constructor(o: OrderManagerOptions) {
    this.#o = o;
    this.policies = { ...DEFAULT_POLICIES, ...o.policies };
    for (const s of o.symbols ?? []) this.#slot(s);
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

  order(clientOrderId: string): ManagedOrder | undefined {
    return this.#seenIds().get(clientOrderId);
  }

  get orders(): readonly ManagedOrder[] {
    return this.#entries.filter((e): e is ManagedOrder => 'request' in e);
  }

  /** Signed quantity of a symbol: the sum of its fills. */
  position(symbol: string): number {
    const slot = this.#slots.get(symbol);
    return slot === undefined ? 0 : (this.#positions[slot] as number);
  }

  hasOpen(slot: number): boolean {
    return (this.#open[slot]?.length ?? 0) > 0;
  }

  get openCount(): number {
    return this.#openCount;
  }

  /** Signed quantity of the symbol's open market orders not filled yet. */
  pendingQty(slot: number): number {
    return this.#pendingQty[slot] ?? 0;
  }

  /** Client order ids of open orders, optionally of one slot, in creation order. */
  openIds(slot?: number): string[] {
    if (slot !== undefined) return (this.#open[slot] ?? []).map((o) => o.request.clientOrderId);
    return this.#open
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .map((o) => o.request.clientOrderId);
  }

  /**
   * Submits an order: a reused client order id, a gate reason, a quiet window or a pre-trade
   * denial refuses it (recorded as a rejected order, never sent); else it is journaled, then
   * sent (retrying transient errors).
   */
  submit(req: OrderRequest, so: SubmitOptions = {}): SubmitResult {
    const id = req.clientOrderId;
    const isGenerated = so.isGenerated === true;
    const known = !(isGenerated && !this.#hasOtherIds) && this.#seenIds().has(id);
    const reason = known
      ? `client order id ${id} was already used in this run`
      : (so.gate ?? this.#quietWindow(req) ?? this.#o.risk?.check(req, this.#o.account as PreTradeAccount));
    if (reason !== undefined) {
      const rejection: OrderRejection = {
        clientOrderId: id,
        symbol: req.symbol,
        reason,
        source: 'risk',
        ts: this.#o.now(),
      };
      this.#deny(req, rejection);
      return { ok: false, reason };
    }
    if (!isGenerated) this.#hasOtherIds = true;
    const now = this.#o.now();
    this.#o.journal?.persist(req, now);
    const m = this.#add(req, so.slot ?? this.#slot(req.symbol), 'new', now);
    this.#send(m, 1);
    return { ok: true, clientOrderId: id };
  }

  /** Resends persisted orders that were never sent (after a restart): each exactly once. */
  resume(unsent: readonly OrderRequest[]): void {
    for (const req of unsent) {
      if (this.#seenIds().has(req.clientOrderId)) continue;
      this.#hasOtherIds = true;
      this.#send(this.#add(req, this.#slot(req.symbol), 'new', this.#o.now()), 1);
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

  /** Every order in creation order with its final state (the venue's record where it has one). */
  records(): OrderRecord[] {
    const out: OrderRecord[] = [];
    const client = this.#o.client;
    for (const e of this.#entries) {
      if (!('request' in e)) out.push(e);
      else {
        const r = client.order(e.request.clientOrderId);
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
      this.#o.onVenueOk?.();
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
    this.#book(e);
    this.#emit(e);
  }

  #emit(e: ExecutionEvent): void {
    const ls = this.#listeners;
    for (let i = 0; i < ls.length; i++) (ls[i] as ExecutionListener)(e);
  }

  #book(e: ExecutionEvent): void {
    const order = e.order;
    if (order === undefined) return; // a duplicate id the venue knew: the first order stands
    const id = order.clientOrderId;
    let m = this.#find(id, order.symbol);
    if (m === undefined) {
      const known = this.#hasOtherIds ? this.#seenIds().get(id) : undefined;
      if (known !== undefined) {
        // An order that has ended hears of it again: kept for audit, never applied.
        this.anomalies.push(`${id}: ${e.kind} after ${known.status}`);
        return;
      }
      if (e.kind !== 'accepted') return;
      // Legs of brackets and OCO groups are created by the venue, not submitted here.
      this.#hasOtherIds = true;
      this.#o.journal?.persist(order, e.ts);
      this.#o.journal?.markSent(id, e.ts);
      m = this.#add(order, this.#slot(order.symbol), 'new', e.ts);
      m.sentAt = e.ts;
    }
    switch (e.kind) {
      case 'accepted':
        // The venue may have rounded the quantity down to the lot.
        this.#setRemaining(m, (order.side === 'buy' ? 1 : -1) * (order.qty - order.filledQty));
        this.#apply(m, 'accepted', e.ts, undefined);
        return;
      case 'partially_filled':
      case 'filled': {
        const f = e.fill;
        const signed = f.side === 'buy' ? f.qty : -f.qty;
        this.#positions[m.slot] = (this.#positions[m.slot] as number) + signed;
        m.filledQty += f.qty;
        this.#o.journal?.fill(f);
        this.#setRemaining(m, m.remaining - signed);
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
    m.history.push(reason === undefined ? { status: to, ts } : { status: to, ts, reason });
    this.#o.journal?.transition(m.request.clientOrderId, to, ts, reason);
    if (isTerminal(to)) this.#closeOpen(m);
  }

  #deny(req: OrderRequest, rejection: OrderRejection): void {
    const ts = rejection.ts;
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

  #slot(symbol: string): number {
    let slot = this.#slots.get(symbol);
    if (slot === undefined) {
      slot = this.#open.length;
      this.#slots.set(symbol, slot);
      this.#open.push([]);
      if (slot === this.#pendingQty.length) {
        const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
          const b = new Float64Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.#pendingQty = grow(this.#pendingQty);
        this.#positions = grow(this.#positions);
      }
    }
    return slot;
  }

  #seenIds(): Map<string, ManagedOrder> {
    if (this.#seen === undefined) {
      this.#seen = new Map();
      for (const e of this.#entries) if ('request' in e) this.#seen.set(e.request.clientOrderId, e);
    }
    return this.#seen;
  }

  #add(req: OrderRequest, slot: number, status: OrderStatus, ts: number): ManagedOrder {
    const m: ManagedOrder = {
      request: req,
      slot,
      seq: this.#seq++,
      status,
      filledQty: 0,
      remaining: 0,
      isMarket: MARKET_TYPES.has(req.type),
      sentAt: NaN,
      history: [{ status, ts }],
    };
    this.#entries.push(m);
    this.#seen?.set(req.clientOrderId, m);
    (this.#open[slot] as ManagedOrder[]).push(m);
    this.#openCount++;
    this.#setRemaining(m, req.side === 'buy' ? req.qty : -req.qty);
    return m;
  }

  #setRemaining(m: ManagedOrder, remaining: number): void {
    if (m.isMarket) this.#pendingQty[m.slot] = (this.#pendingQty[m.slot] as number) + remaining - m.remaining;
    m.remaining = remaining;
  }

  /** The open order with this id, looked up among its symbol's. */
  #find(id: string, symbol: string): ManagedOrder | undefined {
    const slot = this.#slots.get(symbol);
    if (slot === undefined) return undefined;
    const open = this.#open[slot] as ManagedOrder[];
    for (let i = 0; i < open.length; i++) if ((open[i] as ManagedOrder).request.clientOrderId === id) return open[i];
    return undefined;
  }

  #closeOpen(m: ManagedOrder): void {
    // Remove in place, keeping the order of the rest (no splice: it allocates the removed part).
    const open = this.#open[m.slot] as ManagedOrder[];
    let j = 0;
    for (let i = 0; i < open.length; i++) if (open[i] !== m) open[j++] = open[i] as ManagedOrder;
    if (j === open.length) return;
    while (open.length > j) open.pop();
    this.#openCount--;
    this.#setRemaining(m, 0);
    // No float residue once a symbol has no open order.
    if (open.length === 0) this.#pendingQty[m.slot] = 0;
  }
}

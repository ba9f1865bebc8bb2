/**
 * The OrderManager (DESIGN.md: Strategy -> OrderManager -> RiskManager -> ExecutionClient): owns
 * every order's lifecycle on our side, whatever the venue. It persists an order before sending
 * it (a restart resends what was never sent, once: client order ids are idempotent at the
 * venue), records each transition with its time, keeps positions as the sum of fills, and runs
 * seed 004's execution policies: cancel after a time unfilled, the partial-fill policy, retries
 * of transient venue errors with backoff, time-sliced (TWAP) parent orders, and no new entries
 * in the first and last minutes of a session. docs/orders.md.
 */
import type { OrderStatus } from '../core/enums.js';
import type { Fill, OrderRequest } from '../core/order.js';
import { canTransition, isTerminal } from '../core/order-state.js';
import type { ExecutionClient, ExecutionEvent } from './ports.js';

/** Where orders are persisted (the ledger). Every call happens before the effect it records. */
export interface OrderJournal {
  persist(order: OrderRequest, ts: number): void;
  markSent(clientOrderId: string, ts: number): void;
  transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void;
  fill(fill: Fill): void;
}

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

export const DEFAULT_POLICIES: OrderPolicies = {
  cancelAfterMs: 60_000,
  minFillRatio: 0.8,
  retries: 3,
  retryBaseMs: 500,
  quietOpenMs: 5 * 60_000,
  quietCloseMs: 5 * 60_000,
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
  status: OrderStatus;
  filledQty: number;
  sentAt: number;
  readonly history: { status: OrderStatus; ts: number; reason?: string }[];
  /** Set when the manager itself ended or unwound it (timeout, policy). */
  outcome?: 'timed_out' | 'accepted_partial' | 'unwound';
}

export interface OrderManagerOptions {
  readonly client: ExecutionClient;
  readonly now: () => number;
  /** Runs `fn` after `ms` (the clock's timer: real in live, simulated in tests). */
  readonly schedule: (ms: number, fn: () => void) => void;
  readonly journal?: OrderJournal;
  readonly policies?: Partial<OrderPolicies>;
  /** The session of a symbol at a time, for the quiet windows (undefined: outside or unknown). */
  readonly session?: (symbol: string, ts: number) => { readonly open: number; readonly close: number } | undefined;
  /** Called with a final venue error (after retries), e.g. the kill switch's venueError. */
  readonly onVenueError?: (message: string, ts: number) => void;
  readonly onVenueOk?: () => void;
}

export type SubmitResult =
  { readonly ok: true; readonly clientOrderId: string } | { readonly ok: false; readonly reason: string };

export class OrderManager {
  readonly policies: OrderPolicies;
  readonly #o: OrderManagerOptions;
  readonly #orders = new Map<string, ManagedOrder>();
  readonly #positions = new Map<string, number>();
  /** Transitions the venue reported that the lifecycle does not allow (kept for audit, never applied). */
  readonly anomalies: string[] = [];

  constructor(o: OrderManagerOptions) {
    this.#o = o;
    this.policies = { ...DEFAULT_POLICIES, ...o.policies };
    o.client.subscribe((e) => this.#onEvent(e));
  }

  order(clientOrderId: string): ManagedOrder | undefined {
    return this.#orders.get(clientOrderId);
  }

  get orders(): readonly ManagedOrder[] {
    return [...this.#orders.values()];
  }

  /** Signed quantity of a symbol: the sum of its fills. */
  position(symbol: string): number {
    return this.#positions.get(symbol) ?? 0;
  }

  /**
   * Submits an order: a reused client order id returns the existing order (idempotent), an entry
   * in a quiet window is refused; else it is persisted, then sent (retrying transient errors).
   */
  submit(req: OrderRequest): SubmitResult {
    if (this.#orders.has(req.clientOrderId)) return { ok: true, clientOrderId: req.clientOrderId };
    const quiet = this.#quietWindow(req);
    if (quiet !== undefined) return { ok: false, reason: quiet };
    const now = this.#o.now();
    this.#o.journal?.persist(req, now);
    const m: ManagedOrder = {
      request: req,
      status: 'new',
      filledQty: 0,
      sentAt: NaN,
      history: [{ status: 'new', ts: now }],
    };
    this.#orders.set(req.clientOrderId, m);
    this.#send(m, 1);
    return { ok: true, clientOrderId: req.clientOrderId };
  }

  /** Resends persisted orders that were never sent (after a restart): each exactly once. */
  resume(unsent: readonly OrderRequest[]): void {
    for (const req of unsent) {
      if (this.#orders.has(req.clientOrderId)) continue;
      const m: ManagedOrder = {
        request: req,
        status: 'new',
        filledQty: 0,
        sentAt: NaN,
        history: [{ status: 'new', ts: this.#o.now() }],
      };
      this.#orders.set(req.clientOrderId, m);
      this.#send(m, 1);
    }
  }

  cancel(clientOrderId: string): void {
    const m = this.#orders.get(clientOrderId);
    if (m !== undefined && !isTerminal(m.status)) this.#o.client.cancel(clientOrderId);
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
    if (now < s.open + p.quietOpenMs)
      return `no new entries in the first ${p.quietOpenMs / 60_000} minutes of the session`;
    if (now >= s.close - p.quietCloseMs)
      return `no new entries in the last ${p.quietCloseMs / 60_000} minutes of the session`;
    return undefined;
  }

  #send(m: ManagedOrder, attempt: number): void {
    const id = m.request.clientOrderId;
    try {
      this.#o.client.submit(m.request);
      m.sentAt = this.#o.now();
      this.#o.journal?.markSent(id, m.sentAt);
      this.#o.onVenueOk?.();
      if (this.policies.cancelAfterMs > 0) this.#o.schedule(this.policies.cancelAfterMs, () => this.#timeout(m));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (isTransient(e) && attempt < this.policies.retries) {
        this.#o.schedule(this.policies.retryBaseMs * 2 ** (attempt - 1), () => this.#send(m, attempt + 1));
        return;
      }
      this.#o.onVenueError?.(message, this.#o.now());
      this.#apply(m, 'rejected', this.#o.now(), `venue error after ${attempt} attempt(s): ${message}`);
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
    const id = e.kind === 'rejected' ? e.rejection.clientOrderId : e.order.clientOrderId;
    const m = this.#orders.get(id);
    if (m === undefined) return;
    if (e.kind === 'rejected' && e.order === undefined) return; // a duplicate id: the first order stands
    if (e.kind === 'partially_filled' || e.kind === 'filled') {
      if (isTerminal(m.status)) {
        this.anomalies.push(`${id}: ${e.kind} after ${m.status}`);
        return;
      }
      const signed = e.fill.side === 'buy' ? e.fill.qty : -e.fill.qty;
      this.#positions.set(e.fill.symbol, (this.#positions.get(e.fill.symbol) ?? 0) + signed);
      m.filledQty += e.fill.qty;
      this.#o.journal?.fill(e.fill);
    }
    const reason =
      e.kind === 'cancelled' || e.kind === 'expired'
        ? e.reason
        : e.kind === 'rejected'
          ? e.rejection.reason
          : undefined;
    this.#apply(m, e.kind, e.ts, reason);
  }

  #apply(m: ManagedOrder, to: OrderStatus, ts: number, reason?: string): void {
    if (!canTransition(m.status, to)) {
      this.anomalies.push(`${m.request.clientOrderId}: ${m.status} -> ${to} refused`);
      return;
    }
    m.status = to;
    m.history.push(reason === undefined ? { status: to, ts } : { status: to, ts, reason });
    this.#o.journal?.transition(m.request.clientOrderId, to, ts, reason);
  }
}

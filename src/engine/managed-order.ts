import type { OrderStatus } from '../core/enums.js';
import type { OrderRequest } from '../core/order.js';

export interface Transition {
  readonly status: OrderStatus;
  readonly ts: number;
  readonly reason?: string;
}

const MARKET_TYPES: ReadonlySet<string> = new Set(['market', 'market_on_open', 'market_on_close']);

/**
 * One order as the OrderManager keeps it. Its transitions are held in fields, not a list of
 * objects (an order-heavy backtest makes tens of thousands of orders): creation, acceptance,
 * any partial fills (rare) and its one end; `history` builds the list when asked.
 */
export class ManagedOrder {
  readonly request: OrderRequest;
  /** The symbol's slot in the manager's books. */
  readonly slot: number;
  /** Creation order over all symbols. */
  readonly seq: number;
  /** Market orders count toward the pending quantity; conditional ones (limit, stop, legs) do not. */
  readonly isMarket: boolean;
  status: OrderStatus = 'new';
  filledQty = 0;
  /** Signed quantity still to fill while open (buys > 0); 0 once ended. */
  remaining = 0;
  sentAt = NaN;
  /** Set when the manager itself ended or unwound it (timeout, policy). */
  outcome: 'timed_out' | 'accepted_partial' | 'unwound' | undefined;
  readonly createdAt: number;
  #acceptedAt = NaN;
  #partials: Transition[] | undefined;
  /** The end (filled, cancelled, rejected, expired) in fields: every order has one. */
  #endStatus: OrderStatus | undefined;
  #endTs = NaN;
  #endReason: string | undefined;
  #history: Transition[] | undefined;

  constructor(request: OrderRequest, slot: number, seq: number, createdAt: number) {
    this.request = request;
    this.slot = slot;
    this.seq = seq;
    this.createdAt = createdAt;
    this.isMarket = MARKET_TYPES.has(request.type);
  }

  /** Records a move the state machine allowed. */
  record(status: OrderStatus, ts: number, reason: string | undefined): void {
    this.status = status;
    this.#history = undefined;
    if (status === 'accepted') this.#acceptedAt = ts;
    else if (status === 'partially_filled') {
      (this.#partials ??= []).push(reason === undefined ? { status, ts } : { status, ts, reason });
    } else {
      this.#endStatus = status;
      this.#endTs = ts;
      this.#endReason = reason;
    }
  }

  /** Every transition, `new` first (one list until the next transition). */
  get history(): readonly Transition[] {
    if (this.#history === undefined) {
      const h: Transition[] = [{ status: 'new', ts: this.createdAt }];
      if (!Number.isNaN(this.#acceptedAt)) h.push({ status: 'accepted', ts: this.#acceptedAt });
      if (this.#partials !== undefined) h.push(...this.#partials);
      const end = this.#endStatus;
      if (end !== undefined) {
        const reason = this.#endReason;
        h.push(reason === undefined ? { status: end, ts: this.#endTs } : { status: end, ts: this.#endTs, reason });
      }
      this.#history = h;
    }
    return this.#history;
  }
}

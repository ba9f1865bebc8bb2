/**
 * One of our orders as the Alpaca client knows it: the request, the venue's id once it has one,
 * and the state reached so far through the one order state machine. `apply` folds any view of
 * the venue's order (a REST answer, a stream update, a poll after a reconnection) into the
 * events it implies, so a duplicate or replayed view yields nothing and a missed one is caught
 * up by the next: fills are the growth of the cumulative filled quantity, never the message.
 */
import { TERMINAL_ORDER_STATUSES, type OrderStatus } from '../../../core/enums.js';
import type { Fill, OrderRequest, OrderState } from '../../../core/order.js';
import { canTransition } from '../../../core/order-state.js';
import type { ExecutionEvent, OrderRecord, OrderTransition, RejectCode } from '../../../engine/ports.js';
import { statusOf } from './order-mapper.js';
import type { AlpacaOrder } from './schemas.js';

/** Quantities closer than this are equal (Alpaca writes up to 9 decimals). */
const QTY_EPS = 1e-9;

/** What a stream update adds to the order: this execution's quantity and price. */
export interface ExecutionHint {
  readonly qty?: number | null | undefined;
  readonly price?: number | null | undefined;
}

export class TrackedOrder {
  readonly request: OrderRequest;
  venueOrderId: string | undefined;
  /** Cancel asked by us; sent once the venue id is known. */
  isCancelWanted = false;
  /** The send failed and the venue could not say whether it has the order: a later poll decides. */
  isUnresolved = false;
  #status: OrderStatus = 'new';
  #filledQty = 0;
  #avgFillPrice = NaN;
  #updatedAt: number;
  #reason: string | undefined;
  readonly #createdAt: number;
  readonly #history: OrderTransition[];

  constructor(request: OrderRequest, ts: number) {
    this.request = request;
    this.#createdAt = ts;
    this.#updatedAt = ts;
    this.#history = [{ status: 'new', ts }];
  }

  get status(): OrderStatus {
    return this.#status;
  }
  get isDone(): boolean {
    return TERMINAL_ORDER_STATUSES.has(this.#status);
  }

  snapshot(): OrderState {
    return {
      ...this.request,
      id: this.request.clientOrderId,
      status: this.#status,
      filledQty: this.#filledQty,
      avgFillPrice: this.#avgFillPrice,
      createdAt: this.#createdAt,
      updatedAt: this.#updatedAt,
      ...(this.#reason === undefined ? {} : { reason: this.#reason }),
    };
  }

  record(): OrderRecord {
    return { ...this.snapshot(), fees: 0, history: [...this.#history] };
  }

  /** Ends the order as rejected (by us before sending, or by the venue's answer). */
  reject(code: RejectCode, reason: string, ts: number): ExecutionEvent[] {
    if (!this.#move('rejected', ts, reason)) return [];
    const order = this.snapshot();
    const rejection = {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      reason,
      source: 'venue' as const,
      ts,
    };
    return [{ kind: 'rejected', ts, order, code, rejection }];
  }

  /** The events implied by the venue's view of the order (none when it tells nothing new). */
  apply(o: AlpacaOrder, ts: number, hint: ExecutionHint = {}): ExecutionEvent[] {
    if (this.venueOrderId === undefined) this.venueOrderId = o.id;
    if (this.isDone) return [];
    this.isUnresolved = false;
    const events: ExecutionEvent[] = [];
    const target = statusOf(o.status);
    const delta = o.filled_qty - this.#filledQty;
    if (delta > QTY_EPS) {
      const price = fillPrice(delta, o, this.#filledQty, this.#avgFillPrice, hint);
      const isFull = target === 'filled' || o.filled_qty >= this.request.qty - QTY_EPS;
      const kind = isFull ? 'filled' : 'partially_filled';
      this.#avgFillPrice =
        this.#filledQty === 0 ? price : (this.#avgFillPrice * this.#filledQty + price * delta) / o.filled_qty;
      this.#filledQty = o.filled_qty;
      this.#move(kind, ts);
      const fill: Fill = {
        orderId: o.id,
        clientOrderId: this.request.clientOrderId,
        symbol: this.request.symbol,
        side: this.request.side,
        qty: delta,
        price,
        fee: 0,
        ts,
        cumQty: o.filled_qty,
      };
      events.push({ kind, ts, order: this.snapshot(), fill, slippage: 0 });
    }
    if ((target === 'working' || target === 'replaced') && this.#move('accepted', ts)) {
      events.push({ kind: 'accepted', ts, order: this.snapshot() });
    } else if (target === 'cancelled' || target === 'expired') {
      const reason = target === 'cancelled' ? 'cancelled at the venue' : `expired (tif ${this.request.tif})`;
      if (this.#move(target, ts, reason)) events.push({ kind: target, ts, order: this.snapshot(), reason });
    } else if (target === 'rejected') {
      events.push(...this.reject('invalid_order', 'alpaca rejected the order', ts));
    }
    return events;
  }

  /** One step forward through the state machine; false when the order is already there or past it. */
  #move(status: OrderStatus, ts: number, reason?: string): boolean {
    if (status === this.#status && status !== 'partially_filled') return false;
    if (!canTransition(this.#status, status)) return false;
    this.#status = status;
    this.#updatedAt = ts;
    if (reason !== undefined) this.#reason = reason;
    this.#history.push(reason === undefined ? { status, ts } : { status, ts, reason });
    return true;
  }
}

/**
 * The price of the quantity filled since the last view: the update's own price when it covers
 * exactly that quantity, else what the venue's average implies for the new shares.
 */
function fillPrice(delta: number, o: AlpacaOrder, prevQty: number, prevAvg: number, hint: ExecutionHint): number {
  if (hint.price != null && hint.qty != null && Math.abs(hint.qty - delta) <= QTY_EPS) return hint.price;
  const avg = o.filled_avg_price;
  if (avg == null) return hint.price ?? NaN;
  if (prevQty === 0) return avg;
  return (avg * o.filled_qty - prevAvg * prevQty) / delta;
}

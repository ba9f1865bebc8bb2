import type { OrderStatus } from '../core/enums.js';
import type { Fill, OrderRejection, OrderRequest, OrderState } from '../core/order.js';

/**
 * The execution port of DESIGN.md ("Execution and risk"): the order manager talks to this one
 * interface whether orders go to the SimulatedExchange (backtest, paper) or to a venue (live).
 * Requests are fire-and-forget and synchronous; every outcome (acceptance, fills, cancels,
 * expiry, rejection with a reason) arrives as an ExecutionEvent, never as an exception
 * (STYLE.md: nautilus_trader, "a risk denial is an event with a reason").
 */
export interface ExecutionClient {
  /** `simulated`, or the venue name (`alpaca`, `binance`). */
  readonly name: string;
  /**
   * Places an order. The client order id is the idempotency key: a second submission with an
   * id already known never creates a second order (it is answered by a `rejected` event with
   * code `duplicate_client_order_id` and `order: undefined`; the first order is untouched).
   */
  submit(order: OrderRequest): void;
  /**
   * Asks to cancel a working order (and every working member of its bracket or OCO group). The
   * `cancelled` event may come later than the call (a venue, or a simulated latency, has to
   * process it first) and never comes when the order filled first. Unknown or finished orders
   * are ignored: cancelling is idempotent.
   */
  cancel(clientOrderId: string): void;
  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: ExecutionListener): () => void;
  /** The order behind a client order id, with its full transition history. */
  order(clientOrderId: string): OrderRecord | undefined;
  /** Orders not yet in a terminal state, optionally of one symbol, in submission order. */
  openOrders(symbol?: string): readonly OrderState[];
}

export type ExecutionListener = (event: ExecutionEvent) => void;

/** Stable codes of venue rejections, for the order manager and `orders.csv`. */
export const RejectCode = {
  DuplicateClientOrderId: 'duplicate_client_order_id',
  UnknownSymbol: 'unknown_symbol',
  InvalidQty: 'invalid_qty',
  InvalidPrice: 'invalid_price',
  /** A field combination the venue does not support (a stop with tif opg, a bracket without legs). */
  InvalidOrder: 'invalid_order',
  NotShortable: 'not_shortable',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** One step of an order's lifecycle (new -> accepted -> partially_filled -> filled | ...). */
export interface OrderTransition {
  readonly status: OrderStatus;
  readonly ts: number;
  readonly reason?: string;
}

/** An order with everything `orders.csv` needs: final status, reason, fees and every transition. */
export interface OrderRecord extends OrderState {
  /** Total fees charged to the order's fills. */
  readonly fees: number;
  readonly history: readonly OrderTransition[];
}

interface EventBase {
  /** When the event happened: submission time, or the `ts` of the bar it happened on. */
  readonly ts: number;
  /** The order after the transition (a snapshot: later changes do not alter it). */
  readonly order: OrderState;
}

export interface OrderAcceptedEvent extends EventBase {
  readonly kind: 'accepted';
}

/** A fill; `kind` is the order's status after it. */
export interface OrderFilledEvent extends EventBase {
  readonly kind: 'partially_filled' | 'filled';
  readonly fill: Fill;
  /** Adverse price distance between the fill rule's price and `fill.price` (slippage model and tick rounding). */
  readonly slippage: number;
}

export interface OrderEndedEvent extends EventBase {
  readonly kind: 'cancelled' | 'expired';
  readonly reason: string;
}

export interface OrderRejectedEvent {
  readonly kind: 'rejected';
  readonly ts: number;
  /** The rejected order, or undefined when no order was created (a duplicate client order id). */
  readonly order: OrderState | undefined;
  readonly code: RejectCode;
  readonly rejection: OrderRejection;
}

export type ExecutionEvent = OrderAcceptedEvent | OrderFilledEvent | OrderEndedEvent | OrderRejectedEvent;

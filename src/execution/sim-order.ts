import {
  TERMINAL_ORDER_STATUSES,
  type OrderClass,
  type OrderStatus,
  type OrderType,
  type Side,
  type TimeInForce,
} from '../core/enums.js';
import { InternalError } from '../core/errors.js';
import type { OrderRequest, OrderState } from '../core/order.js';
import { canTransition } from '../core/order-state.js';
import type { OrderRecord, OrderTransition } from '../engine/ports.js';

/** What an order is within its group: a lone order, a bracket/OTO entry, or an exit leg. */
export type OrderRole = 'single' | 'entry' | 'take_profit' | 'stop_loss';

/** A bracket, OCO or OTO: legs are OCO siblings (a fill of one cancels the others). */
export interface OrderGroup {
  readonly kind: OrderClass;
  /** Leg requests a bracket or OTO creates once its entry is done (empty for OCO). */
  readonly pendingLegs: OrderRequest[];
  /** The entry (bracket, OTO) or take-profit leg (OCO) first, then legs as they are created, stop-loss first. */
  readonly members: SimOrder[];
  /** Bar start from which a requested cancel applies to the group (Infinity: none requested). */
  cancelFrom: number;
  isCancelled: boolean;
}

/**
 * The exchange's mutable order: the normalized request plus matching state. Fields are public
 * for the order book's hot loop; the outside world only sees `snapshot()` and `record()`.
 */
export class SimOrder {
  readonly id: string;
  readonly request: OrderRequest;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly qty: number;
  readonly role: OrderRole;
  readonly parentId: string | undefined;
  readonly createdAt: number;
  /** Limit price, NaN when the type has none. */
  readonly limit: number;
  /** Stop price (a trailing stop's current level), NaN when none or not yet known. */
  stop: number;
  readonly trailAmount: number;
  readonly trailPercent: number;
  group: OrderGroup | undefined;

  status: OrderStatus = 'new';
  updatedAt: number;
  reason: string | undefined;
  filledQty = 0;
  remaining: number;
  /** Sum of qty x price over fills, for the average fill price. */
  notional = 0;
  fees = 0;
  /** First bar start the order may act on (latency.ts `liveFrom`). */
  liveFrom: number;
  /** Latest bar ts the exchange had processed when the order was placed. */
  readonly placedAfterBarTs: number;
  /** Bar start from which a requested cancel applies; Infinity when none was requested. */
  cancelFrom = Infinity;
  /** Bars the order has been live on. */
  barsLive = 0;
  /** A stop, stop-limit or trailing stop whose trigger was reached. */
  isTriggered = false;
  /** Best price since submission, for trailing stops. */
  best = NaN;
  /** Close of the session a day or cls order lives in, once known. */
  sessionClose = NaN;
  /**
   * Transitions after `new` (which is at createdAt): the first two in fields, since most orders
   * have just two (accepted, filled), and the rest in an array.
   */
  #first: OrderTransition | undefined;
  #second: OrderTransition | undefined;
  #more: OrderTransition[] | undefined;
  #isTerminal = false;

  constructor(
    id: string,
    request: OrderRequest,
    role: OrderRole,
    parentId: string | undefined,
    ts: number,
    placedAfterBarTs: number,
    liveFrom: number,
  ) {
    this.id = id;
    this.request = request;
    this.symbol = request.symbol;
    this.side = request.side;
    this.type = request.type;
    this.tif = request.tif;
    this.qty = request.qty;
    this.remaining = request.qty;
    this.role = role;
    this.parentId = parentId;
    this.createdAt = ts;
    this.updatedAt = ts;
    this.placedAfterBarTs = placedAfterBarTs;
    this.liveFrom = liveFrom;
    this.limit = request.limitPrice ?? NaN;
    this.stop = request.stopPrice ?? NaN;
    this.trailAmount = request.trailAmount ?? NaN;
    this.trailPercent = request.trailPercent ?? NaN;
  }

  /** Filled, cancelled, rejected or expired. */
  get isTerminal(): boolean {
    return this.#isTerminal;
  }

  /** Records a lifecycle step (DESIGN.md: every transition recorded with its timestamp). */
  transition(status: OrderStatus, ts: number, reason?: string): void {
    if (!canTransition(this.status, status)) {
      throw new InternalError(
        `order ${this.request.clientOrderId}: ${this.status} -> ${status} breaks the order lifecycle`,
      );
    }
    this.status = status;
    this.#isTerminal = TERMINAL_ORDER_STATUSES.has(status);
    this.updatedAt = ts;
    let t: OrderTransition;
    if (reason === undefined) {
      t = { status, ts };
    } else {
      this.reason = reason;
      t = { status, ts, reason };
    }
    if (this.#first === undefined) this.#first = t;
    else if (this.#second === undefined) this.#second = t;
    else if (this.#more === undefined) this.#more = [t];
    else this.#more.push(t);
  }

  /** The order as the outside world sees it now (a copy). */
  snapshot(): OrderState {
    return this.#state() as unknown as OrderState;
  }

  /** The snapshot with fees and the history. */
  record(): OrderRecord {
    const out = this.#state();
    out.fees = this.fees;
    out.history = this.#history();
    return out as unknown as OrderRecord;
  }

  /** Every transition, `new` first. */
  #history(): OrderTransition[] {
    const created: OrderTransition = { status: 'new', ts: this.createdAt };
    if (this.#first === undefined) return [created];
    if (this.#second === undefined) return [created, this.#first];
    if (this.#more === undefined) return [created, this.#first, this.#second];
    return [created, this.#first, this.#second, ...this.#more];
  }

  #state(): Record<string, unknown> {
    // Built field by field: object spread of the request measured 0.6-4 us per order on Node 20,
    // the bulk of the exchange's cost per order.
    const r = this.request;
    const out: Record<string, unknown> = {
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      qty: r.qty,
      tif: r.tif,
      id: this.id,
      status: this.status,
      filledQty: this.filledQty,
      avgFillPrice: this.filledQty > 0 ? this.notional / this.filledQty : NaN,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
    if (r.limitPrice !== undefined) out.limitPrice = r.limitPrice;
    // A trailing stop reports its current stop level.
    if (!Number.isNaN(this.stop)) out.stopPrice = this.stop;
    else if (r.stopPrice !== undefined) out.stopPrice = r.stopPrice;
    if (r.trailAmount !== undefined) out.trailAmount = r.trailAmount;
    if (r.trailPercent !== undefined) out.trailPercent = r.trailPercent;
    if (r.orderClass !== undefined) out.orderClass = r.orderClass;
    if (r.takeProfit !== undefined) out.takeProfit = r.takeProfit;
    if (r.stopLoss !== undefined) out.stopLoss = r.stopLoss;
    if (r.strategy !== undefined) out.strategy = r.strategy;
    if (r.tag !== undefined) out.tag = r.tag;
    if (this.reason !== undefined) out.reason = this.reason;
    if (this.parentId !== undefined) out.parentId = this.parentId;
    return out;
  }
}

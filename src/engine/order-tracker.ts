import type { OrderRejection, OrderRequest } from '../core/order.js';
import type { ExecutionClient, ExecutionEvent, OrderRecord } from './ports.js';

interface OpenOrder {
  readonly id: string;
  readonly slot: number;
  /** Submission order over all slots. */
  readonly seq: number;
  /** Signed quantity still to fill (buys > 0). */
  remaining: number;
  /** Market orders count toward the pending quantity; conditional ones (limit, stop, legs) do not. */
  readonly isMarket: boolean;
}

const MARKET_TYPES: ReadonlySet<string> = new Set(['market', 'market_on_open', 'market_on_close']);

/**
 * The engine's side of the order book: which orders are open (from submission, before any venue
 * answer, until a terminal event), the signed quantity open market orders still carry per symbol
 * (so `targetWeights` does not order twice; limit and stop orders may never fill and are not
 * counted), and every order in creation order for `orders.csv`:
 * the venue's records plus the ones denied before reaching it (warm-up, risk, duplicate ids).
 */
export class OrderTracker {
  readonly #slotOf: (symbol: string) => number;
  /**
   * Open orders per slot, in submission order: a symbol has a few, found by id with `===` on
   * the id string the order was submitted with (a Map would hash every fresh id string).
   */
  readonly #open: OpenOrder[][];
  #openCount = 0;
  #seq = 0;
  readonly #pendingQty: Float64Array;
  /** Client order ids to look up at the venue, or records the engine made itself. */
  readonly #entries: (string | OrderRecord)[] = [];
  /** The string entries (ids used in this run), built on first need: most runs never need it. */
  #seen: Set<string> | undefined;
  /** Whether an id the engine did not generate was used (a strategy's own id, a venue's leg). */
  #hasOtherIds = false;
  #denied = 0;

  constructor(symbols: number, slotOf: (symbol: string) => number) {
    this.#slotOf = slotOf;
    this.#open = Array.from({ length: symbols }, () => []);
    this.#pendingQty = new Float64Array(symbols);
  }

  hasOpen(slot: number): boolean {
    return (this.#open[slot] as OpenOrder[]).length > 0;
  }

  get openCount(): number {
    return this.#openCount;
  }

  /** Signed quantity of the symbol's open orders not filled yet. */
  pendingQty(slot: number): number {
    return this.#pendingQty[slot] as number;
  }

  /** Client order ids of open orders, optionally of one slot, in submission order. */
  openIds(slot?: number): string[] {
    if (slot !== undefined) return (this.#open[slot] ?? []).map((o) => o.id);
    return this.#open
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .map((o) => o.id);
  }

  /**
   * Whether the id was ever used in this run. `isGenerated`: the engine generated it from a
   * counter that only goes up, so only an id it did not generate can have taken it before.
   */
  isKnown(clientOrderId: string, isGenerated = false): boolean {
    if (isGenerated && !this.#hasOtherIds) return false;
    return this.#seenIds().has(clientOrderId);
  }

  /** An order is about to go to the venue; `isGenerated` as in `isKnown`. */
  submitted(req: OrderRequest, slot: number, isGenerated = false): void {
    if (!isGenerated) this.#hasOtherIds = true;
    this.#seen?.add(req.clientOrderId);
    this.#entries.push(req.clientOrderId);
    this.#add(req.clientOrderId, slot, req.side === 'buy' ? req.qty : -req.qty, MARKET_TYPES.has(req.type));
  }

  /** An order denied before the venue (warm-up, risk, a reused id): recorded, never open. */
  denied(req: OrderRequest, rejection: OrderRejection): void {
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

  /** Keeps the books in step with the venue. */
  onEvent(e: ExecutionEvent): void {
    const order = e.order;
    if (order === undefined) {
      // A duplicate id the venue knew and this run did not (a restart): ours never became an order.
      if (e.kind === 'rejected') this.#close(e.rejection.clientOrderId, e.rejection.symbol);
      return;
    }
    const id = order.clientOrderId;
    switch (e.kind) {
      case 'accepted': {
        const o = this.#find(id, order.symbol);
        if (o !== undefined) {
          // The venue may have rounded the quantity down to the lot.
          this.#setRemaining(o, (order.side === 'buy' ? 1 : -1) * (order.qty - order.filledQty));
        } else if (!this.#seenIds().has(id)) {
          // Legs of brackets and OCO groups are created by the venue, not submitted by the engine.
          this.#hasOtherIds = true;
          this.#seenIds().add(id);
          this.#entries.push(id);
          const signed = order.side === 'buy' ? order.qty : -order.qty;
          this.#add(id, this.#slotOf(order.symbol), signed, MARKET_TYPES.has(order.type));
        }
        return;
      }
      case 'partially_filled':
      case 'filled': {
        const o = this.#find(id, order.symbol);
        if (o === undefined) return;
        this.#setRemaining(o, o.remaining - (e.fill.side === 'buy' ? e.fill.qty : -e.fill.qty));
        if (e.kind === 'filled') this.#closeOpen(o);
        return;
      }
      default:
        this.#close(id, order.symbol);
    }
  }

  /** Every order in creation order, with the venue's final state. */
  records(venue: ExecutionClient): OrderRecord[] {
    const out: OrderRecord[] = [];
    for (const e of this.#entries) {
      if (typeof e !== 'string') out.push(e);
      else {
        const r = venue.order(e);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  }

  #seenIds(): Set<string> {
    if (this.#seen === undefined) {
      this.#seen = new Set();
      for (const e of this.#entries) if (typeof e === 'string') this.#seen.add(e);
    }
    return this.#seen;
  }

  #add(id: string, slot: number, signedQty: number, isMarket: boolean): void {
    if (slot < 0) return;
    const o: OpenOrder = { id, slot, seq: this.#seq++, remaining: 0, isMarket };
    (this.#open[slot] as OpenOrder[]).push(o);
    this.#openCount++;
    this.#setRemaining(o, signedQty);
  }

  #setRemaining(o: OpenOrder, remaining: number): void {
    if (o.isMarket) this.#pendingQty[o.slot] = (this.#pendingQty[o.slot] as number) + remaining - o.remaining;
    o.remaining = remaining;
  }

  /** The open order with this id, looked up among its symbol's. */
  #find(id: string, symbol: string): OpenOrder | undefined {
    const slot = this.#slotOf(symbol);
    if (slot < 0) return undefined;
    const open = this.#open[slot] as OpenOrder[];
    for (let i = 0; i < open.length; i++) if ((open[i] as OpenOrder).id === id) return open[i];
    return undefined;
  }

  #close(id: string, symbol: string): void {
    const o = this.#find(id, symbol);
    if (o !== undefined) this.#closeOpen(o);
  }

  #closeOpen(o: OpenOrder): void {
    // Remove in place, keeping the order of the rest (no splice: it allocates the removed part).
    const open = this.#open[o.slot] as OpenOrder[];
    let j = 0;
    for (let i = 0; i < open.length; i++) if (open[i] !== o) open[j++] = open[i] as OpenOrder;
    while (open.length > j) open.pop();
    this.#openCount--;
    this.#setRemaining(o, 0);
    // No float residue once a symbol has no open order.
    if (open.length === 0) this.#pendingQty[o.slot] = 0;
  }
}

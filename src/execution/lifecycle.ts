import type { Fill, OrderRequest } from '../core/order.js';
import { ClientIdIndex } from './client-id-index.js';
import { EventQueue } from './event-queue.js';
import type { SymbolBook } from './order-book.js';
import type { OrderRecord, RejectCode } from '../engine/ports.js';
import { SimOrder, type OrderGroup, type OrderRole } from './sim-order.js';

/**
 * Owns every order the exchange created and their lifecycle: ids, transitions (each one recorded
 * and published as an event), and the links of brackets, OCO and OTO groups.
 */
export class OrderLifecycle {
  readonly events = new EventQueue();
  /** Whether legs created now may stop out on the current bar (false at a bar's close). */
  isIntrabar = false;
  readonly #all: SimOrder[] = [];
  /** Client order id -> index in #all (the latest order created with the id). */
  readonly #byClientId = new ClientIdIndex((i) => (this.#all[i] as SimOrder).request.clientOrderId);
  readonly #idPrefix: string;
  readonly #bookOf: (symbol: string) => SymbolBook;
  #seq = 0;

  constructor(idPrefix: string, bookOf: (symbol: string) => SymbolBook) {
    this.#idPrefix = idPrefix;
    this.#bookOf = bookOf;
  }

  get(clientOrderId: string): SimOrder | undefined {
    const i = this.#byClientId.get(clientOrderId);
    return i < 0 ? undefined : this.#all[i];
  }

  has(clientOrderId: string): boolean {
    return this.#byClientId.get(clientOrderId) >= 0;
  }

  records(): OrderRecord[] {
    return this.#all.map((o) => o.record());
  }

  open(symbol: string | undefined): SimOrder[] {
    return this.#all.filter((o) => !o.isTerminal && (symbol === undefined || o.symbol === symbol));
  }

  create(
    req: OrderRequest,
    role: OrderRole,
    parentId: string | undefined,
    ts: number,
    afterBarTs: number,
    liveFrom: number,
  ): SimOrder {
    const o = new SimOrder(`${this.#idPrefix}-${++this.#seq}`, req, role, parentId, ts, afterBarTs, liveFrom);
    this.#all.push(o);
    this.#byClientId.set(req.clientOrderId, this.#all.length - 1);
    return o;
  }

  accept(o: SimOrder, ts: number): void {
    o.transition('accepted', ts);
    this.events.push({ kind: 'accepted', ts, order: o.snapshot() });
  }

  /** Publishes a venue rejection; `o` is the rejected order, undefined when none was created. */
  reject(o: SimOrder | undefined, req: OrderRequest, ts: number, code: RejectCode, reason: string): void {
    o?.transition('rejected', ts, reason);
    const rejection = { clientOrderId: req.clientOrderId, symbol: req.symbol, reason, source: 'venue' as const, ts };
    this.events.push({ kind: 'rejected', ts, order: o?.snapshot(), code, rejection });
  }

  /** Cancels or expires an order; a bracket/OTO entry ending after a partial fill still arms its legs. */
  end(o: SimOrder, status: 'cancelled' | 'expired', ts: number, reason: string): void {
    o.transition(status, ts, reason);
    this.events.push({ kind: status, ts, order: o.snapshot(), reason });
    if (o.role === 'entry' && o.filledQty > 0) this.#activateLegs(o, ts);
  }

  /** Publishes a fill already booked on `o`, then applies the group rules it triggers. */
  filled(o: SimOrder, fill: Fill, slippage: number): void {
    const status = o.remaining > 0 ? 'partially_filled' : 'filled';
    o.transition(status, fill.ts);
    this.events.push({ kind: status, ts: fill.ts, order: o.snapshot(), fill, slippage });
    const g = o.group;
    if (g === undefined) return;
    if (o.role === 'entry') {
      if (status === 'filled') this.#activateLegs(o, fill.ts);
      return;
    }
    // OCO: a fill of one leg (even partial) cancels its siblings.
    for (const m of g.members) {
      if (m !== o && m.role !== 'entry' && !m.isTerminal)
        this.end(m, 'cancelled', fill.ts, `oco: ${o.request.clientOrderId} filled`);
    }
  }

  /** Cancels every working member of the order's group (or the order alone). */
  cancelNow(o: SimOrder, ts: number, reason: string): void {
    if (o.group !== undefined) o.group.isCancelled = true;
    for (const m of o.group?.members ?? [o]) if (!m.isTerminal) this.end(m, 'cancelled', ts, reason);
  }

  /** Schedules a cancel of the order's group (or the order alone) from bar start `from`. */
  cancelFrom(o: SimOrder, from: number): void {
    const g = o.group;
    if (g !== undefined) g.cancelFrom = Math.min(g.cancelFrom, from);
    for (const m of g?.members ?? [o]) m.cancelFrom = Math.min(m.cancelFrom, from);
  }

  /** Starts a group with `first` (a bracket/OTO entry, or an OCO's take-profit leg). */
  group(first: SimOrder, kind: OrderGroup['kind'], pendingLegs: readonly OrderRequest[]): OrderGroup {
    const g: OrderGroup = {
      kind,
      pendingLegs: [...pendingLegs],
      members: [first],
      cancelFrom: Infinity,
      isCancelled: false,
    };
    first.group = g;
    return g;
  }

  /**
   * A bracket or OTO entry is done (filled, or ended after a partial fill): its legs go live for
   * the filled quantity. During a bar the stop-loss may fill on that same bar (the conservative
   * reading of an unknown intrabar path); the take-profit waits for the next bar, and so do both
   * legs of an entry filled at a bar's close.
   */
  #activateLegs(entry: SimOrder, ts: number): void {
    const g = entry.group as OrderGroup;
    if (g.isCancelled || g.pendingLegs.length === 0) return;
    const book = this.#bookOf(entry.symbol);
    for (const spec of g.pendingLegs) {
      const role: OrderRole = spec.type === 'limit' ? 'take_profit' : 'stop_loss';
      const from = role === 'stop_loss' && this.isIntrabar ? ts : ts + 1;
      const leg = this.create({ ...spec, qty: entry.filledQty }, role, entry.id, ts, ts, from);
      leg.group = g;
      leg.sessionClose = entry.sessionClose;
      leg.cancelFrom = g.cancelFrom;
      g.members.push(leg);
      book.working.push(leg);
      this.accept(leg, ts);
    }
    g.pendingLegs.length = 0;
  }
}

import type { ManagedOrder } from './managed-order.js';

/**
 * The OrderManager's books per symbol slot: the orders still open (a symbol has a few, found by
 * id with `===` on the id string the order was submitted with: a Map would hash every fresh id
 * string), the signed quantity open market orders still carry, and the position as the sum of
 * fills. Slots are the run's symbols in order; a symbol first seen later gets the next slot.
 */
export class OpenOrders {
  readonly #slots = new Map<string, number>();
  readonly #open: ManagedOrder[][] = [];
  #count = 0;
  #pendingQty = new Float64Array(16);
  #positions = new Float64Array(16);
  /** The symbol `slotOf` last resolved, and its slot: events come in runs of one symbol. */
  #lastSymbol: string | undefined;
  #lastSlot = -1;

  get count(): number {
    return this.#count;
  }

  /** The slot of a symbol, -1 when never seen. */
  find(symbol: string): number {
    if (symbol === this.#lastSymbol) return this.#lastSlot;
    const slot = this.#slots.get(symbol);
    if (slot === undefined) return -1;
    this.#lastSymbol = symbol;
    this.#lastSlot = slot;
    return slot;
  }

  /** The slot of a symbol, made on first sight. */
  slotOf(symbol: string): number {
    const known = this.find(symbol);
    if (known >= 0) return known;
    const slot = this.#open.length;
    this.#slots.set(symbol, slot);
    this.#open.push([]);
    if (slot === this.#pendingQty.length) {
      this.#pendingQty = grow(this.#pendingQty);
      this.#positions = grow(this.#positions);
    }
    return slot;
  }

  has(slot: number): boolean {
    return (this.#open[slot]?.length ?? 0) > 0;
  }

  pendingQty(slot: number): number {
    return this.#pendingQty[slot] ?? 0;
  }

  position(slot: number): number {
    return slot < 0 ? 0 : (this.#positions[slot] ?? 0);
  }

  addFill(slot: number, signedQty: number): void {
    this.#positions[slot] = (this.#positions[slot] as number) + signedQty;
  }

  /** Open orders of a slot, or of every slot, in creation order. */
  ids(slot?: number): string[] {
    if (slot !== undefined) return (this.#open[slot] ?? []).map((o) => o.request.clientOrderId);
    return this.#open
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .map((o) => o.request.clientOrderId);
  }

  open(m: ManagedOrder): void {
    (this.#open[m.slot] as ManagedOrder[]).push(m);
    this.#count++;
    this.setRemaining(m, m.request.side === 'buy' ? m.request.qty : -m.request.qty);
  }

  /** The open order with this id, looked up among its symbol's. */
  get(id: string, symbol: string): ManagedOrder | undefined {
    const slot = this.find(symbol);
    if (slot < 0) return undefined;
    const open = this.#open[slot] as ManagedOrder[];
    for (let i = 0; i < open.length; i++) if ((open[i] as ManagedOrder).request.clientOrderId === id) return open[i];
    return undefined;
  }

  setRemaining(m: ManagedOrder, remaining: number): void {
    if (m.isMarket) this.#pendingQty[m.slot] = (this.#pendingQty[m.slot] as number) + remaining - m.remaining;
    m.remaining = remaining;
  }

  close(m: ManagedOrder): void {
    // Remove in place, keeping the order of the rest (no splice: it allocates the removed part).
    const open = this.#open[m.slot] as ManagedOrder[];
    let j = 0;
    for (let i = 0; i < open.length; i++) if (open[i] !== m) open[j++] = open[i] as ManagedOrder;
    if (j === open.length) return;
    while (open.length > j) open.pop();
    this.#count--;
    this.setRemaining(m, 0);
    // No float residue once a symbol has no open order.
    if (open.length === 0) this.#pendingQty[m.slot] = 0;
  }
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

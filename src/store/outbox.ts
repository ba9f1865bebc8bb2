import type { OrderRequest } from '../core/order.js';
import type { LedgerStore } from './ledger.js';
import type { LedgerOrder } from './types.js';

/**
 * What the venue said to one submission. `duplicate`: it already has an order under this client
 * order id, which can only be ours, sent before a crash cut us off before `markSent`; that is
 * success, not an error. A transient failure (network, 5xx) is thrown, and the order stays pending.
 */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly venueOrderId?: string }
  | { readonly kind: 'duplicate'; readonly venueOrderId?: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly venueOrderId?: string };

/** The one call the outbox makes to a venue. Client order ids are the venue's idempotency key. */
export interface OrderSender {
  send(order: LedgerOrder): Promise<SendOutcome>;
}

export interface FlushReport {
  readonly sent: readonly string[];
  /** Orders the venue already had (sent before a crash): now marked sent. */
  readonly duplicates: readonly string[];
  readonly rejected: readonly string[];
  /** The order whose send failed (it and the ones after it stay pending), if any. */
  readonly failed?: { readonly clientOrderId: string; readonly error: unknown };
}

/**
 * Persist, then send, then mark sent (docs/ledger.md, "Crash safety"). A crash before the send
 * leaves a pending order that `flush` sends on restart; a crash after the send but before
 * `markSent` makes `flush` send it again, which the venue answers as a duplicate of the order it
 * has. Either way the venue holds one order per client order id.
 */
export class OrderOutbox {
  readonly #ledger: LedgerStore;
  readonly #sender: OrderSender;
  readonly #now: () => number;

  constructor(ledger: LedgerStore, sender: OrderSender, now: () => number = Date.now) {
    this.#ledger = ledger;
    this.#sender = sender;
    this.#now = now;
  }

  /** Persists the order, then sends it unless it was already sent (a retry of a sent order sends nothing). */
  async submit(runId: string, order: OrderRequest): Promise<LedgerOrder> {
    const { order: stored } = await this.#ledger.persistOrder(runId, order, this.#now());
    if (stored.sent || stored.status !== 'new') return stored;
    await this.#send(stored);
    return (await this.#ledger.getOrder(runId, order.clientOrderId)) as LedgerOrder;
  }

  /**
   * Sends every persisted order not yet sent (of one run, or all), oldest first. Stops at the
   * first failure so orders never overtake one another.
   */
  async flush(runId?: string): Promise<FlushReport> {
    const sent: string[] = [];
    const duplicates: string[] = [];
    const rejected: string[] = [];
    for (const order of await this.#ledger.pendingSends(runId)) {
      try {
        const kind = await this.#send(order);
        (kind === 'accepted' ? sent : kind === 'duplicate' ? duplicates : rejected).push(order.clientOrderId);
      } catch (error) {
        return { sent, duplicates, rejected, failed: { clientOrderId: order.clientOrderId, error } };
      }
    }
    return { sent, duplicates, rejected };
  }

  async #send(order: LedgerOrder): Promise<SendOutcome['kind']> {
    const outcome = await this.#sender.send(order);
    const ts = this.#now();
    await this.#ledger.markSent(order.runId, order.clientOrderId, ts, outcome.venueOrderId);
    // The venue holds the order (taken now, or before a crash): it is accepted; fills and
    // cancels arrive later as events. A rejection ends it with the venue's reason.
    await this.#ledger.transitionOrder(
      order.runId,
      order.clientOrderId,
      outcome.kind === 'rejected' ? { status: 'rejected', ts, reason: outcome.reason } : { status: 'accepted', ts },
    );
    return outcome.kind;
  }
}

/**
 * The outbox's one call to Alpaca (src/store/outbox.ts): persist, send, mark sent. A 422 for a
 * client order id the venue already holds is `duplicate`, i.e. already sent (before a crash cut
 * us off); a refusal is `rejected` with the venue's reason; a transient failure that outlives
 * the retries is thrown, and the order stays pending for the next flush.
 */
import type { OrderRequest } from '../../../core/order.js';
import { toAlpacaOrder } from './order-mapper.js';
import type { AlpacaTradingApi } from './trading-api.js';

/**
 * The outbox's `SendOutcome`, restated: venues do not import the store, and the store's
 * `OrderSender` takes this sender as it is (a ledger order is an order request).
 */
export type AlpacaSendOutcome =
  | { readonly kind: 'accepted'; readonly venueOrderId?: string }
  | { readonly kind: 'duplicate'; readonly venueOrderId?: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly venueOrderId?: string };

export class AlpacaOrderSender {
  readonly #api: AlpacaTradingApi;

  constructor(api: AlpacaTradingApi) {
    this.#api = api;
  }

  async send(order: OrderRequest): Promise<AlpacaSendOutcome> {
    const mapped = toAlpacaOrder(order);
    if (!mapped.ok) return { kind: 'rejected', reason: `${mapped.code}: ${mapped.reason}` };
    const r = await this.#api.submitOrder(mapped.body);
    if (r.kind === 'accepted') return { kind: 'accepted', venueOrderId: r.order.id };
    if (r.kind === 'rejected') return { kind: 'rejected', reason: `${r.code}: ${r.reason}` };
    // The venue's id of the order it already has; the outbox records it when the venue says.
    const held = await this.#api.orderByClientId(order.clientOrderId).catch(() => undefined);
    return held === undefined ? { kind: 'duplicate' } : { kind: 'duplicate', venueOrderId: held.id };
  }
}

/**
 * The ExecutionClient contract (src/engine/ports.ts): what the OrderManager relies on from any
 * venue, simulated or real. Run against the SimulatedExchange today, and against each broker's
 * client on its fake server (a harness whose `trade` makes the fake venue fill).
 */
import { describe, expect, it } from 'vitest';
import { canTransition } from '../../src/core/order-state.js';
import type { OrderRequest } from '../../src/core/order.js';
import type { ExecutionClient, ExecutionEvent, OrderFilledEvent } from '../../src/engine/ports.js';

export interface ExecutionHarness {
  readonly client: ExecutionClient;
  /** A symbol the venue trades, and a price near its market. */
  readonly symbol: string;
  readonly price: number;
  /**
   * Lets the market trade at `price` (a bar for the simulated exchange, a fill on a fake venue):
   * working market orders fill, limit orders fill when the price allows. Resolves once the
   * venue's events for it have arrived.
   */
  trade(price: number): Promise<void>;
  /** Resolves once the events of the requests made so far have arrived (async venues). */
  settle(): Promise<void>;
  /**
   * The notional the account can add at `price` when the venue checks buying power; the
   * buying-power case runs only when it is given.
   */
  readonly buyingPower?: number;
}

export function executionClientContract(name: string, make: () => Promise<ExecutionHarness>): void {
  describe(`ExecutionClient contract: ${name}`, () => {
    async function start() {
      const h = await make();
      const events: ExecutionEvent[] = [];
      h.client.subscribe((e) => events.push(e));
      const req = (id: string, fields: Partial<OrderRequest> = {}): OrderRequest => ({
        clientOrderId: id,
        symbol: h.symbol,
        side: 'buy',
        qty: 1,
        type: 'market',
        tif: 'gtc',
        ...fields,
      });
      const of = (id: string) =>
        events.filter((e) => (e.kind === 'rejected' ? e.rejection.clientOrderId : e.order.clientOrderId) === id);
      return { h, events, req, of };
    }

    it('answers an order with events only, never an exception, and fills a market order when the market trades', async () => {
      const { h, req, of } = await start();
      expect(() => h.client.submit(req('m1'))).not.toThrow();
      await h.settle();
      expect(of('m1').map((e) => e.kind)).not.toContain('rejected');
      await h.trade(h.price);
      const kinds = of('m1').map((e) => e.kind);
      expect(kinds[kinds.length - 1]).toBe('filled');
      const filled = of('m1').at(-1) as OrderFilledEvent;
      expect(filled.fill).toMatchObject({ clientOrderId: 'm1', symbol: h.symbol, side: 'buy', qty: 1 });
      expect(filled.order.filledQty).toBe(1);
    });

    it('moves every order only forward through the one order state machine', async () => {
      const { h, req, events } = await start();
      h.client.submit(req('a'));
      h.client.submit(req('b', { type: 'limit', limitPrice: h.price * 0.5 }));
      h.client.submit(req('c', { qty: 0 }));
      await h.settle();
      h.client.cancel('b');
      await h.settle();
      await h.trade(h.price);
      const status = new Map<string, string>();
      for (const e of events) {
        if (e.order === undefined) continue;
        const id = e.order.clientOrderId;
        const from = (status.get(id) ?? 'new') as Parameters<typeof canTransition>[0];
        if (e.kind !== from || e.kind === 'partially_filled') {
          expect(canTransition(from, e.kind), `${id}: ${from} -> ${e.kind}`).toBe(true);
        }
        status.set(id, e.kind);
      }
      expect([status.get('a'), status.get('b'), status.get('c')]).toEqual(['filled', 'cancelled', 'rejected']);
    });

    it('refuses a second order with a known client order id, leaving the first untouched', async () => {
      const { h, req, of } = await start();
      h.client.submit(req('dup', { type: 'limit', limitPrice: h.price * 0.5 }));
      await h.settle();
      h.client.submit(req('dup', { qty: 5 }));
      await h.settle();
      const rejected = of('dup').filter((e) => e.kind === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({ code: 'duplicate_client_order_id', order: undefined });
      expect(h.client.order('dup')).toMatchObject({ qty: 1, status: 'accepted' });
    });

    it('cancels idempotently: unknown and finished orders are ignored, a working one is cancelled once', async () => {
      const { h, req, of } = await start();
      expect(() => h.client.cancel('never-sent')).not.toThrow();
      h.client.submit(req('w', { type: 'limit', limitPrice: h.price * 0.5 }));
      await h.settle();
      h.client.cancel('w');
      h.client.cancel('w');
      await h.settle();
      await h.trade(h.price);
      expect(of('w').filter((e) => e.kind === 'cancelled')).toHaveLength(1);
      expect(h.client.order('w')?.status).toBe('cancelled');
    });

    it('keeps each order with its history, and lists the working ones in submission order', async () => {
      const { h, req } = await start();
      h.client.submit(req('x1', { type: 'limit', limitPrice: h.price * 0.5 }));
      h.client.submit(req('x2', { type: 'limit', limitPrice: h.price * 0.4 }));
      h.client.submit(req('x3'));
      await h.settle();
      await h.trade(h.price);
      expect(h.client.openOrders(h.symbol).map((o) => o.clientOrderId)).toEqual(['x1', 'x2']);
      const rec = h.client.order('x3');
      expect(rec?.history.map((t) => t.status)).toEqual(['new', 'accepted', 'filled']);
      expect(h.client.order('unknown')).toBeUndefined();
    });

    it('rejects an order beyond buying power with insufficient_buying_power, and never fills it', async (t) => {
      const { h, req, of } = await start();
      if (h.buyingPower === undefined) return t.skip();
      // Ten times what the account can buy: no rounding of price or lot can make it fit.
      const qty = Math.ceil((h.buyingPower / h.price) * 10);
      expect(() => h.client.submit(req('big', { qty }))).not.toThrow();
      await h.settle();
      await h.trade(h.price);
      expect(of('big').map((e) => e.kind)).toEqual(['rejected']);
      expect(of('big')[0]).toMatchObject({ code: 'insufficient_buying_power' });
      expect(h.client.order('big')?.status).toBe('rejected');
      expect(h.client.order('big')?.filledQty).toBe(0);
    });

    it('stops sending events to a listener that unsubscribed', async () => {
      const { h, req } = await start();
      const late: ExecutionEvent[] = [];
      const off = h.client.subscribe((e) => late.push(e));
      off();
      h.client.submit(req('quiet'));
      await h.settle();
      await h.trade(h.price);
      expect(late).toEqual([]);
    });
  });
}

/**
 * The Ledger port over the durable ledger: the OrderManager's synchronous calls are written in
 * the order they were made, even when the store answers out of order, and the first failure is
 * reported once and stops every later write.
 */
import { describe, expect, it } from 'vitest';
import { VenueError } from '../../src/core/errors.js';
import type { OrderRequest } from '../../src/core/order.js';
import { LedgerJournal } from '../../src/orchestration/ledger-journal.js';
import type { LedgerStore } from '../../src/store/ledger.js';

const order = { clientOrderId: 'c-1', symbol: 'AAA', side: 'buy', type: 'market', qty: 1, tif: 'day' } as OrderRequest;

/** A store whose writes take longer the earlier they were asked (so an unordered queue would reorder them). */
function slowStore(fail?: string): { store: LedgerStore; log: string[] } {
  const log: string[] = [];
  let pending = 5;
  const write = (what: string) => async (): Promise<unknown> => {
    await new Promise((r) => setTimeout(r, 2 * pending--));
    if (what === fail) throw new VenueError('VENUE_UNAVAILABLE', `${what} failed`, { hint: 'retry' });
    log.push(what);
    return {};
  };
  const store = {
    persistOrder: write('persist'),
    persistOrders: (_r: string, list: readonly { order: OrderRequest }[]) =>
      write(`persist ${list.map((o) => o.order.clientOrderId).join('+')}`)(),
    markSent: write('sent'),
    transitionOrder: (_r: string, _id: string, c: { status: string }) => write(c.status)(),
    recordFill: write('fill'),
    recordRiskEvent: write('risk'),
  } as unknown as LedgerStore;
  return { store, log };
}

describe('LedgerJournal', () => {
  it('writes in call order', async () => {
    const { store, log } = slowStore();
    const j = new LedgerJournal(store, 'run-1');
    j.persist(order, 1);
    j.transition('c-1', 'accepted', 1);
    j.markSent('c-1', 1);
    j.fill({ orderId: 'o', clientOrderId: 'c-1', symbol: 'AAA', side: 'buy', qty: 1, price: 10, fee: 0, ts: 2 });
    j.transition('c-1', 'filled', 2);
    await j.drained();
    expect(log).toEqual(['persist', 'accepted', 'sent', 'fill', 'filled']);
  });

  it('reports the first failure once and writes nothing after it', async () => {
    const { store, log } = slowStore('sent');
    const j = new LedgerJournal(store, 'run-1');
    const errors: string[] = [];
    j.onError = (e) => errors.push(e.message);
    j.persist(order, 1);
    j.markSent('c-1', 1);
    j.transition('c-1', 'filled', 2);
    await expect(j.drained()).rejects.toThrow('sent failed');
    j.transition('c-1', 'cancelled', 3);
    await expect(j.drained()).rejects.toThrow('sent failed');
    expect(log).toEqual(['persist']);
    expect(errors).toEqual(['sent failed']);
  });

  it('persists the orders asked one after another in one write, and closes the batch at any other call', async () => {
    const { store, log } = slowStore();
    const j = new LedgerJournal(store, 'run-1');
    const o = (id: string): OrderRequest => ({ ...order, clientOrderId: id });
    j.persist(o('a'), 1);
    j.persist(o('b'), 1);
    j.persist(o('c'), 1);
    j.transition('a', 'accepted', 1);
    j.persist(o('d'), 2);
    await j.drained();
    expect(log).toEqual(['persist a+b+c', 'accepted', 'persist']);
  });
});

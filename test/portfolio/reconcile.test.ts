import { describe, expect, it } from 'vitest';
import { reconcile, type ReconcileOrder } from '../../src/portfolio/reconcile.js';

const order = (id: string, o: Partial<ReconcileOrder> = {}): ReconcileOrder => ({
  clientOrderId: id, symbol: 'AAPL', side: 'buy', qty: 10, status: 'accepted', filledQty: 0, ...o,
}); // prettier-ignore

describe('reconcile', () => {
  it('is clean when both sides agree (flat positions count as absent, float residue as equal)', () => {
    const r = reconcile(
      {
        orders: [order('a', { sent: true })],
        positions: [
          { symbol: 'AAPL', qty: 0.1 + 0.2 },
          { symbol: 'MSFT', qty: 0 },
        ],
      },
      { orders: [order('a')], positions: [{ symbol: 'AAPL', qty: 0.3 }] },
    );
    expect(r.isClean).toBe(true);
    expect(r.orders).toEqual({ missing: [], extra: [], mismatched: [], unsent: [] });
    expect(r.positions).toEqual({ missing: [], extra: [], mismatched: [] });
  });

  it('lists orders missing at the broker, extra at the broker, and mismatched field by field', () => {
    const ledger = {
      orders: [
        order('gone', { sent: true }),
        order('diff', { sent: true, qty: 10, status: 'accepted', filledQty: 0 }),
        order('same', { sent: true }),
      ],
      positions: [],
    };
    const broker = {
      orders: [
        order('diff', { qty: 10, status: 'partially_filled', filledQty: 4 }),
        order('same'),
        order('stranger', { symbol: 'TSLA' }),
      ],
      positions: [],
    };
    const r = reconcile(ledger, broker);
    expect(r.isClean).toBe(false);
    expect(r.orders.missing.map((o) => o.clientOrderId)).toEqual(['gone']);
    expect(r.orders.extra.map((o) => o.clientOrderId)).toEqual(['stranger']);
    expect(r.orders.mismatched).toEqual([
      {
        clientOrderId: 'diff',
        differences: [
          { field: 'status', ledger: 'accepted', broker: 'partially_filled' },
          { field: 'filledQty', ledger: 0, broker: 4 },
        ],
      },
    ]);
  });

  it('reports an unsent order absent at the broker as unsent, not missing, and stays clean', () => {
    const r = reconcile({ orders: [order('u', { sent: false })], positions: [] }, { orders: [], positions: [] });
    expect(r.orders.unsent.map((o) => o.clientOrderId)).toEqual(['u']);
    expect(r.orders.missing).toEqual([]);
    expect(r.isClean).toBe(true);
  });

  it('an unsent order the broker does have (sent just before a crash) is compared like any other', () => {
    const r = reconcile(
      { orders: [order('c', { sent: false })], positions: [] },
      { orders: [order('c', { qty: 9 })], positions: [] },
    );
    expect(r.orders.unsent).toEqual([]);
    expect(r.orders.mismatched).toEqual([
      { clientOrderId: 'c', differences: [{ field: 'qty', ledger: 10, broker: 9 }] },
    ]);
  });

  it('lists positions missing, extra and with a different quantity (sign included)', () => {
    const r = reconcile(
      {
        orders: [],
        positions: [
          { symbol: 'AAPL', qty: 100 },
          { symbol: 'MSFT', qty: -5 },
          { symbol: 'IBM', qty: 7 },
        ],
      },
      {
        orders: [],
        positions: [
          { symbol: 'AAPL', qty: 100 },
          { symbol: 'MSFT', qty: 5 },
          { symbol: 'NVDA', qty: 3 },
        ],
      },
    );
    expect(r.positions.missing).toEqual([{ symbol: 'IBM', qty: 7 }]);
    expect(r.positions.extra).toEqual([{ symbol: 'NVDA', qty: 3 }]);
    expect(r.positions.mismatched).toEqual([{ symbol: 'MSFT', ledgerQty: -5, brokerQty: 5 }]);
    expect(r.isClean).toBe(false);
  });

  it('honours a looser quantity tolerance', () => {
    const ledger = { orders: [], positions: [{ symbol: 'BTC', qty: 1.0000001 }] };
    const broker = { orders: [], positions: [{ symbol: 'BTC', qty: 1 }] };
    expect(reconcile(ledger, broker).positions.mismatched).toHaveLength(1);
    expect(reconcile(ledger, broker, { tolerance: 1e-6 }).isClean).toBe(true);
  });
});

/**
 * The session's check before the open, on a real Portfolio and RiskGate. The book holds 30 AAA
 * bought at 100 and an open AAA limit buy of 10 at 90 with a bracket (take profit 120, stop 80);
 * today AAA splits 2-for-1, BBB pays $0.40 on 20 shares, CCC becomes CCD, DDD reverse splits
 * 1-for-3 on 10 shares. By hand:
 *   AAA: 30 -> 60 shares, average cost 100 -> 50 (value 30 x 100 = 60 x 50); the order becomes a
 *        buy of 20 at 45 (take profit 60, stop 40), sent as `buy1-split` after `buy1` is cancelled.
 *   BBB: cash 20 x 0.40 = 8 is credited to the book before the open (dividends 8, equity + 8).
 *   CCC: halted (symbol change), its order cancelled, restricted.
 *   DDD: 10 x 1/3 = 3.33 shares: halted (cash in lieu), restricted.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import type { OrderRequest } from '../../src/core/order.js';
import { applyOpen, planOpen, type OpenOrders } from '../../src/orchestration/corporate-action-open.js';
import { RiskGate } from '../../src/orchestration/risk-gate.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { action } from '../universe/corporate-actions-fixture.js';

const DAY = '2024-03-04';

class BookOrders implements OpenOrders {
  readonly live = new Map<string, OrderRequest>();
  readonly log: string[] = [];
  open(symbol: string): OrderRequest[] {
    return [...this.live.values()].filter((o) => o.symbol === symbol);
  }
  cancel(id: string): void {
    this.live.delete(id);
    this.log.push(`cancel ${id}`);
  }
  submit(req: OrderRequest): void {
    this.live.set(req.clientOrderId, req);
    this.log.push(`submit ${req.clientOrderId}`);
  }
}

function session() {
  const portfolio = new Portfolio({ initialCash: 100_000, symbols: ['AAA', 'BBB', 'CCC', 'DDD'] });
  const fill = (symbol: string, qty: number, price: number): void =>
    portfolio.apply({
      orderId: `f-${symbol}`,
      clientOrderId: `f-${symbol}`,
      symbol,
      side: 'buy',
      qty,
      price,
      fee: 0,
      ts: Date.parse('2024-03-01'),
    });
  fill('AAA', 30, 100);
  fill('BBB', 20, 50);
  fill('DDD', 10, 7);
  const orders = new BookOrders();
  orders.live.set('buy1', {
    clientOrderId: 'buy1',
    symbol: 'AAA',
    side: 'buy',
    type: 'limit',
    qty: 10,
    tif: 'gtc',
    limitPrice: 90,
    orderClass: 'bracket',
    takeProfit: { limitPrice: 120 },
    stopLoss: { stopPrice: 80 },
  });
  orders.live.set('c1', {
    clientOrderId: 'c1',
    symbol: 'CCC',
    side: 'buy',
    type: 'limit',
    qty: 5,
    tif: 'day',
    limitPrice: 10,
  });
  const risk = new RiskGate(DEFAULTS.risk, 'swing', () => true);
  return { portfolio, orders, risk };
}

const ACTIONS = [
  action({ symbol: 'AAA', type: 'split', exDate: DAY, ratio: 2 }),
  action({ symbol: 'BBB', type: 'dividend', exDate: DAY, cashAmount: 0.4 }),
  action({ symbol: 'CCC', type: 'symbol_change', exDate: DAY, newSymbol: 'CCD' }),
  action({ symbol: 'DDD', type: 'split', exDate: DAY, ratio: 1 / 3 }),
  action({ symbol: 'AAA', type: 'split', exDate: '2024-03-05', ratio: 5 }), // not today
];

describe('the corporate-action check before the open', () => {
  it('plans each of today’s actions: split applied, dividend reported, the rest halted with why', () => {
    const s = session();
    const plan = planOpen({
      day: DAY,
      symbols: ['AAA', 'BBB', 'CCC', 'DDD'],
      actions: ACTIONS,
      position: (x) => s.portfolio.qty(x),
      orders: s.orders,
    });
    expect(plan).toHaveLength(4);
    expect(plan[0]).toMatchObject({
      kind: 'split',
      symbol: 'AAA',
      ratio: 2,
      position: { from: 30, to: 60 },
      orders: [
        {
          cancel: 'buy1',
          replacement: {
            clientOrderId: 'buy1-split',
            qty: 20,
            limitPrice: 45,
            takeProfit: { limitPrice: 60 },
            stopLoss: { stopPrice: 40 },
          },
        },
      ],
    });
    expect(plan[1]).toEqual({ kind: 'dividend', symbol: 'BBB', perShare: 0.4, cash: 8 });
    expect(plan[2]).toMatchObject({ kind: 'halt', symbol: 'CCC' });
    expect(plan[2]?.kind === 'halt' && plan[2].reason).toContain('CCC becomes CCD on 2024-03-04');
    expect(plan[3]?.kind === 'halt' && plan[3].reason).toContain('turns 10 shares into 3.33');
  });

  it('applies the plan to the book, the orders and the risk gate’s restricted list', () => {
    const s = session();
    const equity = s.portfolio.equity;
    const plan = planOpen({
      day: DAY,
      symbols: ['AAA', 'BBB', 'CCC', 'DDD'],
      actions: ACTIONS,
      position: (x) => s.portfolio.qty(x),
      orders: s.orders,
    });
    const cash = s.portfolio.cash;
    const rewarm = applyOpen(plan, { ...s, ts: Date.parse(DAY) + 14.5 * 3_600_000 });
    expect(rewarm).toEqual(['AAA']);
    expect(s.portfolio.position('AAA')).toMatchObject({ qty: 60, avgPrice: 50, marketPrice: 50 });
    // A split moves no value; BBB's dividend 20 x 0.40 = 8 is the only cash that moves.
    expect(s.portfolio.cash - cash).toBeCloseTo(8, 12);
    expect(s.portfolio.dividends).toBeCloseTo(8, 12);
    expect(s.portfolio.equity - equity).toBeCloseTo(8, 9);
    expect(s.orders.log).toEqual(['cancel buy1', 'submit buy1-split', 'cancel c1']);
    expect(s.risk.config.restricted).toEqual(['CCC', 'DDD']);
    expect(s.portfolio.qty('DDD')).toBe(10); // halted, not touched
  });

  it('pays a dividend going ex with a split on the shares held before the split', () => {
    const s = session();
    const cash = s.portfolio.cash;
    const both = [
      action({ symbol: 'AAA', type: 'split', exDate: DAY, ratio: 2 }),
      action({ symbol: 'AAA', type: 'dividend', exDate: DAY, cashAmount: 1 }),
    ];
    const plan = planOpen({
      day: DAY,
      symbols: ['AAA'],
      actions: both,
      position: (x) => s.portfolio.qty(x),
      orders: s.orders,
    });
    expect(plan.map((d) => d.kind)).toEqual(['dividend', 'split']);
    applyOpen(plan, { ...s, ts: Date.parse(DAY) + 14.5 * 3_600_000 });
    // 30 shares x $1 (not 60 x $1), then 30 -> 60.
    expect(s.portfolio.cash - cash).toBeCloseTo(30, 12);
    expect(s.portfolio.qty('AAA')).toBe(60);
  });

  it('lets a fractionable symbol split into fractional shares', () => {
    const s = session();
    const plan = planOpen({
      day: DAY,
      symbols: ['DDD'],
      actions: ACTIONS,
      position: (x) => s.portfolio.qty(x),
      orders: s.orders,
      fractionable: () => true,
    });
    expect(plan).toHaveLength(1);
    expect(plan[0]?.kind).toBe('split');
    expect(plan[0]?.kind === 'split' && plan[0].position.to).toBeCloseTo(10 / 3, 12);
  });
});

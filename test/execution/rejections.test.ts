import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/core/order.js';
import type { OrderRejectedEvent } from '../../src/engine/ports.js';
import { bar, day, fillsOf, harness, order } from './support.js';

/** Submits one request after a bar and returns the rejection event (undefined when accepted). */
function rejectionOf(req: OrderRequest): OrderRejectedEvent | undefined {
  const h = harness();
  h.ex.onBar(bar(0, 10, 11, 9, 10.5));
  h.ex.submit(req);
  return h.events.find((e): e is OrderRejectedEvent => e.kind === 'rejected');
}

describe('rejections are events with a code and a reason', () => {
  it('rejects a short sale of a non-shortable instrument and records new -> rejected', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'NOS'));
    h.ex.submit(order('s1', { symbol: 'NOS', side: 'sell' }));
    const e = h.events[0];
    expect(e?.kind).toBe('rejected');
    if (e?.kind !== 'rejected') return;
    expect(e.code).toBe('not_shortable');
    expect(e.rejection).toEqual({
      clientOrderId: 's1',
      symbol: 'NOS',
      reason: 'NOS is not shortable: selling 100 with a position of 0 would open a short',
      source: 'venue',
      ts: day(0),
    });
    expect(h.ex.order('s1')?.history.map((t) => t.status)).toEqual(['new', 'rejected']);
    expect(h.ex.order('s1')?.reason).toBe(e.rejection.reason);
  });

  it('lets a non-shortable instrument sell what it holds, and a shortable one go short', () => {
    const h = harness({ positions: { NOS: 100 } });
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'NOS'));
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'AAA'));
    h.ex.submit(order('s2', { symbol: 'NOS', side: 'sell' }));
    h.ex.submit(order('s3', { symbol: 'AAA', side: 'sell' }));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'NOS'));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'AAA'));
    expect(h.fills().map((f) => f.clientOrderId)).toEqual(['s2', 's3']);
    expect([h.ex.position('NOS'), h.ex.position('AAA')]).toEqual([0, -100]);
  });

  it('stops a fill that would open a short after another sell emptied the position', () => {
    const h = harness({ positions: { NOS: 100 } });
    h.ex.onBar(bar(0, 10, 11, 9, 10.5, 1e6, 'NOS'));
    h.ex.submit(order('m', { symbol: 'NOS', side: 'sell' }));
    h.ex.submit(order('l', { symbol: 'NOS', side: 'sell', type: 'limit', limitPrice: 10.5 }));
    h.ex.onBar(bar(1, 10, 11, 9, 10.5, 1e6, 'NOS')); // m sells 100 at the open; l would too at 10.50
    expect(fillsOf(h)).toEqual([[100, 10, day(1)]]);
    expect(h.ex.order('l')?.status).toBe('cancelled');
    expect(h.ex.order('l')?.reason).toBe('NOS is not shortable: selling more than the long position of 0');
    expect(h.ex.position('NOS')).toBe(0);
  });

  it.each([
    ['zero', 0, 'qty must be a positive number, got 0'],
    ['negative', -5, 'qty must be a positive number, got -5'],
    ['NaN', Number.NaN, 'qty must be a positive number, got NaN'],
    ['below one lot', 0.5, 'qty 0.5 is below the lot size 1 of AAA'],
  ])('rejects a %s quantity', (_name, qty, reason) => {
    const e = rejectionOf(order('q', { qty }));
    expect([e?.code, e?.rejection.reason]).toEqual(['invalid_qty', reason]);
  });

  it('rounds a quantity down to the lot', () => {
    const h = harness();
    h.ex.submit(order('q', { qty: 10.7 }));
    expect(h.ex.order('q')?.qty).toBe(10);
  });

  it.each([
    [
      'a limit without a price',
      { type: 'limit' },
      'invalid_price',
      'a limit order needs a positive limitPrice, got undefined',
    ],
    [
      'a zero limit',
      { type: 'limit', limitPrice: 0 },
      'invalid_price',
      'a limit order needs a positive limitPrice, got 0',
    ],
    [
      'a negative stop',
      { type: 'stop', stopPrice: -1 },
      'invalid_price',
      'a stop order needs a positive stopPrice, got -1',
    ],
    [
      'a stop-limit without a limit',
      { type: 'stop_limit', stopPrice: 11 },
      'invalid_price',
      'a stop_limit order needs a positive limitPrice, got undefined',
    ],
    [
      'an infinite limit',
      { type: 'limit', limitPrice: Infinity },
      'invalid_price',
      'a limit order needs a positive limitPrice, got Infinity',
    ],
    ['a limit below a tick', { type: 'limit', limitPrice: 0.004 }, 'invalid_price', 'limitPrice 0.004 rounds to 0'],
    [
      'a trail of 150%',
      { type: 'trailing_stop', trailPercent: 150 },
      'invalid_price',
      'trailPercent must be between 0 and 100 (exclusive), got 150',
    ],
    [
      'two trails',
      { type: 'trailing_stop', trailPercent: 1, trailAmount: 1 },
      'invalid_order',
      'a trailing_stop order takes exactly one of trailAmount or trailPercent',
    ],
    ['a market order with a limit', { limitPrice: 10 }, 'invalid_order', 'limitPrice is not used by market orders'],
    [
      'a stop with tif opg',
      { type: 'stop', stopPrice: 11, tif: 'opg' },
      'invalid_order',
      'tif opg applies to market and limit orders only, not stop',
    ],
    [
      'market-on-open without opg',
      { type: 'market_on_open', tif: 'day' },
      'invalid_order',
      'market_on_open orders take tif opg, got day',
    ],
    [
      'legs without a class',
      { takeProfit: { limitPrice: 12 } },
      'invalid_order',
      'takeProfit and stopLoss need orderClass bracket, oco or oto',
    ],
    [
      'a bracket without a stop',
      { orderClass: 'bracket', takeProfit: { limitPrice: 12 } },
      'invalid_order',
      'a bracket order needs both takeProfit and stopLoss',
    ],
    [
      'an ioc bracket',
      { orderClass: 'bracket', tif: 'ioc', takeProfit: { limitPrice: 12 }, stopLoss: { stopPrice: 9 } },
      'invalid_order',
      'bracket orders take tif day or gtc, got ioc',
    ],
    [
      'a bracket with crossed legs',
      { orderClass: 'bracket', takeProfit: { limitPrice: 9 }, stopLoss: { stopPrice: 12 } },
      'invalid_price',
      'takeProfit.limitPrice 9 must be above stopLoss.stopPrice 12 for sell exits',
    ],
    [
      'an oco of type market',
      { orderClass: 'oco', side: 'sell', takeProfit: { limitPrice: 12 }, stopLoss: { stopPrice: 9 } },
      'invalid_order',
      'an oco order has type limit (its take-profit leg), got market',
    ],
    [
      'an infinite take-profit',
      { orderClass: 'bracket', takeProfit: { limitPrice: Infinity }, stopLoss: { stopPrice: 9 } },
      'invalid_price',
      'takeProfit.limitPrice must be a positive price, got Infinity',
    ],
  ] as const)('rejects %s', (_name, fields, code, reason) => {
    const e = rejectionOf(order('x', fields as Partial<OrderRequest>));
    expect([e?.code, e?.rejection.reason]).toEqual([code, reason]);
  });

  it('rejects an unknown symbol', () => {
    const e = rejectionOf(order('u', { symbol: 'ZZZ' }));
    expect([e?.code, e?.rejection.reason]).toEqual(['unknown_symbol', 'no instrument is known for symbol ZZZ']);
  });

  it('rejects a duplicate client order id without creating or touching an order', () => {
    const h = harness();
    h.ex.onBar(bar(0, 10, 11, 9, 10.5));
    h.ex.submit(order('dup'));
    h.ex.submit(order('dup', { qty: 500, side: 'sell' }));
    const e = h.events[1];
    expect(e?.kind).toBe('rejected');
    if (e?.kind !== 'rejected') return;
    expect(e.code).toBe('duplicate_client_order_id');
    expect(e.order).toBeUndefined();
    expect(e.rejection.reason).toBe('client order id dup is already used by order sim-1 (accepted)');
    expect(h.ex.orders()).toHaveLength(1);
    h.ex.onBar(bar(1, 10.8, 11, 10.5, 10.9));
    expect(fillsOf(h)).toEqual([[100, 10.8, day(1)]]); // the first order, unchanged
    h.ex.submit(order('dup')); // also after it filled
    expect(h.events.at(-1)?.kind).toBe('rejected');
    expect(h.ex.orders()).toHaveLength(1);
  });
});

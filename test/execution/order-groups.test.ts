import { describe, expect, it } from 'vitest';
import { bar, day, fillsOf, harness, order } from './support.js';

const b0 = bar(0, 10, 10.6, 9.8, 10);
const bracket = (fields = {}) =>
  order('br', { orderClass: 'bracket', takeProfit: { limitPrice: 12 }, stopLoss: { stopPrice: 9 }, ...fields });

describe('bracket orders', () => {
  it('arm the take-profit and stop-loss once the entry fills; the take-profit exits and cancels the stop', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(bracket());
    expect(h.ex.openOrders().map((o) => o.clientOrderId)).toEqual(['br']); // legs wait for the entry
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2)); // entry at 10; stop 9 not touched
    expect(h.ex.openOrders().map((o) => o.clientOrderId)).toEqual(['br.sl', 'br.tp']);
    h.ex.onBar(bar(2, 10.3, 12.5, 10.1, 12.2)); // high 12.50 >= 12: take-profit at 12
    expect(fillsOf(h)).toEqual([
      [100, 10, day(1)],
      [100, 12, day(2)],
    ]);
    expect(h.fills().map((f) => [f.clientOrderId, f.side])).toEqual([
      ['br', 'buy'],
      ['br.tp', 'sell'],
    ]);
    const sl = h.ex.order('br.sl');
    expect([sl?.status, sl?.reason, sl?.parentId]).toEqual(['cancelled', 'oco: br.tp filled', h.ex.order('br')?.id]);
    expect(h.ex.position('AAA')).toBe(0);
    expect(h.log()).toEqual([
      'accepted br',
      'filled br',
      'accepted br.sl',
      'accepted br.tp',
      'filled br.tp',
      'cancelled br.sl',
    ]);
  });

  it('assume the stop filled first when one bar touches both legs', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(bracket());
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2));
    h.ex.onBar(bar(2, 10.3, 12.5, 8.5, 10)); // high 12.50 >= 12 and low 8.50 <= 9
    expect(fillsOf(h, 'br.sl')).toEqual([[100, 9, day(2)]]); // min(open 10.30, stop 9)
    expect(fillsOf(h, 'br.tp')).toEqual([]);
    expect(h.ex.order('br.tp')?.reason).toBe('oco: br.sl filled');
  });

  it('let the stop-loss fill on the entry bar but make the take-profit wait a bar', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 10, 10, 10, 10, 1e6, 'BBB'));
    h.ex.submit(bracket());
    h.ex.submit(bracket({ clientOrderId: 'br2', symbol: 'BBB' }));
    h.ex.onBar(bar(1, 10, 10.2, 8.8, 9.1)); // entry at 10, then the low 8.80 hits the stop at 9
    h.ex.onBar(bar(1, 10, 12.5, 9.8, 12.2, 1e6, 'BBB')); // entry at 10; the high 12.50 may have come first
    expect(fillsOf(h, 'br.sl')).toEqual([[100, 9, day(1)]]);
    expect(fillsOf(h, 'br2.tp')).toEqual([]);
    h.ex.onBar(bar(2, 12.2, 12.4, 12.1, 12.3, 1e6, 'BBB')); // gap above 12: the take-profit fills at the open
    expect(fillsOf(h, 'br2.tp')).toEqual([[100, 12.2, day(2)]]);
  });

  it('size the legs to the whole entry once a capped entry completes', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(bracket());
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2, 500)); // 50 of 100
    expect(h.ex.openOrders().map((o) => o.clientOrderId)).toEqual(['br']);
    h.ex.onBar(bar(2, 10.1, 10.5, 9.5, 10.2, 500)); // the other 50
    expect(h.ex.openOrders().map((o) => [o.clientOrderId, o.qty])).toEqual([
      ['br.sl', 100],
      ['br.tp', 100],
    ]);
  });

  it('never arm legs when the entry is cancelled before it fills', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(bracket({ type: 'limit', limitPrice: 9.5 }));
    h.ex.onBar(bar(1, 10, 10.5, 9.6, 10.2));
    h.ex.cancel('br');
    expect(h.ex.order('br')?.status).toBe('cancelled');
    h.ex.onBar(bar(2, 9, 9.2, 8, 8.5));
    expect(h.fills()).toEqual([]);
    expect(h.ex.orders().map((o) => o.clientOrderId)).toEqual(['br']);
  });

  it('never arm legs when the entry is cancelled after a partial fill', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(bracket());
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2, 500)); // 50 of 100
    h.ex.cancel('br');
    expect([h.ex.order('br')?.status, h.ex.order('br')?.filledQty]).toEqual(['cancelled', 50]);
    expect(h.ex.orders()).toHaveLength(1);
    expect(h.ex.position('AAA')).toBe(50);
  });

  it('arm legs for the filled part when a day entry expires after a partial fill', () => {
    const h = harness({ participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(bracket({ tif: 'day' }));
    // 50 at 10 uses the whole bar budget (10% of 500); the day ends with 50 unfilled
    h.ex.onBar(bar(1, 10, 10.5, 8.5, 10.2, 500));
    expect(h.ex.order('br')?.status).toBe('expired');
    const legs = h.ex.orders().filter((o) => o.parentId !== undefined);
    // day legs of the filled 50: armed, then expired with the entry's session (the stop leg found
    // the low 8.50 but no volume left on the bar)
    expect(legs.map((o) => [o.clientOrderId, o.qty, o.status])).toEqual([
      ['br.sl', 50, 'expired'],
      ['br.tp', 50, 'expired'],
    ]);
  });

  it('give day brackets day legs that expire with the entry session (use gtc to keep the exits)', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(bracket({ tif: 'day' }));
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2));
    expect(h.ex.order('br.sl')?.status).toBe('expired');
    expect(h.ex.order('br.tp')?.status).toBe('expired');
    expect(h.ex.position('AAA')).toBe(100);
  });
});

describe('OCO orders', () => {
  const oco = (fields = {}) =>
    order('oco', {
      side: 'sell',
      type: 'limit',
      orderClass: 'oco',
      takeProfit: { limitPrice: 12 },
      stopLoss: { stopPrice: 9 },
      ...fields,
    });

  it('keep the client order id on the take-profit leg and name the stop leg <id>.sl', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(b0);
    h.ex.submit(oco());
    const open = h.ex.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.type, o.limitPrice, o.stopPrice])).toEqual([
      ['oco', 'limit', 12, undefined],
      ['oco.sl', 'stop', undefined, 9],
    ]);
    expect(open[1]?.parentId).toBe(open[0]?.id);
  });

  it('cancel the stop when the take-profit fills', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(b0);
    h.ex.submit(oco());
    h.ex.onBar(bar(1, 10, 12.3, 9.5, 12));
    expect(fillsOf(h)).toEqual([[100, 12, day(1)]]);
    expect(h.ex.order('oco.sl')?.status).toBe('cancelled');
    expect(h.ex.position('AAA')).toBe(0);
  });

  it('fill the stop first when a bar touches both, and at the open when gapping down', () => {
    const h = harness({ positions: { AAA: 100, BBB: 100 } });
    h.ex.onBar(b0);
    h.ex.onBar(bar(0, 10, 10, 10, 10, 1e6, 'BBB'));
    h.ex.submit(oco());
    h.ex.submit(oco({ clientOrderId: 'oco2', symbol: 'BBB' }));
    h.ex.onBar(bar(1, 10, 12.3, 8.9, 10)); // both touched
    h.ex.onBar(bar(1, 8.5, 8.8, 8.2, 8.6, 1e6, 'BBB')); // gap below the stop
    expect(fillsOf(h, 'oco.sl')).toEqual([[100, 9, day(1)]]);
    expect(fillsOf(h, 'oco')).toEqual([]);
    expect(fillsOf(h, 'oco2.sl')).toEqual([[100, 8.5, day(1)]]);
  });

  it('cancel the sibling on a partial fill and finish the triggered stop at the next open', () => {
    const h = harness({ positions: { AAA: 100 }, participation: 0.1 });
    h.ex.onBar(b0);
    h.ex.submit(oco());
    h.ex.onBar(bar(1, 9.5, 9.6, 8.9, 9, 400)); // stop at 9, cap 40
    h.ex.onBar(bar(2, 8.8, 9, 8.7, 8.9, 1000)); // triggered remainder: 60 at the open 8.80
    expect(fillsOf(h, 'oco.sl')).toEqual([
      [40, 9, day(1)],
      [60, 8.8, day(2)],
    ]);
    expect(h.ex.order('oco')?.status).toBe('cancelled');
  });

  it('cancel both legs when either is cancelled', () => {
    const h = harness({ positions: { AAA: 100 } });
    h.ex.onBar(b0);
    h.ex.submit(oco());
    h.ex.cancel('oco.sl');
    expect([h.ex.order('oco')?.status, h.ex.order('oco.sl')?.status]).toEqual(['cancelled', 'cancelled']);
    expect(h.ex.openOrders()).toEqual([]);
  });
});

describe('OTO orders', () => {
  it('arm their single leg when the entry fills', () => {
    const h = harness();
    h.ex.onBar(b0);
    h.ex.submit(order('oto', { orderClass: 'oto', takeProfit: { limitPrice: 11 } }));
    h.ex.onBar(bar(1, 10, 10.5, 9.5, 10.2));
    h.ex.onBar(bar(2, 10.3, 11.2, 10.1, 11));
    expect(fillsOf(h, 'oto.tp')).toEqual([[100, 11, day(2)]]);
    expect(h.ex.orders().map((o) => o.clientOrderId)).toEqual(['oto', 'oto.tp']);
  });
});

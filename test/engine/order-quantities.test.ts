/**
 * Bad order quantities never reach fills: a NaN, infinite, zero or negative quantity (or a
 * non-finite price) is a usage error at the call site naming the strategy, the symbol and the
 * bar; an order beyond buying power is the venue's `insufficient_buying_power` rejection.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { OrderRejection } from '../../src/core/order.js';
import type { StrategyContext } from '../../src/strategies/api.js';
import { flat, run, sessions } from '../backtest/support.js';

/** A strategy that places one order on its `at`-th bar (0-based). */
function once(place: (ctx: StrategyContext) => void, at = 1) {
  let n = 0;
  return {
    onBar(ctx: StrategyContext) {
      if (n++ === at) place(ctx);
    },
  };
}

const AAA = flat('AAA', [100, 100, 100, 100]);

describe('order quantities at the strategy context', () => {
  it.each([
    ['NaN', Number.NaN],
    ['0', 0],
    ['-5', -5],
    ['Infinity', Infinity],
  ])('ctx.buy with qty %s throws USAGE_INVALID_ORDER naming strategy, symbol and bar', (_, qty) => {
    const attempt = () => run({ name: 'sizer', ...once((ctx) => ctx.buy('AAA', qty)) }, { series: [AAA] });
    expect(attempt).toThrow(UsageError);
    // The second bar is the second XNYS session from 2024-01-02.
    const day = new Date(sessions(2)[1] as number).toISOString().slice(0, 10);
    expect(day).toBe('2024-01-03');
    expect(attempt).toThrow(
      `strategy sizer ordered to buy AAA with qty ${qty} at the bar of 2024-01-03T00:00:00Z; an order needs a positive, finite quantity`,
    );
    try {
      attempt();
    } catch (e) {
      expect((e as UsageError).code).toBe('USAGE_INVALID_ORDER');
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as UsageError).context).toMatchObject({ strategy: 'sizer', symbol: 'AAA', key: 'qty' });
    }
  });

  it('checks ctx.sell and ctx.submit, and limit, stop and bracket prices, the same way', () => {
    const cases: [(ctx: StrategyContext) => void, string][] = [
      [(ctx) => ctx.sell('AAA', -1), 'sell AAA with qty -1'],
      [(ctx) => ctx.submit({ symbol: 'AAA', side: 'buy', qty: Number.NaN }), 'buy AAA with qty NaN'],
      [(ctx) => ctx.buy('AAA', 1, { type: 'limit', limitPrice: Number.NaN }), 'with limitPrice NaN'],
      [(ctx) => ctx.sell('AAA', 1, { type: 'stop', stopPrice: -Infinity }), 'with stopPrice -Infinity'],
      [
        (ctx) =>
          ctx.buy('AAA', 1, {
            orderClass: 'bracket',
            takeProfit: { limitPrice: Infinity },
            stopLoss: { stopPrice: 90 },
          }),
        'with takeProfit.limitPrice Infinity',
      ],
    ];
    for (const [place, text] of cases) {
      expect(() => run({ name: 's', ...once(place) }, { series: [AAA] })).toThrow(text);
    }
  });

  it('leaves a finite but non-positive price to the venue: a rejection, not an exception', () => {
    const rejections: OrderRejection[] = [];
    run(
      {
        ...once((ctx) => ctx.buy('AAA', 1, { type: 'limit', limitPrice: -1 })),
        onOrderRejected: (_ctx, r) => void rejections.push(r),
      },
      { series: [AAA] },
    );
    expect(rejections.map((r) => [r.source, r.reason])).toEqual([
      ['venue', 'a limit order needs a positive limitPrice, got -1'],
    ]);
  });
});

describe('buying power in a backtest', () => {
  it('rejects buying 1e15 shares on $100,000: onOrderRejected with insufficient_buying_power, no fill', () => {
    const rejections: OrderRejection[] = [];
    const r = run(
      {
        ...once((ctx) => ctx.buy('AAA', 1e15), 0),
        onOrderRejected: (_ctx, x) => void rejections.push(x),
      },
      { series: [AAA] },
    );
    expect(rejections).toHaveLength(1);
    // 1e15 x 100 = 1e17 against the default 2 x 100,000 (Reg T margin).
    expect(rejections[0]?.reason).toBe(
      'buying 1000000000000000 AAA at 100 would take gross exposure to 100000000000000000, beyond the buying power of 2x equity 100000 (200000)',
    );
    expect(rejections[0]?.source).toBe('venue');
    expect(r.orders.map((o) => o.status)).toEqual(['rejected']);
    expect(r.fills).toEqual([]);
    expect(r.trades).toEqual([]);
    expect([...r.equity.column('equity')]).toEqual([100_000, 100_000, 100_000, 100_000]);
    expect(r.equity.maxDrawdown).toBe(0);
  });

  it('fills up to 2x equity by default, and up to 1x with portfolio.maxLeverage 1', () => {
    const buy = (qty: number, maxLeverage?: number) =>
      run(
        { ...once((ctx) => ctx.buy('AAA', qty), 0) },
        { series: [AAA], ...(maxLeverage === undefined ? {} : { portfolio: { maxLeverage } }) },
      ).orders.map((o) => o.status);
    expect(buy(2_000)).toEqual(['filled']);
    expect(buy(2_001)).toEqual(['rejected']);
    expect(buy(1_000, 1)).toEqual(['filled']);
    expect(buy(1_001, 1)).toEqual(['rejected']);
  });
});

import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/orchestration/node.js';
import { flat } from '../backtest/support.js';

function orders(strategy: string, closes: readonly number[], params: Record<string, unknown>): string[] {
  const s = flat('AAA', closes);
  const rec = runBacktest({ strategy, params, series: [s], runId: 't', priceRounding: 'none' });
  return rec.orders.map((o) => `${o.side} ${o.qty} @${s.indexAtOrBefore(o.createdAt)} ${o.avgFillPrice}`);
}

describe('ema-cross', () => {
  it('trades the crosses of EMA(fast) over EMA(slow), seeded with the simple mean as in TA-Lib', () => {
    /*
     * EMA(2) (k = 2/3) seeded at i = 1 with mean(10, 10) = 10; EMA(3) (k = 1/2) at i = 2 with 10.
     * i = 2: 10 vs 10, a tie: no sign yet. i = 3 (7): 8 vs 8.5: negative (the first sign).
     * i = 4 (13): 13 x 2/3 + 8/3 = 11.333 vs 13/2 + 8.5/2 = 10.75: up-cross, buy at i = 5's open 10.
     * i = 5 (10): 10.444 vs 10.375: still above. i = 6 (9): 9 x 2/3 + 10.444/3 = 9.481 vs
     * 4.5 + 5.1875 = 9.6875: down-cross, sell at i = 7's open 9.
     */
    const closes = [10, 10, 10, 7, 13, 10, 9, 9];
    expect(orders('ema-cross', closes, { fast: 2, slow: 3, qty: 1 })).toEqual(['buy 1 @4 10', 'sell 1 @6 9']);
    // The same rules on simple averages differ: SMA(2) = SMA(3) = 10 at i = 4, a tie, so no buy there.
    expect(orders('sma-cross', closes, { fast: 2, slow: 3, qty: 1 })).not.toContain('buy 1 @4 10');
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    expect(() => orders('ema-cross', [10, 11], { fast: 26, slow: 12 })).toThrow(
      /parameter slow of strategy ema-cross is invalid: slow \(12\) must be greater than fast \(26\)/,
    );
    expect(() => orders('ema-cross', [10, 11], { qty: 1, weight: 0.1 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID_VALUE',
        context: expect.objectContaining({ key: 'params.weight' }),
      }),
    );
  });
});

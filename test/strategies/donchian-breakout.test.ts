import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/orchestration/node.js';
import { ohlc } from '../backtest/support.js';

type Row = readonly [number, number, number, number];

function run(rows: readonly Row[], params: Record<string, unknown>) {
  const s = ohlc('AAA', rows);
  const rec = runBacktest({ strategy: 'donchian-breakout', params, series: [s], runId: 't', priceRounding: 'none' });
  const at = (ts: number): number => s.indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty} ${o.type} @${at(o.createdAt)} ${o.status} ${o.avgFillPrice}`),
  };
}

/*
 * [open, high, low, close]; entry channel 3 bars, exit channel 2 bars, each taken at the bar before.
 * i = 3: close 11.2 > the highest high of bars 0..2 (11): long, filled at i = 4's open 11.2. (Bar
 *   3's own high 11.5 is not in the channel it is compared with.)
 * i = 4, 5: closes 11.8 > 11.5 and 12.2 > 12: still long.
 * i = 6: close 10.8 < the lowest low of bars 4..5 (min(11, 11.5) = 11): flat, filled at i = 7's
 *   open 10.8. (The 3-bar low of bars 3..5, 9.5, is not reached.)
 */
const TREND: readonly Row[] = [
  [10, 11, 9, 10],
  [10, 11, 9, 10],
  [10, 11, 9, 10],
  [10, 11.5, 9.5, 11.2],
  [11.2, 12, 11, 11.8],
  [11.8, 12.5, 11.5, 12.2],
  [12, 12.2, 10.5, 10.8],
  [10.8, 11, 10.5, 10.9],
];
/** The mirror image around 20 (high and low swap). */
const mirror = (rows: readonly Row[]): Row[] => rows.map(([o, h, l, c]) => [20 - o, 20 - l, 20 - h, 20 - c]);

describe('donchian-breakout', () => {
  it('buys a close above the previous N-bar high and sells a close below the previous M-bar low', () => {
    expect(run(TREND, { entry: 3, exit: 2, qty: 1 }).orders).toEqual([
      'buy 1 market @3 filled 11.2',
      'sell 1 market @6 filled 10.8',
    ]);
  });

  it('shorts below the previous N-bar low and covers above the previous M-bar high with allowShort', () => {
    const down = mirror(TREND);
    expect(run(down, { entry: 3, exit: 2, qty: 1, allowShort: true }).orders).toEqual([
      'sell 1 market @3 filled 8.8',
      'buy 1 market @6 filled 9.2',
    ]);
    expect(run(down, { entry: 3, exit: 2, qty: 1 }).orders).toEqual([]);
  });

  it('with stopAtr places a stop that many ATRs from the entry', () => {
    // ATR(1) at i = 3 = true range max(11.5 - 9.5, 11.5 - 10, 10 - 9.5) = 2: a sell stop at
    // 11.2 - 2 = 9.2. Bar 5 (11.8/11.9/9/9.5) trades through it: filled at the stop, 9.2. Its close
    // 9.5 is not below the 2-bar low of bars 3..4 (9.5), so only the stop acts.
    const rows: Row[] = [...TREND.slice(0, 5), [11.8, 11.9, 9, 9.5], [9.5, 9.6, 9.4, 9.5]];
    expect(run(rows, { entry: 3, exit: 2, qty: 1, stopAtr: 1, atrPeriod: 1 }).orders).toEqual([
      'buy 1 market @3 filled 11.2',
      'sell 1 stop @4 filled 9.2',
    ]);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    expect(() => run(TREND, { entry: 10, exit: 20 })).toThrow(
      /parameter exit of strategy donchian-breakout is invalid: exit \(20\) must be fewer bars than entry \(10\)/,
    );
    expect(() => run(TREND, { stopAtr: -1 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID_VALUE',
        context: expect.objectContaining({ key: 'params.stopAtr' }),
      }),
    );
  });
});

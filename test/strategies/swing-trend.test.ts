import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/orchestration/node.js';
import { ohlc } from '../backtest/support.js';

type Row = readonly [number, number, number, number];

/*
 * Daily [open, high, low, close] bars. EMA(2) (k = 2/3) and EMA(4) (k = 2/5), both seeded with the
 * mean of their first closes (TA-Lib):
 *   i  bar                    EMA2     EMA4     sign  low <= EMA2
 *   3  10/10.5/9.5/10         10       10       tie   (the first ready bar: sets no sign)
 *   4  10/10.2/8.8/9          9.3333   9.6      -
 *   5  9/9.2/7.8/8            8.4444   8.96     -
 *   6  8/9.2/7.8/9            8.8148   8.976    -
 *   7  10.5/11.2/10.5/11      10.2716  9.7856   +     no (10.5 > 10.27): the up-cross, no entry yet
 *   8  11.6/12.2/11.6/12      11.4239  10.6714  +     no
 *   9  12/13.2/11.8/13        12.4746  11.6028  +     yes (11.8): the pullback entry, filled at bar 10's open 13
 *   10 13/13.2/12.6/12.8      12.6915  12.0817  +
 *   11 12.8/12.9/11/11.2      11.6972  11.7290  -     the down-cross: exit, filled at bar 12's open 11.2
 * ATR(1) at bar 9 = true range max(13.2 - 11.8, |13.2 - 12|, |11.8 - 12|) = 1.4.
 */
const BASE: readonly Row[] = [
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.2, 8.8, 9],
  [9, 9.2, 7.8, 8],
  [8, 9.2, 7.8, 9],
  [10.5, 11.2, 10.5, 11],
  [11.6, 12.2, 11.6, 12],
  [12, 13.2, 11.8, 13],
  [13, 13.2, 12.6, 12.8],
];
const DOWN_CROSS: readonly Row[] = [...BASE, [12.8, 12.9, 11, 11.2], [11.2, 11.3, 10, 10.2], [10.2, 10.4, 9.8, 10]];

/** Small periods so the rules can be followed by hand; ADX(2) must only be above 0 unless given. */
const SMALL = { fast: 2, slow: 4, adxPeriod: 2, adxMin: 0, atrPeriod: 1 };

function run(rows: readonly Row[], params: Record<string, unknown>) {
  const s = ohlc('AAA', rows);
  const rec = runBacktest({
    strategy: 'swing-trend',
    params: { ...SMALL, ...params },
    series: [s],
    cash: 100_000,
    runId: 't',
    priceRounding: 'none',
  });
  const at = (ts: number): number => s.indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty} ${o.type} @${at(o.createdAt)} ${o.status} ${o.avgFillPrice}`),
    signals: rec.signals.map((g) => `${g.direction} @${at(g.ts)}${g.meta.skipped === undefined ? '' : ' skipped'}`),
  };
}

describe('swing-trend', () => {
  it('enters on the first pullback to the fast EMA after an up-cross and exits on the down-cross', () => {
    // trailAtr 10 (a 14-point trail) keeps the stop out of the way. Size: 0.4% of 100,000 at a
    // 10 x 1.4 = 14 stop = 400 / 14 = 28.6 -> 28 (the 5% cap, 5000 / 13 = 384, does not bind).
    // Orders are created at the signal bar's close, which indexes as that bar.
    const r = run(DOWN_CROSS, { trailAtr: 10 });
    // The up-cross bar wants flat, as the symbol is (no signal); the down-cross wants short,
    // recorded as flat without allowShort.
    expect(r.signals).toEqual(['long @9', 'flat @11']);
    expect(r.orders).toEqual([
      'buy 28 market @9 filled 13',
      'sell 28 trailing_stop @10 cancelled NaN',
      'sell 28 market @11 filled 11.2',
    ]);
    expect(r.rec.trades[0]?.pnl).toBeCloseTo(28 * (11.2 - 13), 10);
  });

  it('enters on the cross itself with pullback false', () => {
    // The up-cross at bar 7 is the entry: filled at bar 8's open, 11.6. ATR(1) at bar 7 = the true
    // range from the previous close 9: max(11.2 - 10.5, 11.2 - 9, 10.5 - 9) = 2.2; 400 / 22 = 18.2 -> 18.
    const r = run(DOWN_CROSS, { trailAtr: 10, pullback: false });
    expect(r.orders[0]).toBe('buy 18 market @7 filled 11.6');
    expect(r.orders.at(-1)).toBe('sell 18 market @11 filled 11.2');
  });

  it('exits on the 3 x ATR trailing stop, at the open when the price gaps through it', () => {
    // Trail 3 x 1.4 = 4.2; size 400 / 4.2 = 95.2 -> 95. The best price reaches bar 10's high 13.2
    // (stop 9.0); bar 11 opens at 8.5, under it: filled at 8.5 (before that bar's down-cross).
    const r = run([...BASE, [8.5, 8.6, 8.4, 8.5], [8.5, 8.6, 8.4, 8.5]], {});
    expect(r.orders).toEqual(['buy 95 market @9 filled 13', 'sell 95 trailing_stop @10 filled 8.5']);
    expect(r.rec.trades[0]?.pnl).toBeCloseTo(95 * (8.5 - 13), 10);
  });

  it('takes entries only while ADX is above adxMin, recording a refused entry as skipped', () => {
    const r = run(DOWN_CROSS, { trailAtr: 10, adxMin: 100 });
    expect(r.orders).toEqual([]);
    expect(r.signals).toEqual(['long @9 skipped', 'flat @11']);
    expect(String(r.rec.signals[0]?.meta.skipped)).toMatch(/^adx [\d.]+ is not above 100$/);
  });

  it('goes short on a pullback after a down-cross with allowShort', () => {
    // Bar 11 crosses down and its high 12.9 reaches EMA2 11.697 at once: a short entry. Its size:
    // ATR(1) at bar 11 = max(12.9 - 11, |12.9 - 12.8|, |11 - 12.8|) = 1.9, 400 / 19 = 21.05; from
    // +28 to -21.05 is one sell of 49.05, 49 after rounding down, filled at bar 12's open 11.2.
    const r = run(DOWN_CROSS, { trailAtr: 10, allowShort: true });
    expect(r.orders.filter((o) => o.includes('market'))).toEqual([
      'buy 28 market @9 filled 13',
      'sell 49 market @11 filled 11.2',
    ]);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    expect(() => run(BASE, { fast: 50, slow: 20 })).toThrow(
      /parameter slow of strategy swing-trend is invalid: slow \(20\) must be greater than fast \(50\)/,
    );
    expect(() => run(BASE, { adxMin: 120 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID_VALUE',
        context: expect.objectContaining({ key: 'params.adxMin' }),
      }),
    );
  });
});

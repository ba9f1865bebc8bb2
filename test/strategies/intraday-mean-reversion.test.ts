import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../src/core/bar.js';
import { equity } from '../../src/core/instrument.js';
import { runBacktest } from '../../src/orchestration/node.js';

const MIN = 60_000;
const DAY1 = Date.UTC(2024, 0, 2, 10, 0);
const DAY2 = Date.UTC(2024, 0, 3, 10, 0);

/**
 * Minute bars of one symbol whose open, high, low and close all equal the given closes (volume 1
 * each), starting at `from` (one session per array). With flat bars and equal volumes the
 * session VWAP is the running mean of the session's closes and the true range is |close - previous close|.
 */
function minutes(sessions: readonly (readonly [number, readonly number[]])[]): BarSeries {
  const bars = sessions.flatMap(([from, closes]) =>
    closes.map((c, i) => ({ ts: from + i * MIN, open: c, high: c, low: c, close: c, volume: 1 })),
  );
  return BarSeries.fromBars('FUT', bars);
}

/** Small windows so the rules can be followed by hand: z over 3 bars, RSI(2), ATR(1). */
const SMALL = { window: 3, rsiPeriod: 2, atrPeriod: 1 };

/** Runs the strategy on sessions 10:00-10:`length` UTC; orders as `side qty type @HH:MM (status price)`. */
function run(series: BarSeries, params: Record<string, unknown>, sessionMinutes = 20) {
  const rec = runBacktest({
    strategy: 'intraday-mean-reversion',
    params: { ...SMALL, ...params },
    series: [series],
    instrument: (s) => equity(s, { calendar: `hours:UTC:10:00-10:${sessionMinutes}` }),
    timeframe: '1m',
    cash: 100_000,
    runId: 't',
    priceRounding: 'none',
  });
  const hhmm = (ts: number): string => new Date(ts).toISOString().slice(11, 16);
  const orders = rec.orders.map(
    (o) =>
      `${o.side} ${o.qty} ${o.type}${o.type === 'stop' ? ` ${o.stopPrice}` : ''} @${hhmm(o.createdAt)} ${o.status}${o.status === 'filled' ? ` ${o.avgFillPrice}` : ''}`,
  );
  return { rec, orders, hhmm };
}

/*
 * Session closes 100, 101, 100, 101, 100, 94, 95, 99, 100, 100 (bars 10:00 .. 10:09).
 * VWAP (running mean): 100, 100.5, 100.3333, 100.5, 100.4, 99.3333, 98.7143, 98.75, ...
 * d = close - VWAP: 0, 0.5, -0.3333, 0.5, -0.4, -5.3333, -3.7143, 0.25.
 * z at 10:05 = d / population sd of the last 3 d (0.5, -0.4, -5.3333): mean -1.7444,
 *   squared deviations 5.0375 + 1.8075 + 12.8801 = 19.7251, / 3 = 6.5750, sd 2.5642, z = -2.080.
 * RSI(2), Wilder seeded with the mean of the first two changes (+1, -1): gain 0.5, loss 0.5 (50);
 *   +1: gain 0.75, loss 0.25 (75); -1: gain 0.375, loss 0.625 (37.5); -6 at 10:05: gain 0.1875,
 *   loss 3.3125, RSI 5.36 < 30.
 * So at the 10:05 close: z <= -2 and RSI < 30: long. ATR(1) = true range 6; the quantity that
 *   loses 0.4% of 100,000 at a 1.5 x 6 = 9 stop is 400 / 9 = 44.4 (below the 5% cap 5000 / 94 =
 *   53.2), 44 after rounding down to the lot. Filled at the 10:06 open, 95; stop 95 - 9 = 86.
 * 10:07: d = 99 - 98.75 = 0.25; last 3 d (-5.3333, -3.7143, 0.25): mean -2.9325, sd 2.3432,
 *   z = 0.107, |z| < 0.5: exit, filled at the 10:08 open, 100. P&L 44 x 5 = 220.
 */
const DIP = [100, 101, 100, 101, 100, 94, 95, 99, 100, 100];

describe('intraday-mean-reversion', () => {
  it('buys a 2-sigma dip under the session VWAP confirmed by RSI and sells when |z| falls under 0.5', () => {
    const r = run(minutes([[DAY1, DIP]]), {});
    expect(r.orders).toEqual([
      'buy 44 market @10:06 filled 95',
      'sell 44 stop 86 @10:06 cancelled',
      'sell 44 market @10:08 filled 100',
    ]);
    const t = r.rec.trades[0];
    expect([r.hhmm(t?.entryTs as number), r.hhmm(t?.exitTs as number), t?.pnl]).toEqual(['10:06', '10:08', 220]);
    // At 10:09, d = 1.0 over (0.25, 1.1111, 1.0): z = 2.61 with RSI 79.9, a short signal: flat without shorts.
    expect(r.rec.signals.map((s) => `${s.direction} @${r.hhmm(s.ts)}`)).toEqual([
      'long @10:05',
      'flat @10:07',
      'flat @10:09',
    ]);
  });

  it('needs the RSI confirmation: with rsiLow 5 the same dip (RSI 5.36) is not bought', () => {
    expect(run(minutes([[DAY1, DIP]]), { rsiLow: 5 }).orders).toEqual([]);
  });

  it('fades a 2-sigma rise confirmed by RSI above 70 only with allowShort', () => {
    // The mirror image around 100: z = +2.080 and RSI = 100 - 5.36 = 94.64 at 10:05; short 44 at
    // the 10:06 open 105 with a buy stop at 105 + 9 = 114; z = -0.107 at 10:07: cover at 100.
    const rise = minutes([[DAY1, DIP.map((c) => 200 - c)]]);
    const r = run(rise, { allowShort: true });
    expect(r.orders).toEqual([
      'sell 44 market @10:06 filled 105',
      'buy 44 stop 114 @10:06 cancelled',
      'buy 44 market @10:08 filled 100',
    ]);
    expect(r.rec.trades[0]?.pnl).toBe(220);
    expect(run(rise, {}).orders).toEqual([]);
  });

  it('exits on the 1.5 x ATR stop resting at the venue, at the open when the price gaps through it', () => {
    // Entry as above (44 at 95, stop 86); the 10:07 bar opens at 85, under the stop: filled at 85.
    const r = run(minutes([[DAY1, [100, 101, 100, 101, 100, 94, 95, 85, 86, 87]]]), {});
    expect(r.orders).toEqual(['buy 44 market @10:06 filled 95', 'sell 44 stop 86 @10:06 filled 85']);
    expect(r.rec.trades[0]?.pnl).toBe(-440);
  });

  it('is flat before each session close and refuses entries too close to it to be closed in time', () => {
    /*
     * Sessions 10:00-10:10. Day 1 as the dip, then 94 until 10:08 and 95 at 10:09: long 44 at the
     * 10:06 open (94; ATR 6 again); z stays far below -0.5 (d = -4.57, -4.0, -3.56 with a shrinking
     * sd). At the 10:08 bar's close (10:09) one bar of the session is left: exit at market, filled
     * at the open of the last bar, 10:09, at 95.
     * Day 2: z = 0 at 10:00 (flat signal); the 10:08 bar drops to 94 (z -2.09, RSI 8.6): a long
     * signal, but an order filled at 10:09 could not be closed before 10:10: refused.
     */
    const day1 = [100, 101, 100, 101, 100, 94, 94, 94, 94, 95];
    const day2 = [100, 101, 100, 101, 100, 101, 100, 101, 94, 94];
    const r = run(
      minutes([
        [DAY1, day1],
        [DAY2, day2],
      ]),
      {},
      10,
    );
    expect(r.orders).toEqual([
      'buy 44 market @10:06 filled 94',
      'sell 44 stop 85 @10:06 cancelled',
      'sell 44 market @10:09 filled 95',
    ]);
    const meta = r.rec.signals.map(
      (s) => `${s.direction} @${r.hhmm(s.ts)} ${String(s.meta.exit ?? s.meta.skipped ?? '')}`,
    );
    expect(meta).toEqual([
      'long @10:05 ',
      'flat @10:08 end of day: flat before the session close',
      'flat @10:00 ',
      'long @10:08 too close to the session close to exit in time',
    ]);
    // No exposure at either session's last bar.
    const ts = [...r.rec.equity.column('ts')];
    const gross = r.rec.equity.column('grossExposure');
    for (const last of [DAY1 + 9 * MIN, DAY2 + 9 * MIN]) expect(gross[ts.indexOf(last)], r.hhmm(last)).toBe(0);
  });

  it('exits at the first bar of the next session when the data of a session stops before its close', () => {
    // Day 1 has bars up to 10:06 only (the long fills at its open, 95); nothing more arrives before
    // the 10:20 close. At day 2's first bar the previous bar is before the session's open: the
    // position was held over, exit at market, filled at the open of day 2's second bar, 100.
    const r = run(
      minutes([
        [DAY1, DIP.slice(0, 7)],
        [DAY2, [98, 100, 100]],
      ]),
      {},
    );
    expect(r.orders.at(-1)).toBe('sell 44 market @10:01 filled 100');
    expect(r.rec.signals.map((s) => `${s.direction} @${r.hhmm(s.ts)} ${String(s.meta.exit ?? '')}`)).toEqual([
      'long @10:05 ',
      'flat @10:00 end of day: held over from an earlier session',
      // 10:01: d = 100 - 99 = 1 over (-3.714, 0, 1) (the window runs across sessions): sd 2.028, z = 0.49 < 0.5.
      'flat @10:01 ',
    ]);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    const bad = (params: Record<string, unknown>) => () => run(minutes([[DAY1, DIP]]), params);
    expect(bad({ exitZ: 2 })).toThrow(
      /parameter exitZ of strategy intraday-mean-reversion is invalid: exitZ \(2\) must be below entryZ \(2\)/,
    );
    expect(bad({ rsiLow: 80 })).toThrow(/parameter rsiLow .* must be below rsiHigh/);
    expect(bad({ risk: 0 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID_VALUE',
        context: expect.objectContaining({ key: 'params.risk' }),
      }),
    );
  });
});

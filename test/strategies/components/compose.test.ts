/**
 * composeStrategy through the engine, on hand-made daily bars (test/backtest/support.ts: XNYS
 * sessions from 2024-01-02, volume 1,000,000). Orders fill at the next bar's open.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/orchestration/node.js';
import { atrStop, timeStop } from '../../../src/strategies/components/exits.js';
import { indicator, price } from '../../../src/strategies/components/features.js';
import { regime } from '../../../src/strategies/components/filters.js';
import { composeStrategy, type ComposeOptions } from '../../../src/strategies/components/compose.js';
import { crossover, threshold } from '../../../src/strategies/components/signals.js';
import { fixedUnits } from '../../../src/strategies/components/sizers.js';
import { ohlc } from '../../backtest/support.js';

/** Bars whose high and low are close +- 1 and whose open is the previous close: true range 2 while closes move <= 1. */
function bars(closes: readonly number[], lows: Readonly<Record<number, number>> = {}) {
  return ohlc(
    'AAA',
    closes.map((c, i) => {
      const o = i === 0 ? c : (closes[i - 1] as number);
      return [o, Math.max(o, c) + 1, lows[i] ?? Math.min(o, c) - 1, c] as const;
    }),
  );
}

function run(
  options: Omit<ComposeOptions, 'name'>,
  closes: readonly number[],
  lows: Readonly<Record<number, number>> = {},
) {
  const series = bars(closes, lows);
  const rec = runBacktest({
    strategy: composeStrategy({ name: 'test', ...options }),
    series: [series],
    runId: 't',
    priceRounding: 'none',
  });
  const at = (ts: number): number => series.indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map(
      (o) =>
        `${o.side} ${o.type} ${o.qty}${o.stopPrice === undefined ? '' : ` stop ${o.stopPrice}`} @${at(o.createdAt)} ${o.status}${Number.isNaN(o.avgFillPrice) ? '' : ` ${o.avgFillPrice}`}`,
    ),
    signals: rec.signals.map(
      (g) =>
        `${g.direction} @${at(g.ts)}${g.meta.skipped === undefined ? '' : ` skipped: ${String(g.meta.skipped)}`}${g.meta.exit === undefined ? '' : ` exit: ${String(g.meta.exit)}`}`,
    ),
  };
}

const aboveEleven = threshold('x', { above: 10.5, exitInside: [0, 10.5] });

describe('composeStrategy', () => {
  it('places an ATR stop when the entry fills and the stop fills intrabar; no re-entry until the signal turns', () => {
    // Closes 10 x5 then 11: x = 11 > 10.5 at bar 5 -> buy 1, filled at bar 6's open (the previous close, 11).
    // True ranges: 2 on flat bars, 3 on bar 5 (open 10, close 11: high 12, low 9). ATR(3) (TA-Lib: the
    // mean of the first 3 true ranges, then Wilder's smoothing): 2 at bars 3 and 4, (2 x 2 + 3) / 3 = 7/3
    // at bar 5, the signal bar. Stop = 11 - 1.5 x 7/3 = 7.5, resting from bar 6 on.
    // Bar 7 (open 11, low forced to 7): the stop is hit intrabar, sold at 7.5.
    // Bars 8..9 stay above 10.5: the signal does not change, so no re-entry; bar 10 drops to 10 (0: flat),
    // bar 11 back to 11 -> buy again at bar 12's open (11).
    const r = run(
      { features: { x: price('close') }, signal: aboveEleven, sizer: fixedUnits(1), exits: [atrStop(1.5, 3)] },
      [10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 10, 11, 11, 11],
      { 7: 7 },
    );
    expect(r.orders.slice(0, 3)).toEqual([
      'buy market 1 @5 filled 11',
      'sell stop 1 stop 7.5 @6 filled 7.5',
      'buy market 1 @11 filled 11',
    ]);
    expect(r.signals).toEqual(['long @5', 'flat @10', 'long @11']);
    expect(r.rec.trades[0]).toMatchObject({ entryPrice: 11, exitPrice: 7.5, qty: 1 });
  });

  it('records entries a filter refused, with the reason, and acts on the next change', () => {
    // regime: entries only while sma(2) of the close is above 10.6. Bar 5: x = 11 but sma2 = 10.5 -> skipped.
    const r = run(
      {
        features: { x: price('close'), sma: indicator('sma:2') },
        signal: aboveEleven,
        sizer: fixedUnits(1),
        filters: [regime('sma', { above: 10.6 })],
      },
      [10, 10, 10, 10, 10, 11, 10, 11, 12, 12],
    );
    expect(r.signals).toEqual([
      'long @5 skipped: sma 10.5 is not above 10.6',
      'flat @6',
      'long @7 skipped: sma 10.5 is not above 10.6',
    ]);
    expect(r.orders).toEqual([]);
  });

  it('exits at market on a bar-close exit and writes the reason', () => {
    // Entry at bar 5's close (fills bar 6); held 1 bar at bar 6's close, 2 at bar 7's: time stop -> sell at bar 8's open.
    const r = run(
      { features: { x: price('close') }, signal: aboveEleven, sizer: fixedUnits(2), exits: [timeStop(2)] },
      [10, 10, 10, 10, 10, 11, 11, 11, 11, 11],
    );
    expect(r.orders).toEqual(['buy market 2 @5 filled 11', 'sell market 2 @7 filled 11']);
    expect(r.signals).toEqual(['long @5', 'flat @7 exit: time stop: held 2 bars']);
  });

  it('warms up for the longest feature and signals nothing before', () => {
    const r = run(
      { features: { fast: indicator('sma:2'), slow: indicator('sma:4') }, signal: crossover(), sizer: fixedUnits(1) },
      [10, 9, 8, 7, 8, 9, 10, 11, 12],
    );
    // sma4 is first defined at bar 3 (warm-up 4 bars): sma2 - sma4 = 7.5 - 8.5 < 0 (only sets the sign);
    // bar 4: 7.5 - 8 < 0; bar 5: 8.5 - 8 > 0 -> up-cross, bought at bar 6's open (9).
    expect(r.signals).toEqual(['long @5']);
    expect(r.orders).toEqual(['buy market 1 @5 filled 9']);
  });

  it('refuses two definitions under one feature name, and a feature nobody defines', () => {
    const clash = composeStrategy({
      name: 'clash',
      features: { atr_14: indicator('sma:14') },
      signal: aboveEleven,
      sizer: fixedUnits(1),
      exits: [atrStop(1.5, 14)],
    });
    expect(() => runBacktest({ strategy: clash, series: [bars([10, 11])], runId: 't' })).toThrow(
      /feature "atr_14" is sma\(14\)\[close\]\.sma in clash but atr\(14\)\.atr in exit ATR stop 1.5x/,
    );
    const missing = composeStrategy({ name: 'missing', signal: aboveEleven, sizer: fixedUnits(1) });
    expect(() => runBacktest({ strategy: missing, series: [bars([10, 11])], runId: 't' })).toThrow(
      /signal threshold\(x\) reads feature "x", which no component defines/,
    );
  });
});

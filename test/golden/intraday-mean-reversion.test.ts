/**
 * Golden runs of intraday-mean-reversion from config/strategy/intraday-mean-reversion.yaml: on the
 * synthetic universe as shipped (3 XNYS equities, minute bars, 2024-01-02..12) and on the 2006
 * index-futures minute bars of ../shared/data (Europe/Berlin, trading hours 08:00-22:00), with
 * round trips re-derived from the raw bars, and the acceptance check of issue 6: no position is
 * ever held across a session close.
 */
import { describe, expect, it } from 'vitest';
import { atr } from '../../src/analytics/indicators/atr.js';
import { rsi } from '../../src/analytics/indicators/rsi.js';
import { column, expectGolden, goldenRun, type GoldenRun } from './harness.js';
import { intradayReference } from './intraday-reference.js';
import {
  closedTrips,
  expectMarketFillsAtNextOpen,
  expectTrips,
  expectTripsPerSymbol,
  talib,
  workspaceBars,
  type Bars,
} from './reference.js';

const MIN = 60_000;

/** XNYS in January 2024: 09:30-16:00 New York = 14:30-21:00 UTC, no early close. */
function xnysJanuary(ts: number): { open: number; close: number } | undefined {
  const day = ts - (ts % 86_400_000);
  const open = day + 14.5 * 3_600_000;
  const close = day + 21 * 3_600_000;
  return ts >= open && ts < close ? { open, close } : undefined;
}

/** hours:Europe/Berlin:08:00-22:00 in January and February 2006 (CET = UTC+1): 07:00-21:00 UTC, weekdays. */
function berlinWinter(ts: number): { open: number; close: number } | undefined {
  const day = ts - (ts % 86_400_000);
  const wd = new Date(day).getUTCDay();
  const open = day + 7 * 3_600_000;
  const close = day + 21 * 3_600_000;
  return wd !== 0 && wd !== 6 && ts >= open && ts < close ? { open, close } : undefined;
}

const tsOf = (b: Bars): number[] => b.date.map((d) => Date.parse(d));

/**
 * Issue 6's acceptance: every round trip opens and closes within one session, before its close,
 * and the book is flat at the last bar each session has.
 */
function expectFlatAcrossSessions(run: GoldenRun, sessionOf: typeof xnysJanuary): void {
  const t = run.trades;
  for (const r of t.slice(1)) {
    const entry = Date.parse(r[column(t, 'entry_time')] as string);
    const s = sessionOf(entry);
    expect(s, `entry ${r.join(',')}`).toBeDefined();
    const exit = Date.parse(r[column(t, 'exit_time')] as string);
    expect(exit + MIN, `exit ${r.join(',')}`).toBeLessThanOrEqual((s as { close: number }).close);
    expect(r[column(t, 'status')]).toBe('closed');
  }
  const e = run.equity;
  const lastOfSession = new Map<number, number>();
  e.slice(1).forEach((r, k) => {
    const s = sessionOf(Date.parse(r[0] as string));
    if (s === undefined) expect(Number(r[column(e, 'gross_exposure')]), `outside a session ${r[0]}`).toBe(0);
    else lastOfSession.set(s.open, k + 1);
  });
  for (const k of lastOfSession.values()) {
    expect(Number(e[k]?.[column(e, 'gross_exposure')]), `last bar ${e[k]?.[0]}`).toBe(0);
  }
  expect(lastOfSession.size).toBeGreaterThan(5);
}

describe('golden: intraday-mean-reversion', () => {
  it('runs config/strategy/intraday-mean-reversion.yaml on the synthetic universe', async () => {
    const run = await goldenRun('intraday-mean-reversion.yaml');
    expectGolden(
      'intraday-mean-reversion-synthetic',
      run,
      'intraday-mean-reversion.yaml as shipped: 3 synthetic XNYS equities, minute bars, 2024-01-02..2024-01-12',
    );
    expectFlatAcrossSessions(run, xnysJanuary);
    expect(expectMarketFillsAtNextOpen(run, '1m', 1)).toBeGreaterThan(50);
    const trips = expectTripsPerSymbol(run, '1m', (b) => {
      const cols = { high: b.high, low: b.low, close: b.close };
      const [r, a] = [rsi(b.close, 14), atr(cols, 14)];
      return intradayReference({
        bars: b,
        ts: tsOf(b),
        session: xnysJanuary,
        rsi: [...r],
        atr: [...a],
        allowShort: true,
        slip: 1e-4,
        cash: 1e5,
      });
    });
    expect(trips).toBeGreaterThan(50);
  });

  it('runs on the 2006 index-futures minute bars and is flat at every session close', async () => {
    const run = await goldenRun(
      'intraday-mean-reversion.yaml',
      ['--symbols', 'FDAX', '--start', '2006-01-02', '--end', '2006-02-28', '--fees', 'none', '--slippage', 'none'],
      [
        {
          file: '2006-01-02-volume-min-001.txt',
          symbol: 'FDAX',
          tz: 'Europe/Berlin',
          calendar: 'hours:Europe/Berlin:08:00-22:00',
        },
      ],
    );
    expectGolden(
      'intraday-mean-reversion-fdax',
      run,
      'intraday-mean-reversion.yaml on the 2006 index-futures minute file (Europe/Berlin 08:00-22:00), no fees, no slippage',
    );
    expectFlatAcrossSessions(run, berlinWinter);
    // The round trips of the first 5000 bars, with TA-Lib's RSI(14) and ATR(14) of those bars.
    const b = workspaceBars(run.home, '1m', 'FDAX');
    const n = 5000;
    const head: Bars = {
      date: b.date.slice(0, n),
      open: b.open.slice(0, n),
      high: b.high.slice(0, n),
      low: b.low.slice(0, n),
      close: b.close.slice(0, n),
      volume: b.volume.slice(0, n),
    };
    const want = intradayReference({
      bars: head,
      ts: tsOf(head),
      session: berlinWinter,
      rsi: talib('min2006', 'rsi_14'),
      atr: talib('min2006', 'atr_14'),
      allowShort: true,
      slip: 0,
      cash: 1e5,
    }).filter(([, , exit]) => Date.parse(exit) < Date.parse(head.date[n - 1] as string));
    const got = closedTrips(run).filter(([, , exit]) => Date.parse(exit) < Date.parse(head.date[n - 1] as string));
    expectTrips(got, want);
    expect(want.length).toBeGreaterThan(10);
    /*
     * The first trip by hand from the file (local times; UTC is one hour earlier). VWAP of the
     * typical price from 09:01; d = close - VWAP; z = d / population sd of the last 30 d (first at
     * 09:30, the 30th bar). 09:31: z 2.655 but RSI 68.43 (TA-Lib) is not above 70. 09:33: close
     * 3607, VWAP 3601.5021, d 5.4979, sd 1.9394, z 2.835 >= 2 and RSI 71.67 > 70: short. Filled at
     * the 09:34 open 3607; 1 contract (0.4% risk: 400 / (1.5 x ATR 1.6559) = 161, capped at 5% of
     * equity: 5000 / 3607 = 1.39). Buy stop 3607 + 1.5 x 1.6559 = 3609.484; the 09:35 bar (open 3608,
     * high 3612) reaches it: bought back at 3609.484.
     */
    expect(got[0]).toEqual(['2006-01-02T08:34:00Z', 3607, '2006-01-02T08:35:00Z', expect.closeTo(3609.484, 3), 1]);
    expect(run.trades[1]?.[column(run.trades, 'direction')]).toBe('short');
  });
});

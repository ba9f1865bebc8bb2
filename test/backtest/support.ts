import { getCalendar } from '../../src/calendar/index.js';
import { BarSeries, type Bar } from '../../src/core/bar.js';
import { dateToTs } from '../../src/data/schema.js';
import { runBacktest, type BacktestOptions } from '../../src/orchestration/node.js';
import type { RunRecord } from '../../src/backtest/run-record.js';
import type { Strategy } from '../../src/strategies/api.js';

/** The first `n` XNYS sessions from `from`, as daily bar timestamps (the date at 00:00 UTC). */
export function sessions(n: number, from = '2024-01-02'): number[] {
  return getCalendar('XNYS')
    .sessionDates(from, '2030-12-31')
    .slice(0, n)
    .map((d) => dateToTs(d));
}

/** Daily bars from `[open, high, low, close]` rows (volume 1,000,000) on consecutive XNYS sessions. */
export function ohlc(
  symbol: string,
  rows: readonly (readonly [number, number, number, number])[],
  from?: string,
): BarSeries {
  const ts = sessions(rows.length, from);
  return BarSeries.fromBars(
    symbol,
    rows.map(([open, high, low, close], i) => ({ ts: ts[i] as number, open, high, low, close, volume: 1_000_000 })),
  );
}

/** Daily bars whose open, high, low and close all equal the given closes. */
export function flat(symbol: string, closes: readonly number[], from?: string): BarSeries {
  return ohlc(
    symbol,
    closes.map((c) => [c, c, c, c] as const),
    from,
  );
}

/** Daily bars at the given session dates: open = close - 0.5, high = close + 1, low = open - 1. */
export function atDates(symbol: string, dates: readonly string[], closes: readonly number[]): BarSeries {
  return BarSeries.fromBars(
    symbol,
    dates.map((d, i) => {
      const c = closes[i] as number;
      return { ts: dateToTs(d), open: c - 0.5, high: c + 1, low: c - 1.5, close: c, volume: 1_000_000 };
    }),
  );
}

/** Runs an ad-hoc strategy (hooks given as an object) with defaults suited to tests. */
export function run(
  strategy: Omit<Strategy, 'name'> & { name?: string },
  options: Partial<BacktestOptions> & Pick<BacktestOptions, 'series'>,
): RunRecord {
  return runBacktest({ runId: 'test', priceRounding: 'none', ...options, strategy: { name: 'test', ...strategy } });
}

export type { Bar };

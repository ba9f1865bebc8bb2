/**
 * Inputs for the independent checks of the golden runs: raw bars read straight from the files
 * (../shared/data or a run's workspace) and TA-Lib's own indicator values (test/fixtures/talib,
 * computed by the TA-Lib C library; see its README).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { SHARED_DATA } from '../support/paths.js';
import { column, type GoldenRun } from './harness.js';

export interface Bars {
  /** `YYYY-MM-DD` (daily files) or the file's own date and time. */
  readonly date: readonly string[];
  readonly open: readonly number[];
  readonly high: readonly number[];
  readonly low: readonly number[];
  readonly close: readonly number[];
  readonly volume: readonly number[];
}

/** A ../shared/data daily file: `Date,Open,High,Low,Close,Adj Close,Volume`. */
export function sharedDaily(file: string): Bars {
  const rows = readFileSync(join(SHARED_DATA, file), 'utf8').trim().split('\n').slice(1);
  const cell = (k: number) => rows.map((r) => Number(r.split(',')[k]));
  return {
    date: rows.map((r) => r.split(',')[0] as string),
    open: cell(1),
    high: cell(2),
    low: cell(3),
    close: cell(4),
    volume: cell(6),
  };
}

/** A workspace raw file, `data/raw/{tf}/{SYMBOL}.csv`: `symbol,date|timestamp,open,high,low,close,volume`. */
export function workspaceBars(home: string, timeframe: string, symbol: string): Bars {
  const rows = readFileSync(join(home, 'data', 'raw', timeframe, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.split(','));
  const cell = (k: number) => rows.map((r) => Number(r[k]));
  return {
    date: rows.map((r) => r[1] as string),
    open: cell(2),
    high: cell(3),
    low: cell(4),
    close: cell(5),
    volume: cell(6),
  };
}

/** TA-Lib's output (NaN during its lookback) from `test/fixtures/talib/{series}.{name}.json.gz`. */
export function talib(series: 'orcl' | 'nvda' | 'min2006', name: string, output?: string): number[] {
  const file = new URL(`../fixtures/talib/${series}.${name}.json.gz`, import.meta.url);
  const fx = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    outputs: Record<string, (number | null)[]>;
  };
  const values = output === undefined ? Object.values(fx.outputs)[0] : fx.outputs[output];
  if (values === undefined) throw new Error(`no output ${output ?? ''} in ${file.pathname}`);
  return values.map((v) => (v === null ? NaN : v));
}

/** A round trip: entry and exit dates (bar timestamps as written) and prices, and the quantity. */
export type Trip = readonly [entry: string, entryPrice: number, exit: string, exitPrice: number, qty: number];

/** The closed round trips of trades.csv (of one symbol, or of the only one). */
export function closedTrips(run: GoldenRun, symbol?: string): Trip[] {
  const t = run.trades;
  const c = (n: string) => column(t, n);
  return t
    .slice(1)
    .filter((r) => r[c('status')] === 'closed' && (symbol === undefined || r[c('symbol')] === symbol))
    .map((r) => [
      r[c('entry_time')] as string,
      Number(r[c('entry_price')]),
      r[c('exit_time')] as string,
      Number(r[c('exit_price')]),
      Number(r[c('qty')]),
    ]);
}

/**
 * Compares round trips; prices to 9 decimals (indicator values of two implementations differ in
 * the last bits); quantities unless `withQty` is false (several symbols share the equity).
 */
export function expectTrips(got: readonly Trip[], want: readonly Trip[], withQty = true, label = ''): void {
  expect(got.length, `${label} round trips`).toBe(want.length);
  got.forEach((g, k) => {
    const w = want[k] as Trip;
    const at = `${label} trip ${k + 1}`;
    expect([g[0], g[2], withQty ? g[4] : 0], at).toEqual([w[0], w[2], withQty ? w[4] : 0]);
    expect(g[1], `${at} entry price`).toBeCloseTo(w[1], 9);
    expect(g[3], `${at} exit price`).toBeCloseTo(w[3], 9);
  });
}

/**
 * Every symbol of a multi-symbol run traded as `reference` derives from its raw workspace bars
 * (dates and prices; quantities depend on the shared equity); returns the number of round trips.
 */
export function expectTripsPerSymbol(run: GoldenRun, timeframe: string, reference: (b: Bars) => Trip[]): number {
  const symbols = [...new Set(run.trades.slice(1).map((r) => r[column(run.trades, 'symbol')] as string))];
  let n = 0;
  for (const s of symbols) {
    const want = reference(workspaceBars(run.home, timeframe, s));
    expectTrips(closedTrips(run, s), want, false, s);
    n += want.length;
  }
  return n;
}

/**
 * Every filled market order of the run filled at the open of the symbol's first bar after its
 * signal bar, moved `slippageBps` against the order; returns how many were checked.
 */
export function expectMarketFillsAtNextOpen(run: GoldenRun, timeframe: string, slippageBps: number): number {
  const o = run.orders;
  const c = (n: string) => column(o, n);
  const bars = new Map<string, Bars>();
  let checked = 0;
  for (const r of o.slice(1)) {
    if (r[c('type')] !== 'market' || r[c('status')] !== 'filled') continue;
    const symbol = r[c('symbol')] as string;
    let b = bars.get(symbol);
    if (b === undefined) bars.set(symbol, (b = workspaceBars(run.home, timeframe, symbol)));
    const submitted = r[c('submitted_at')] as string;
    // Daily: the signal bar is the session of the submission date (submitted at its close);
    // intraday: submitted at the signal bar's end, the next bar starts then or later.
    const day = submitted.slice(0, 10);
    const next = timeframe === '1d' ? b.date.findIndex((d) => d > day) : b.date.findIndex((d) => d >= submitted);
    expect(next, `${symbol} bar after ${submitted}`).toBeGreaterThan(0);
    const side = r[c('side')] === 'buy' ? 1 : -1;
    expect(r[c('final_at')], `${symbol} fill time`).toBe(b.date[next]);
    expect(Number(r[c('avg_fill_price')])).toBeCloseTo((b.open[next] as number) * (1 + (side * slippageBps) / 1e4), 9);
    checked++;
  }
  return checked;
}

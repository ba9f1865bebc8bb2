import { civilFromDays } from '../core/dates.js';
import type { Trade } from '../portfolio/index.js';
import { ROLLING_WINDOW } from './metrics.js';
import { chartedSymbols } from './results-files.js';
import { rollingSharpe, simpleReturns } from '../analytics/metrics/return-stats.js';
import type { RunRecord } from './run-record.js';

/**
 * What the report's charts draw, computed here (not in the browser) so the page only plots.
 * Times are UTC seconds (lightweight-charts' UTCTimestamp); NaN values become JSON null, which
 * the page draws as gaps.
 */

/** The fields of a run the report reads; a RunRecord has them all. */
export type ReportRecord = Pick<
  RunRecord,
  | 'runId'
  | 'strategy'
  | 'params'
  | 'config'
  | 'symbols'
  | 'timeframe'
  | 'start'
  | 'end'
  | 'initialCash'
  | 'periodsPerYear'
  | 'equity'
  | 'prices'
  | 'benchmark'
  | 'codeVersion'
  | 'seed'
  | 'dataFiles'
> & {
  readonly trades: readonly Pick<
    Trade,
    'symbol' | 'direction' | 'qty' | 'entryTs' | 'entryPrice' | 'exitTs' | 'exitPrice' | 'pnl' | 'return' | 'isOpen'
  >[];
};

export interface PriceChart {
  readonly symbol: string;
  /** Columns: time, open, high, low, close. */
  readonly t: number[];
  readonly o: number[];
  readonly h: number[];
  readonly l: number[];
  readonly c: number[];
  readonly markers: { time: number; position: 'aboveBar' | 'belowBar'; color: string; shape: string; text: string }[];
}

export interface ChartData {
  readonly intraday: boolean;
  readonly t: number[];
  readonly equity: number[];
  readonly drawdownPct: number[];
  readonly rollingSharpe: number[];
  /** Benchmark closes rescaled to start at the initial cash. */
  readonly benchmark: { readonly symbol: string; readonly values: number[] } | null;
  readonly prices: PriceChart[];
}

const UP = '#2e7d32';
const DOWN = '#c62828';

/**
 * `rolling`: the rolling Sharpe of the equity rows (risk-free 0) when the caller has it already
 * (the results writer computed it for rolling.csv); computed here otherwise.
 */
export function chartData(record: ReportRecord, rolling?: ArrayLike<number>): ChartData {
  const curve = record.equity;
  const ts = curve.column('ts');
  const eq = curve.column('equity');
  rolling ??= rollingSharpe(simpleReturns(eq, record.initialCash), ROLLING_WINDOW, record.periodsPerYear);
  const dd = curve.column('drawdown');
  // The charts need strictly increasing times: of rows sharing a second, the last one is drawn.
  const keep: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    if (i + 1 === ts.length || Math.floor(ts[i + 1]! / 1000) !== Math.floor(ts[i]! / 1000)) keep.push(i);
  }
  const all = keep.length === ts.length;
  // Packed arrays (push), which JSON.stringify writes on its fast path.
  const pick = (col: ArrayLike<number>, scale = 1): number[] => {
    const out: number[] = [];
    for (let k = 0; k < keep.length; k++) out.push(col[all ? k : keep[k]!]! * scale);
    return out;
  };
  const b = record.benchmark;
  let benchmark: ChartData['benchmark'] = null;
  // Rescaled from its first finite close (an aligned benchmark is NaN before its first bar).
  const first = b === undefined ? undefined : b.close.find(Number.isFinite);
  if (b !== undefined && first !== undefined) {
    const cash = record.initialCash;
    const values = pick(b.close);
    for (let k = 0; k < values.length; k++) values[k] = (cash * values[k]!) / first;
    benchmark = { symbol: b.symbol, values };
  }
  return {
    intraday: record.timeframe !== '1d',
    t: seconds(pick(ts)),
    equity: pick(eq),
    drawdownPct: pick(dd, 100),
    rollingSharpe: pick(rolling),
    benchmark,
    prices: chartedSymbols(record).map((s) => priceChart(record, s)),
  };
}

/**
 * A plain array of the column (Array.from walks a typed array through its iterator). Filled by
 * push, so the array is packed: JSON.stringify takes its fast path only for packed arrays.
 */
function toArray(col: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < col.length; i++) out.push(col[i]!);
  return out;
}

/** Epoch ms to whole UTC seconds, in place. */
function seconds(ms: number[]): number[] {
  for (let i = 0; i < ms.length; i++) ms[i] = Math.floor(ms[i]! / 1000);
  return ms;
}

function priceChart(record: ReportRecord, symbol: string): PriceChart {
  const bars = record.prices.get(symbol)!;
  const markers: PriceChart['markers'] = [];
  /** A trade time on its bar: the last bar at or before it (markers must sit on a bar). */
  const snap = (ts: number): number | undefined => {
    const i = bars.indexAtOrBefore(ts);
    return i < 0 ? undefined : Math.floor(bars.ts[i]! / 1000);
  };
  for (const tr of record.trades) {
    if (tr.symbol !== symbol) continue;
    const isLong = tr.direction === 'long';
    const entry = snap(tr.entryTs);
    if (entry !== undefined) {
      markers.push({
        time: entry,
        position: isLong ? 'belowBar' : 'aboveBar',
        color: isLong ? UP : DOWN,
        shape: isLong ? 'arrowUp' : 'arrowDown',
        text: isLong ? 'Buy' : 'Short',
      });
    }
    const exit = Number.isFinite(tr.exitTs) ? snap(tr.exitTs) : undefined;
    if (exit !== undefined) {
      markers.push({
        time: exit,
        position: isLong ? 'aboveBar' : 'belowBar',
        color: tr.pnl >= 0 ? UP : DOWN,
        shape: isLong ? 'arrowDown' : 'arrowUp',
        text: isLong ? 'Sell' : 'Cover',
      });
    }
  }
  markers.sort((a, b) => a.time - b.time);
  return {
    symbol,
    t: seconds(toArray(bars.ts)),
    o: toArray(bars.open),
    h: toArray(bars.high),
    l: toArray(bars.low),
    c: toArray(bars.close),
    markers,
  };
}

export interface MonthlyReturns {
  /** Years in order; `months[k][m]` is the return of month m (0 = January) of years[k], NaN outside the run. */
  readonly years: number[];
  readonly months: number[][];
  readonly yearly: number[];
}

/**
 * Calendar-month returns (UTC months) from the equity curve: the month's last equity over the
 * previous month's last equity (the initial cash before the first month), minus 1; the year
 * column compounds the same way over years.
 */
export function monthlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>, initial: number): MonthlyReturns {
  const years: number[] = [];
  const months: number[][] = [];
  const yearly: number[] = [];
  let prevMonthEnd = initial;
  let prevYearEnd = initial;
  let next = ts.length > 0 ? civilFromDays(Math.floor(ts[0]! / 86_400_000)) : undefined;
  for (let i = 0; i < ts.length; i++) {
    const [y, m] = next!;
    next = i + 1 < ts.length ? civilFromDays(Math.floor(ts[i + 1]! / 86_400_000)) : undefined;
    if (years[years.length - 1] !== y) {
      years.push(y);
      months.push(new Array<number>(12).fill(NaN));
      yearly.push(NaN);
    }
    const e = equity[i]!;
    if (next === undefined || next[0] !== y || next[1] !== m) {
      months[months.length - 1]![m - 1] = e / prevMonthEnd - 1;
      prevMonthEnd = e;
    }
    if (next === undefined || next[0] !== y) {
      yearly[yearly.length - 1] = e / prevYearEnd - 1;
      prevYearEnd = e;
    }
  }
  return { years, months, yearly };
}

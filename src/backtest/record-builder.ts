import { readFileSync } from 'node:fs';
import type { BarSeries } from '../core/bar.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';
import { formatTime } from '../data/schema.js';
import type { Fill } from '../core/order.js';
import type { OrderRecord } from '../engine/ports.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Trade } from '../portfolio/trade-ledger.js';
import type { RunRecord, SignalRecord } from './run-record.js';

/** The package version from package.json beside src/ or dist/ (`unknown` when unreadable). */
export const CODE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

const SESSION_MS = { XNYS: 6.5 * 3_600_000, '24/7': 24 * 3_600_000 } as const;

/**
 * Equity rows per year, for annualisation. There is one row per timestamp of the merged bars, so
 * a run with any 24/7 instrument has a row every day (365 a year, 24 hours a day intraday);
 * otherwise 252 sessions a year of 6.5 trading hours (XNYS) for intraday timeframes.
 */
export function periodsPerYear(timeframe: Timeframe, calendars: readonly string[]): number {
  const always = calendars.some((c) => c === '24/7');
  const sessions = always ? 365 : 252;
  if (timeframe === '1d') return sessions;
  return sessions * Math.round((always ? SESSION_MS['24/7'] : SESSION_MS.XNYS) / TIMEFRAME_MS[timeframe]);
}

/** Benchmark closes aligned to equity timestamps: the last close at or before each (NaN before the first). */
export function alignCloses(benchmark: BarSeries, ts: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ts.length);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    while (j + 1 < benchmark.length && (benchmark.ts[j + 1] as number) <= t) j++;
    out[i] = j < 0 ? NaN : (benchmark.close[j] as number);
  }
  return out;
}

export interface RunParts {
  readonly runId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly symbols: readonly string[];
  readonly calendars: readonly string[];
  readonly timeframe: Timeframe;
  readonly portfolio: Portfolio;
  readonly orders: readonly OrderRecord[];
  readonly fills?: readonly Fill[];
  readonly signals: readonly SignalRecord[];
  readonly prices: ReadonlyMap<string, BarSeries>;
  readonly benchmark?: BarSeries;
  readonly dataFiles?: readonly { readonly path: string; readonly sha256: string }[];
  readonly seed?: number;
  readonly timings: Readonly<Record<string, number>>;
}

/** The RunRecord of a finished run: closed round trips, then the open ones at the latest marks. */
export function buildRunRecord(p: RunParts): RunRecord {
  const curve = p.portfolio.curve;
  const ts = curve.column('ts');
  const first = ts.length > 0 ? (ts[0] as number) : NaN;
  const last = ts.length > 0 ? (ts[ts.length - 1] as number) : NaN;
  const trades: Trade[] = [...p.portfolio.trades, ...p.portfolio.openTrades()];
  return {
    runId: p.runId,
    strategy: p.strategy,
    params: p.params,
    config: p.config,
    symbols: p.symbols,
    timeframe: p.timeframe,
    start: Number.isNaN(first) ? '' : formatTime(p.timeframe, first),
    end: Number.isNaN(last) ? '' : formatTime(p.timeframe, last),
    initialCash: p.portfolio.initialCash,
    periodsPerYear: periodsPerYear(p.timeframe, p.calendars),
    equity: curve,
    trades,
    orders: p.orders,
    ...(p.fills === undefined ? {} : { fills: p.fills }),
    signals: p.signals,
    prices: p.prices,
    ...(p.benchmark === undefined
      ? {}
      : { benchmark: { symbol: p.benchmark.symbol, close: alignCloses(p.benchmark, ts) } }),
    dataFiles: p.dataFiles ?? [],
    ...(p.seed === undefined ? {} : { seed: p.seed }),
    codeVersion: CODE_VERSION,
    timings: p.timings,
  };
}

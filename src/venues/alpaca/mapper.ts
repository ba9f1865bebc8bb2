/**
 * Pure translation between Alpaca's wire shapes and momentic's domain (no I/O).
 * Daily bars: Alpaca stamps a stock's daily bar at New York midnight (`2024-01-03T05:00:00Z`)
 * and a crypto pair's at UTC midnight (Chicago midnight before mid-2025); both become the
 * session date at 00:00 UTC. Intraday bars keep their start instant.
 */
import type { Bar } from '../../core/bar.js';
import type { Timeframe } from '../../core/enums.js';
import type { z } from 'zod';
import { dailyTsFromInstant } from '../context.js';
import { AlpacaTimeframe, parseRfc3339, type AlpacaBar } from './schemas.js';

const TIMEFRAMES: Readonly<Record<Timeframe, AlpacaTimeframe>> = {
  '1m': AlpacaTimeframe.Min1,
  '5m': AlpacaTimeframe.Min5,
  '15m': AlpacaTimeframe.Min15,
  '1h': AlpacaTimeframe.Hour1,
  '1d': AlpacaTimeframe.Day1,
};

/** The `timeframe` query value of a canonical timeframe. */
export function toAlpacaTimeframe(tf: Timeframe): AlpacaTimeframe {
  return TIMEFRAMES[tf];
}

/** Alpaca names crypto pairs with a slash (`BTC/USD`); stock tickers never contain one. */
export function isCryptoSymbol(symbol: string): boolean {
  return symbol.includes('/');
}

/**
 * The symbol as Alpaca's REST and stream APIs spell it: upper case (`btc/usd` is `BTC/USD`).
 * The one place a run's symbol becomes a wire symbol; bars coming back carry the run's spelling.
 */
export function toAlpacaSymbol(symbol: string): string {
  return symbol.toUpperCase();
}

/** RFC-3339 without fractions (the API rejects them), rounded down to the second. */
export function formatRfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * The `start` and `end` query values of a half-open range `[start, end)`. Alpaca's `end` is
 * inclusive and bars start on whole seconds, so we ask up to the last whole second before `end`
 * (a bar starting exactly at `end` would only cost an extra page).
 */
export function queryRange(start: number, end: number): { start: string; end: string } {
  return { start: formatRfc3339(start), end: formatRfc3339(end - 1) };
}

/** Canonical ts of a wire bar: the session date at 00:00 UTC for daily bars, else the bar start. */
export function barTs(bar: AlpacaBar, timeframe: Timeframe, timezone: string): number {
  const start = parseRfc3339(bar.t);
  if (start === undefined) throw new RangeError(`not an RFC-3339 timestamp: ${bar.t}`);
  return timeframe === '1d' ? dailyTsFromInstant(start, timezone) : start;
}

export function toBar(symbol: string, bar: AlpacaBar, timeframe: Timeframe, timezone: string): Bar {
  return {
    symbol,
    ts: barTs(bar, timeframe, timezone),
    open: bar.o,
    high: bar.h,
    low: bar.l,
    close: bar.c,
    volume: bar.v,
  };
}

export interface MapBarsRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** IANA zone whose date names a daily bar (`America/New_York`, `UTC`). */
  readonly timezone: string;
  readonly start: number;
  readonly end: number;
}

/** Domain bars of one page, kept to `start <= ts < end` (Alpaca's `end` is inclusive). */
export function toBars(bars: readonly AlpacaBar[] | null | undefined, request: MapBarsRequest): Bar[] {
  const out: Bar[] = [];
  for (const b of bars ?? []) {
    const bar = toBar(request.symbol, b, request.timeframe, request.timezone);
    if (bar.ts >= request.start && bar.ts < request.end) out.push(bar);
  }
  return out;
}

/** The first zod issues as `path: message`, for error messages that say what was wrong. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const shown = error.issues
    .slice(0, max)
    .map((i) => `${i.path.length === 0 ? '(root)' : i.path.map(String).join('.')}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

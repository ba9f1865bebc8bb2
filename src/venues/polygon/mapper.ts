/** Polygon (Massive) wire <-> momentic domain; pure functions only. */
import type { Bar } from '../../core/bar.js';
import type { Timeframe } from '../../core/enums.js';
import { cryptoPair, equity, type Instrument } from '../../core/instrument.js';
import { tsToDate } from '../../data/schema.js';
import { dailyTsFromInstant } from '../context.js';
import type { BarRequest } from '../../engine/ports.js';
import { PolygonTimespan, type PolygonAgg } from './schemas.js';

/** Polygon's crypto tickers are `X:` + base + quote, e.g. `X:BTCUSD`. */
export const POLYGON_CRYPTO_PREFIX = 'X:';

/** Time zone in which Polygon starts daily aggregates: New York midnight for US stocks, UTC for 24/7 crypto. */
export const US_EQUITY_ZONE = 'America/New_York';
export const CRYPTO_ZONE = 'UTC';

export interface PolygonWindow {
  readonly multiplier: number;
  readonly timespan: PolygonTimespan;
}

/** momentic timeframe -> `{multiplier}/{timespan}` path segments of the aggregates endpoint. */
export const POLYGON_WINDOWS: Readonly<Record<Timeframe, PolygonWindow>> = {
  '1d': { multiplier: 1, timespan: PolygonTimespan.Day },
  '1h': { multiplier: 1, timespan: PolygonTimespan.Hour },
  '15m': { multiplier: 15, timespan: PolygonTimespan.Minute },
  '5m': { multiplier: 5, timespan: PolygonTimespan.Minute },
  '1m': { multiplier: 1, timespan: PolygonTimespan.Minute },
};

export function isPolygonCrypto(symbol: string): boolean {
  return symbol.startsWith(POLYGON_CRYPTO_PREFIX);
}

/** `X:` tickers are 24/7 crypto pairs; everything else is treated as a US equity on XNYS. */
export function polygonInstrument(symbol: string): Instrument {
  return isPolygonCrypto(symbol) ? cryptoPair(symbol) : equity(symbol);
}

export function polygonDailyZone(symbol: string): string {
  return isPolygonCrypto(symbol) ? CRYPTO_ZONE : US_EQUITY_ZONE;
}

/**
 * The path of the first aggregates page for a request. `to` is inclusive at Polygon, so daily
 * requests name the last wanted session date and intraday requests stop 1 ms before `end`.
 * Daily bounds are dates (Polygon reads them in the market's zone); intraday bounds are Unix ms.
 */
export function polygonAggsPath(request: BarRequest): string {
  const { multiplier, timespan } = POLYGON_WINDOWS[request.timeframe];
  const start = Math.ceil(request.start);
  const last = Math.ceil(request.end) - 1;
  const [from, to] =
    timespan === PolygonTimespan.Day ? [tsToDate(start), tsToDate(last)] : [String(start), String(last)];
  return `/v2/aggs/ticker/${encodeTicker(request.symbol)}/range/${multiplier}/${timespan}/${from}/${to}`;
}

/** Percent-encodes a ticker for a path segment but keeps the `:` of `X:BTCUSD` readable. */
export function encodeTicker(symbol: string): string {
  return encodeURIComponent(symbol).replace(/%3A/gi, ':');
}

/**
 * One aggregate as a canonical bar: daily bars move from the window-start instant to the session
 * date at 00:00 UTC (a New York midnight stamped 05:00Z is that date), intraday bars keep `t`.
 */
export function mapPolygonAgg(symbol: string, timeframe: Timeframe, agg: PolygonAgg): Bar {
  const ts = timeframe === '1d' ? dailyTsFromInstant(agg.t, polygonDailyZone(symbol)) : agg.t;
  return { symbol, ts, open: agg.o, high: agg.h, low: agg.l, close: agg.c, volume: agg.v };
}

/** A page of aggregates as bars of the request, keeping only `start <= ts < end`. */
export function mapPolygonAggs(request: BarRequest, aggs: readonly PolygonAgg[]): Bar[] {
  const out: Bar[] = [];
  for (const agg of aggs) {
    const bar = mapPolygonAgg(request.symbol, request.timeframe, agg);
    if (bar.ts >= request.start && bar.ts < request.end) out.push(bar);
  }
  return out;
}

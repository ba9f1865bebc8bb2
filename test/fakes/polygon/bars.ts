/**
 * Deterministic aggregates for the fake Polygon server: the same (ticker, window) always gives
 * the same bar, whatever range or page it is served in. Daily stock bars start at New York
 * midnight on XNYS sessions only; intraday stock bars are clock-aligned windows that overlap a
 * regular session (as Polygon's are); `X:` crypto tickers trade 24/7 in UTC days.
 */
import { DateTime } from 'luxon';
import { getCalendar } from '../../../src/calendar/index.js';

export type FakeTimespan = 'minute' | 'hour' | 'day';

export interface FakeAgg {
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  readonly vw: number;
  readonly n: number;
  readonly t: number;
}

const NY = 'America/New_York';
const MS: Readonly<Record<FakeTimespan, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** Refuse ranges that would build more bars than this (a 1m year of crypto is ~526k). */
export const MAX_FAKE_BARS = 2_000_000;

export function isCryptoTicker(ticker: string): boolean {
  return ticker.startsWith('X:');
}

/** Length of one window in ms. */
export function windowMs(multiplier: number, timespan: FakeTimespan): number {
  return multiplier * MS[timespan];
}

/** 32-bit FNV-1a of a string: the ticker's seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A well-mixed 32-bit value of a seed and a (possibly > 2^32) integer. */
function mix(seed: number, x: number): number {
  let h = Math.imul(seed ^ (x >>> 0), 0x9e3779b1) ^ Math.imul(Math.floor(x / 2 ** 32), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Price level of a ticker at instant `t`: two sine waves around a ticker-specific base (17.6..550). */
function level(seed: number, t: number): number {
  const hours = t / 3_600_000;
  const base = 20 + (seed % 480);
  const phase = (seed % 628) / 100;
  return base * (1 + 0.1 * Math.sin(hours / 97 + phase) + 0.02 * Math.sin(hours / 5.3 + 2 * phase));
}

/** The bar of `ticker` for the window starting at `t` of length `sizeMs`; OHLC always consistent. */
export function fakeAgg(ticker: string, t: number, sizeMs: number): FakeAgg {
  const seed = fnv1a(ticker);
  const noise = mix(seed, t);
  const o = round4(level(seed, t));
  const c = round4(level(seed, t + sizeMs));
  const spread = 0.001 + 0.004 * ((noise % 1000) / 1000);
  const h = round4(Math.max(o, c) * (1 + spread));
  const l = round4(Math.min(o, c) * (1 - spread));
  const v = 1_000 + (noise % 100_000);
  return { o, h, l, c, v, vw: round4((h + l + c) / 3), n: Math.max(1, Math.floor(v / 50)), t };
}

/**
 * A `from`/`to` path bound in ms: Unix ms as is, or a date at the start (from) or the last ms (to)
 * of that day in the ticker's zone (New York for stocks, UTC for crypto). Undefined when malformed.
 */
export function parseBound(text: string, ticker: string, isEnd: boolean): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const day = DateTime.fromISO(text, { zone: isCryptoTicker(ticker) ? 'UTC' : NY });
  if (!day.isValid) return undefined;
  return isEnd ? day.plus({ days: 1 }).toMillis() - 1 : day.toMillis();
}

/** Every bar with `fromMs <= t <= toMs`, ascending; undefined when the range is too large. */
export function fakeAggs(
  ticker: string,
  multiplier: number,
  timespan: FakeTimespan,
  fromMs: number,
  toMs: number,
): FakeAgg[] | undefined {
  const size = windowMs(multiplier, timespan);
  const starts = isCryptoTicker(ticker)
    ? cryptoStarts(size, fromMs, toMs)
    : timespan === 'day'
      ? stockDailyStarts(fromMs, toMs)
      : stockIntradayStarts(size, fromMs, toMs);
  if (starts === undefined) return undefined;
  return starts.filter((t) => t >= fromMs && t <= toMs).map((t) => fakeAgg(ticker, t, size));
}

function cryptoStarts(size: number, fromMs: number, toMs: number): number[] | undefined {
  const first = Math.ceil(fromMs / size) * size;
  if (toMs >= first && (toMs - first) / size > MAX_FAKE_BARS) return undefined;
  const out: number[] = [];
  for (let t = first; t <= toMs; t += size) out.push(t);
  return out;
}

/** New York dates of the range, clamped to the years the XNYS calendar covers. */
function nyDates(fromMs: number, toMs: number): [string, string] | undefined {
  const cal = getCalendar('XNYS');
  const from = DateTime.fromMillis(fromMs, { zone: NY }).toISODate() ?? cal.firstDate;
  const to = DateTime.fromMillis(toMs, { zone: NY }).toISODate() ?? cal.lastDate;
  const a = from < cal.firstDate ? cal.firstDate : from;
  const b = to > cal.lastDate ? cal.lastDate : to;
  return a <= b ? [a, b] : undefined;
}

function stockDailyStarts(fromMs: number, toMs: number): number[] {
  const range = nyDates(fromMs, toMs);
  if (range === undefined) return [];
  return getCalendar('XNYS')
    .sessionDates(range[0], range[1])
    .map((d) => DateTime.fromISO(d, { zone: NY }).toMillis());
}

function stockIntradayStarts(size: number, fromMs: number, toMs: number): number[] | undefined {
  const range = nyDates(fromMs, toMs);
  if (range === undefined) return [];
  const sessions = getCalendar('XNYS').sessions(range[0], range[1]);
  if (sessions.length * (86_400_000 / size) > MAX_FAKE_BARS) return undefined;
  const out: number[] = [];
  for (const s of sessions) {
    for (let t = Math.floor(s.open / size) * size; t < s.close; t += size) out.push(t);
  }
  return out;
}

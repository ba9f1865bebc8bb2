/**
 * Canonical bar file contracts (DESIGN.md). Daily files carry a session `date`, intraday files a
 * UTC bar-start `timestamp`. In memory every bar has an epoch-ms `ts`: for daily bars the session
 * date at 00:00 UTC, for intraday bars the bar start.
 */
import { parseDayNumber, fromDayNumber, type IsoDate } from '../core/dates.js';
import type { Timeframe } from '../core/enums.js';

export const SCHEMA_VERSION = 1;

export const DAILY_COLUMNS = ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume'] as const;
export const INTRADAY_COLUMNS = ['symbol', 'timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

export const TIMEFRAMES: readonly Timeframe[] = ['1d', '1h', '15m', '5m', '1m'];

const MS_PER_DAY = 86_400_000;

export function isDaily(tf: Timeframe): boolean {
  return tf === '1d';
}

export function columnsOf(tf: Timeframe): readonly string[] {
  return isDaily(tf) ? DAILY_COLUMNS : INTRADAY_COLUMNS;
}

/** Daily bars: the session date at 00:00 UTC. */
export function dateToTs(date: IsoDate): number {
  const d = parseDayNumber(date);
  if (d === undefined) throw new RangeError(`not a date: ${date}`);
  return d * MS_PER_DAY;
}

export function tsToDate(ts: number): IsoDate {
  return fromDayNumber(Math.floor(ts / MS_PER_DAY));
}

/** ISO-8601 UTC without milliseconds when they are zero: `2024-01-02T14:30:00Z`. */
export function formatInstant(ts: number): string {
  const iso = new Date(ts).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/** The time cell of a canonical row: a date for daily bars, an instant for intraday bars. */
export function formatTime(tf: Timeframe, ts: number): string {
  return isDaily(tf) ? tsToDate(ts) : formatInstant(ts);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** Parses a canonical time cell; undefined when malformed. */
export function parseTime(tf: Timeframe, text: string): number | undefined {
  if (isDaily(tf)) {
    const d = parseDayNumber(text);
    return d === undefined ? undefined : d * MS_PER_DAY;
  }
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Shortest text that reads back as the same double (stable, so files are byte-identical). */
export function formatNumber(x: number): string {
  return String(x);
}

/**
 * Canonical bar file contracts (DESIGN.md). Daily files carry a session `date`, intraday files a
 * UTC bar-start `timestamp`. In memory every bar has an epoch-ms `ts`: for daily bars the session
 * date at 00:00 UTC, for intraday bars the bar start.
 */
import { dateToTs, formatInstant, parseDayNumber, tsToDate } from '../core/dates.js';
import { TIMEFRAMES, type Timeframe } from '../core/enums.js';

export const SCHEMA_VERSION = 1;

export const DAILY_COLUMNS = ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume'] as const;
export const INTRADAY_COLUMNS = ['symbol', 'timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

export { TIMEFRAMES };

export { dateToTs, formatInstant, tsToDate };

const MS_PER_DAY = 86_400_000;

export function isDaily(tf: Timeframe): boolean {
  return tf === '1d';
}

export function columnsOf(tf: Timeframe): readonly string[] {
  return isDaily(tf) ? DAILY_COLUMNS : INTRADAY_COLUMNS;
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

import { getCalendar } from '../calendar/registry.js';
import type { TradingCalendar } from '../calendar/types.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';

/** A trading session's UTC bounds: `open <= t < close` (mutable: models fill one in, allocation-free). */
export interface SessionSpan {
  open: number;
  close: number;
}

/**
 * Tells the exchange which session a bar belongs to, so that day orders expire, market-on-open
 * orders meet the session's first bar and market-on-close orders its last. A bar starting at
 * `ts` opens its session when `ts >= open` and the symbol's previous bar started before `open`;
 * it closes the session when `ts < close <= ts + barMs`.
 */
export interface SessionModel {
  readonly barMs: number;
  /** Writes the session containing the bar that starts at `ts` into `out`; false outside any session. */
  sessionOf(symbol: string, ts: number, out: SessionSpan): boolean;
}

const DAY_MS = TIMEFRAME_MS['1d'];

/**
 * Daily bars (ts = session date at 00:00 UTC, src/data/schema.ts): every bar is one whole
 * session, so it is both the session's first and its last bar.
 */
export const DAILY_BAR_SESSIONS: SessionModel = {
  barMs: DAY_MS,
  sessionOf(_symbol, ts, out) {
    out.open = ts;
    out.close = ts + DAY_MS;
    return true;
  },
};

/** Intraday bars: sessions from each symbol's trading calendar (`Instrument.calendar`). */
export function calendarSessions(timeframe: Timeframe, calendarOf: (symbol: string) => string): SessionModel {
  const calendars = new Map<string, TradingCalendar>();
  return {
    barMs: TIMEFRAME_MS[timeframe],
    sessionOf(symbol, ts, out) {
      let cal = calendars.get(symbol);
      if (cal === undefined) {
        cal = getCalendar(calendarOf(symbol));
        calendars.set(symbol, cal);
      }
      if (cal.sessionOfDay(cal.localDay(ts), out)) return true;
      // Not a session: sessionDate throws CALENDAR_OUT_OF_RANGE outside the calendar.
      cal.sessionDate(ts);
      return false;
    },
  };
}

/** The default model for a timeframe: whole-bar sessions for daily bars, the calendar otherwise. */
export function sessionsFor(timeframe: Timeframe, calendarOf: (symbol: string) => string): SessionModel {
  return timeframe === '1d' ? DAILY_BAR_SESSIONS : calendarSessions(timeframe, calendarOf);
}

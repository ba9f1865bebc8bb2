import type { IsoDate } from '../core/dates.js';

/** One trading session: its exchange-local date and UTC bounds in epoch ms. */
export interface Session {
  readonly date: IsoDate;
  readonly open: number;
  readonly close: number;
  readonly isEarlyClose: boolean;
}

/** UTC bounds of a session, `open <= ts < close` (mutable: lookups fill one in, allocation-free). */
export interface SessionBounds {
  open: number;
  close: number;
}

/** A weekday on which the market is closed, or closes early, and why. */
export interface CalendarEvent {
  readonly date: IsoDate;
  readonly name: string;
}

export interface TradingCalendar {
  /** Market code, e.g. `XNYS` or `24/7`. */
  readonly name: string;
  /** IANA time zone of session dates. */
  readonly timezone: string;
  /** First and last dates the calendar covers. */
  readonly firstDate: IsoDate;
  readonly lastDate: IsoDate;
  isTradingDay(date: IsoDate): boolean;
  /** The session of a trading day; throws CALENDAR_NOT_A_SESSION on other days. */
  session(date: IsoDate): Session;
  /** Sessions with `from <= date <= to`. */
  sessions(from: IsoDate, to: IsoDate): Session[];
  sessionDates(from: IsoDate, to: IsoDate): IsoDate[];
  /** First session strictly after `date`. */
  nextSession(date: IsoDate): IsoDate;
  /** Last session strictly before `date`. */
  previousSession(date: IsoDate): IsoDate;
  /** The trading day whose exchange-local date contains `ts`, or undefined on a closed day. */
  sessionDate(ts: number): IsoDate | undefined;
  /** True when `open <= ts < close` for some session. */
  isOpen(ts: number): boolean;
  /** Exchange-local day number (days since 1970-01-01) of an instant, unchecked against the range. */
  localDay(ts: number): number;
  /**
   * The session of day number `day` (`localDay`), allocation-free for hot paths: writes its UTC
   * bounds into `out` and returns true; false, leaving `out` as it was, on a closed day or outside
   * the calendar.
   */
  sessionOfDay(day: number, out: SessionBounds): boolean;
  /** Weekday closures (holidays and special closures) in a range. */
  closures(from: IsoDate, to: IsoDate): CalendarEvent[];
  /** Early closes in a range. */
  earlyCloses(from: IsoDate, to: IsoDate): CalendarEvent[];
}

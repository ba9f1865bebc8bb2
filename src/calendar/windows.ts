import { toDayNumber, yearOf, monthOf, type IsoDate } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import type { TradingCalendar } from './types.js';

export const RebalanceFrequency = {
  Daily: 'daily',
  Weekly: 'weekly',
  Monthly: 'monthly',
  Quarterly: 'quarterly',
} as const;
export type RebalanceFrequency = (typeof RebalanceFrequency)[keyof typeof RebalanceFrequency];

export type PeriodAnchor = 'first' | 'last';

/** The session on or before `date` (the date itself when it trades). */
export function sessionOnOrBefore(calendar: TradingCalendar, date: IsoDate): IsoDate {
  return calendar.isTradingDay(date) ? date : calendar.previousSession(date);
}

/** The session on or after `date`. */
export function sessionOnOrAfter(calendar: TradingCalendar, date: IsoDate): IsoDate {
  return calendar.isTradingDay(date) ? date : calendar.nextSession(date);
}

/**
 * Dates to fetch around an anchor: `lookback` sessions before the anchor's session and
 * `lookahead` after it, so a feature with a warm-up of `lookback` bars is ready at the anchor.
 */
export function fetchWindow(
  anchor: IsoDate,
  lookback: number,
  lookahead: number,
  calendar: TradingCalendar,
): { start: IsoDate; end: IsoDate } {
  checkCount(lookback, 'lookback');
  checkCount(lookahead, 'lookahead');
  let start = sessionOnOrBefore(calendar, anchor);
  const base = start;
  for (let i = 0; i < lookback; i++) start = calendar.previousSession(start);
  let end = base;
  for (let i = 0; i < lookahead; i++) end = calendar.nextSession(end);
  return { start, end };
}

/** The last `length` sessions ending on `end` (or the session before it when it does not trade). */
export function windowOfInterest(end: IsoDate, length: number, calendar: TradingCalendar): IsoDate[] {
  checkCount(length, 'length');
  if (length === 0) return [];
  const out: IsoDate[] = [sessionOnOrBefore(calendar, end)];
  while (out.length < length) out.push(calendar.previousSession(out[out.length - 1] as IsoDate));
  return out.reverse();
}

function periodKey(date: IsoDate, frequency: RebalanceFrequency): number {
  const day = toDayNumber(date);
  switch (frequency) {
    case 'daily':
      return day;
    case 'weekly':
      // ISO weeks start on Monday; day 0 (1970-01-01) was a Thursday.
      return Math.floor((day + 3) / 7);
    case 'monthly':
      return yearOf(day) * 12 + monthOf(day);
    case 'quarterly':
      return yearOf(day) * 4 + Math.floor((monthOf(day) - 1) / 3);
  }
}

/**
 * Rebalance dates between `start` and `end`: the first or last session of each day, week
 * (Monday-Sunday), month or quarter. Periods cut by the range are judged on the whole
 * period: the last session of a month that ends after `end` is not returned.
 */
export function rebalanceDates(
  start: IsoDate,
  end: IsoDate,
  frequency: RebalanceFrequency,
  calendar: TradingCalendar,
  anchor: PeriodAnchor = 'last',
): IsoDate[] {
  if (!Object.values(RebalanceFrequency).includes(frequency)) {
    throw new UsageError('USAGE_INVALID_OPTION', `unknown rebalance frequency "${String(frequency)}"`, {
      hint: `use one of ${Object.values(RebalanceFrequency).join(', ')}`,
      context: { value: String(frequency) },
    });
  }
  const dates = calendar.sessionDates(start, end);
  const out: IsoDate[] = [];
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i] as IsoDate;
    const key = periodKey(d, frequency);
    if (anchor === 'first') {
      const prev = i === 0 ? sessionBeforeOrUndefined(calendar, d) : dates[i - 1];
      if (prev === undefined || periodKey(prev, frequency) !== key) out.push(d);
    } else {
      const next = i === dates.length - 1 ? sessionAfterOrUndefined(calendar, d) : dates[i + 1];
      if (next === undefined || periodKey(next, frequency) !== key) out.push(d);
    }
  }
  return out;
}

function sessionBeforeOrUndefined(calendar: TradingCalendar, d: IsoDate): IsoDate | undefined {
  try {
    return calendar.previousSession(d);
  } catch {
    return undefined;
  }
}

function sessionAfterOrUndefined(calendar: TradingCalendar, d: IsoDate): IsoDate | undefined {
  try {
    return calendar.nextSession(d);
  } catch {
    return undefined;
  }
}

export interface SessionAlignment {
  /** Every session from the first to the last input date. */
  readonly sessions: IsoDate[];
  /** For each session, the index of its input row, or -1 when the input lacks it. */
  readonly index: Int32Array;
  /** Sessions with no input row (gaps). */
  readonly missing: IsoDate[];
  /** Input dates that are not sessions (weekends, holidays), with their input row index. */
  readonly extra: { date: IsoDate; row: number }[];
}

/**
 * Aligns daily dates (ascending, unique) to the calendar's sessions between the first and the
 * last date (or `from`..`to` when given): which sessions are present, which are missing,
 * and which input dates fall on non-sessions.
 */
export function alignToSessions(
  dates: readonly IsoDate[],
  calendar: TradingCalendar,
  range?: { from: IsoDate; to: IsoDate },
): SessionAlignment {
  if (dates.length === 0 && range === undefined) {
    return { sessions: [], index: new Int32Array(0), missing: [], extra: [] };
  }
  const from = range?.from ?? (dates[0] as IsoDate);
  const to = range?.to ?? (dates[dates.length - 1] as IsoDate);
  const sessions = calendar.sessionDates(from, to);
  const rowOf = new Map<string, number>();
  const extra: { date: IsoDate; row: number }[] = [];
  dates.forEach((d, row) => {
    if (calendar.isTradingDay(d)) rowOf.set(d, row);
    else extra.push({ date: d, row });
  });
  const index = new Int32Array(sessions.length);
  const missing: IsoDate[] = [];
  sessions.forEach((s, i) => {
    const row = rowOf.get(s);
    index[i] = row ?? -1;
    if (row === undefined) missing.push(s);
  });
  return { sessions, index, missing, extra };
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError('USAGE_INVALID_OPTION', `${what} must be a whole number >= 0, got ${n}`, {
      hint: `pass ${what} as 0, 1, 2, ...`,
      context: { value: String(n) },
    });
  }
}

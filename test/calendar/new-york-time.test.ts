/**
 * The hand-coded US daylight saving rules against luxon, whose offsets come from the IANA tz
 * database that Node's Intl ships (an independent implementation of the same law).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/index.js';
import { NEW_YORK, newYorkOffsetMs, newYorkToUtc } from '../../src/calendar/new-york-time.js';
import type { SessionBounds } from '../../src/calendar/types.js';
import { civilFromDays, dayNumberOf, toDayNumber } from '../../src/core/dates.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const xnys = getCalendar('XNYS');

/** Luxon's instant of a New York wall time. */
function luxonUtc(day: number, minutes: number): number {
  const [year, month, d] = civilFromDays(day);
  const hour = Math.floor(minutes / 60);
  return DateTime.fromObject({ year, month, day: d, hour, minute: minutes % 60 }, { zone: NEW_YORK }).toMillis();
}

/** Days on which luxon's New York offset at local noon differs from the day before's: the DST switches. */
function switchDays(fromYear: number, toYear: number): number[] {
  const out: number[] = [];
  let prev = NaN;
  for (let d = dayNumberOf(fromYear, 1, 1); d < dayNumberOf(toYear + 1, 1, 1); d++) {
    const offset = DateTime.fromMillis(d * MS_PER_DAY + 17 * MS_PER_HOUR, { zone: NEW_YORK }).offset;
    if (!Number.isNaN(prev) && offset !== prev) out.push(d);
    prev = offset;
  }
  return out;
}

describe('New York time by the US DST rules', () => {
  it('gives every XNYS session open and close that luxon gives, 1995-2050', () => {
    const sessions = xnys.sessions('1995-01-01', '2050-12-31');
    expect(sessions.length).toBeGreaterThan(14_000);
    const wrong = sessions.filter((s) => {
      const day = toDayNumber(s.date);
      return s.open !== luxonUtc(day, 9 * 60 + 30) || s.close !== luxonUtc(day, s.isEarlyClose ? 13 * 60 : 16 * 60);
    });
    expect(wrong).toEqual([]);
  });

  it('switches on the days luxon switches, 1987-2060: two a year, the rule changing in 2007', () => {
    const days = switchDays(1987, 2060);
    expect(days).toHaveLength(2 * 74);
    // 1987-2006: first Sunday of April, last Sunday of October; 2007 on: second Sunday of March, first of November.
    expect(civilFromDays(days[0] as number)).toEqual([1987, 4, 5]);
    expect(civilFromDays(days[1] as number)).toEqual([1987, 10, 25]);
    expect(civilFromDays(days[40] as number)).toEqual([2007, 3, 11]);
    expect(civilFromDays(days[41] as number)).toEqual([2007, 11, 4]);
    const wrong: string[] = [];
    for (const day of days) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        if (newYorkToUtc(day, minutes) !== luxonUtc(day, minutes))
          wrong.push(`wall time: day ${day} minute ${minutes}`);
      }
      // Instants from 12 hours before the switch day to 12 hours after it, every 15 minutes.
      for (let t = day * MS_PER_DAY - 12 * MS_PER_HOUR; t < (day + 1.5) * MS_PER_DAY; t += MS_PER_HOUR / 4) {
        const offset = DateTime.fromMillis(t, { zone: NEW_YORK }).offset * 60_000;
        if (newYorkOffsetMs(t) !== offset) wrong.push(`offset: ${new Date(t).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads wall times skipped in spring or repeated in the fall in standard time, as luxon does', () => {
    const spring = dayNumberOf(2024, 3, 10);
    const fall = dayNumberOf(2024, 11, 3);
    // 02:30 does not exist on 2024-03-10: luxon moves it to 03:30 EDT = 07:30 UTC.
    expect(newYorkToUtc(spring, 150)).toBe(Date.parse('2024-03-10T07:30:00Z'));
    // 01:30 happens twice on 2024-11-03: first at EDT (05:30 UTC), then at EST (06:30 UTC); luxon takes the second.
    expect(newYorkToUtc(fall, 90)).toBe(Date.parse('2024-11-03T06:30:00Z'));
    expect(newYorkToUtc(fall, 59)).toBe(Date.parse('2024-11-03T04:59:00Z'));
  });

  it('falls back to the tz database before 1987 (1980: last Sunday of April)', () => {
    const day = dayNumberOf(1980, 4, 27);
    expect(newYorkToUtc(day, 12 * 60)).toBe(luxonUtc(day, 12 * 60));
    expect(newYorkToUtc(day, 12 * 60)).toBe(Date.parse('1980-04-27T16:00:00Z'));
    expect(newYorkOffsetMs(Date.parse('1980-04-28T12:00:00Z'))).toBe(-4 * MS_PER_HOUR);
  });
});

describe('XNYS sessions by day number', () => {
  it('equal session() on every trading day and are false on closed days, 1995-2050', () => {
    const out: SessionBounds = { open: -1, close: -1 };
    const wrong: string[] = [];
    let sessions = 0;
    for (let d = toDayNumber('1995-01-01'); d <= toDayNumber('2050-12-31'); d++) {
      const date = civilFromDays(d)
        .map((x, i) => (i === 0 ? String(x) : String(x).padStart(2, '0')))
        .join('-');
      out.open = -1;
      const found = xnys.sessionOfDay(d, out);
      if (xnys.isTradingDay(date)) {
        const s = xnys.session(date);
        if (!found || out.open !== s.open || out.close !== s.close) wrong.push(date);
        sessions++;
      } else if (found || out.open !== -1) {
        wrong.push(date);
      }
    }
    expect(wrong).toEqual([]);
    expect(sessions).toBe(xnys.sessionDates('1995-01-01', '2050-12-31').length);
  });

  it('are false outside the calendar, which covers 1995-2050', () => {
    const out: SessionBounds = { open: -1, close: -1 };
    expect(xnys.sessionOfDay(toDayNumber('1994-12-30'), out)).toBe(false);
    expect(xnys.sessionOfDay(toDayNumber('2051-01-03'), out)).toBe(false);
    expect(out).toEqual({ open: -1, close: -1 });
  });

  it('take the local day of an instant: 03:59 UTC is still the previous day in New York (EDT)', () => {
    expect(xnys.localDay(Date.parse('2024-07-02T03:59:00Z'))).toBe(toDayNumber('2024-07-01'));
    expect(xnys.localDay(Date.parse('2024-07-02T04:00:00Z'))).toBe(toDayNumber('2024-07-02'));
    expect(xnys.localDay(Date.parse('2024-01-02T04:59:00Z'))).toBe(toDayNumber('2024-01-01'));
    expect(xnys.localDay(Date.parse('2024-01-02T05:00:00Z'))).toBe(toDayNumber('2024-01-02'));
  });
});

/**
 * America/New_York wall time <-> UTC by the US daylight saving rules, without a time-zone
 * library: the XNYS calendar converts session bounds and instants on hot paths, where luxon
 * costs about 20 us a call. DST runs from 02:00 local time on its first day to 02:00 local
 * time on its last (15 U.S.C. 260a):
 * - 1987-2006: first Sunday of April to last Sunday of October (Pub. L. 99-359);
 * - 2007 on: second Sunday of March to first Sunday of November (Energy Policy Act of 2005, sec. 110).
 * Earlier years (other rules) ask luxon through zones.ts. test/calendar/new-york-time.test.ts
 * checks every XNYS session bound and every DST switch against luxon.
 */
import { civilFromDays, dayNumberOf, weekday, yearOf } from '../core/dates.js';
import { localToUtcMs, zoneOffsetMs } from '../core/zones.js';

export const NEW_YORK = 'America/New_York';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const EST = -5 * MS_PER_HOUR;
const EDT = -4 * MS_PER_HOUR;
const FIRST_RULE_YEAR = 1987;
const LAST_CACHED_YEAR = 2199;

/** Per year from 1987: the day numbers DST starts and ends on (0 until computed). */
const dstStartDay = new Int32Array(LAST_CACHED_YEAR - FIRST_RULE_YEAR + 1);
const dstEndDay = new Int32Array(LAST_CACHED_YEAR - FIRST_RULE_YEAR + 1);

/** The day number of the n-th Sunday (1-based) of a month. */
function nthSunday(year: number, month: number, n: number): number {
  const first = dayNumberOf(year, month, 1);
  return first + ((7 - weekday(first)) % 7) + 7 * (n - 1);
}

function lastSunday(year: number, month: number): number {
  const last = dayNumberOf(year, month + 1, 1) - 1;
  return last - weekday(last);
}

/** Index of the year in the DST tables (filled on first use), or -1 before 1987 or after 2199. */
function yearIndex(year: number): number {
  const i = year - FIRST_RULE_YEAR;
  if (i < 0 || i >= dstStartDay.length) return -1;
  if (dstStartDay[i] === 0) {
    const isNew = year >= 2007;
    dstStartDay[i] = isNew ? nthSunday(year, 3, 2) : nthSunday(year, 4, 1);
    dstEndDay[i] = isNew ? nthSunday(year, 11, 1) : lastSunday(year, 10);
  }
  return i;
}

/**
 * UTC instant of a New York wall time: `minutes` after local midnight of day number `day`. As
 * luxon reads them, both wall times of the switch days that are not one instant take standard
 * time: one skipped by the spring jump (02:30 is 03:30 EDT), and one repeated in the fall (01:30
 * is its second occurrence, 01:30 EST).
 */
export function newYorkToUtc(day: number, minutes: number): number {
  const [year, month, dayOfMonth] = civilFromDays(day);
  const i = yearIndex(year);
  if (i < 0) return localToUtcMs(NEW_YORK, year, month, dayOfMonth, Math.floor(minutes / 60), minutes % 60);
  const wall = day * MS_PER_DAY + minutes * MS_PER_MINUTE;
  const start = dstStartDay[i] as number;
  const end = dstEndDay[i] as number;
  const isDst = (day > start || (day === start && minutes >= 180)) && (day < end || (day === end && minutes < 60));
  return wall - (isDst ? EDT : EST);
}

/** UTC offset of New York at an instant, in ms (-4 h in daylight time, -5 h otherwise). */
export function newYorkOffsetMs(ts: number): number {
  // New York's year is the UTC one, except in the first hours of January 1st (standard time either way).
  const i = yearIndex(yearOf(Math.floor(ts / MS_PER_DAY)));
  if (i < 0) return zoneOffsetMs(NEW_YORK, ts);
  // 02:00 EST = 07:00 UTC on the first day; 02:00 EDT = 06:00 UTC on the last.
  const from = (dstStartDay[i] as number) * MS_PER_DAY + 7 * MS_PER_HOUR;
  const to = (dstEndDay[i] as number) * MS_PER_DAY + 6 * MS_PER_HOUR;
  return ts >= from && ts < to ? EDT : EST;
}

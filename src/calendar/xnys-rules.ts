/**
 * NYSE (XNYS) closure and early-close rules, 1995 onward.
 *
 * Sources: NYSE Rule 7.2 holiday notices and the exchange's published holiday and early-close
 * calendars; historical changes: Martin Luther King Jr. Day observed from 1998, Juneteenth from
 * 2022, the Wednesday-before-Independence-Day early close from 2013 (the Friday after a Thursday
 * July 4th was the early close before). When New Year's Day falls on a Saturday the NYSE does not
 * close on the Friday before (Rule 7.2), unlike other holidays (Saturday -> Friday, Sunday -> Monday).
 */
import { dayNumberOf, Weekday, weekday } from '../core/dates.js';

/** Minutes after local midnight. */
export const REGULAR_OPEN = 9 * 60 + 30;
export const REGULAR_CLOSE = 16 * 60;
export const EARLY_CLOSE = 13 * 60;

/** Unscheduled full-day closures (weather, national mourning, attacks). */
const SPECIAL_CLOSURES: ReadonlyArray<readonly [number, number, number, string]> = [
  [2001, 9, 11, 'September 11 attacks'],
  [2001, 9, 12, 'September 11 attacks'],
  [2001, 9, 13, 'September 11 attacks'],
  [2001, 9, 14, 'September 11 attacks'],
  [2004, 6, 11, 'National Day of Mourning for Ronald Reagan'],
  [2007, 1, 2, 'National Day of Mourning for Gerald Ford'],
  [2012, 10, 29, 'Hurricane Sandy'],
  [2012, 10, 30, 'Hurricane Sandy'],
  [2018, 12, 5, 'National Day of Mourning for George H. W. Bush'],
  [2025, 1, 9, 'National Day of Mourning for Jimmy Carter'],
];

/** Early closes (13:00) announced one-off rather than by rule. */
const SPECIAL_EARLY_CLOSES: ReadonlyArray<readonly [number, number, number, string]> = [
  [1997, 12, 26, 'Day after Christmas'],
  [1999, 12, 31, "New Year's Eve 1999"],
  [2003, 12, 26, 'Day after Christmas'],
];

function nthWeekday(year: number, month: number, wd: number, n: number): number {
  const first = dayNumberOf(year, month, 1);
  const offset = (wd - weekday(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, wd: number): number {
  const last = dayNumberOf(year, month + 1, 0);
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Saturday holidays move to Friday, Sunday holidays to Monday. */
function observed(day: number): number {
  const wd = weekday(day);
  if (wd === Weekday.Saturday) return day - 1;
  if (wd === Weekday.Sunday) return day + 1;
  return day;
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumberOf(year, month, day);
}

/** Full-day closures on weekdays of one year, as day number -> reason. */
export function xnysClosures(year: number): Map<number, string> {
  const out = new Map<number, string>();
  const add = (day: number, name: string): void => {
    const wd = weekday(day);
    if (wd !== Weekday.Saturday && wd !== Weekday.Sunday) out.set(day, name);
  };
  const newYear = dayNumberOf(year, 1, 1);
  if (weekday(newYear) === Weekday.Sunday) add(newYear + 1, "New Year's Day (observed)");
  else add(newYear, "New Year's Day");
  if (year >= 1998) add(nthWeekday(year, 1, Weekday.Monday, 3), 'Martin Luther King Jr. Day');
  add(nthWeekday(year, 2, Weekday.Monday, 3), "Washington's Birthday");
  add(easterSunday(year) - 2, 'Good Friday');
  add(lastWeekday(year, 5, Weekday.Monday), 'Memorial Day');
  if (year >= 2022) add(observed(dayNumberOf(year, 6, 19)), 'Juneteenth National Independence Day');
  add(observed(dayNumberOf(year, 7, 4)), 'Independence Day');
  add(nthWeekday(year, 9, Weekday.Monday, 1), 'Labor Day');
  add(nthWeekday(year, 11, Weekday.Thursday, 4), 'Thanksgiving Day');
  add(observed(dayNumberOf(year, 12, 25)), 'Christmas Day');
  for (const [y, m, d, name] of SPECIAL_CLOSURES) {
    if (y === year) add(dayNumberOf(y, m, d), name);
  }
  return out;
}

/** 13:00 early closes of one year, as day number -> reason (closures excluded). */
export function xnysEarlyCloses(year: number, closures: ReadonlyMap<number, string>): Map<number, string> {
  const out = new Map<number, string>();
  const add = (day: number, name: string): void => {
    const wd = weekday(day);
    if (wd !== Weekday.Saturday && wd !== Weekday.Sunday && !closures.has(day)) out.set(day, name);
  };
  const july3 = dayNumberOf(year, 7, 3);
  const july3wd = weekday(july3);
  if (july3wd === Weekday.Monday || july3wd === Weekday.Tuesday || july3wd === Weekday.Thursday) {
    add(july3, 'Day before Independence Day');
  } else if (july3wd === Weekday.Wednesday && year >= 2013) {
    add(july3, 'Day before Independence Day');
  }
  const july5 = dayNumberOf(year, 7, 5);
  if (weekday(july5) === Weekday.Friday && year < 2013) add(july5, 'Day after Independence Day');
  add(nthWeekday(year, 11, Weekday.Thursday, 4) + 1, 'Day after Thanksgiving');
  const xmasEve = dayNumberOf(year, 12, 24);
  const xwd = weekday(xmasEve);
  if (xwd >= Weekday.Monday && xwd <= Weekday.Thursday) add(xmasEve, 'Christmas Eve');
  for (const [y, m, d, name] of SPECIAL_EARLY_CLOSES) {
    if (y === year) add(dayNumberOf(y, m, d), name);
  }
  return out;
}

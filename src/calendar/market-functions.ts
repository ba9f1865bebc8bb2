/**
 * The calendar API of seed 001 as plain functions taking a market code; each delegates to
 * `getCalendar(market)`.
 */
import type { IsoDate } from '../core/dates.js';
import { getCalendar } from './registry.js';

export function isTradingDay(date: IsoDate, market = 'XNYS'): boolean {
  return getCalendar(market).isTradingDay(date);
}

/** UTC epoch-ms open and close of the session on `date`. */
export function sessionBounds(date: IsoDate, market = 'XNYS'): { open: number; close: number } {
  const s = getCalendar(market).session(date);
  return { open: s.open, close: s.close };
}

export function sessionDate(ts: number, market = 'XNYS'): IsoDate | undefined {
  return getCalendar(market).sessionDate(ts);
}

export function nextSession(date: IsoDate, market = 'XNYS'): IsoDate {
  return getCalendar(market).nextSession(date);
}

export function previousSession(date: IsoDate, market = 'XNYS'): IsoDate {
  return getCalendar(market).previousSession(date);
}

export function sessionsInRange(from: IsoDate, to: IsoDate, market = 'XNYS'): IsoDate[] {
  return getCalendar(market).sessionDates(from, to);
}

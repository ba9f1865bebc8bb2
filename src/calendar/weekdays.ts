import { Weekday, weekday } from '../core/dates.js';
import { DayCalendar } from './day-calendar.js';

const MS_PER_DAY = 86_400_000;

/**
 * 24/5 markets (spot FX, instruments traded every weekday without an exchange holiday table):
 * each Monday-to-Friday UTC day is one session from 00:00 to 24:00 UTC.
 */
export class WeekdaysCalendar extends DayCalendar {
  readonly name = '24/5';
  readonly timezone = 'UTC';

  constructor() {
    super('1970-01-01', '2099-12-31');
  }

  protected isSessionDay(day: number): boolean {
    const wd = weekday(day);
    return wd !== Weekday.Saturday && wd !== Weekday.Sunday;
  }

  protected boundsOfDay(day: number): { open: number; close: number; isEarlyClose: boolean } {
    return { open: day * MS_PER_DAY, close: (day + 1) * MS_PER_DAY, isEarlyClose: false };
  }

  protected localDayOf(ts: number): number {
    return Math.floor(ts / MS_PER_DAY);
  }

  protected closureOf(): string | undefined {
    return undefined;
  }

  protected earlyCloseOf(): string | undefined {
    return undefined;
  }
}

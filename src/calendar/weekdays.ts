import { Weekday, weekday } from '../core/dates.js';
import { UtcDayCalendar } from './utc-day-calendar.js';

/**
 * 24/5 markets (spot FX, instruments traded every weekday without an exchange holiday table):
 * each Monday-to-Friday UTC day is one session from 00:00 to 24:00 UTC.
 */
export class WeekdaysCalendar extends UtcDayCalendar {
  readonly name = '24/5';

  constructor() {
    super();
  }

  protected isSessionDay(day: number): boolean {
    const wd = weekday(day);
    return wd !== Weekday.Saturday && wd !== Weekday.Sunday;
  }
}

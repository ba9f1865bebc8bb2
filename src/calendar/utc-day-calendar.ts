import { DayCalendar } from './day-calendar.js';

const MS_PER_DAY = 86_400_000;

/**
 * Calendars of whole UTC days without holidays (24/7 crypto, 24/5 weekdays): a session runs
 * 00:00 to 24:00 UTC; subclasses say which days trade.
 */
export abstract class UtcDayCalendar extends DayCalendar {
  readonly timezone = 'UTC';

  protected constructor() {
    super('1970-01-01', '2099-12-31');
  }

  protected openOf(day: number): number {
    return day * MS_PER_DAY;
  }

  protected closeOf(day: number): number {
    return (day + 1) * MS_PER_DAY;
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

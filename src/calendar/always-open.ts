import { DayCalendar } from './day-calendar.js';

const MS_PER_DAY = 86_400_000;

/** 24/7 markets (crypto): every UTC day is one session from 00:00 to 24:00 UTC. */
export class AlwaysOpenCalendar extends DayCalendar {
  readonly name = '24/7';
  readonly timezone = 'UTC';

  constructor() {
    super('1970-01-01', '2099-12-31');
  }

  protected isSessionDay(): boolean {
    return true;
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

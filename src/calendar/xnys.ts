import { DateTime } from 'luxon';
import { fromDayNumber, Weekday, weekday, yearOf } from '../core/dates.js';
import { DayCalendar } from './day-calendar.js';
import { EARLY_CLOSE, REGULAR_CLOSE, REGULAR_OPEN, xnysClosures, xnysEarlyCloses } from './xnys-rules.js';

const MS_PER_DAY = 86_400_000;
const ZONE = 'America/New_York';

interface YearTable {
  readonly closures: Map<number, string>;
  readonly earlyCloses: Map<number, string>;
}

/**
 * New York Stock Exchange regular trading hours: 09:30-16:00 America/New_York, 13:00 on early
 * closes, no sessions on weekends, holidays or special closures. Covers 1995-01-01 .. 2050-12-31;
 * dates after the last published NYSE schedule follow the holiday rules.
 */
export class XnysCalendar extends DayCalendar {
  readonly name = 'XNYS';
  readonly timezone = ZONE;
  readonly #years = new Map<number, YearTable>();
  readonly #bounds = new Map<number, { open: number; close: number; isEarlyClose: boolean }>();

  constructor() {
    super('1995-01-01', '2050-12-31');
  }

  #year(year: number): YearTable {
    let t = this.#years.get(year);
    if (t === undefined) {
      const closures = xnysClosures(year);
      t = { closures, earlyCloses: xnysEarlyCloses(year, closures) };
      this.#years.set(year, t);
    }
    return t;
  }

  protected isSessionDay(day: number): boolean {
    const wd = weekday(day);
    if (wd === Weekday.Saturday || wd === Weekday.Sunday) return false;
    return !this.#year(yearOf(day)).closures.has(day);
  }

  protected boundsOfDay(day: number): { open: number; close: number; isEarlyClose: boolean } {
    let b = this.#bounds.get(day);
    if (b === undefined) {
      const isEarlyClose = this.#year(yearOf(day)).earlyCloses.has(day);
      b = {
        open: localToUtc(day, REGULAR_OPEN),
        close: localToUtc(day, isEarlyClose ? EARLY_CLOSE : REGULAR_CLOSE),
        isEarlyClose,
      };
      this.#bounds.set(day, b);
    }
    return b;
  }

  protected localDayOf(ts: number): number {
    const local = DateTime.fromMillis(ts, { zone: ZONE });
    return Math.floor((ts + local.offset * 60_000) / MS_PER_DAY);
  }

  protected closureOf(day: number): string | undefined {
    return this.#year(yearOf(day)).closures.get(day);
  }

  protected earlyCloseOf(day: number): string | undefined {
    return this.#year(yearOf(day)).earlyCloses.get(day);
  }
}

function localToUtc(day: number, minutes: number): number {
  const [y, m, d] = fromDayNumber(day).split('-').map(Number) as [number, number, number];
  return DateTime.fromObject(
    { year: y, month: m, day: d, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: ZONE },
  ).toMillis();
}

import { fromDayNumber, toDayNumber, type IsoDate } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import type { CalendarEvent, Session, SessionBounds, TradingCalendar } from './types.js';

/**
 * Shared bookkeeping for calendars whose sessions are whole local days: range checks, date
 * parsing, stepping between sessions. Subclasses say which days trade and their bounds.
 */
export abstract class DayCalendar implements TradingCalendar {
  abstract readonly name: string;
  abstract readonly timezone: string;
  readonly firstDate: IsoDate;
  readonly lastDate: IsoDate;
  readonly #firstDay: number;
  readonly #lastDay: number;

  protected constructor(firstDate: IsoDate, lastDate: IsoDate) {
    this.firstDate = firstDate;
    this.lastDate = lastDate;
    this.#firstDay = toDayNumber(firstDate);
    this.#lastDay = toDayNumber(lastDate);
  }

  /** True when the day (inside the range) is a session. */
  protected abstract isSessionDay(day: number): boolean;
  /** UTC open of a session day. */
  protected abstract openOf(day: number): number;
  /** UTC close of a session day. */
  protected abstract closeOf(day: number): number;
  /** Exchange-local day number of an instant. */
  protected abstract localDayOf(ts: number): number;
  protected abstract closureOf(day: number): string | undefined;
  protected abstract earlyCloseOf(day: number): string | undefined;

  /** Parses and range-checks a date, naming it `what` in errors. */
  protected day(date: IsoDate, what = 'date'): number {
    const day = toDayNumber(date, what);
    if (day < this.#firstDay || day > this.#lastDay) {
      throw new UsageError(
        'CALENDAR_OUT_OF_RANGE',
        `${what} ${date} is outside the ${this.name} calendar (${this.firstDate} .. ${this.lastDate})`,
        {
          hint: `use dates from ${this.firstDate} to ${this.lastDate}`,
          context: { value: date, market: this.name },
        },
      );
    }
    return day;
  }

  isTradingDay(date: IsoDate): boolean {
    return this.isSessionDay(this.day(date));
  }

  session(date: IsoDate): Session {
    const day = this.day(date);
    if (!this.isSessionDay(day)) {
      const why = this.closureOf(day) ?? 'weekend';
      throw new UsageError('CALENDAR_NOT_A_SESSION', `${date} is not a ${this.name} trading day (${why})`, {
        hint: `ask for a trading day; the nearest are ${this.#prevLabel(day)} and ${this.#nextLabel(day)}`,
        context: { value: date, market: this.name },
      });
    }
    return this.#session(date, day);
  }

  sessions(from: IsoDate, to: IsoDate): Session[] {
    const [a, b] = this.#range(from, to);
    const out: Session[] = [];
    for (let d = a; d <= b; d++) {
      if (this.isSessionDay(d)) out.push(this.#session(fromDayNumber(d), d));
    }
    return out;
  }

  sessionDates(from: IsoDate, to: IsoDate): IsoDate[] {
    const [a, b] = this.#range(from, to);
    const out: IsoDate[] = [];
    for (let d = a; d <= b; d++) if (this.isSessionDay(d)) out.push(fromDayNumber(d));
    return out;
  }

  nextSession(date: IsoDate): IsoDate {
    return fromDayNumber(this.#step(this.day(date), 1));
  }

  previousSession(date: IsoDate): IsoDate {
    return fromDayNumber(this.#step(this.day(date), -1));
  }

  sessionDate(ts: number): IsoDate | undefined {
    const day = this.#instantDay(ts);
    return this.isSessionDay(day) ? fromDayNumber(day) : undefined;
  }

  isOpen(ts: number): boolean {
    const day = this.#instantDay(ts);
    return this.isSessionDay(day) && ts >= this.openOf(day) && ts < this.closeOf(day);
  }

  localDay(ts: number): number {
    return this.localDayOf(ts);
  }

  sessionOfDay(day: number, out: SessionBounds): boolean {
    if (!(day >= this.#firstDay && day <= this.#lastDay && this.isSessionDay(day))) return false;
    out.open = this.openOf(day);
    out.close = this.closeOf(day);
    return true;
  }

  #session(date: IsoDate, day: number): Session {
    return {
      date,
      open: this.openOf(day),
      close: this.closeOf(day),
      isEarlyClose: this.earlyCloseOf(day) !== undefined,
    };
  }

  /** Exchange-local day of an instant, range-checked. */
  #instantDay(ts: number): number {
    const day = this.localDayOf(ts);
    if (day < this.#firstDay || day > this.#lastDay) this.day(fromDayNumber(day), 'timestamp date');
    return day;
  }

  closures(from: IsoDate, to: IsoDate): CalendarEvent[] {
    return this.#events(from, to, (d) => this.closureOf(d));
  }

  earlyCloses(from: IsoDate, to: IsoDate): CalendarEvent[] {
    return this.#events(from, to, (d) => this.earlyCloseOf(d));
  }

  #events(from: IsoDate, to: IsoDate, nameOf: (day: number) => string | undefined): CalendarEvent[] {
    const [a, b] = this.#range(from, to);
    const out: CalendarEvent[] = [];
    for (let d = a; d <= b; d++) {
      const name = nameOf(d);
      if (name !== undefined) out.push({ date: fromDayNumber(d), name });
    }
    return out;
  }

  #range(from: IsoDate, to: IsoDate): [number, number] {
    const a = this.day(from, 'from');
    const b = this.day(to, 'to');
    if (a > b) {
      throw new UsageError('USAGE_INVALID_RANGE', `from ${from} is after to ${to}`, {
        hint: 'give a start date on or before the end date',
        context: { value: `${from}..${to}` },
      });
    }
    return [a, b];
  }

  #step(day: number, dir: 1 | -1): number {
    for (let d = day + dir; d >= this.#firstDay && d <= this.#lastDay; d += dir) {
      if (this.isSessionDay(d)) return d;
    }
    throw new UsageError(
      'CALENDAR_OUT_OF_RANGE',
      `no ${this.name} session ${dir > 0 ? 'after' : 'before'} ${fromDayNumber(day)} within the calendar (${this.firstDate} .. ${this.lastDate})`,
      { hint: `use dates from ${this.firstDate} to ${this.lastDate}`, context: { market: this.name } },
    );
  }

  #prevLabel(day: number): string {
    try {
      return fromDayNumber(this.#step(day, -1));
    } catch {
      return '(none)';
    }
  }

  #nextLabel(day: number): string {
    try {
      return fromDayNumber(this.#step(day, 1));
    } catch {
      return '(none)';
    }
  }
}

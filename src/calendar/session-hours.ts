import { civilFromDays, Weekday, weekday } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { isValidZone, localToUtcMs, zoneOffsetMs } from '../core/zones.js';
import { DayCalendar } from './day-calendar.js';

const MS_PER_DAY = 86_400_000;
const SPEC = /^hours:([A-Za-z_+\-/0-9]+):(\d{2}):(\d{2})-(\d{2}):(\d{2})$/i;

/**
 * A weekday market with fixed local trading hours and no holiday table, for instruments whose
 * exchange has no built-in calendar (futures, foreign listings): `hours:Europe/Berlin:08:00-22:00`
 * trades Monday to Friday from 08:00 to 22:00 Berlin time, DST-aware. Sessions must not span
 * midnight local time.
 */
export class SessionHoursCalendar extends DayCalendar {
  readonly name: string;
  readonly timezone: string;
  readonly #openMin: number;
  readonly #closeMin: number;

  constructor(zone: string, openMinutes: number, closeMinutes: number) {
    super('1970-01-01', '2099-12-31');
    this.timezone = zone;
    this.#openMin = openMinutes;
    this.#closeMin = closeMinutes;
    this.name = `hours:${zone}:${hhmm(openMinutes)}-${hhmm(closeMinutes)}`;
  }

  protected isSessionDay(day: number): boolean {
    const wd = weekday(day);
    return wd !== Weekday.Saturday && wd !== Weekday.Sunday;
  }

  protected openOf(day: number): number {
    return this.#at(day, this.#openMin);
  }

  protected closeOf(day: number): number {
    return this.#at(day, this.#closeMin);
  }

  #at(day: number, minutes: number): number {
    const [y, m, d] = civilFromDays(day);
    return localToUtcMs(this.timezone, y, m, d, Math.floor(minutes / 60), minutes % 60);
  }

  protected localDayOf(ts: number): number {
    return Math.floor((ts + zoneOffsetMs(this.timezone, ts)) / MS_PER_DAY);
  }

  protected closureOf(): string | undefined {
    return undefined;
  }

  protected earlyCloseOf(): string | undefined {
    return undefined;
  }
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Whether a market code is a trading-hours spec (`hours:ZONE:HH:MM-HH:MM`). */
export function isSessionHoursSpec(market: string): boolean {
  return market.trim().toLowerCase().startsWith('hours:');
}

/** Parses `hours:ZONE:HH:MM-HH:MM`; a malformed spec is a usage error naming the fix. */
export function parseSessionHours(market: string): SessionHoursCalendar {
  const text = market.trim();
  const m = SPEC.exec(text);
  const bad = (why: string): UsageError =>
    new UsageError('CALENDAR_UNKNOWN_MARKET', `bad trading-hours calendar "${market}": ${why}`, {
      hint: 'write hours:<IANA zone>:<open HH:MM>-<close HH:MM>, e.g. hours:Europe/Berlin:08:00-22:00',
      context: { value: market },
    });
  if (m === null) throw bad('not of the form hours:ZONE:HH:MM-HH:MM');
  const [, zone, oh, om, ch, cm] = m as unknown as [string, string, string, string, string, string];
  if (!isValidZone(zone)) throw bad(`unknown time zone ${zone}`);
  const open = Number(oh) * 60 + Number(om);
  const close = Number(ch) * 60 + Number(cm);
  if (Number(om) > 59 || Number(cm) > 59 || open > 24 * 60 || close > 24 * 60)
    throw bad('times must be 00:00 .. 24:00');
  if (close <= open) throw bad('the close must be after the open on the same local day');
  return new SessionHoursCalendar(zone, open, close);
}

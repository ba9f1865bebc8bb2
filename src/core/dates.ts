import { UsageError, type ErrorContext } from './errors.js';

/** A calendar date as `YYYY-MM-DD` (exchange-local for sessions). */
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid ISO date, or `undefined` when the text is not one. */
export function parseDayNumber(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** Days since 1970-01-01; throws a UsageError naming `what` when the text is not a real date. */
export function toDayNumber(text: IsoDate, what = 'date'): number {
  const n = parseDayNumber(text);
  if (n === undefined) {
    throw new UsageError('USAGE_INVALID_DATE', `${what} "${text}" is not a valid date`, {
      hint: 'write dates as YYYY-MM-DD with a real month and day, e.g. 2024-03-15',
      context: { value: text },
    });
  }
  return n;
}

/** Year, month (1-12) and day of a day number (H. Hinnant's civil_from_days; no Date allocation). */
export function civilFromDays(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function fromDayNumber(day: number): IsoDate {
  const [y, m, d] = civilFromDays(day);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function dayNumberOf(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

export function yearOf(day: number): number {
  return civilFromDays(day)[0];
}

export function monthOf(day: number): number {
  return civilFromDays(day)[1];
}

export function isValidIsoDate(text: string): boolean {
  return parseDayNumber(text) !== undefined;
}

export const Weekday = {
  Sunday: 0,
  Monday: 1,
  Tuesday: 2,
  Wednesday: 3,
  Thursday: 4,
  Friday: 5,
  Saturday: 6,
} as const;

/** Daily bars: the session date at 00:00 UTC. */
export function dateToTs(date: IsoDate): number {
  const d = parseDayNumber(date);
  if (d === undefined) throw new RangeError(`not a date: ${date}`);
  return d * MS_PER_DAY;
}

export function tsToDate(ts: number): IsoDate {
  return fromDayNumber(Math.floor(ts / MS_PER_DAY));
}

/** Today's UTC date. */
export function todayUtc(now: number = Date.now()): IsoDate {
  return tsToDate(now);
}

/**
 * Refuses a start date after today: no provider has bars from the future, and a run or fetch
 * starting there could only be empty or invented. `where` names the flag or run-file key.
 */
export function refuseFutureStart(start: IsoDate, where: ErrorContext, now: number = Date.now()): void {
  const today = todayUtc(now);
  if (start <= today) return;
  const name = where.flag ?? where.key ?? 'start';
  throw new UsageError('USAGE_FUTURE_DATE', `${name} ${start} is after today (${today}): there is no data for it yet`, {
    hint: `give ${name} a date on or before ${today}`,
    context: { ...where, value: start },
  });
}

/** ISO-8601 UTC without milliseconds when they are zero: `2024-01-02T14:30:00Z`. */
export function formatInstant(ts: number): string {
  const iso = new Date(ts).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

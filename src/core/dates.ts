import { UsageError } from './errors.js';

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

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function dayNumberOf(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

export function monthOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCMonth() + 1;
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

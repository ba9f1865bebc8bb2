/**
 * Layouts of the date cells of user files, found from the data or named with `--date-format`.
 * Each may carry a time (`2024-07-15 14:30`, `07/15/2024 2:30:00 PM`) and an offset, or take the
 * time from a separate column. Month-first and day-first layouts are told apart only by a day
 * above 12 somewhere in the file; when none is, the reading is ambiguous and the user names it.
 */
import { DateTime } from 'luxon';
import { localToUtcMs } from '../core/zones.js';

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYYMMDD',
  'YYYY/MM/DD',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'MM-DD-YYYY',
  'DD-MM-YYYY',
  'DD.MM.YYYY',
  'epoch-s',
  'epoch-ms',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** 2024-07-15 in each layout, for messages. */
export const DATE_EXAMPLES: Readonly<Record<DateFormat, string>> = {
  'YYYY-MM-DD': '2024-07-15',
  YYYYMMDD: '20240715',
  'YYYY/MM/DD': '2024/07/15',
  'MM/DD/YYYY': '07/15/2024',
  'DD/MM/YYYY': '15/07/2024',
  'MM-DD-YYYY': '07-15-2024',
  'DD-MM-YYYY': '15-07-2024',
  'DD.MM.YYYY': '15.07.2024',
  'epoch-s': '1721001600',
  'epoch-ms': '1721001600000',
};

export interface ParsedTime {
  /** Epoch ms: the date at 00:00 UTC for a date without a time, else the instant. */
  readonly ts: number;
  readonly dateOnly: boolean;
}

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?`;
const OFFSET = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;
/** Date part of each layout; groups in the order of ORDER. */
const DATE_PART: Readonly<Record<Exclude<DateFormat, 'epoch-s' | 'epoch-ms'>, [string, 'ymd' | 'mdy' | 'dmy']>> = {
  'YYYY-MM-DD': [String.raw`(\d{4})-(\d{1,2})-(\d{1,2})`, 'ymd'],
  YYYYMMDD: [String.raw`(\d{4})(\d{2})(\d{2})`, 'ymd'],
  'YYYY/MM/DD': [String.raw`(\d{4})/(\d{1,2})/(\d{1,2})`, 'ymd'],
  'MM/DD/YYYY': [String.raw`(\d{1,2})/(\d{1,2})/(\d{4})`, 'mdy'],
  'DD/MM/YYYY': [String.raw`(\d{1,2})/(\d{1,2})/(\d{4})`, 'dmy'],
  'MM-DD-YYYY': [String.raw`(\d{1,2})-(\d{1,2})-(\d{4})`, 'mdy'],
  'DD-MM-YYYY': [String.raw`(\d{1,2})-(\d{1,2})-(\d{4})`, 'dmy'],
  'DD.MM.YYYY': [String.raw`(\d{1,2})\.(\d{1,2})\.(\d{4})`, 'dmy'],
};
const WITH_TIME = new Map(
  Object.entries(DATE_PART).map(([f, [d]]) => [f, new RegExp(`^${d}(?:(?:T|\\s+)${TIME}${OFFSET})?$`)]),
);
const DATE_ONLY = new Map(Object.entries(DATE_PART).map(([f, [d]]) => [f, new RegExp(`^${d}$`)]));
const TIME_ONLY = new RegExp(`^${TIME}${OFFSET}$`);

/**
 * Reads a date cell (and the cell of a separate time column) in `format`; times without an
 * offset are wall-clock times in `zone`. `strict` is for detection: epoch layouts then need the
 * usual 10 or 13 digits. Undefined when the text is not a real date and time in that layout.
 */
export function parseDateCell(
  format: DateFormat,
  date: string,
  time: string | undefined,
  zone: string,
  strict = false,
): ParsedTime | undefined {
  if (format === 'epoch-s' || format === 'epoch-ms') {
    if (time !== undefined) return undefined;
    const ok = strict ? (format === 'epoch-s' ? /^\d{10}$/ : /^\d{13}$/) : /^\d+(\.\d+)?$/;
    if (!ok.test(date)) return undefined;
    const n = Number(date);
    return { ts: Math.round(format === 'epoch-s' ? n * 1000 : n), dateOnly: false };
  }
  const [, order] = DATE_PART[format];
  const m = (time === undefined ? WITH_TIME : DATE_ONLY).get(format)?.exec(date);
  if (m == null) {
    // Other ISO-8601 forms (week dates, microseconds...) through luxon.
    if (format !== 'YYYY-MM-DD' || time !== undefined || !/^\d{4}-\d{2}-\d{2}T/.test(date)) return undefined;
    const dt = DateTime.fromISO(date, { zone, setZone: false });
    return dt.isValid ? { ts: dt.toMillis(), dateOnly: false } : undefined;
  }
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  const [y, mo, d] = order === 'ymd' ? [a, b, c] : order === 'mdy' ? [c, a, b] : [c, b, a];
  const day = Date.UTC(y, mo - 1, d);
  const check = new Date(day);
  if (y < 1000 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return undefined;
  }
  const t = time === undefined ? m.slice(4) : TIME_ONLY.exec(time.trim())?.slice(1);
  if (t === undefined) return undefined;
  if (t[0] === undefined) return time === undefined ? { ts: day, dateOnly: true } : undefined;
  return timeOfDay(y, mo, d, t, zone);
}

function timeOfDay(
  y: number,
  mo: number,
  d: number,
  t: readonly (string | undefined)[],
  zone: string,
): ParsedTime | undefined {
  const [hh, mi, ss, frac, ampm, offset] = t;
  let h = Number(hh);
  const min = Number(mi);
  const s = ss === undefined ? 0 : Number(ss);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (ampm !== undefined) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm.toLowerCase() === 'p' ? 12 : 0);
  }
  if (h > 23 || min > 59 || s > 59) return undefined;
  if (offset === undefined) return { ts: localToUtcMs(zone, y, mo, d, h, min, s, ms), dateOnly: false };
  const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  const off = o === null ? 0 : (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3] ?? 0));
  return { ts: Date.UTC(y, mo - 1, d, h, min, s, ms) - off * 60_000, dateOnly: false };
}

export type DateDetection =
  | { readonly kind: 'found'; readonly format: DateFormat }
  | { readonly kind: 'ambiguous'; readonly formats: readonly DateFormat[]; readonly example: string }
  | { readonly kind: 'none' };

/** Layouts that read the same text with day and month swapped. */
const DAY_MONTH_PAIRS: readonly (readonly DateFormat[])[] = [
  ['MM/DD/YYYY', 'DD/MM/YYYY'],
  ['MM-DD-YYYY', 'DD-MM-YYYY'],
];

/** Counts, per layout, the cells it reads. */
export class DateFormatCounter {
  readonly #counts = new Map<DateFormat, number>(DATE_FORMATS.map((f) => [f, 0]));
  readonly #hasTimeColumn: boolean;
  #example = '';

  constructor(hasTimeColumn: boolean) {
    this.#hasTimeColumn = hasTimeColumn;
  }

  add(cell: string): void {
    if (cell === '') return;
    let fits = 0;
    for (const f of DATE_FORMATS) {
      if (parseDateCell(f, cell, this.#hasTimeColumn ? '00:00' : undefined, 'UTC', true) !== undefined) {
        this.#counts.set(f, (this.#counts.get(f) as number) + 1);
        fits++;
      }
    }
    if (fits > 1 && this.#example === '') this.#example = cell;
  }

  /** The layout reading the most cells; ambiguous when month-first and day-first tie. */
  result(): DateDetection {
    const max = Math.max(...this.#counts.values());
    if (max === 0) return { kind: 'none' };
    const best = DATE_FORMATS.filter((f) => this.#counts.get(f) === max);
    for (const pair of DAY_MONTH_PAIRS) {
      if (pair.every((f) => best.includes(f))) return { kind: 'ambiguous', formats: pair, example: this.#example };
    }
    return { kind: 'found', format: best[0] as DateFormat };
  }
}

import { DateTime } from 'luxon';
import { civilFromDays, toDayNumber, Weekday, weekday, yearOf } from '../core/dates.js';
import { DayCalendar } from './day-calendar.js';
import { EARLY_CLOSE, REGULAR_CLOSE, REGULAR_OPEN, xnysClosures, xnysEarlyCloses } from './xnys-rules.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
const ZONE = 'America/New_York';
const FIRST = '1995-01-01';
const LAST = '2050-12-31';

const DayKind = { Session: 0, Weekend: 1, Closed: 2, EarlyClose: 3 } as const;
type DayKind = (typeof DayKind)[keyof typeof DayKind];

interface Bounds {
  readonly open: number;
  readonly close: number;
  readonly isEarlyClose: boolean;
}

/**
 * New York Stock Exchange regular trading hours: 09:30-16:00 America/New_York, 13:00 on early
 * closes, no sessions on weekends, holidays or special closures. Covers 1995-01-01 .. 2050-12-31;
 * dates after the last published NYSE schedule follow the holiday rules.
 * Day kinds are precomputed into a typed array so lookups on hot paths allocate nothing.
 */
export class XnysCalendar extends DayCalendar {
  readonly name = 'XNYS';
  readonly timezone = ZONE;
  readonly #first = toDayNumber(FIRST);
  readonly #kinds: Uint8Array;
  readonly #names = new Map<number, string>();
  readonly #bounds = new Map<number, Bounds>();
  /** UTC offset in ms by UTC hour; DST changes happen on the hour. */
  readonly #offsets = new Map<number, number>();

  constructor() {
    super(FIRST, LAST);
    const last = toDayNumber(LAST);
    this.#kinds = new Uint8Array(last - this.#first + 1);
    for (let d = this.#first; d <= last; d++) {
      const wd = weekday(d);
      if (wd === Weekday.Saturday || wd === Weekday.Sunday) this.#kinds[d - this.#first] = DayKind.Weekend;
    }
    for (let y = yearOf(this.#first); y <= yearOf(last); y++) {
      const closures = xnysClosures(y);
      for (const [d, name] of closures) this.#mark(d, DayKind.Closed, name);
      for (const [d, name] of xnysEarlyCloses(y, closures)) this.#mark(d, DayKind.EarlyClose, name);
    }
  }

  #mark(day: number, kind: DayKind, name: string): void {
    const i = day - this.#first;
    if (i < 0 || i >= this.#kinds.length) return;
    this.#kinds[i] = kind;
    this.#names.set(day, name);
  }

  #kind(day: number): DayKind {
    return this.#kinds[day - this.#first] as DayKind;
  }

  protected isSessionDay(day: number): boolean {
    const k = this.#kind(day);
    return k === DayKind.Session || k === DayKind.EarlyClose;
  }

  protected boundsOfDay(day: number): Bounds {
    let b = this.#bounds.get(day);
    if (b === undefined) {
      const isEarlyClose = this.#kind(day) === DayKind.EarlyClose;
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
    const hour = Math.floor(ts / MS_PER_HOUR);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      offset = DateTime.fromMillis(hour * MS_PER_HOUR, { zone: ZONE }).offset * 60_000;
      this.#offsets.set(hour, offset);
    }
    return Math.floor((ts + offset) / MS_PER_DAY);
  }

  protected closureOf(day: number): string | undefined {
    return this.#kind(day) === DayKind.Closed ? this.#names.get(day) : undefined;
  }

  protected earlyCloseOf(day: number): string | undefined {
    return this.#kind(day) === DayKind.EarlyClose ? this.#names.get(day) : undefined;
  }
}

function localToUtc(day: number, minutes: number): number {
  const [year, month, d] = civilFromDays(day);
  return DateTime.fromObject(
    { year, month, day: d, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: ZONE },
  ).toMillis();
}

import { toDayNumber, Weekday, weekday, yearOf } from '../core/dates.js';
import { DayCalendar } from './day-calendar.js';
import { NEW_YORK, newYorkOffsetMs, newYorkToUtc } from './new-york-time.js';
import { EARLY_CLOSE, REGULAR_CLOSE, REGULAR_OPEN, xnysClosures, xnysEarlyCloses } from './xnys-rules.js';

const MS_PER_DAY = 86_400_000;
const FIRST = '1995-01-01';
const LAST = '2050-12-31';

const DayKind = { Session: 0, Weekend: 1, Closed: 2, EarlyClose: 3 } as const;
type DayKind = (typeof DayKind)[keyof typeof DayKind];

/**
 * New York Stock Exchange regular trading hours: 09:30-16:00 America/New_York, 13:00 on early
 * closes, no sessions on weekends, holidays or special closures. Covers 1995-01-01 .. 2050-12-31;
 * dates after the last published NYSE schedule follow the holiday rules.
 * Day kinds are precomputed into a typed array, session bounds cached in typed arrays on first
 * use, so lookups on hot paths allocate nothing.
 */
export class XnysCalendar extends DayCalendar {
  readonly name = 'XNYS';
  readonly timezone = NEW_YORK;
  readonly #first = toDayNumber(FIRST);
  readonly #kinds: Uint8Array;
  readonly #names = new Map<number, string>();
  /** UTC open and close by day (index day - first), NaN until first asked for. */
  readonly #opens: Float64Array;
  readonly #closes: Float64Array;

  constructor() {
    super(FIRST, LAST);
    const last = toDayNumber(LAST);
    this.#kinds = new Uint8Array(last - this.#first + 1);
    this.#opens = new Float64Array(this.#kinds.length).fill(NaN);
    this.#closes = new Float64Array(this.#kinds.length).fill(NaN);
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

  protected openOf(day: number): number {
    const i = day - this.#first;
    let t = this.#opens[i] as number;
    if (Number.isNaN(t)) {
      t = newYorkToUtc(day, REGULAR_OPEN);
      this.#opens[i] = t;
    }
    return t;
  }

  protected closeOf(day: number): number {
    const i = day - this.#first;
    let t = this.#closes[i] as number;
    if (Number.isNaN(t)) {
      t = newYorkToUtc(day, this.#kind(day) === DayKind.EarlyClose ? EARLY_CLOSE : REGULAR_CLOSE);
      this.#closes[i] = t;
    }
    return t;
  }

  protected localDayOf(ts: number): number {
    return Math.floor((ts + newYorkOffsetMs(ts)) / MS_PER_DAY);
  }

  protected closureOf(day: number): string | undefined {
    return this.#kind(day) === DayKind.Closed ? this.#names.get(day) : undefined;
  }

  protected earlyCloseOf(day: number): string | undefined {
    return this.#kind(day) === DayKind.EarlyClose ? this.#names.get(day) : undefined;
  }
}

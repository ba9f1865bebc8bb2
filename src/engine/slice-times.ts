import type { TradingCalendar } from '../calendar/types.js';
import { toDayNumber } from '../core/dates.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';

const DAY_MS = TIMEFRAME_MS['1d'];

interface CalendarCache {
  readonly cal: TradingCalendar;
  readonly firstDay: number;
  readonly lastDay: number;
  /** The session last looked up: [open, close), NaN when none. */
  open: number;
  close: number;
  /** Daily: the bar ts the session was looked up for. */
  forTs: number;
}

/**
 * When a timestamp's bars open and close in real time, from each symbol's trading calendar
 * (docs/execution.md, "Time"). Daily bars carry the session date at 00:00 UTC but are acted on
 * at the session close: the slice opens at the earliest session open and closes at the latest
 * session close of its symbols. Intraday bars open at ts and close at ts + bar length; a bar
 * opens its session when it is the symbol's first bar at or after the session open, and closes
 * it when ts < close <= ts + bar length. Dates outside a calendar fall back to ts .. ts + bar.
 */
export class SliceTimes {
  open = NaN;
  close = NaN;
  isSessionOpen = false;
  isSessionClose = false;
  readonly #daily: boolean;
  readonly #barMs: number;
  readonly #caches: readonly CalendarCache[];
  readonly #calOfSlot: Int32Array;
  readonly #prevTs: Float64Array;

  /** `calendarOfSlot[s]` is the calendar of symbol slot s. */
  constructor(timeframe: Timeframe, calendarOfSlot: readonly TradingCalendar[]) {
    this.#daily = timeframe === '1d';
    this.#barMs = TIMEFRAME_MS[timeframe];
    const unique = [...new Set(calendarOfSlot)];
    this.#caches = unique.map((cal) => ({
      cal,
      firstDay: toDayNumber(cal.firstDate),
      lastDay: toDayNumber(cal.lastDate),
      open: NaN,
      close: NaN,
      forTs: NaN,
    }));
    this.#calOfSlot = Int32Array.from(calendarOfSlot, (c) => unique.indexOf(c));
    this.#prevTs = new Float64Array(calendarOfSlot.length).fill(-Infinity);
  }

  /** Computes the times of the slice at `ts` holding slots[0..n). */
  update(ts: number, slots: Int32Array, n: number): void {
    if (this.#daily) this.#updateDaily(ts, slots, n);
    else this.#updateIntraday(ts, slots, n);
  }

  #updateDaily(ts: number, slots: Int32Array, n: number): void {
    if (this.#caches.length === 1 && n > 0) {
      // One calendar for every symbol (the usual case): its session is the slice's.
      const c = this.#caches[0] as CalendarCache;
      if (c.forTs !== ts) this.#lookupDay(c, ts);
      this.open = c.open;
      this.close = c.close;
    } else {
      let open = Infinity;
      let close = -Infinity;
      for (let k = 0; k < n; k++) {
        const c = this.#caches[this.#calOfSlot[slots[k] as number] as number] as CalendarCache;
        if (c.forTs !== ts) this.#lookupDay(c, ts);
        if (c.open < open) open = c.open;
        if (c.close > close) close = c.close;
      }
      this.open = open;
      this.close = close;
    }
    this.isSessionOpen = true;
    this.isSessionClose = true;
  }

  #lookupDay(c: CalendarCache, ts: number): void {
    c.forTs = ts;
    const day = Math.floor(ts / DAY_MS);
    if (!(day >= c.firstDay && day <= c.lastDay && c.cal.sessionOfDay(day, c))) {
      c.open = ts;
      c.close = ts + DAY_MS;
    }
  }

  #updateIntraday(ts: number, slots: Int32Array, n: number): void {
    const barEnd = ts + this.#barMs;
    let first = false;
    let last = false;
    for (let k = 0; k < n; k++) {
      const slot = slots[k] as number;
      const c = this.#caches[this.#calOfSlot[slot] as number] as CalendarCache;
      if (!(ts >= c.open && ts < c.close)) this.#lookupInstant(c, ts);
      if (ts >= c.open && ts < c.close) {
        if ((this.#prevTs[slot] as number) < c.open) first = true;
        if (c.close <= barEnd) last = true;
      }
      this.#prevTs[slot] = ts;
    }
    this.open = ts;
    this.close = barEnd;
    this.isSessionOpen = first;
    this.isSessionClose = last;
  }

  #lookupInstant(c: CalendarCache, ts: number): void {
    c.open = NaN;
    c.close = NaN;
    const day = Math.floor(ts / DAY_MS);
    // Exchange-local dates differ from UTC ones by less than a day.
    if (day <= c.firstDay || day >= c.lastDay) return;
    c.cal.sessionOfDay(c.cal.localDay(ts), c);
  }
}

import type { TradingCalendar } from '../calendar/types.js';
import type { SessionBounds } from '../strategies/api.js';
import { tsToDate } from '../core/dates.js';

/**
 * The trading session a symbol's bar belongs to (`ctx.session`), cached per symbol while bars stay
 * inside it. Daily bars carry their session date at 00:00 UTC; intraday bars are placed by their
 * start instant on the symbol's calendar. Undefined outside the calendar's sessions.
 */
export class SessionLookup {
  readonly #calendars: readonly TradingCalendar[];
  readonly #daily: boolean;
  readonly #cache: ({ readonly open: number; readonly close: number; readonly key: number } | undefined)[];

  constructor(calendars: readonly TradingCalendar[], daily: boolean) {
    this.#calendars = calendars;
    this.#daily = daily;
    this.#cache = calendars.map(() => undefined);
  }

  of(slot: number, ts: number): SessionBounds | undefined {
    if (Number.isNaN(ts)) return undefined;
    const hit = this.#cache[slot];
    if (hit !== undefined && (this.#daily ? hit.key === ts : ts >= hit.open && ts < hit.close)) return hit;
    const cal = this.#calendars[slot] as TradingCalendar;
    let date: string | undefined;
    try {
      date = this.#daily ? tsToDate(ts) : cal.sessionDate(ts);
      if (date !== undefined && !cal.isTradingDay(date)) date = undefined;
    } catch {
      date = undefined; // outside the calendar's range
    }
    if (date === undefined) return undefined;
    const s = cal.session(date);
    // An intraday bar before the open or from the close on is outside the session.
    if (!this.#daily && !(ts >= s.open && ts < s.close)) return undefined;
    const out = { open: s.open, close: s.close, key: ts };
    this.#cache[slot] = out;
    return out;
  }
}

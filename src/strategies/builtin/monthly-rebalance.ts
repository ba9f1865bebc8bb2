import type { TradingCalendar } from '../../calendar/types.js';
import { dayNumberOf, fromDayNumber } from '../../core/dates.js';
import type { Slice, StrategyContext } from '../api.js';

/** Which session of each month a portfolio is rebalanced on. */
export type MonthAnchor = 'first' | 'last';

/** A calendar's sessions of one month: the opens of its first and last, and the anchor's. */
interface MonthSpan {
  readonly from: number;
  readonly to: number;
  readonly anchorOpen: number;
  /** year x 12 + month. */
  readonly key: number;
}

/**
 * A monthly schedule on the symbols' trading calendars (`ctx.calendar`): a slice is due when one
 * of its bars belongs to the first (or last) session of its month on that symbol's calendar
 * (holidays included: the last session of March 2024 on XNYS is Thursday 03-28). Intraday slices
 * must also open (close) that session. It fires at most once per calendar month, so a universe
 * mixing calendars (XNYS equities and 24/7 crypto) rebalances on the earliest of their
 * month-end sessions only. Each calendar's month is looked up once; other bars only compare
 * their session's open with it.
 */
export class MonthlyRebalance {
  readonly anchor: MonthAnchor;
  #lastKey = NaN;
  readonly #checked: TradingCalendar[] = [];
  readonly #spans = new Map<TradingCalendar, MonthSpan>();

  constructor(anchor: MonthAnchor) {
    this.anchor = anchor;
  }

  isDue(ctx: StrategyContext, slice: Slice): boolean {
    if (this.anchor === 'first' ? !slice.isSessionOpen : !slice.isSessionClose) return false;
    const checked = this.#checked;
    checked.length = 0;
    for (const bar of slice.bars) {
      const cal = ctx.calendar(bar.symbol);
      // Bars of one calendar in one slice share their session.
      if (checked.includes(cal)) continue;
      checked.push(cal);
      const session = ctx.session(bar.symbol);
      if (session === undefined) continue;
      const span = this.#span(cal, session.open);
      if (span === undefined) continue;
      if (span.key === this.#lastKey) return false;
      if (session.open === span.anchorOpen) {
        this.#lastKey = span.key;
        return true;
      }
    }
    return false;
  }

  /** The month of the session opening at `open` on `cal`; undefined past the calendar's range. */
  #span(cal: TradingCalendar, open: number): MonthSpan | undefined {
    const hit = this.#spans.get(cal);
    if (hit !== undefined && open >= hit.from && open <= hit.to) return hit;
    const date = cal.sessionDate(open);
    if (date === undefined) return undefined;
    const year = Number(date.slice(0, 4));
    const month = Number(date.slice(5, 7));
    let first: { open: number } | undefined;
    let last: { open: number } | undefined;
    try {
      const sessions = cal.sessions(`${date.slice(0, 8)}01`, fromDayNumber(dayNumberOf(year, month + 1, 1) - 1));
      first = sessions[0];
      last = sessions[sessions.length - 1];
    } catch {
      return undefined;
    }
    if (first === undefined || last === undefined) return undefined;
    const span = {
      from: first.open,
      to: last.open,
      anchorOpen: this.anchor === 'first' ? first.open : last.open,
      key: year * 12 + month,
    };
    this.#spans.set(cal, span);
    return span;
  }
}

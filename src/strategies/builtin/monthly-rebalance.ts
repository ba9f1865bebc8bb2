import type { TradingCalendar } from '../../calendar/types.js';
import type { Slice, StrategyContext } from '../api.js';

/** Which session of each month a portfolio is rebalanced on. */
export type MonthAnchor = 'first' | 'last';

function monthKey(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
}

/** The neighbouring session of `date` (previous for `first`, next for `last`), or undefined past the calendar's range. */
function neighbour(cal: TradingCalendar, date: string, anchor: MonthAnchor): string | undefined {
  try {
    return anchor === 'first' ? cal.previousSession(date) : cal.nextSession(date);
  } catch {
    return undefined;
  }
}

/**
 * A monthly schedule on the symbols' trading calendars (`ctx.calendar`): a slice is due when one
 * of its bars belongs to the first (or last) session of its month on that symbol's calendar,
 * that is when the previous (next) session lies in another month. Intraday slices must also open
 * (close) their session. It fires at most once per calendar month, so a universe mixing calendars
 * (XNYS equities and 24/7 crypto) rebalances on the earliest of their month-end sessions only.
 */
export class MonthlyRebalance {
  readonly anchor: MonthAnchor;
  #lastKey = NaN;
  readonly #checked: TradingCalendar[] = [];

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
      const date = session === undefined ? undefined : cal.sessionDate(session.open);
      if (date === undefined) continue;
      const key = monthKey(date);
      if (key === this.#lastKey) return false;
      const other = neighbour(cal, date, this.anchor);
      if (other !== undefined && monthKey(other) !== key) {
        this.#lastKey = key;
        return true;
      }
    }
    return false;
  }
}

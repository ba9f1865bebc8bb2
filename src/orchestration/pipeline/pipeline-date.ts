import type { TradingCalendar } from '../../calendar/types.js';
import { todayUtc, type IsoDate } from '../../core/dates.js';
import { UsageError } from '../../core/errors.js';

/** The latest session of `cal` whose close has passed at `now`: the default day of a pipeline. */
export function lastClosedSession(cal: TradingCalendar, now: number): IsoDate {
  const today = todayUtc(now);
  if (today > cal.lastDate) return cal.lastDate;
  if (cal.isTradingDay(today) && cal.session(today).close <= now) return today;
  return cal.previousSession(today);
}

/** A pipeline day is a session of its calendar that has closed; anything else is refused (exit 2). */
export function checkPipelineDay(cal: TradingCalendar, date: IsoDate, now: number): void {
  if (date < cal.firstDate || date > cal.lastDate) {
    throw new UsageError(
      'CALENDAR_OUT_OF_RANGE',
      `--date ${date} is outside the ${cal.name} calendar (${cal.firstDate}..${cal.lastDate})`,
      {
        hint: `give a session between ${cal.firstDate} and ${cal.lastDate}`,
        context: { flag: '--date', value: date },
      },
    );
  }
  if (!cal.isTradingDay(date)) {
    throw new UsageError(
      'CALENDAR_NOT_A_SESSION',
      `--date ${date} is not a ${cal.name} session: a pipeline day is a trading day`,
      {
        hint: `the session before it is ${cal.previousSession(date)}, the one after ${cal.nextSession(date)}`,
        context: { flag: '--date', value: date },
      },
    );
  }
  const last = lastClosedSession(cal, now);
  if (date > last) {
    throw new UsageError('USAGE_FUTURE_DATE', `the ${date} session has not closed yet: its bar does not exist`, {
      hint: `run a closed session, e.g. --date ${last} (the default)`,
      context: { flag: '--date', value: date },
    });
  }
}

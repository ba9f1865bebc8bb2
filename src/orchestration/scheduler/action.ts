import { formatInstant } from '../../core/dates.js';
import type { TradingCalendar } from '../../calendar/types.js';
import type { PlannedRun } from './plan.js';

/** ISO-8601 UTC without milliseconds, as `--until` and people read it. */
export const isoUtc = formatInstant;

/**
 * A job's action for one run: `{date}` its date, `{at}` its planned instant, `{open}` and
 * `{close}` its session's bounds (ISO-8601 UTC), so `paper --until {close}` ends the session at
 * that day's close, early closes included. The schedule file refuses `{open}` and `{close}` on
 * jobs that may run without a session.
 */
export function expandAction(action: readonly string[], run: PlannedRun, cal: TradingCalendar): string[] {
  let session: { open: number; close: number } | undefined;
  const bound = (which: 'open' | 'close'): string => {
    session ??= cal.session(run.date);
    return isoUtc(session[which]);
  };
  return action.map((arg) =>
    arg.replace(/\{(date|at|open|close)\}/g, (_m, name: string) =>
      name === 'date' ? run.date : name === 'at' ? isoUtc(run.at) : bound(name as 'open' | 'close'),
    ),
  );
}

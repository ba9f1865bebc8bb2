import { getCalendar } from '../../calendar/registry.js';
import { UsageError, isMomenticError } from '../../core/errors.js';
import type { TradingCalendar } from '../../calendar/types.js';
import type { CommandContext } from '../context.js';
import { dateFlag, isoUtc, timestampFlag } from '../options.js';

export async function calendarSessions(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const cal = calendarFlag(opts.market);
  const from = dateFlag(opts.from as string | undefined, '--from');
  const to = dateFlag(opts.to as string | undefined, '--to');
  const sessions = cal.sessions(from, to);
  if (ctx.json) {
    ctx.outJson(sessions.map((s) => ({ date: s.date, open_utc: isoUtc(s.open), close_utc: isoUtc(s.close) })));
    return 0;
  }
  const lines = sessions.map((s) => `${s.date},${isoUtc(s.open)},${isoUtc(s.close)}`);
  if (opts.header === true) lines.unshift('date,open_utc,close_utc');
  if (lines.length > 0) ctx.out(lines.join('\n'));
  return 0;
}

export async function calendarIsOpen(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const cal = calendarFlag(opts.market);
  const at = opts.at === undefined ? Date.now() : timestampFlag(String(opts.at), '--at');
  const date = cal.sessionDate(at);
  const session = date === undefined ? undefined : cal.session(date);
  const isOpen = session !== undefined && at >= session.open && at < session.close;
  // The next open strictly after `at`.
  let nextOpen: number;
  if (session !== undefined && at < session.open) nextOpen = session.open;
  else {
    const localDate = date ?? dayOfInstant(cal.timezone, at);
    nextOpen = cal.session(cal.nextSession(localDate)).open;
  }
  const closure =
    date === undefined
      ? cal.closures(dayOfInstant(cal.timezone, at), dayOfInstant(cal.timezone, at))[0]?.name
      : undefined;
  if (ctx.json) {
    ctx.outJson({
      market: cal.name,
      at: isoUtc(at),
      is_open: isOpen,
      session:
        session === undefined
          ? null
          : {
              date: session.date,
              open_utc: isoUtc(session.open),
              close_utc: isoUtc(session.close),
              early_close: session.isEarlyClose,
            },
      next_open_utc: isOpen ? null : isoUtc(nextOpen),
    });
    return 0;
  }
  if (isOpen && session !== undefined) {
    ctx.out(
      `open: ${cal.name} is open at ${isoUtc(at)} (session ${session.date}, ${isoUtc(session.open)} to ${isoUtc(session.close)}${session.isEarlyClose ? ', early close' : ''})`,
    );
  } else {
    const why =
      session !== undefined ? (at < session.open ? 'before the open' : 'after the close') : (closure ?? 'weekend');
    ctx.out(`closed: ${cal.name} is closed at ${isoUtc(at)} (${why}); next open ${isoUtc(nextOpen)}`);
  }
  return 0;
}

export async function calendarHolidays(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const cal = calendarFlag(opts.market);
  const year = String(opts.year);
  if (!/^\d{4}$/.test(year)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--year "${year}" is not a four-digit year`, {
      hint: 'pass --year YYYY, e.g. --year 2025',
      context: { flag: '--year', value: year },
    });
  }
  const closures = cal.closures(`${year}-01-01`, `${year}-12-31`);
  const early = cal
    .earlyCloses(`${year}-01-01`, `${year}-12-31`)
    .map((e) => ({ ...e, close_utc: isoUtc(cal.session(e.date).close) }));
  if (ctx.json) {
    ctx.outJson({ market: cal.name, year: Number(year), closures, early_closes: early });
    return 0;
  }
  const lines: string[] = [];
  for (const c of closures) lines.push(`${c.date},closed,${c.name},`);
  for (const e of early) lines.push(`${e.date},early_close,${e.name},${e.close_utc}`);
  lines.sort();
  ctx.out(['date,kind,name,close_utc', ...lines].join('\n'));
  return 0;
}

function dayOfInstant(zone: string, ts: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    ts,
  );
}

/** The calendar named by --market; errors name the flag. */
function calendarFlag(value: unknown): TradingCalendar {
  try {
    return getCalendar(String(value));
  } catch (e) {
    if (isMomenticError(e)) {
      throw new UsageError(e.code, e.message, { hint: e.hint, context: { ...e.context, flag: '--market' } });
    }
    throw e;
  }
}

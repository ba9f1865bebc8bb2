import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic calendar sessions|is-open|holidays` (XNYS and 24/7). */
export function registerCalendar(program: Command, lazy: Lazy): void {
  const calendar = program.command('calendar').description('trading calendars: sessions, open/closed, holidays');
  calendar
    .command('sessions')
    .description('list sessions as date,open_utc,close_utc (one line each) between two dates, inclusive')
    .option('--market <code>', 'market calendar: XNYS or 24/7', 'XNYS')
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last date, YYYY-MM-DD')
    .option('--header', 'print a CSV header line first')
    .action(lazy(async () => (await import('../commands/calendar.js')).calendarSessions));
  calendar
    .command('is-open')
    .description('say whether the market is open at an instant (default: now)')
    .option('--market <code>', 'market calendar: XNYS or 24/7', 'XNYS')
    .option('--at <iso>', 'ISO-8601 timestamp with a zone, e.g. 2024-07-03T14:00:00Z')
    .action(lazy(async () => (await import('../commands/calendar.js')).calendarIsOpen));
  calendar
    .command('holidays')
    .description('list full-day closures and early closes of a year')
    .option('--market <code>', 'market calendar', 'XNYS')
    .requiredOption('--year <yyyy>', 'calendar year')
    .action(lazy(async () => (await import('../commands/calendar.js')).calendarHolidays));
}

/**
 * The planner: the instants a schedule's jobs run at, from the trading calendar alone (no clock,
 * no state), so a plan can be checked exactly against the calendar. Session times follow each
 * session's own open and close (early closes, DST); holidays have no session and so no run.
 */
import { Cron } from 'croner';
import type { TradingCalendar } from '../../calendar/types.js';
import { civilFromDays, fromDayNumber, toDayNumber, type IsoDate } from '../../core/dates.js';
import { localToUtcMs } from '../../core/zones.js';
import { sessionInstant } from './market-time.js';
import type { ScheduledJob } from './schedule.js';

export interface PlannedRun {
  readonly job: string;
  /** The session date (session times, intervals in session), else the market-local date of `at`. */
  readonly date: IsoDate;
  /** Epoch ms. */
  readonly at: number;
}

export interface Plannable {
  readonly calendar: TradingCalendar;
  readonly jobs: readonly ScheduledJob[];
}

/** Runs on the market-local dates `from` to `to` inclusive, by instant (then by the file's job order). */
export function planRuns(schedule: Plannable, from: IsoDate, to: IsoDate): PlannedRun[] {
  const cal = schedule.calendar;
  const a = toDayNumber(from, 'from');
  const b = toDayNumber(to, 'to');
  const out: PlannedRun[] = [];
  for (const job of schedule.jobs) {
    if (isSessionBound(job)) out.push(...onDays(job, cal, a, b, -Infinity, Infinity));
    else out.push(...inSpan(job, cal, startOfDay(cal, a) - 1, startOfDay(cal, b + 1) - 1));
  }
  return byInstant(schedule.jobs, out);
}

/** Runs of one job with `after < at <= until` (what a scheduler waking at `until` has due). */
export function jobRunsBetween(job: ScheduledJob, cal: TradingCalendar, after: number, until: number): PlannedRun[] {
  if (until <= after) return [];
  if (!isSessionBound(job)) return inSpan(job, cal, after, until);
  // Offsets stay within a day of the session's open or close, so its date is within two days of the instant.
  return onDays(job, cal, cal.localDay(after) - 2, cal.localDay(until) + 2, after, until);
}

const MINUTE = 60_000;

/** The first run of a job after `after`, looking up to `horizonDays` ahead (spans doubling from a minute). */
export function nextRun(
  job: ScheduledJob,
  cal: TradingCalendar,
  after: number,
  horizonDays = 14,
): PlannedRun | undefined {
  const horizon = horizonDays * 86_400_000;
  for (let from = after, span = MINUTE; from < after + horizon; from += span, span *= 2) {
    const to = Math.min(from + span, after + horizon);
    const runs = jobRunsBetween(job, cal, from, to);
    if (runs.length > 0) return runs[0];
  }
  return undefined;
}

function isSessionBound(job: ScheduledJob): boolean {
  return job.when.kind === 'session' || (job.when.kind === 'every' && job.when.within === 'session');
}

/**
 * Session times and in-session intervals of the sessions on day numbers `a..b`, with
 * `after < at <= until`; an interval's instants in the window are computed, not enumerated.
 */
function onDays(
  job: ScheduledJob,
  cal: TradingCalendar,
  a: number,
  b: number,
  after: number,
  until: number,
): PlannedRun[] {
  const first = Math.max(a, toDayNumber(cal.firstDate));
  const last = Math.min(b, toDayNumber(cal.lastDate));
  if (first > last) return [];
  const out: PlannedRun[] = [];
  const when = job.when;
  for (const s of cal.sessions(fromDayNumber(first), fromDayNumber(last))) {
    if (when.kind === 'session') {
      const at = sessionInstant(when, s);
      if (at > after && at <= until) out.push({ job: job.name, date: s.date, at });
    } else if (when.kind === 'every') {
      const k = after < s.open ? 0 : Math.floor((after - s.open) / when.everyMs) + 1;
      for (let t = s.open + k * when.everyMs; t < s.close && t <= until; t += when.everyMs) {
        out.push({ job: job.name, date: s.date, at: t });
      }
    }
  }
  return out;
}

/**
 * Cron lines and round-the-clock intervals with `after < at <= until`, on trading days unless
 * `days: all`; a day without a session is stepped over whole.
 */
function inSpan(job: ScheduledJob, cal: TradingCalendar, after: number, until: number): PlannedRun[] {
  const out: PlannedRun[] = [];
  const when = job.when;
  /** The instant to look after next: `at` when kept, else the last instant of its closed day. */
  const keep = (at: number): number => {
    const day = cal.localDay(at);
    if (job.days === 'trading' && !isTradingDay(cal, day)) return Math.max(at, startOfDay(cal, day + 1) - 1);
    out.push({ job: job.name, date: fromDayNumber(day), at });
    return at;
  };
  if (when.kind === 'cron') {
    const cron = new Cron(when.pattern, { timezone: when.zone, paused: true, mode: '5-or-6-parts' });
    for (let d = cron.nextRun(new Date(after)); d !== null && d.getTime() <= until;) {
      d = cron.nextRun(new Date(keep(d.getTime())));
    }
  } else if (when.kind === 'every') {
    // Multiples of the interval since the epoch: the same instants whenever the scheduler starts.
    const step = when.everyMs;
    for (let t = (Math.floor(after / step) + 1) * step; t <= until;) {
      t = (Math.floor(keep(t) / step) + 1) * step;
    }
  }
  return out;
}

function isTradingDay(cal: TradingCalendar, day: number): boolean {
  const date = fromDayNumber(day);
  return date >= cal.firstDate && date <= cal.lastDate && cal.isTradingDay(date);
}

/** The instant a market-local day starts (local midnight in the calendar's zone). */
function startOfDay(cal: TradingCalendar, day: number): number {
  const [y, m, d] = civilFromDays(day);
  return localToUtcMs(cal.timezone, y, m, d);
}

function byInstant(jobs: readonly ScheduledJob[], runs: PlannedRun[]): PlannedRun[] {
  const order = new Map(jobs.map((j, i) => [j.name, i]));
  return runs.sort((x, y) => x.at - y.at || (order.get(x.job) ?? 0) - (order.get(y.job) ?? 0));
}

/**
 * What a scheduler does with a job's due runs (instants already reached): start one, pass over
 * others, keep the rest for later. A run is on time within the grace after its instant; older
 * ones were missed (the scheduler was down, or the job's previous run was still going) and the
 * job's catch-up policy decides: `skip` none of them, `latest` the most recent, `all` each in
 * turn. No run starts after its deadline. Pure: the runner records what this decides.
 */
import { formatInstant } from '../../core/dates.js';
import type { TradingCalendar } from '../../calendar/types.js';
import { formatDuration, sessionInstant } from './market-time.js';
import type { PlannedRun } from './plan.js';
import type { ScheduledJob } from './schedule.js';

export interface CatchUpDecision {
  /** The run to start now, if any. */
  readonly start?: PlannedRun;
  /** Runs passed over, each with why. */
  readonly skip: readonly { readonly run: PlannedRun; readonly reason: string }[];
}

/** `due` in instant order; `now` is at or after each of them. */
export function decideCatchUp(
  job: ScheduledJob,
  due: readonly PlannedRun[],
  now: number,
  graceMs: number,
  cal: TradingCalendar,
): CatchUpDecision {
  const skip: { run: PlannedRun; reason: string }[] = [];
  const pastDeadline = (r: PlannedRun): string | undefined => {
    const dl = deadlineOf(job, r, cal);
    return dl !== undefined && now > dl ? `not started by its deadline ${iso(dl)}` : undefined;
  };
  if (job.catchUp === 'latest') {
    const startable = due.filter((r) => pastDeadline(r) === undefined);
    const start = startable.at(-1);
    for (const r of due) {
      if (r === start) continue;
      const why = pastDeadline(r);
      skip.push({ run: r, reason: why ?? `superseded by the run of ${iso(start?.at ?? r.at)} (catch_up: latest)` });
    }
    return start === undefined ? { skip } : { start, skip };
  }
  for (const r of due) {
    const why = pastDeadline(r);
    if (why !== undefined) skip.push({ run: r, reason: why });
    else if (job.catchUp === 'skip' && now - r.at > graceMs) {
      skip.push({ run: r, reason: `missed by ${formatDuration(now - r.at)} (catch_up: skip)` });
    } else return { start: r, skip };
  }
  return { skip };
}

/** The last instant a run may start, if the job has a deadline. */
export function deadlineOf(job: ScheduledJob, run: PlannedRun, cal: TradingCalendar): number | undefined {
  const d = job.deadline;
  if (d === undefined) return undefined;
  if (d.kind === 'after') return run.at + d.ms;
  return cal.isTradingDay(run.date) ? sessionInstant(d.time, cal.session(run.date)) : undefined;
}

const iso = formatInstant;

import { resolve } from 'node:path';
import { fromDayNumber, toDayNumber } from '../../core/dates.js';
import { formatTable } from '../../core/text-table.js';
import { systemClock } from '../../orchestration/scheduler/clock.js';
import { processExecutor } from '../../orchestration/scheduler/executor.js';
import { describeTime } from '../../orchestration/scheduler/market-time.js';
import { nextRun, planRuns } from '../../orchestration/scheduler/plan.js';
import { Scheduler } from '../../orchestration/scheduler/scheduler.js';
import type { JobRun } from '../../store/scheduler-types.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';
import { dateFlag, isoUtc, numberFlag } from '../options.js';
import { scheduleFlag } from './schedule-file.js';

/**
 * `momentic scheduler [--config FILE]`: runs until SIGINT or SIGTERM, then stops the runs still
 * going (SIGTERM: a session completes its files), records them and gives the lock up.
 */
export async function schedulerRun(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const loaded = await ctx.config();
  const schedule = await scheduleFlag(ctx, opts);
  const log = await ctx.logger();
  const { createLedger } = await import('../../store/ledger.js');
  const ledger = await createLedger(loaded.config, loaded.home);
  const scheduler = new Scheduler({
    schedule,
    ledger,
    clock: systemClock,
    executor: processExecutor({
      home: loaded.home,
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      ...(ctx.globals.config === undefined ? {} : { configLayer: resolve(ctx.io.cwd, ctx.globals.config) }),
    }),
    logger: log,
  });
  const stop = (): void => scheduler.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log.info(
    {
      schedule: schedule.name,
      file: schedule.file,
      market: schedule.calendar.name,
      owner: scheduler.owner,
      ledger: ledger.location,
    },
    'scheduler started',
  );
  let summary;
  try {
    summary = await scheduler.run();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ledger.close();
  }
  if (ctx.json) ctx.outJson({ schedule: schedule.name, owner: scheduler.owner, ...summary });
  else {
    ctx.out(
      `scheduler ${schedule.name} stopped: ${summary.started} runs started (${summary.succeeded} succeeded, ${summary.failed} failed), ${summary.skipped} skipped`,
    );
  }
  return 0;
}

/** `momentic scheduler plan [--from DATE] [--days N]`: the planned runs, one line each. */
export async function schedulerPlan(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const schedule = await scheduleFlag(ctx, opts);
  const cal = schedule.calendar;
  const from =
    opts.from === undefined ? fromDayNumber(cal.localDay(Date.now())) : dateFlag(String(opts.from), '--from');
  const days =
    opts.days === undefined
      ? 5
      : numberFlag(opts.days, '--days', { integer: true, min: 1, max: 366, example: '--days 5' });
  const to = fromDayNumber(toDayNumber(from, '--from') + days - 1);
  const runs = planRuns(schedule, from, to);
  if (ctx.json) {
    ctx.outJson({
      schedule: schedule.name,
      file: schedule.file,
      market: cal.name,
      from,
      to,
      closures: cal.closures(from, to),
      early_closes: cal.earlyCloses(from, to),
      runs: runs.map((r) => ({ date: r.date, job: r.job, at_utc: isoUtc(r.at) })),
    });
    return 0;
  }
  const lines = runs.map((r) => `${r.date},${r.job},${isoUtc(r.at)}`);
  if (opts.header === true) lines.unshift('date,job,at_utc');
  if (lines.length > 0) ctx.out(lines.join('\n'));
  return 0;
}

function runJson(r: JobRun) {
  return {
    job: r.job,
    date: r.date,
    planned_utc: isoUtc(r.plannedAt),
    status: r.status,
    owner: r.owner,
    started_utc: r.startedAt === undefined ? null : isoUtc(r.startedAt),
    ended_utc: r.endedAt === undefined ? null : isoUtc(r.endedAt),
    exit_code: r.exitCode ?? null,
    detail: r.detail ?? null,
    log_file: r.logFile ?? null,
  };
}

/** `momentic scheduler status`: who holds the lock, and each job's last and next run. */
export async function schedulerStatus(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const schedule = await scheduleFlag(ctx, opts);
  const limit =
    opts.limit === undefined ? 10 : numberFlag(opts.limit, '--limit', { integer: true, min: 1, example: '--limit 10' });
  const now = Date.now();
  return withLedger(ctx, async (ledger) => {
    const lock = await ledger.schedulerLock(schedule.name);
    const recent = await ledger.jobRuns({ schedule: schedule.name, limit });
    const jobs = [];
    for (const job of schedule.jobs) {
      const last = (await ledger.jobRuns({ schedule: schedule.name, job: job.name, limit: 1 }))[0];
      const next = nextRun(job, schedule.calendar, now);
      jobs.push({
        job: job.name,
        when: describeTime(job.when),
        last,
        next_utc: next === undefined ? null : isoUtc(next.at),
      });
    }
    const lockJson =
      lock === undefined
        ? null
        : {
            owner: lock.owner,
            acquired_utc: isoUtc(lock.acquiredAt),
            heartbeat_utc: isoUtc(lock.heartbeatAt),
            expires_utc: isoUtc(lock.expiresAt),
            is_expired: lock.expiresAt <= now,
          };
    if (ctx.json) {
      ctx.outJson({
        schedule: schedule.name,
        lock: lockJson,
        jobs: jobs.map((j) => ({ ...j, last: j.last === undefined ? null : runJson(j.last) })),
        runs: recent.map(runJson),
      });
      return 0;
    }
    const lockLine =
      lockJson === null
        ? 'lock: free (no scheduler runs this schedule)'
        : `lock: ${lockJson.is_expired ? 'expired' : 'held'} by ${lockJson.owner} since ${lockJson.acquired_utc}, last heartbeat ${lockJson.heartbeat_utc}, ${lockJson.is_expired ? 'expired' : 'expires'} ${lockJson.expires_utc}`;
    const table = formatTable(
      ['job', 'when', 'last run', 'status', 'next run'],
      jobs.map((j) => [
        j.job,
        j.when,
        j.last === undefined ? '-' : isoUtc(j.last.plannedAt),
        j.last === undefined
          ? '-'
          : `${j.last.status}${j.last.exitCode === undefined ? '' : ` (exit ${j.last.exitCode})`}`,
        j.next_utc ?? '-',
      ]),
    );
    ctx.out(
      `schedule ${schedule.name} (${schedule.file}, ${schedule.calendar.name}) in ${ledger.location}\n${lockLine}\n\n${table}`,
    );
    return 0;
  });
}

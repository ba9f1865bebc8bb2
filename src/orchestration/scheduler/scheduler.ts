/**
 * The scheduler's loop. Each wake it renews (or tries to take) the schedule's lock in the ledger;
 * only the holder runs jobs. The holder records each due run before starting it (claimed once per
 * job and planned instant, whichever scheduler asks: a holder that stalled past its lock's expiry
 * cannot run what its successor already ran), starts it through the executor, and records how it
 * ended. A job never runs twice at once: runs that come due meanwhile wait and are then caught up
 * by the job's policy, as runs missed while no scheduler was up are. It sleeps until the next
 * planned instant or heartbeat, whichever is first, on an injected clock.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { isMomenticError, VenueError } from '../../core/errors.js';
import type { LedgerStore } from '../../store/ledger.js';
import { expandAction, isoUtc } from './action.js';
import { decideCatchUp } from './catch-up.js';
import type { SchedulerClock } from './clock.js';
import type { JobExecutor, JobOutcome, RunningJob } from './executor.js';
import { jobRunsBetween, nextRun, type PlannedRun } from './plan.js';
import type { Schedule, ScheduledJob } from './schedule.js';

/** The ledger functions the scheduler uses. */
export type SchedulerLedger = Pick<
  LedgerStore,
  'acquireSchedulerLock' | 'releaseSchedulerLock' | 'claimJobRun' | 'endJobRun' | 'abandonJobRuns' | 'lastPlannedRuns'
>;

export interface SchedulerOptions {
  readonly schedule: Schedule;
  readonly ledger: SchedulerLedger;
  readonly clock: SchedulerClock;
  readonly executor: JobExecutor;
  /** Who this scheduler is in the lock (default: host, pid and a random part). */
  readonly owner?: string;
  readonly logger?: Logger;
}

export interface SchedulerSummary {
  readonly started: number;
  readonly skipped: number;
  readonly succeeded: number;
  readonly failed: number;
}

interface Running {
  readonly id: number;
  readonly run: PlannedRun;
  readonly handle: RunningJob;
}

interface Ended {
  readonly job: string;
  readonly id: number;
  readonly outcome: JobOutcome;
  readonly at: number;
}

export function schedulerOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class Scheduler {
  readonly owner: string;
  readonly #o: SchedulerOptions;
  readonly #log: Logger | undefined;
  /** Per job, the planned instant of its last run handled (started or skipped). */
  readonly #cursor = new Map<string, number>();
  readonly #running = new Map<string, Running>();
  readonly #ended: Ended[] = [];
  /** Runs the scheduler itself stopped on its way out (their exit says nothing against them). */
  readonly #stoppedIds = new Set<number>();
  #isLeader = false;
  #stopping = false;
  #wake: AbortController | undefined;
  #counts = { started: 0, skipped: 0, succeeded: 0, failed: 0 };

  constructor(o: SchedulerOptions) {
    this.#o = o;
    this.owner = o.owner ?? schedulerOwner();
    this.#log = o.logger?.child({ component: 'scheduler', schedule: o.schedule.name });
  }

  /** True while this scheduler holds the lock. */
  get isLeader(): boolean {
    return this.#isLeader;
  }

  /** Runs until stop(); then stops running jobs, records their ends and releases the lock. */
  async run(): Promise<SchedulerSummary> {
    try {
      while (!this.#stopping) {
        const wait = await this.#stepOrRetry();
        if (this.#stopping) break;
        await this.#sleep(wait);
      }
    } finally {
      await this.#shutdown();
    }
    return { ...this.#counts };
  }

  /** Asks the loop to end (SIGINT, SIGTERM); run() resolves once it has. */
  stop(): void {
    this.#stopping = true;
    this.#wake?.abort();
  }

  async #sleep(ms: number): Promise<void> {
    const c = new AbortController();
    this.#wake = c;
    if (this.#ended.length === 0 && !this.#stopping) await this.#o.clock.sleep(ms, c.signal);
    this.#wake = undefined;
  }

  /** One wake; a ledger that cannot be reached is retried at the next heartbeat, without running anything. */
  async #stepOrRetry(): Promise<number> {
    try {
      return await this.#step();
    } catch (e) {
      if (!(isMomenticError(e) && e instanceof VenueError && e.retryable)) throw e;
      this.#log?.warn({ err: e.message }, 'ledger unreachable; retrying at the next heartbeat');
      return this.#o.schedule.lock.heartbeatMs;
    }
  }

  async #step(): Promise<number> {
    const { schedule, ledger, clock } = this.#o;
    await this.#recordEnded();
    const now = clock.now();
    const lock = await ledger.acquireSchedulerLock({
      name: schedule.name,
      owner: this.owner,
      now,
      ttlMs: schedule.lock.ttlMs,
    });
    if (!lock.isHeld) {
      if (this.#isLeader) this.#log?.warn({ holder: lock.lock?.owner }, 'lost the lock: standing by');
      this.#isLeader = false;
      const expires = lock.lock?.expiresAt ?? now;
      return Math.max(0, Math.min(schedule.lock.heartbeatMs, expires - now));
    }
    if (!this.#isLeader) await this.#lead(now);
    let wait = schedule.lock.heartbeatMs;
    for (const job of schedule.jobs) {
      if (this.#running.has(job.name)) continue;
      await this.#dispatch(job, now);
      if (this.#running.has(job.name)) continue;
      const next = nextRun(job, schedule.calendar, this.#cursor.get(job.name) ?? now);
      if (next !== undefined) wait = Math.min(wait, Math.max(0, next.at - now));
    }
    return wait;
  }

  /** Became the holder: runs a lost holder left `running` are abandoned; cursors come from the ledger. */
  async #lead(now: number): Promise<void> {
    const { schedule, ledger } = this.#o;
    this.#isLeader = true;
    const abandoned = await ledger.abandonJobRuns(schedule.name, this.owner, now);
    const last = await ledger.lastPlannedRuns(schedule.name);
    for (const job of schedule.jobs) {
      const recorded = last.get(job.name);
      // Without a record the job is new here: only a run still within the grace is due.
      const from = recorded === undefined ? now - schedule.graceMs : Math.max(recorded, now - schedule.catchUpWindowMs);
      this.#cursor.set(job.name, Math.max(this.#cursor.get(job.name) ?? from, from));
    }
    this.#log?.info(
      { owner: this.owner, abandoned: abandoned.map((r) => `${r.job}@${isoUtc(r.plannedAt)}`) },
      'holding the lock: running jobs',
    );
  }

  async #dispatch(job: ScheduledJob, now: number): Promise<void> {
    const { schedule, ledger, executor } = this.#o;
    const cursor = this.#cursor.get(job.name) ?? now;
    const due = jobRunsBetween(job, schedule.calendar, cursor, now);
    if (due.length === 0) return;
    const decision = decideCatchUp(job, due, now, schedule.graceMs, schedule.calendar);
    const handled = [...decision.skip.map((s) => s.run), ...(decision.start === undefined ? [] : [decision.start])];
    for (const s of decision.skip) {
      const claimed = await ledger.claimJobRun({
        schedule: schedule.name,
        job: job.name,
        date: s.run.date,
        plannedAt: s.run.at,
        owner: this.owner,
        status: 'skipped',
        detail: s.reason,
      });
      if (claimed !== undefined) {
        this.#counts.skipped++;
        this.#log?.info({ job: job.name, planned: isoUtc(s.run.at), reason: s.reason }, 'run skipped');
      }
    }
    const start = decision.start;
    if (start !== undefined) {
      const logFile = executor.logFile?.(schedule.name, start);
      const claimed = await ledger.claimJobRun({
        schedule: schedule.name,
        job: job.name,
        date: start.date,
        plannedAt: start.at,
        owner: this.owner,
        status: 'running',
        startedAt: now,
        ...(logFile === undefined ? {} : { logFile }),
      });
      if (claimed !== undefined) {
        const argv = expandAction(job.action, start, schedule.calendar);
        const handle = executor.start({
          schedule: schedule.name,
          run: start,
          argv,
          ...(logFile === undefined ? {} : { logFile }),
        });
        this.#running.set(job.name, { id: claimed.id, run: start, handle });
        this.#counts.started++;
        this.#log?.info({ job: job.name, planned: isoUtc(start.at), late_ms: now - start.at, argv }, 'run started');
        void handle.done.then((outcome) => {
          this.#ended.push({ job: job.name, id: claimed.id, outcome, at: this.#o.clock.now() });
          this.#wake?.abort();
        });
      }
    }
    const last = handled.reduce((m, r) => Math.max(m, r.at), cursor);
    this.#cursor.set(job.name, last);
  }

  /** Records the runs that ended since the last wake (kept until the ledger has them). */
  async #recordEnded(): Promise<void> {
    while (this.#ended.length > 0) {
      const e = this.#ended[0] as Ended;
      const ok = e.outcome.exitCode === 0;
      const why =
        e.outcome.error ??
        (e.outcome.signal !== null
          ? `ended by ${e.outcome.signal}`
          : ok
            ? undefined
            : `exit code ${e.outcome.exitCode}`);
      const detail = this.#stoppedIds.has(e.id)
        ? `stopped with the scheduler${why === undefined ? '' : ` (${why})`}`
        : why;
      await this.#o.ledger.endJobRun(e.id, {
        status: ok ? 'succeeded' : 'failed',
        endedAt: e.at,
        ...(e.outcome.exitCode === null ? {} : { exitCode: e.outcome.exitCode }),
        ...(detail === undefined ? {} : { detail }),
      });
      this.#ended.shift();
      this.#running.delete(e.job);
      if (ok) this.#counts.succeeded++;
      else this.#counts.failed++;
      this.#log?.[ok ? 'info' : 'warn']({ job: e.job, exit_code: e.outcome.exitCode, detail }, 'run ended');
    }
  }

  async #shutdown(): Promise<void> {
    for (const r of this.#running.values()) {
      this.#stoppedIds.add(r.id);
      r.handle.stop();
    }
    // Each run's end is queued by its own handler, registered when it started, before these resolve.
    await Promise.all([...this.#running.values()].map((r) => r.handle.done));
    try {
      await this.#recordEnded();
      if (this.#isLeader) await this.#o.ledger.releaseSchedulerLock(this.#o.schedule.name, this.owner);
    } finally {
      this.#isLeader = false;
    }
  }
}

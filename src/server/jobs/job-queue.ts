/**
 * The service's jobs: backtests, sweeps and walk-forwards asked of the API, each run as a
 * momentic CLI child process (cli-process.ts), at most `serve.jobs.concurrency` at once and the
 * rest in line, first come first served. Every change of a job (queued, running, its progress,
 * how it ended) is published on the feed's `jobs` channel and written to the ledger
 * (`service_jobs`), so the list outlives the server.
 *
 * A job's process belongs to its server: when the server stops, the jobs it runs are stopped
 * rather than left running unwatched, and recorded `interrupted`. A server that died without
 * stopping them (a crash, a kill) leaves them `running` in the ledger; the next server to start
 * marks them `interrupted` with that reason, once it knows their server is gone. What a job made
 * is not lost with it: a backtest's run is in the ledger and data/results/ once it succeeded, and
 * a sweep records each trial as it goes, so submitting it again under the same name resumes it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { z } from 'zod';
import { ExitCode } from '../../core/error-codes.js';
import { InternalError, UsageError } from '../../core/errors.js';
import type { StoredJob, StoredJobFilter } from '../../store/job-types.js';
import { errorSchema, iso } from '../schemas/common.js';
import type { FeedPublisher, WsPayload } from '../ws/protocol.js';
import type { CliLauncher, CliOutcome, CliProcess, CliProgress } from './cli-process.js';

export const JOB_KINDS = ['backtest', 'sweep', 'walkforward'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const errorJson = errorSchema.shape.error;
export type ErrorJson = z.infer<typeof errorJson>;

export interface Job {
  readonly id: string;
  readonly kind: JobKind;
  /** The request as the API took it. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Who asked: `token:ID`. */
  readonly actor: string;
  readonly status: JobStatus;
  /** 0..1: the engine's bars (backtest), the trials (sweep) or the walk-forward's steps done; 1 once succeeded. */
  readonly progress: number;
  readonly message: string | null;
  /** The run id (backtest), sweep id (sweep) or walk-forward id (walkforward) it made. */
  readonly resultId: string | null;
  /** Why it failed, in the CLI's JSON error shape. */
  readonly error: ErrorJson | null;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** The server process that runs or ran it (`host:pid:instance`). */
  readonly server: string;
}

type MutableJob = { -readonly [K in keyof Job]: Job[K] };

interface Entry {
  job: MutableJob;
  /** The command line after `--home H --json`. */
  readonly argv: readonly string[];
  process?: CliProcess;
  cancelledBy?: string;
  readonly ended: Promise<void>;
  end: () => void;
}

/** Where jobs are kept (the ledger). */
export interface JobStore {
  saveJob(job: StoredJob): Promise<void>;
  getJob(id: string): Promise<StoredJob | undefined>;
  listJobs(filter?: StoredJobFilter): Promise<StoredJob[]>;
}

export interface JobQueueOptions {
  /** Where jobs are written; without it they live in memory only. */
  readonly store?: JobStore;
  /** This server's name in `service_jobs.server` (default `host:pid:random`). */
  readonly server?: string;
  /** How often a running job's row is refreshed, ms (default 15 s); three times this unrefreshed and it is orphaned. */
  readonly heartbeatMs?: number;
  /** Whether a process of this machine is alive (default: signal 0). */
  readonly pidAlive?: (pid: number) => boolean;
  readonly concurrency: number;
  readonly launch: CliLauncher;
  readonly home: string;
  /** The global config layer the server was started with (`momentic --config F serve`), passed on. */
  readonly configFile?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly feed?: FeedPublisher;
  readonly now: () => number;
  readonly log?: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

/** Ended jobs kept for GET /api/jobs; the oldest go first. */
const KEEP_ENDED = 1000;

const ENDED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** The label of the progress lines that measure a job of each kind. */
const MEASURE: Readonly<Record<JobKind, string>> = {
  backtest: 'backtest',
  sweep: 'sweep',
  walkforward: 'walk-forward',
};

/** A progress-only change is written at most this often (status changes at once). */
const PROGRESS_WRITE_MS = 2_000;

function defaultPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function jobFromStored(s: StoredJob): Job {
  return {
    id: s.id,
    kind: s.kind as JobKind,
    request: s.request,
    actor: s.actor,
    status: s.status as JobStatus,
    progress: s.progress,
    message: s.message,
    resultId: s.resultId,
    error: s.error as ErrorJson | null,
    createdAt: s.createdAt,
    ...(s.startedAt === undefined ? {} : { startedAt: s.startedAt }),
    ...(s.endedAt === undefined ? {} : { endedAt: s.endedAt }),
    server: s.server,
  };
}

export class JobQueue {
  readonly #o: JobQueueOptions;
  readonly #jobs = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  #running = 0;
  #closed = false;
  readonly #server: string;
  /** Writes to the store, one after another (a job's rows are written in the order it changed). */
  #writes: Promise<void> = Promise.resolve();
  readonly #lastWrite = new Map<string, number>();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(o: JobQueueOptions) {
    this.#o = o;
    this.#server = o.server ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** This server's name in the jobs' `server`. */
  get server(): string {
    return this.#server;
  }

  /**
   * Marks `interrupted` the jobs the store holds as in line or running whose server is gone: a
   * process of this machine that no longer exists, or any server that has not refreshed them for
   * three heartbeats. Jobs of a server still alive (another `momentic serve` on the same ledger)
   * are left to it. Starts this server's heartbeat. Returns the jobs it marked.
   */
  async recover(): Promise<Job[]> {
    const store = this.#o.store;
    if (store === undefined) return [];
    const beat = this.#o.heartbeatMs ?? 15_000;
    const now = this.#o.now();
    const alive = this.#o.pidAlive ?? defaultPidAlive;
    const host = hostname();
    const marked: Job[] = [];
    for (const s of await store.listJobs({ statuses: ['queued', 'running'], limit: 10_000 })) {
      if (s.server === this.#server) continue;
      const [h, pidText] = s.server.split(':');
      const pid = Number(pidText);
      const deadHere = h === host && Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
      const silent = now - s.updatedAt > 3 * beat;
      if (!deadHere && !silent) continue;
      const why = deadHere
        ? `its server (${s.server}) stopped without ending it (a crash or a kill)`
        : `its server (${s.server}) has not reported on it since ${iso(s.updatedAt)}`;
      const job: Job = {
        ...jobFromStored(s),
        status: 'interrupted',
        message: `interrupted ${s.status === 'queued' ? 'in line' : 'while running'}: ${why}; submit it again`,
        endedAt: now,
      };
      await store.saveJob(this.#stored(job, now));
      this.#publishJob(job);
      marked.push(job);
      this.#o.log?.warn({ job_id: s.id, server: s.server, was: s.status }, 'job interrupted');
    }
    this.#heartbeat = setInterval(() => this.#beat(), beat);
    this.#heartbeat.unref();
    return marked;
  }

  /** Queues a job made by `newJobId`; `argv` is its command line after the global options. */
  async submit(
    id: string,
    kind: JobKind,
    request: Record<string, unknown>,
    actor: string,
    argv: readonly string[],
  ): Promise<Job> {
    if (this.#closed) {
      throw new UsageError('API_CONFLICT', 'the server is stopping and takes no new jobs', {
        hint: 'submit the job again once the server is back',
      });
    }
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const entry: Entry = {
      job: {
        id,
        kind,
        request,
        actor,
        status: 'queued',
        progress: 0,
        message: this.#running < this.#o.concurrency ? null : `waiting: ${this.#waiting.length + 1} in line`,
        resultId: null,
        error: null,
        createdAt: this.#o.now(),
        server: this.#server,
      },
      argv,
      ended,
      end,
    };
    // Written before it is queued: a job the ledger could not take never runs.
    await this.#o.store?.saveJob(this.#stored(entry.job, this.#o.now()));
    if (this.#closed) {
      entry.job.status = 'interrupted';
      entry.job.message = 'the server stopped before it started';
      entry.job.endedAt = this.#o.now();
      await this.#o.store?.saveJob(this.#stored(entry.job, this.#o.now()));
      return { ...entry.job };
    }
    this.#jobs.set(id, entry);
    this.#waiting.push(entry);
    this.#publish(entry);
    this.#pump();
    return { ...entry.job };
  }

  /** A job of this server as it is now. */
  live(id: string): Job | undefined {
    const e = this.#jobs.get(id);
    return e === undefined ? undefined : { ...e.job };
  }

  /** A job: this server's as it is now, else as the store keeps it. */
  async get(id: string): Promise<Job | undefined> {
    const live = this.live(id);
    if (live !== undefined) return live;
    const s = await this.#o.store?.getJob(id);
    return s === undefined ? undefined : jobFromStored(s);
  }

  /**
   * Jobs newest first: the store's (every server's, past ones included), this server's as they
   * are now; without a store, this server's kept in memory.
   */
  async list(filter: { status?: JobStatus; kind?: JobKind; limit?: number } = {}): Promise<Job[]> {
    const keep = (j: Job): boolean =>
      (filter.status === undefined || j.status === filter.status) &&
      (filter.kind === undefined || j.kind === filter.kind);
    const store = this.#o.store;
    if (store === undefined) {
      return [...this.#jobs.values()]
        .map((e) => ({ ...e.job }))
        .reverse()
        .filter(keep)
        .slice(0, filter.limit ?? 200);
    }
    await this.#writes;
    const rows = await store.listJobs({
      ...(filter.status === undefined ? {} : { statuses: [filter.status] }),
      ...(filter.kind === undefined ? {} : { kind: filter.kind }),
      limit: filter.limit ?? 200,
    });
    // A running job's progress is written every few seconds; the queue's is the latest.
    return rows.map((r) => this.live(r.id) ?? jobFromStored(r)).filter(keep);
  }

  /**
   * Cancels a job: one in line leaves it, a running one's process is stopped (and awaited). A job
   * that has ended is refused (API_CONFLICT): it stays as it ended.
   */
  async cancel(id: string, actor: string): Promise<Job> {
    const e = this.#jobs.get(id);
    if (e === undefined) {
      const kept = await this.#o.store?.getJob(id);
      if (kept === undefined) throw notFound(id);
      if (ENDED.has(kept.status as JobStatus)) throw alreadyEnded(id, kept.status);
      throw new UsageError('API_CONFLICT', `job ${id} is ${kept.status} on another server (${kept.server})`, {
        hint: `cancel it through the server that runs it; a server that is gone has its jobs marked interrupted when one starts`,
        context: { value: id },
      });
    }
    if (ENDED.has(e.job.status)) throw alreadyEnded(id, e.job.status);
    e.cancelledBy = actor;
    if (e.job.status === 'queued') {
      this.#waiting.splice(this.#waiting.indexOf(e), 1);
      this.#end(e, { status: 'cancelled', message: `cancelled by ${actor} before it started` });
    } else e.process?.stop();
    await e.ended;
    return { ...e.job };
  }

  /**
   * Stops taking jobs; those in line and running are stopped and recorded `interrupted` (nobody
   * cancelled them: the server went away). Resolves once they ended and were written.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const e of this.#waiting.splice(0)) {
      this.#end(e, { status: 'interrupted', message: 'interrupted in line: the server stopped before it started' });
    }
    const running = [...this.#jobs.values()].filter((e) => e.job.status === 'running');
    for (const e of running) {
      e.cancelledBy = STOPPING;
      e.process?.stop();
    }
    await Promise.all(running.map((e) => e.ended));
    await this.#writes;
  }

  /** Waits for the writes queued so far (tests, and before answering a list). */
  async flushed(): Promise<void> {
    await this.#writes;
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#waiting.length > 0) {
      this.#start(this.#waiting.shift() as Entry);
    }
    this.#waiting.forEach((e, i) => {
      const message = `waiting: ${i + 1} in line`;
      if (e.job.message === message) return;
      e.job.message = message;
      this.#publish(e);
    });
  }

  #start(e: Entry): void {
    this.#running++;
    Object.assign(e.job, { status: 'running', startedAt: this.#o.now(), message: 'starting' } satisfies Partial<Job>);
    this.#publish(e);
    this.#o.log?.info({ job_id: e.job.id, kind: e.job.kind, argv: e.argv }, 'job started');
    const argv = [
      '--home',
      this.#o.home,
      ...(this.#o.configFile === undefined ? [] : ['--config', this.#o.configFile]),
      '--json',
      ...e.argv,
    ];
    e.process = this.#o.launch({
      argv,
      cwd: this.#o.home,
      env: this.#o.env,
      onProgress: (p) => this.#progress(e, p),
    });
    void e.process.done.then((outcome) => {
      this.#running--;
      // A cancel that came after the command had finished does not undo what it made.
      const finished = outcome.exitCode === 0;
      const how =
        e.cancelledBy === undefined || finished
          ? outcomeOf(e.job, outcome)
          : e.cancelledBy === STOPPING
            ? { status: 'interrupted' as const, message: 'interrupted while running: the server stopped' }
            : cancelled(e.cancelledBy);
      this.#end(e, how, how.status === 'failed' ? { stderr: outcome.stderrTail } : {});
      this.#pump();
    });
  }

  #progress(e: Entry, p: CliProgress): void {
    if (e.job.status !== 'running') return;
    // The engine's bars or the sweep's trials measure the job; fetching data before them does not.
    const measures = p.label === MEASURE[e.job.kind];
    if (measures && p.total > 0) e.job.progress = Math.max(e.job.progress, Math.min(1, p.done / p.total));
    e.job.message = `${p.label}: ${p.done}/${p.total}${p.item === null || measures ? '' : ` (${p.item})`}`;
    this.#publish(e, false);
  }

  #end(e: Entry, how: Partial<Job> & { status: JobStatus }, logged: object = {}): void {
    Object.assign(e.job, how, { endedAt: this.#o.now() });
    if (how.status === 'succeeded') e.job.progress = 1;
    this.#publish(e);
    const level = how.status === 'failed' ? 'warn' : 'info';
    this.#o.log?.[level](
      { job_id: e.job.id, status: e.job.status, result_id: e.job.resultId, code: e.job.error?.code, ...logged },
      'job ended',
    );
    e.end();
    this.#forgetOld();
  }

  #forgetOld(): void {
    let extra = [...this.#jobs.values()].filter((x) => ENDED.has(x.job.status)).length - KEEP_ENDED;
    for (const [id, x] of this.#jobs) {
      if (extra <= 0) break;
      if (!ENDED.has(x.job.status)) continue;
      this.#jobs.delete(id);
      extra--;
    }
  }

  #stored(j: Job, now: number): StoredJob {
    return {
      id: j.id,
      kind: j.kind,
      status: j.status,
      request: j.request,
      actor: j.actor,
      progress: j.progress,
      message: j.message,
      resultId: j.resultId,
      error: j.error,
      server: j.server,
      createdAt: j.createdAt,
      ...(j.startedAt === undefined ? {} : { startedAt: j.startedAt }),
      ...(j.endedAt === undefined ? {} : { endedAt: j.endedAt }),
      updatedAt: now,
    };
  }

  /** Queues a write of the job as it is now; a failed write is logged (the job goes on). */
  #write(j: Job): void {
    const store = this.#o.store;
    if (store === undefined) return;
    const now = this.#o.now();
    this.#lastWrite.set(j.id, now);
    const row = this.#stored(j, now);
    this.#writes = this.#writes.then(() =>
      store.saveJob(row).catch((err: unknown) => {
        this.#o.log?.warn({ job_id: j.id, error: (err as Error).message }, 'job not written to the ledger');
      }),
    );
  }

  /** Refreshes the rows of the jobs this server runs or holds in line: it is alive. */
  #beat(): void {
    for (const e of this.#jobs.values()) if (!ENDED.has(e.job.status)) this.#write({ ...e.job });
  }

  /** Publishes the job's change; writes it (a progress-only change at most every few seconds). */
  #publish(e: Entry, statusChange = true): void {
    const last = this.#lastWrite.get(e.job.id);
    if (statusChange || last === undefined || this.#o.now() - last >= PROGRESS_WRITE_MS) this.#write({ ...e.job });
    if (ENDED.has(e.job.status)) this.#lastWrite.delete(e.job.id);
    this.#publishJob(e.job);
  }

  #publishJob(j: Job): void {
    const update: WsPayload<'jobs'> = {
      job_id: j.id,
      kind: j.kind,
      status: j.status,
      progress: j.progress,
      message: j.message,
      result_id: j.resultId,
      time: iso(this.#o.now()),
    };
    this.#o.feed?.publish('jobs', update);
  }
}

export const newJobId = (): string => `job-${randomBytes(6).toString('hex')}`;

/** Who stops the jobs when the server closes. */
const STOPPING = '\u0000the server stopping';

export function notFound(id: string): UsageError {
  return new UsageError('API_NOT_FOUND', `no job ${id}`, {
    hint: 'GET /api/jobs lists the jobs, newest first',
    context: { value: id },
  });
}

function alreadyEnded(id: string, status: string): UsageError {
  return new UsageError('API_CONFLICT', `job ${id} has already ended (${status}); there is nothing to cancel`, {
    hint: `GET /api/jobs/${id} shows how it ended`,
    context: { value: id },
  });
}

function cancelled(by: string): Partial<Job> & { status: JobStatus } {
  return { status: 'cancelled', message: `cancelled by ${by}` };
}

/** How the command ended, as a job's end: its `--json` answer, or its JSON error. */
function outcomeOf(job: Job, o: CliOutcome): Partial<Job> & { status: JobStatus } {
  const out = parseJson(o.stdout);
  if (job.kind === 'walkforward') {
    // Exit 5 is a walk-forward that ran and failed a promotion gate: its results are written.
    const dir = str(out?.dir);
    const id = dir === undefined ? undefined : basename(dir);
    if ((o.exitCode === 0 || o.exitCode === ExitCode.Risk) && id !== undefined) {
      const passed = out?.passed === true;
      return {
        status: 'succeeded',
        resultId: id,
        message: `walk-forward ${id}: ${passed ? 'every gate holds' : 'a promotion gate failed'}`,
      };
    }
  }
  const resultId = str(job.kind === 'backtest' ? out?.run_id : job.kind === 'sweep' ? out?.sweep_id : undefined);
  if (o.exitCode === 0 && resultId !== undefined) {
    return { status: 'succeeded', resultId, message: `${job.kind === 'backtest' ? 'run' : 'sweep'} ${resultId}` };
  }
  // The command's own error; else a backtest kept on disk that the ledger could not take.
  const given = errorJson.safeParse(out?.ok === false ? out.error : (out?.ledger as { error?: unknown })?.error);
  const error: ErrorJson = given.success ? given.data : processError(o);
  return { status: 'failed', resultId: resultId ?? null, error, message: error.message };
}

function processError(o: CliOutcome): ErrorJson {
  const how =
    o.spawnError !== undefined
      ? `could not start: ${o.spawnError}`
      : o.signal !== null
        ? `was ended by ${o.signal}`
        : `exited with code ${o.exitCode} and no answer`;
  const last = o.stderrTail.at(-1);
  return new InternalError(
    `the job's momentic process ${how}${last === undefined ? '' : `; its last words: ${last}`}`,
    {
      hint: "read the server's log for the job's lines; an out-of-memory or a kill from outside ends a job so",
    },
  ).toJSON() as ErrorJson;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

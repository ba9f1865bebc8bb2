/**
 * The service's jobs: backtests and sweeps asked of the API, each run as a momentic CLI child
 * process (cli-process.ts), at most `serve.jobs.concurrency` at once and the rest in line, first
 * come first served. Every change of a job (queued, running, its progress, how it ended) is
 * published on the feed's `jobs` channel.
 *
 * Jobs live in the server's memory: a restart forgets the list, and the jobs running then are
 * cancelled (their processes stopped) rather than left running unwatched. What a job made is not
 * lost with it: a backtest's run is in the ledger and data/results/ once it succeeded, and a sweep
 * records each trial as it goes, so submitting it again under the same name resumes it.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { InternalError, UsageError } from '../../core/errors.js';
import { errorSchema, iso } from '../schemas/common.js';
import type { FeedPublisher, WsPayload } from '../ws/protocol.js';
import type { CliLauncher, CliOutcome, CliProcess, CliProgress } from './cli-process.js';

export const JOB_KINDS = ['backtest', 'sweep'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
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
  /** 0..1: the engine's bars (backtest) or the trials (sweep) done; 1 once succeeded. */
  readonly progress: number;
  readonly message: string | null;
  /** The run id (backtest) or sweep id (sweep) it made. */
  readonly resultId: string | null;
  /** Why it failed, in the CLI's JSON error shape. */
  readonly error: ErrorJson | null;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
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

export interface JobQueueOptions {
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

const ENDED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export class JobQueue {
  readonly #o: JobQueueOptions;
  readonly #jobs = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  #running = 0;
  #closed = false;

  constructor(o: JobQueueOptions) {
    this.#o = o;
  }

  /** Queues a job made by `newJobId`; `argv` is its command line after the global options. */
  submit(id: string, kind: JobKind, request: Record<string, unknown>, actor: string, argv: readonly string[]): Job {
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
      },
      argv,
      ended,
      end,
    };
    this.#jobs.set(id, entry);
    this.#waiting.push(entry);
    this.#publish(entry);
    this.#pump();
    return { ...entry.job };
  }

  get(id: string): Job | undefined {
    const e = this.#jobs.get(id);
    return e === undefined ? undefined : { ...e.job };
  }

  /** Every job kept, the newest first. */
  list(): Job[] {
    return [...this.#jobs.values()].map((e) => ({ ...e.job })).reverse();
  }

  /**
   * Cancels a job: one in line leaves it, a running one's process is stopped (and awaited). A job
   * that has ended is refused (API_CONFLICT): it stays as it ended.
   */
  async cancel(id: string, actor: string): Promise<Job> {
    const e = this.#jobs.get(id);
    if (e === undefined) throw notFound(id);
    if (ENDED.has(e.job.status)) {
      throw new UsageError(
        'API_CONFLICT',
        `job ${id} has already ended (${e.job.status}); there is nothing to cancel`,
        {
          hint: `GET /api/jobs/${id} shows how it ended`,
          context: { value: id },
        },
      );
    }
    e.cancelledBy = actor;
    if (e.job.status === 'queued') {
      this.#waiting.splice(this.#waiting.indexOf(e), 1);
      this.#end(e, { status: 'cancelled', message: `cancelled by ${actor} before it started` });
    } else e.process?.stop();
    await e.ended;
    return { ...e.job };
  }

  /** Stops taking jobs, cancels those in line and stops the running ones; resolves once they ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const e of this.#waiting.splice(0)) this.#end(e, { status: 'cancelled', message: 'the server stopped' });
    const running = [...this.#jobs.values()].filter((e) => e.job.status === 'running');
    for (const e of running) {
      e.cancelledBy = 'the server stopping';
      e.process?.stop();
    }
    await Promise.all(running.map((e) => e.ended));
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
      const how = e.cancelledBy === undefined || finished ? outcomeOf(e.job, outcome) : cancelled(e.cancelledBy);
      this.#end(e, how, how.status === 'failed' ? { stderr: outcome.stderrTail } : {});
      this.#pump();
    });
  }

  #progress(e: Entry, p: CliProgress): void {
    if (e.job.status !== 'running') return;
    // The engine's bars or the sweep's trials measure the job; fetching data before them does not.
    const measures = p.label === e.job.kind;
    if (measures && p.total > 0) e.job.progress = Math.max(e.job.progress, Math.min(1, p.done / p.total));
    e.job.message = `${p.label}: ${p.done}/${p.total}${p.item === null || measures ? '' : ` (${p.item})`}`;
    this.#publish(e);
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

  #publish(e: Entry): void {
    const j = e.job;
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

export function notFound(id: string): UsageError {
  return new UsageError('API_NOT_FOUND', `no job ${id} on this server`, {
    hint: 'GET /api/jobs lists the jobs this server runs or ran since it started (a restart forgets them)',
    context: { value: id },
  });
}

function cancelled(by: string): Partial<Job> & { status: JobStatus } {
  return { status: 'cancelled', message: `cancelled by ${by}` };
}

/** How the command ended, as a job's end: its `--json` answer, or its JSON error. */
function outcomeOf(job: Job, o: CliOutcome): Partial<Job> & { status: JobStatus } {
  const out = parseJson(o.stdout);
  const resultId = str(job.kind === 'backtest' ? out?.run_id : out?.sweep_id);
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

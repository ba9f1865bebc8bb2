/**
 * Schedule files (`config/schedule/daily.yaml`, `momentic scheduler --config FILE`): which
 * momentic commands run when, in market time, and how missed runs are caught up. Validated with
 * zod; every error names the file, the line, the key and how to write it (exit 2).
 */
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { getCalendar } from '../../calendar/registry.js';
import type { TradingCalendar } from '../../calendar/types.js';
import { didYouMean } from '../../core/did-you-mean.js';
import { DURATION_EXAMPLES, durationMs } from '../../core/duration.js';
import { ConfigError, isMomenticError } from '../../core/errors.js';
import { readYamlFile, type YamlFile } from '../../config/yaml-file.js';
import {
  formatDuration,
  parseSessionTime,
  parseWhen,
  SESSION_ANCHORS,
  type JobTime,
  type Parsed,
  type SessionAnchor,
  type SessionTime,
  WHEN_HINT,
} from './market-time.js';

export const CATCH_UP_POLICIES = ['skip', 'latest', 'all'] as const;
/**
 * What happens to runs whose instant passed while the scheduler was down (or the job was still
 * running): `skip` runs none of them, `latest` only the most recent, `all` each in turn.
 */
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** The latest a run may start: a session time (`close`, `{ close: -5m }`) or a span after its instant. */
export type Deadline =
  { readonly kind: 'session'; readonly time: SessionTime } | { readonly kind: 'after'; readonly ms: number };

export interface ScheduledJob {
  readonly name: string;
  readonly when: JobTime;
  /** The momentic command and its arguments, with `{date}`, `{at}`, `{open}`, `{close}` filled in per run. */
  readonly action: readonly string[];
  readonly catchUp: CatchUpPolicy;
  /** `trading`: only on the calendar's sessions (holidays skipped); `all`: every day. */
  readonly days: 'trading' | 'all';
  readonly deadline?: Deadline;
}

export interface Schedule {
  /** Names the lock and the job runs in the ledger: one scheduler per name runs jobs. */
  readonly name: string;
  readonly file: string;
  readonly calendar: TradingCalendar;
  /** A run starting later than this after its instant is a missed run (catch-up policy). */
  readonly graceMs: number;
  /** How far back missed runs are looked for after downtime. */
  readonly catchUpWindowMs: number;
  readonly lock: { readonly ttlMs: number; readonly heartbeatMs: number };
  readonly jobs: readonly ScheduledJob[];
  /** Line of a key path in the file, for errors found later (an action naming no command). */
  lineOf(path: readonly string[]): number | undefined;
}

export const PLACEHOLDERS = ['{date}', '{at}', '{open}', '{close}'] as const;

const DEFAULTS = { catch_up: 'latest', grace: '60s', catch_up_window: '7d', ttl: '60s', heartbeat: '15s' } as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const problem = (ctx: z.RefinementCtx, p: { message: string; hint: string }): typeof z.NEVER => {
  ctx.addIssue({ code: 'custom', message: p.message, params: { hint: p.hint } });
  return z.NEVER;
};

const duration = z.string().transform((s, ctx) => {
  const ms = durationMs(s);
  return ms === undefined
    ? problem(ctx, { message: `"${s}" is not a duration`, hint: `write a duration such as ${DURATION_EXAMPLES}` })
    : ms;
});

const jobSchema = z.strictObject({
  when: z.unknown(),
  action: z.array(z.string().min(1)).min(1),
  catch_up: z.enum(CATCH_UP_POLICIES).optional(),
  days: z.enum(['trading', 'all']).optional(),
  deadline: z.unknown().optional(),
  description: z.string().optional(),
});

const lockSchema = z.strictObject({ ttl: duration.optional(), heartbeat: duration.optional() });

const fileSchema = z.strictObject({
  name: z.string().regex(NAME).optional(),
  description: z.string().optional(),
  market: z.string().min(1).optional(),
  catch_up: z.enum(CATCH_UP_POLICIES).optional(),
  grace: duration.optional(),
  catch_up_window: duration.optional(),
  lock: lockSchema.optional(),
  jobs: z.record(z.string().regex(NAME), jobSchema).refine((j) => Object.keys(j).length > 0, 'has no job'),
});

const KEY_HINTS: Readonly<Record<string, string>> = {
  name: 'letters, digits, dot, dash or underscore, e.g. daily',
  market: 'a calendar: XNYS or 24/7',
  catch_up: 'skip, latest or all',
  days: 'trading (sessions only, the default) or all',
  action: 'a momentic command as a list, e.g. [data, fetch] or [paper, --config, run.yaml, --until, "{close}"]',
  jobs: 'a mapping of job names to jobs, e.g. jobs: { fetch: { when: { pre_open: -60m }, action: [data, fetch] } }',
  description: 'a text',
};

/** Reads and validates a schedule file; `defaultMarket` is the config's `market` when the file names none. */
export function loadSchedule(file: string, displayName: string, defaultMarket: string): Schedule {
  const y = readYamlFile(file, displayName);
  const parsed = fileSchema.safeParse(y.values);
  if (!parsed.success) {
    // An unknown key first: a misspelt key also shows up as a missing one.
    const issues = parsed.error.issues;
    throw fileError(y, issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]);
  }
  const v = parsed.data;
  const fail = (path: readonly (string | number)[], p: { message: string; hint: string }): ConfigError => {
    const key = path.join('.');
    const row = y.lineOf(path.map(String));
    return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key}: ${p.message}`, {
      hint: p.hint,
      context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
    });
  };
  const calendar = calendarOf(v.market ?? defaultMarket, (p) => fail(['market'], p));
  const ttlMs = v.lock?.ttl ?? (durationMs(DEFAULTS.ttl) as number);
  const heartbeatMs = v.lock?.heartbeat ?? (durationMs(DEFAULTS.heartbeat) as number);
  if (ttlMs < 1_000)
    throw fail(['lock', 'ttl'], { message: 'is shorter than 1s', hint: 'write lock.ttl: 60s (1s at least)' });
  if (heartbeatMs * 2 > ttlMs) {
    throw fail(['lock', 'heartbeat'], {
      message: `${formatDuration(heartbeatMs)} is more than half of lock.ttl (${formatDuration(ttlMs)}): one late heartbeat would let the lock expire`,
      hint: `write lock.heartbeat: ${Math.floor(ttlMs / 3000)}s or less (a third of lock.ttl), or raise lock.ttl`,
    });
  }
  const jobs = Object.entries(v.jobs).map(([name, j]) => {
    const at = (...rest: (string | number)[]) => ['jobs', name, ...rest];
    const days = j.days ?? 'trading';
    const when = unwrap(parseWhen(j.when, calendar.timezone), at('when'), fail);
    if (when.kind === 'session' && days === 'all') {
      throw fail(at('days'), {
        message: `${when.text} exists only on trading days`,
        hint: 'drop days: all (a session time runs on sessions), or use a cron line for every day',
      });
    }
    j.action.forEach((arg, i) => checkPlaceholders(arg, days, (p) => fail(at('action', i), p)));
    const deadline =
      j.deadline === undefined ? undefined : parseDeadline(j.deadline, days, (p) => fail(at('deadline'), p));
    return {
      name,
      when,
      action: j.action,
      catchUp: j.catch_up ?? v.catch_up ?? DEFAULTS.catch_up,
      days,
      ...(deadline === undefined ? {} : { deadline }),
    } satisfies ScheduledJob;
  });
  return {
    name: v.name ?? basename(file, extname(file)),
    file: y.file,
    calendar,
    graceMs: v.grace ?? (durationMs(DEFAULTS.grace) as number),
    catchUpWindowMs: v.catch_up_window ?? (durationMs(DEFAULTS.catch_up_window) as number),
    lock: { ttlMs, heartbeatMs },
    jobs,
    lineOf: (path) => y.lineOf(path),
  };
}

function unwrap<T>(
  p: Parsed<T>,
  path: readonly (string | number)[],
  fail: (path: readonly (string | number)[], p: { message: string; hint: string }) => ConfigError,
): T {
  if (!p.ok) throw fail(path, p.problem);
  return p.value;
}

function calendarOf(market: string, fail: (p: { message: string; hint: string }) => ConfigError): TradingCalendar {
  try {
    return getCalendar(market);
  } catch (e) {
    if (isMomenticError(e)) throw fail({ message: e.message, hint: e.hint });
    throw e;
  }
}

/** `{open}` and `{close}` need a session: a job on every day (`days: all`) may have none. */
function checkPlaceholders(
  arg: string,
  days: 'trading' | 'all',
  fail: (p: { message: string; hint: string }) => ConfigError,
): void {
  for (const m of arg.matchAll(/\{[^{}]*\}/g)) {
    const ph = m[0];
    if (!(PLACEHOLDERS as readonly string[]).includes(ph)) {
      throw fail({
        message: `${ph} is not a placeholder`,
        hint: `${didYouMean(ph, [...PLACEHOLDERS])}placeholders: ${PLACEHOLDERS.join(', ')}`,
      });
    }
    if ((ph === '{open}' || ph === '{close}') && days === 'all') {
      throw fail({
        message: `${ph} needs a session, and a job with days: all may run on a day without one`,
        hint: 'drop days: all, or drop the placeholder',
      });
    }
  }
}

/** `close`, `{ close: -5m }` (a session time: trading days only) or a duration after the run's instant. */
function parseDeadline(
  value: unknown,
  days: 'trading' | 'all',
  fail: (p: { message: string; hint: string }) => ConfigError,
): Deadline {
  const hint = 'write deadline: close, deadline: { close: -5m } or deadline: 2h (after the planned instant)';
  let parsed: Parsed<SessionTime> | undefined;
  if (typeof value === 'string') {
    const t = value.trim();
    if ((SESSION_ANCHORS as readonly string[]).includes(t)) parsed = parseSessionTime(t as SessionAnchor, undefined);
    else {
      const ms = durationMs(t);
      if (ms === undefined) throw fail({ message: `${JSON.stringify(value)} is not a deadline`, hint });
      return { kind: 'after', ms };
    }
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const k = keys[0];
    if (keys.length !== 1 || k === undefined || !(SESSION_ANCHORS as readonly string[]).includes(k)) {
      throw fail({ message: `${JSON.stringify(value)} is not a deadline`, hint });
    }
    parsed = parseSessionTime(k as SessionAnchor, (value as Record<string, unknown>)[k]);
  } else {
    throw fail({ message: `${JSON.stringify(value)} is not a deadline`, hint });
  }
  if (!parsed.ok) throw fail(parsed.problem);
  if (days === 'all') {
    throw fail({
      message: 'a session deadline needs a session, and a job with days: all may run on a day without one',
      hint: 'give a duration (deadline: 2h), or drop days: all',
    });
  }
  return { kind: 'session', time: parsed.value };
}

/** The first schema issue as an error naming the file, line and key. */
function fileError(y: YamlFile, issue: z.core.$ZodIssue | undefined): ConfigError {
  const path = (issue?.path ?? []).map(String);
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const full = [...path, key];
    const known = Object.keys(
      path.length === 0 ? fileSchema.shape : path[0] === 'lock' ? lockSchema.shape : jobSchema.shape,
    );
    const row = y.lineOf(full);
    return new ConfigError('CONFIG_UNKNOWN_KEY', `${y.file}: unknown key ${full.join('.')}`, {
      hint: `${didYouMean(key, known)}known keys${path.length > 0 ? ` of ${path.join('.')}` : ''}: ${known.join(', ')}`,
      context: { file: y.file, key: full.join('.'), ...(row === undefined ? {} : { row }) },
    });
  }
  const key = path.join('.') || '(top level)';
  const row = y.lineOf(path);
  let value: unknown = y.values;
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k];
  const custom = issue?.code === 'custom' ? (issue.params as { hint?: string } | undefined)?.hint : undefined;
  const last = path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? '';
  const what =
    issue?.code === 'invalid_type' && value === undefined
      ? `is missing${Object.keys(y.values).length === 0 ? ' (the file is empty)' : ''}`
      : issue?.code === 'invalid_key'
        ? `has a job name that is not letters, digits, dot, dash or underscore`
        : (issue?.message ?? 'is invalid');
  const hint =
    custom ??
    (last === 'when'
      ? WHEN_HINT
      : `set ${key} to ${KEY_HINTS[last] ?? (path[0] === 'jobs' && path.length === 2 ? KEY_HINTS.jobs : 'a valid value')}`);
  return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key} ${what}`, {
    hint,
    context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
  });
}

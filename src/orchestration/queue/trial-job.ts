import type { ConnectionOptions } from 'bullmq';
import type { Config } from '../../config/schema.js';
import { ConfigError, VenueError } from '../../core/errors.js';
import { redactUrl } from '../../core/secrets.js';
import type { ModelPin } from '../registered-models.js';
import type { TrialSpec } from '../sweep/trial.js';

/** What a queued trial carries: everything a worker on another machine needs but its workspace. */
export interface TrialJobData {
  /** The submitter's batch: `sweepId` is its id in `queue_sweeps` (a sweep's, or a walk-forward's). */
  readonly sweepId: string;
  /** What queued it, for the worker's log lines (default sweep). */
  readonly kind?: 'sweep' | 'walkforward';
  readonly trialId: string;
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly spec: TrialSpec;
  readonly symbols: readonly string[];
  readonly calendars: readonly (readonly [string, string])[];
  /** The files the trial reads, relative to the workspace, with their sha256. */
  readonly dataFiles: readonly { readonly path: string; readonly sha256: string }[];
  readonly format: 'csv' | 'parquet';
  readonly hookTimeoutMs: number;
  readonly codeVersion: string;
  /**
   * Registry models the trial's params name, pinned by the submitter to a version and its
   * artifact's sha256: the worker reads the artifact by id from the shared ledger.
   */
  readonly models?: Readonly<Record<string, ModelPin>>;
}

/** How log lines and errors name a batch of trials: `sweep ID` or `walk-forward ID`. */
export function batchLabel(kind: TrialJobData['kind']): string {
  return kind === 'walkforward' ? 'walk-forward' : 'sweep';
}

/** What a worker answers for a job (kept in Redis while the job is). */
export interface TrialJobResult {
  readonly stored: boolean;
  readonly skipped?: 'done' | 'cancelled';
}

/** The Redis key telling a submitter its queue is still there (gone after FLUSHALL or a restart without persistence). */
export function liveKey(queue: string, sweepId: string): string {
  return `momentic:${queue}:sweep:${sweepId}:live`;
}

/** The queue's Redis URL: `redis.url` (MOMENTIC_REDIS_URL), required by queued sweeps and workers. */
export function requireRedisUrl(config: Pick<Config, 'redis'>, what: string): string {
  const url = config.redis.url;
  if (url === '') {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${what} needs Redis, and redis.url is empty`, {
      hint: 'set MOMENTIC_REDIS_URL=redis://host:6379 (the same on the submitting machine and every worker)',
      context: { key: 'redis.url' },
    });
  }
  return url;
}

/**
 * BullMQ connection options from a redis:// URL. `maxRetriesPerRequest: null`: a blocking worker
 * connection waits out a Redis restart instead of failing its commands.
 */
export function connectionOf(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError('CONFIG_INVALID_VALUE', `redis.url ${redactUrl(url)} is not a URL`, {
      hint: 'e.g. MOMENTIC_REDIS_URL=redis://127.0.0.1:6379 (rediss:// for TLS, redis://:password@host:6379/0)',
      context: { key: 'redis.url', value: redactUrl(url) },
    });
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Redis did not answer: a network fault (exit 4), with where and what to do. */
export function redisUnavailable(url: string, e: unknown): VenueError {
  return new VenueError('VENUE_UNAVAILABLE', `cannot reach Redis at ${redactUrl(url)}: ${(e as Error).message}`, {
    hint: 'start Redis or correct MOMENTIC_REDIS_URL; `redis-cli -u URL ping` must answer PONG',
    context: { key: 'redis.url', value: redactUrl(url) },
    retryable: true,
    cause: e,
  });
}

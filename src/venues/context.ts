import { DateTime } from 'luxon';
import { VenueError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Config } from '../config/schema.js';
import type { Sleep } from './http/rate-limiter.js';

/** What every adapter is built from: the effective config, the environment (for keys), and optional hooks. */
export interface ProviderContext {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Workspace folder, for providers that read local files. */
  readonly home?: string;
  readonly logger?: Logger;
  /** Replaces real waiting (backoff, rate limits) in tests. */
  readonly sleep?: Sleep;
}

/** The value of each credential variable, or a VENUE_AUTH error naming the missing ones. */
export function requireCredentials(
  venue: string,
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string[] {
  const missing = names.filter((n) => (env[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new VenueError('VENUE_AUTH', `${venue} credentials are not set (${missing.join(', ')} missing)`, {
      hint: `set ${names.join(' and ')} in the environment or the workspace .env file`,
      context: { venue },
    });
  }
  return names.map((n) => (env[n] as string).trim());
}

/**
 * The canonical ts of a daily bar from a vendor's bar-start instant: the session date in the
 * exchange's time zone (a US daily bar stamped 04:00Z is the New York date), at 00:00 UTC.
 */
export function dailyTsFromInstant(ts: number, timezone: string): number {
  const local = DateTime.fromMillis(ts, { zone: timezone });
  return Date.UTC(local.year, local.month - 1, local.day);
}

/**
 * A watchdog's check: a small function run on an interval inside a session, saying for each
 * thing it watches whether it is healthy or what is wrong. What happens then (log, alert,
 * reduce, halt) is the configured action's, applied by the Watchdogs runner (watchdogs.ts).
 */
import type { WATCHDOG_ACTIONS } from '../../config/schema.js';

export type WatchdogAction = (typeof WATCHDOG_ACTIONS)[number];

export const CHECK_NAMES = [
  'stale_data',
  'stream_lost',
  'broker_unreachable',
  'clock_skew',
  'ledger_unreachable',
  'disk_space',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One finding: `fault` says what is wrong, or is absent when `check` (for `subject`) is healthy. */
export interface Verdict {
  readonly check: CheckName;
  /** What the check looked at when it watches several (a symbol); none for a single thing. */
  readonly subject?: string;
  readonly fault?: string;
}

export interface Check {
  /** What the check reports on (a venue probe reports on the broker and the clock). */
  readonly names: readonly CheckName[];
  /** Wall ms between two runs (one still running is not started again). */
  readonly everyMs: number;
  /**
   * Looks once, at `now` on the session's clock; `signal` aborts when the session ends. Expected
   * failures (a venue that does not answer) are verdicts, never throws: a throw is a bug, logged,
   * and the check runs again next time.
   */
  run(now: number, signal: AbortSignal): Promise<readonly Verdict[]> | readonly Verdict[];
}

/** `1.5 s`, `90 s`, `2 min 5 s`, `1 h 3 min`: a span as an operator reads it. */
export function span(ms: number): string {
  if (Math.abs(ms) < 10_000) return `${(Math.abs(ms) / 1000).toFixed(1)} s`;
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

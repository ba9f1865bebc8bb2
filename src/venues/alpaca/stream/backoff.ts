/**
 * Reconnect delays: exponential, capped, with "equal jitter" (half the delay fixed, half
 * random) so that many clients dropped at once by the venue do not come back in step, while no
 * attempt comes sooner than half its nominal delay.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export interface BackoffPolicy {
  /** Nominal delay of the first retry (ms). */
  readonly initialMs: number;
  /** Largest nominal delay (ms). */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/** The wait before retry number `attempt` (0 = first); `random` is uniform in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}

/** The OrderManager's execution policies (seed 004; docs/orders.md). */
export interface OrderPolicies {
  /** Cancel an order still working this long after it was sent (seed 004: 60 s); 0: never. */
  readonly cancelAfterMs: number;
  /**
   * When an order times out partly filled: at least this share filled is accepted (the rest is
   * cancelled); under it, the rest is cancelled and the filled part unwound at market (seed 004: 0.8).
   */
  readonly minFillRatio: number;
  /** Attempts for a transient venue error, and the first backoff (doubling each time). */
  readonly retries: number;
  readonly retryBaseMs: number;
  /** No new entries this long after a session opens and before it closes (seed 004: 5 min); 0: off. */
  readonly quietOpenMs: number;
  readonly quietCloseMs: number;
}

/** Seed 004's execution policies, for a run that asks for them (`orders:` in a run file). */
export const SEED_POLICIES: OrderPolicies = {
  cancelAfterMs: 60_000,
  minFillRatio: 0.8,
  retries: 3,
  retryBaseMs: 500,
  quietOpenMs: 5 * 60_000,
  quietCloseMs: 5 * 60_000,
};

/**
 * What a run gets unless it configures policies: transient errors retried, no timed
 * cancellation and no quiet windows. A timer of 60 s means nothing to a daily bar (the next
 * chance to fill is a day later), so timing policies are a choice of the run, not of a mode.
 */
export const DEFAULT_POLICIES: OrderPolicies = {
  ...SEED_POLICIES,
  cancelAfterMs: 0,
  quietOpenMs: 0,
  quietCloseMs: 0,
};

/** A venue error worth retrying (timeouts, 5xx, 429); anything else is final. */
export interface TransientError {
  readonly transient: true;
}

export function isTransient(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { transient?: unknown }).transient === true;
}

/** Waits; injectable so tests can run without real delays. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RateLimit {
  /** Requests (or weight units) allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Client-side token bucket: at most `limit` units per `windowMs`, refilled continuously, so we
 * stay under a venue's published limit instead of learning it from 429s.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #sleep: Sleep;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(limit: RateLimit, sleep: Sleep = realSleep, now: () => number = Date.now) {
    this.#capacity = limit.limit;
    this.#perMs = limit.limit / limit.windowMs;
    this.#sleep = sleep;
    this.#now = now;
    this.#tokens = limit.limit;
    this.#last = now();
  }

  /** Takes `cost` units, waiting until they are available. */
  async take(cost = 1, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.tryTake(cost)) return;
      await this.#sleep(Math.ceil((cost - this.#tokens) / this.#perMs), signal);
    }
  }

  /** Takes `cost` units if they are there now; false (nothing taken) when the caller must not wait. */
  tryTake(cost = 1): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

/**
 * When a session ends on request: after `--for` (wall time), at `--until`, or on SIGINT or
 * SIGTERM (an operator's Ctrl-C, a service manager's stop). Each aborts the session's signal; the
 * session then stops the strategy and completes its files, and the command exits 0.
 */
export type StopReason = 'for' | 'until' | 'SIGINT' | 'SIGTERM';

export interface SessionEndOptions {
  /** Wall ms the session may run. */
  readonly forMs?: number;
  /** Wall-clock instant (epoch ms) the session stops at. */
  readonly until?: number;
  /** Listen for SIGINT and SIGTERM (default true). */
  readonly signals?: boolean;
  readonly now?: () => number;
}

/** setTimeout takes at most 2^31 - 1 ms (about 24.8 days): longer waits are chained. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export class SessionEnd {
  readonly #controller = new AbortController();
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #handlers: [NodeJS.Signals, () => void][] = [];
  #reason: StopReason | undefined;

  constructor(o: SessionEndOptions) {
    const now = o.now ?? Date.now;
    if (o.forMs !== undefined) this.#at(now() + o.forMs, 'for', now);
    if (o.until !== undefined) this.#at(o.until, 'until', now);
    if (o.signals !== false) {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        const handler = (): void => this.stop(sig);
        process.on(sig, handler);
        this.#handlers.push([sig, handler]);
      }
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** What stopped the session, if it was asked to stop. */
  get reason(): StopReason | undefined {
    return this.#reason;
  }

  stop(reason: StopReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller.abort();
  }

  /** Removes the timers and signal handlers (once the session has ended). */
  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
    for (const [sig, handler] of this.#handlers) process.off(sig, handler);
  }

  #at(when: number, reason: StopReason, now: () => number): void {
    const wait = when - now();
    if (wait <= 0) {
      this.stop(reason);
      return;
    }
    this.#timers.push(setTimeout(() => this.#at(when, reason, now), Math.min(wait, MAX_TIMEOUT)));
  }
}

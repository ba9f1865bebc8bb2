/**
 * The scheduler's time: real time in service, a fake in tests (test/support/fake-clock.ts) that
 * moves only when told, so five simulated days take milliseconds and every instant is exact.
 */
export interface SchedulerClock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (a job ended, a stop was asked for). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** setTimeout takes at most 2^31 - 1 ms; the scheduler never waits longer than a heartbeat anyway. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, MAX_TIMEOUT)));
      signal.addEventListener('abort', done, { once: true });
    }),
};

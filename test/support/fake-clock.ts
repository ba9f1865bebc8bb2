/**
 * Simulated time for schedulers under test. One `FakeTime` is the world's time; each scheduler
 * (a simulated process) sleeps on its own `FakeClock` of it. `advanceTo(t)` wakes every sleeper
 * at its own instant, in order, and between instants lets each process run until it sleeps
 * again (its ledger queries are real I/O), so a test sees each step exactly at the instant the
 * scheduler asked for. A frozen clock is a stopped process (SIGSTOP, a stalled VM): it is not
 * woken, and its aborts wait, until thawed; its `now()` still moves with the world.
 */
import type { SchedulerClock } from '../../src/orchestration/scheduler/clock.js';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class FakeClock implements SchedulerClock {
  readonly #time: FakeTime;
  readonly sleepers: Sleeper[] = [];
  /** A process's loop must be asleep before time moves; a timer (a job's end) need not. */
  readonly isProcess: boolean;
  isFrozen = false;
  isDetached = false;
  readonly #deferred: (() => void)[] = [];

  constructor(time: FakeTime, isProcess: boolean) {
    this.#time = time;
    this.isProcess = isProcess;
  }

  now(): number {
    return this.#time.now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const s: Sleeper = { at: this.#time.now + Math.max(0, ms), resolve };
      this.sleepers.push(s);
      signal.addEventListener(
        'abort',
        () => {
          const wake = (): void => {
            const i = this.sleepers.indexOf(s);
            if (i < 0) return;
            this.sleepers.splice(i, 1);
            resolve();
          };
          if (this.isFrozen) this.#deferred.push(wake);
          else wake();
        },
        { once: true },
      );
    });
  }

  /** Resolves the sleepers due at `now` (none while frozen). */
  wakeDue(now: number): void {
    if (this.isFrozen) return;
    const due = this.sleepers.filter((s) => s.at <= now);
    for (const s of due) {
      this.sleepers.splice(this.sleepers.indexOf(s), 1);
      s.resolve();
    }
  }

  freeze(): void {
    this.isFrozen = true;
  }

  /** The process runs again: what it missed while frozen happens now. */
  thaw(): void {
    this.isFrozen = false;
    for (const w of this.#deferred.splice(0)) w();
    this.wakeDue(this.#time.now);
  }

  /** Its loop has ended: time no longer waits for it. */
  detach(): void {
    this.isDetached = true;
  }

  /** Runs `loop`, detaching this clock when it ends. */
  track<T>(loop: Promise<T>): Promise<T> {
    return loop.finally(() => this.detach());
  }
}

export class FakeTime {
  #now: number;
  readonly #clocks: FakeClock[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  get now(): number {
    return this.#now;
  }

  /** A simulated process's clock. */
  clock(): FakeClock {
    const c = new FakeClock(this, true);
    this.#clocks.push(c);
    return c;
  }

  /** A clock for timers that no loop waits on (a fake job's end). */
  timer(): FakeClock {
    const c = new FakeClock(this, false);
    this.#clocks.push(c);
    return c;
  }

  /** Waits until every live, unfrozen process is asleep (and stays asleep across a turn of the event loop). */
  async settle(): Promise<void> {
    const deadline = Date.now() + 10_000;
    let quietTurns = 0;
    while (quietTurns < 2) {
      await new Promise((r) => setTimeout(r, 0));
      const busy = this.#clocks.some((c) => c.isProcess && !c.isDetached && !c.isFrozen && c.sleepers.length === 0);
      quietTurns = busy ? 0 : quietTurns + 1;
      if (Date.now() > deadline)
        throw new Error(`a simulated process did not go back to sleep by ${new Date(this.#now).toISOString()}`);
    }
  }

  /** Moves to `t`, stopping at each instant a live sleeper waits for. */
  async advanceTo(t: number): Promise<void> {
    await this.settle();
    for (;;) {
      let next = Infinity;
      for (const c of this.#clocks) {
        if (c.isDetached || c.isFrozen) continue;
        for (const s of c.sleepers) next = Math.min(next, s.at);
      }
      if (next > t) break;
      this.#now = Math.max(this.#now, next);
      for (const c of this.#clocks) c.wakeDue(this.#now);
      await this.settle();
    }
    this.#now = Math.max(this.#now, t);
    for (const c of this.#clocks) c.wakeDue(this.#now);
    await this.settle();
  }
}

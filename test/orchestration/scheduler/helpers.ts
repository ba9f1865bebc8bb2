import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobExecutor, JobLaunch, JobOutcome } from '../../../src/orchestration/scheduler/executor.js';
import { loadSchedule, type Schedule } from '../../../src/orchestration/scheduler/schedule.js';
import { tempDir } from '../../support/cli.js';
import type { FakeClock } from '../../support/fake-clock.js';

/** A schedule from YAML text, through the real loader (a temp file named `name`.yaml). */
export function scheduleOf(yaml: string, name = 'test'): Schedule {
  const file = join(tempDir('momentic-schedule-'), `${name}.yaml`);
  writeFileSync(file, yaml);
  return loadSchedule(file, `${name}.yaml`, 'XNYS');
}

export interface Launch {
  readonly job: string;
  readonly date: string;
  /** The planned instant, ISO UTC. */
  readonly at: string;
  /** When the scheduler started it, ISO UTC. */
  readonly now: string;
  readonly argv: readonly string[];
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Records each run it is asked to start, at the simulated time; a run ends at once (exit 0) or,
 * for jobs in `lasts`, after that long on `timer` (a session that lasts until the close); asked to
 * stop, it exits 0 at once, as a session completing its files on SIGTERM does.
 */
export class FakeExecutor implements JobExecutor {
  readonly launches: Launch[] = [];
  readonly #clock: FakeClock;
  readonly #timer: FakeClock | undefined;
  readonly #lasts: ReadonlyMap<string, number>;
  readonly #exitCodes: ReadonlyMap<string, number>;

  constructor(
    clock: FakeClock,
    o: { timer?: FakeClock; lasts?: Record<string, number>; exitCodes?: Record<string, number> } = {},
  ) {
    this.#clock = clock;
    this.#timer = o.timer;
    this.#lasts = new Map(Object.entries(o.lasts ?? {}));
    this.#exitCodes = new Map(Object.entries(o.exitCodes ?? {}));
  }

  start(l: JobLaunch) {
    this.launches.push({
      job: l.run.job,
      date: l.run.date,
      at: iso(l.run.at),
      now: iso(this.#clock.now()),
      argv: l.argv,
    });
    const outcome: JobOutcome = { exitCode: this.#exitCodes.get(l.run.job) ?? 0, signal: null };
    const lasts = this.#lasts.get(l.run.job);
    const stop = new AbortController();
    const done =
      lasts === undefined || this.#timer === undefined
        ? Promise.resolve(outcome)
        : this.#timer
            .sleep(lasts, stop.signal)
            .then(() => (stop.signal.aborted ? { exitCode: 0, signal: null } : outcome));
    return { done, stop: () => stop.abort() };
  }
}

/**
 * The watchdogs of one session: runs each check on its own period (one still running is not
 * started again), remembers what is failing, and acts once when a check starts failing, as its
 * configured action says: `log` (a warning line), `alert` (and the notifier), `reduce` (and the
 * kill switch REDUCING), `halt` (and HALTED, which flattens). A check that passes again is
 * logged and alerted as recovered; the kill switch stays where it went (only a person resets it).
 * Nothing here throws into the session.
 */
import type { Logger } from '../../core/logger.js';
import type { KillSwitch } from '../../risk/kill-switch.js';
import type { SessionRef } from '../alerts/alert-events.js';
import type { Notifier } from '../alerts/notifier.js';
import type { Check, CheckName, Verdict, WatchdogAction } from './check.js';
import { watchdogAlert, watchdogRecoveredAlert } from './watchdog-alerts.js';

export interface WatchdogsOptions {
  readonly checks: readonly Check[];
  readonly actions: Readonly<Record<CheckName, WatchdogAction>>;
  /** The session's clock: the time of a verdict, an alert and a kill-switch transition. */
  readonly now: () => number;
  /** The wall clock of the periods (default Date.now). */
  readonly wallNow?: () => number;
  /** Wall ms between two looks at which checks are due. */
  readonly tickMs: number;
  readonly killSwitch: Pick<KillSwitch, 'trip'>;
  readonly ref: SessionRef;
  readonly alerts?: Notifier;
  readonly logger?: Logger;
}

interface Scheduled {
  readonly check: Check;
  nextAt: number;
  running: Promise<void> | undefined;
}

export class Watchdogs {
  readonly #o: WatchdogsOptions;
  readonly #wallNow: () => number;
  readonly #scheduled: Scheduled[];
  /** What is failing now, by check (and subject): the fault. */
  readonly #failing = new Map<string, { readonly check: CheckName; readonly fault: string }>();
  readonly #stop = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(o: WatchdogsOptions) {
    this.#o = o;
    this.#wallNow = o.wallNow ?? Date.now;
    this.#scheduled = o.checks.map((check) => ({ check, nextAt: -Infinity, running: undefined }));
  }

  /** Looks at once, then every `tickMs`. */
  start(): void {
    if (this.#timer !== undefined || this.#stop.signal.aborted) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
  }

  /** Runs the checks that are due and not running; resolves when they have reported. */
  async tick(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    const wall = this.#wallNow();
    const due = this.#scheduled.filter((s) => s.running === undefined && s.nextAt <= wall);
    for (const s of due) s.nextAt = wall + s.check.everyMs;
    await Promise.all(due.map((s) => this.#run(s)));
  }

  /** Runs every check not running now, whatever its period (waits for those that are). */
  async runAll(): Promise<void> {
    for (const s of this.#scheduled) s.nextAt = -Infinity;
    await Promise.all(this.#scheduled.map((s) => s.running));
    await this.tick();
  }

  /** Stops the periods and aborts the checks running; no verdict is acted on afterwards. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stop.abort();
    await Promise.all(this.#scheduled.map((s) => s.running));
  }

  /** Each failing check (`check` or `check:subject`) and what is wrong. */
  failing(): Record<string, string> {
    return Object.fromEntries([...this.#failing].map(([k, v]) => [k, v.fault]));
  }

  #run(s: Scheduled): Promise<void> {
    const run = (async () => {
      try {
        const verdicts = await s.check.run(this.#o.now(), this.#stop.signal);
        if (this.#stop.signal.aborted) return;
        const ts = this.#o.now();
        for (const v of verdicts) this.#apply(v, ts);
      } catch (e) {
        if (this.#stop.signal.aborted) return;
        this.#o.logger?.error(
          { checks: s.check.names, error: e instanceof Error ? e.message : String(e) },
          'watchdog check failed to run',
        );
      }
    })().finally(() => {
      s.running = undefined;
    });
    s.running = run;
    return run;
  }

  #apply(v: Verdict, ts: number): void {
    const action = this.#o.actions[v.check];
    if (action === 'off') return;
    const key = v.subject === undefined ? v.check : `${v.check}:${v.subject}`;
    const was = this.#failing.get(key);
    const log = this.#o.logger;
    const about = { check: v.check, ...(v.subject === undefined ? {} : { subject: v.subject }), action };
    if (v.fault === undefined) {
      if (was === undefined) return;
      this.#failing.delete(key);
      log?.info(about, `watchdog ${v.check}: recovered`);
      if (action !== 'log') void this.#o.alerts?.notify(watchdogRecoveredAlert(v.check, v.subject, this.#o.ref, ts));
      return;
    }
    // Still failing: acted on when it began.
    if (was !== undefined) return;
    this.#failing.set(key, { check: v.check, fault: v.fault });
    log?.warn({ ...about, fault: v.fault }, `watchdog ${v.check}: ${v.fault}`);
    if (action === 'log') return;
    const fault = {
      check: v.check,
      fault: v.fault,
      action,
      ...(v.subject === undefined ? {} : { subject: v.subject }),
    };
    void this.#o.alerts?.notify(watchdogAlert(fault, this.#o.ref, ts));
    if (action === 'reduce') this.#o.killSwitch.trip('REDUCING', `watchdog ${v.check}: ${v.fault}`, ts);
    if (action === 'halt') this.#o.killSwitch.trip('HALTED', `watchdog ${v.check}: ${v.fault}`, ts);
  }
}

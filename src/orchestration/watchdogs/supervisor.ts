/**
 * The supervisor of `momentic paper|live --supervise`: runs the session command as a child
 * process, restarts it when it crashes (restart-policy.ts says which exits are crashes) after a
 * backoff, within a restart budget, and when the budget is spent halts instead: it records the
 * workspace's kill switch HALTED and sends a critical alert. It reads the child's heartbeat
 * (heartbeat.ts) to learn its session and to kill a hung one (a heartbeat older than
 * `hang_after`), which then counts as a crash. Asked to stop, it asks the child to stop
 * (SIGTERM: the session completes its files) and kills it after `stop_timeout`.
 *
 * A restarted `live` session resumes the unfinished one (its orders and positions, from the
 * ledger); a restarted `paper` session starts afresh (docs/operations.md).
 */
import { durationMs } from '../../core/duration.js';
import type { Logger } from '../../core/logger.js';
import type { Config } from '../../config/schema.js';
import { readKillSwitch, writeKillSwitch } from '../kill-switch-file.js';
import type { Notifier } from '../alerts/notifier.js';
import { readHeartbeat, readHeartbeats, type HeartbeatRecord } from './heartbeat.js';
import { classifyExit, RestartBudget, type SessionExit } from './restart-policy.js';
import { supervisorHaltedAlert, supervisorRestartAlert, type SupervisedRef } from './watchdog-alerts.js';
import { span } from './check.js';

/** One run of the session command. */
export interface SessionProcess {
  readonly pid: number | undefined;
  /** Settles when the process has ended, with what it printed on stdout. */
  readonly exited: Promise<SessionExit & { readonly stdout: string }>;
  /** Asks it to stop (SIGTERM). */
  stop(): void;
  /** Ends it now (SIGKILL). */
  kill(): void;
}

export interface SupervisorOptions {
  readonly mode: 'paper' | 'live';
  /** The session command, for the record and the alerts (`momentic live --config run.yaml`). */
  readonly command: string;
  readonly launch: () => SessionProcess;
  readonly config: Config['supervisor'];
  readonly home: string;
  readonly alerts?: Notifier;
  readonly logger?: Logger;
  /** Where a child's stdout goes: the last one's to stdout, a crashed one's to stderr. */
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Wall clock (default Date.now). */
  readonly now?: () => number;
  /** The wait before a restart, cut short by `signal` (default a timer). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often the child's heartbeat is read (default 1 s). */
  readonly pollMs?: number;
  readonly heartbeats?: () => readonly HeartbeatRecord[];
}

export interface SupervisorResult {
  /**
   * `done`: the session ended as asked (exit 0); `final`: it ended in a way a restart does not
   * mend (exit 2, 3, 5); `stopped`: the supervisor was asked to stop; `halted`: it gave up.
   */
  readonly outcome: 'done' | 'final' | 'stopped' | 'halted';
  /** The last session process's exit code (1 when a signal ended it). */
  readonly exitCode: number;
  readonly restarts: number;
  readonly sessionId?: string;
  /** Why it halted, or why the last exit was final. */
  readonly reason?: string;
}

const ms = (text: string): number => durationMs(text) ?? 1000;

function timer(msToWait: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, msToWait);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class Supervisor {
  readonly #o: SupervisorOptions;
  readonly #now: () => number;
  readonly #stopping = new AbortController();
  #child: SessionProcess | undefined;
  #sessionId: string | undefined;

  constructor(o: SupervisorOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** SIGINT or SIGTERM to the supervisor: the session stops cleanly, nothing restarts. */
  stop(): void {
    if (this.#stopping.signal.aborted) return;
    this.#stopping.abort();
    const child = this.#child;
    if (child === undefined) return;
    this.#o.logger?.info({ pid: child.pid }, 'supervisor stopping: asking the session to stop');
    child.stop();
    const killer = setTimeout(() => {
      this.#o.logger?.warn({ pid: child.pid }, 'the session did not stop in time: killed');
      child.kill();
    }, ms(this.#o.config.stop_timeout));
    void child.exited.then(() => clearTimeout(killer));
  }

  async run(): Promise<SupervisorResult> {
    const o = this.#o;
    const log = o.logger;
    const startedAt = this.#now();
    const budget = new RestartBudget({
      max: o.config.max_restarts,
      windowMs: ms(o.config.window),
      baseMs: ms(o.config.backoff_base),
      maxBackoffMs: ms(o.config.backoff_max),
    });
    let restarts = 0;
    // Stopped before anything ran (a signal during the start): nothing to launch.
    if (this.#stopping.signal.aborted) return { outcome: 'stopped', exitCode: 0, restarts };
    for (;;) {
      const child = o.launch();
      this.#child = child;
      log?.info({ pid: child.pid, restarts }, 'supervisor: session process started');
      const { exit, hung } = await this.#watch(child);
      this.#child = undefined;
      const code = exit.code ?? 1;
      const verdict = hung === undefined ? classifyExit(exit) : { kind: 'crash' as const, why: hung };
      const result = (outcome: SupervisorResult['outcome'], reason?: string): SupervisorResult => ({
        outcome,
        exitCode: code,
        restarts,
        ...(this.#sessionId === undefined ? {} : { sessionId: this.#sessionId }),
        ...(reason === undefined ? {} : { reason }),
      });
      if (this.#stopping.signal.aborted) {
        o.stdout?.(exit.stdout);
        return result('stopped');
      }
      if (verdict.kind !== 'crash') {
        o.stdout?.(exit.stdout);
        if (verdict.kind === 'final') log?.warn({ code }, `supervisor: not restarted: ${verdict.why}`);
        return result(verdict.kind === 'done' ? 'done' : 'final', verdict.kind === 'final' ? verdict.why : undefined);
      }
      o.stderr?.(exit.stdout);
      const ref = this.#ref();
      if (this.#haltedSince(startedAt)) {
        const reason = `the session crashed (${verdict.why}) after its kill switch HALTED: a restart would trade again`;
        log?.error({ code, signal: exit.signal }, `supervisor: ${reason}`);
        await o.alerts?.notify(supervisorHaltedAlert(ref, reason));
        return result('halted', reason);
      }
      const now = this.#now();
      const next = budget.next(now);
      if (next === undefined) {
        const reason = `the session crashed (${verdict.why}) after ${o.config.max_restarts} restarts within ${span(ms(o.config.window))}`;
        this.#halt(reason, now);
        log?.error({ code, signal: exit.signal, restarts }, `supervisor halted: ${reason}`);
        await o.alerts?.notify(supervisorHaltedAlert(ref, reason));
        return result('halted', reason);
      }
      log?.warn(
        { code, signal: exit.signal, restart: next.n, max: o.config.max_restarts, delay_ms: next.delayMs },
        `supervisor: the session crashed (${verdict.why}); restarting`,
      );
      void o.alerts?.notify(
        supervisorRestartAlert(ref, `The session crashed: ${verdict.why}`, {
          n: next.n,
          max: o.config.max_restarts,
          delayMs: next.delayMs,
          windowMs: ms(o.config.window),
        }),
      );
      await (o.sleep ?? timer)(next.delayMs, this.#stopping.signal);
      if (this.#stopping.signal.aborted) return result('stopped');
      restarts++;
    }
  }

  /** Waits for the child to end, reading its heartbeat meanwhile: its session, and whether it hangs. */
  async #watch(child: SessionProcess): Promise<{ exit: SessionExit & { stdout: string }; hung?: string }> {
    const o = this.#o;
    const hangMs = o.config.hang_after === 'off' ? undefined : ms(o.config.hang_after);
    let hung: string | undefined;
    const poll = setInterval(() => {
      const beat = this.#heartbeat(child.pid);
      if (beat === undefined) return;
      this.#sessionId = beat.session_id;
      if (hangMs === undefined || hung !== undefined || beat.status !== 'running') return;
      const age = this.#now() - Date.parse(beat.written_at);
      if (age <= hangMs) return;
      hung = `hung: its heartbeat is ${span(age)} old (hang_after ${o.config.hang_after})`;
      o.logger?.error({ pid: child.pid, session: beat.session_id }, `supervisor: the session ${hung}; killed`);
      child.kill();
    }, o.pollMs ?? 1000);
    try {
      const exit = await child.exited;
      // The last word of its heartbeat (a session that ran less than one poll).
      const beat = this.#heartbeat(child.pid);
      if (beat !== undefined) this.#sessionId = beat.session_id;
      return hung === undefined ? { exit } : { exit, hung };
    } finally {
      clearInterval(poll);
    }
  }

  /** The child's heartbeat: its session's file once known (a resumed live session keeps it), else a search. */
  #heartbeat(pid: number | undefined): HeartbeatRecord | undefined {
    if (pid === undefined) return undefined;
    try {
      if (this.#o.heartbeats !== undefined) return this.#o.heartbeats().find((h) => h.pid === pid);
      const known = this.#sessionId === undefined ? undefined : readHeartbeat(this.#o.home, this.#sessionId);
      if (known?.pid === pid) return known;
      return readHeartbeats(this.#o.home).find((h) => h.pid === pid);
    } catch {
      return undefined;
    }
  }

  #ref(): SupervisedRef {
    return {
      mode: this.#o.mode,
      command: this.#o.command,
      ...(this.#sessionId === undefined ? {} : { sessionId: this.#sessionId }),
    };
  }

  /** Whether the session's own kill switch went HALTED while this supervisor ran. */
  #haltedSince(startedAt: number): boolean {
    try {
      const ks = readKillSwitch(this.#o.home);
      return ks?.state === 'HALTED' && Date.parse(ks.written_at) >= startedAt;
    } catch {
      return false;
    }
  }

  /** The workspace's kill switch HALTED, by the supervisor (written before the alert: the record first). */
  #halt(reason: string, now: number): void {
    let from: 'ACTIVE' | 'REDUCING' | 'HALTED' = 'ACTIVE';
    try {
      from = readKillSwitch(this.#o.home)?.state ?? 'ACTIVE';
    } catch {
      // an unreadable record is replaced by this one
    }
    try {
      writeKillSwitch(this.#o.home, {
        state: 'HALTED',
        from,
        reason: `supervisor: ${reason}`,
        ts: new Date(now).toISOString(),
        mode: this.#o.mode,
        ...(this.#sessionId === undefined ? {} : { run_id: this.#sessionId }),
        written_at: new Date(this.#now()).toISOString(),
      });
    } catch (e) {
      this.#o.logger?.error(
        { error: e instanceof Error ? e.message : String(e) },
        'supervisor: the kill switch record could not be written',
      );
    }
  }
}

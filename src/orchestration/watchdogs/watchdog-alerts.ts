/**
 * The alerts of the watchdogs and the supervisor: a check that fails (with what its action
 * did), a check that recovers, a crashed session restarted, and a supervisor that gave up and
 * halted. Each says what happened, where, and what an operator does next.
 */
import type { AlertInput } from '../alerts/alert.js';
import type { SessionRef } from '../alerts/alert-events.js';
import type { CheckName, WatchdogAction } from './check.js';
import { span } from './check.js';

const where = (s: SessionRef): string => `${s.mode} session${s.sessionId === undefined ? '' : ` ${s.sessionId}`}`;

const RESET = 'Find the cause, then `momentic risk reset --reason "..."` by hand.';
const DOES: Readonly<Record<Exclude<WatchdogAction, 'off' | 'log'>, string>> = {
  alert: 'The session goes on: look into it.',
  reduce: `New entries are halted (kill switch REDUCING); open positions may still be reduced. ${RESET}`,
  halt: `Nothing trades and the positions are being closed (kill switch HALTED). ${RESET}`,
};

export interface WatchdogFault {
  readonly check: CheckName;
  readonly subject?: string;
  readonly fault: string;
  readonly action: Exclude<WatchdogAction, 'off' | 'log'>;
}

/** A check failed: a halt is critical, anything else a warning. */
export function watchdogAlert(f: WatchdogFault, s: SessionRef, ts: number): AlertInput {
  return {
    severity: f.action === 'halt' ? 'critical' : 'warning',
    kind: 'watchdog',
    title: `watchdog ${f.check}${f.subject === undefined ? '' : ` (${f.subject})`} in ${where(s)}`,
    text: `${f.fault}. ${DOES[f.action]}`,
    fields: {
      mode: s.mode,
      session: s.sessionId,
      strategy: s.strategy,
      check: f.check,
      subject: f.subject,
      action: f.action,
    },
    dedupeKey: `watchdog:${s.sessionId ?? s.mode}:${f.check}:${f.subject ?? ''}`,
    ts,
  };
}

/** A failed check is healthy again (the kill switch, if it tripped, stays as it is). */
export function watchdogRecoveredAlert(
  check: CheckName,
  subject: string | undefined,
  s: SessionRef,
  ts: number,
): AlertInput {
  return {
    severity: 'info',
    kind: 'watchdog',
    title: `watchdog ${check}${subject === undefined ? '' : ` (${subject})`} recovered in ${where(s)}`,
    text: 'The check passes again. A kill switch it tripped stays as it is until reset by hand.',
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy, check, subject },
    dedupeKey: `watchdog_recovered:${s.sessionId ?? s.mode}:${check}:${subject ?? ''}`,
    ts,
  };
}

/** What a supervisor knows of its session. */
export interface SupervisedRef {
  readonly mode: 'paper' | 'live';
  /** The session command as given (without `--supervise`). */
  readonly command: string;
  readonly sessionId?: string;
}

const supervised = (r: SupervisedRef): string =>
  `supervised ${r.mode} session${r.sessionId === undefined ? '' : ` ${r.sessionId}`}`;

/** A crashed session is started again after `delayMs` (one alert per dedupe window: a crash loop). */
export function supervisorRestartAlert(
  r: SupervisedRef,
  crash: string,
  restart: { readonly n: number; readonly max: number; readonly delayMs: number; readonly windowMs: number },
  ts?: number,
): AlertInput {
  return {
    severity: 'warning',
    kind: 'restart',
    title: `${supervised(r)} crashed; restart ${restart.n} of ${restart.max}`,
    text: `${crash}. It starts again in ${span(restart.delayMs)} (${restart.n} of ${restart.max} restarts within ${span(restart.windowMs)}). Check why it stopped.`,
    fields: { mode: r.mode, session: r.sessionId, command: r.command, crash, restart: restart.n, max: restart.max },
    dedupeKey: `supervisor_restart:${r.mode}:${r.command}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** The supervisor gave up: no more restarts, the workspace's kill switch HALTED. */
export function supervisorHaltedAlert(r: SupervisedRef, reason: string, ts?: number): AlertInput {
  return {
    severity: 'critical',
    kind: 'supervisor',
    title: `${supervised(r)} halted: not restarted again`,
    text: `${reason}. The workspace's kill switch is HALTED (state/kill-switch.json). No session runs now, so nothing was flattened: ${
      r.mode === 'live'
        ? 'positions and working orders stay at the broker as the last crash left them; check them there'
        : 'the simulated account is gone with the process'
    }. Find the cause in the session's log, then \`momentic risk reset --reason "..."\` and start it again.`,
    fields: { mode: r.mode, session: r.sessionId, command: r.command, reason },
    dedupeKey: `supervisor_halted:${r.mode}:${r.command}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

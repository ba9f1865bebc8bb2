/**
 * The alerts momentic raises, built from the events that already exist (a kill-switch
 * transition, a session's error, a reconciliation's disagreement, a resumed session, a quality
 * gate's quarantine, a failed pipeline step). Each says what happened, where, and what an
 * operator does next; its dedupe key says which repeats are the same alert.
 */
import type { MomenticError } from '../../core/errors.js';
import type { KillSwitchTransition } from '../../risk/kill-switch.js';
import { isoTime, type AlertInput } from './alert.js';

export interface SessionRef {
  readonly mode: 'paper' | 'live';
  readonly sessionId?: string;
  readonly strategy?: string;
}

const where = (s: SessionRef): string => `${s.mode} session${s.sessionId === undefined ? '' : ` ${s.sessionId}`}`;

/** HALTED is critical (the account is being flattened), REDUCING a warning, a reset information. */
export function killSwitchAlert(t: KillSwitchTransition, s: SessionRef): AlertInput {
  const severity = t.to === 'HALTED' ? 'critical' : t.to === 'REDUCING' ? 'warning' : 'info';
  // A running session is reset through its admin controls; the workspace's record by `risk reset`.
  const reset = 'Find the cause, then `momentic admin resume --reason "..."` while the session runs.';
  const next =
    t.to === 'HALTED'
      ? `Nothing trades and the positions are being closed. ${reset}`
      : t.to === 'REDUCING'
        ? `Only orders that reduce a position pass. ${reset}`
        : 'Trading may resume.';
  return {
    severity,
    kind: 'kill_switch',
    title: `kill switch ${t.to} in ${where(s)}`,
    text: `${t.from} -> ${t.to}: ${t.reason}. ${next}`,
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy, from: t.from, to: t.to, reason: t.reason },
    dedupeKey: `kill_switch:${s.sessionId ?? s.mode}:${t.to}`,
    ts: t.ts,
  };
}

/** A session that ended with an error (it stopped, or never started trading). */
export function sessionFailedAlert(e: MomenticError, s: SessionRef, ts?: number): AlertInput {
  const reconcile = e.code === 'RISK_RECONCILE';
  return {
    severity: 'critical',
    kind: reconcile ? 'reconcile_mismatch' : 'session_failed',
    title: reconcile ? `${where(s)} refused to start: the ledger and the broker disagree` : `${where(s)} failed`,
    text: `${e.code}: ${e.message}${e.hint === '' ? '' : `\nFix: ${e.hint}`}`,
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy, code: e.code, exit: e.exitCode },
    dedupeKey: `session_failed:${s.sessionId ?? s.mode}:${e.code}:${e.message}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** Reconciliation found what it cannot explain while the session runs (it goes on, REDUCING). */
export function reconcileMismatchAlert(e: MomenticError, s: SessionRef, ts?: number): AlertInput {
  return {
    severity: 'critical',
    kind: 'reconcile_mismatch',
    title: `reconciliation disagrees in ${where(s)}`,
    text: `${e.message}. New entries are halted (kill switch REDUCING); open positions may still be reduced.${e.hint === '' ? '' : `\nFix: ${e.hint}`}`,
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy },
    dedupeKey: `reconcile_mismatch:${s.sessionId ?? s.mode}:${e.message}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** The broker's books were taken where the ledger disagreed (`--adopt`, audited). */
export function booksAdoptedAlert(detail: string, s: SessionRef, ts?: number): AlertInput {
  return {
    severity: 'warning',
    kind: 'reconcile_mismatch',
    title: `${where(s)} adopted the broker's books`,
    text: `Reconciliation disagreed and --adopt took the broker's books (audited in the ledger): ${detail}`,
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy },
    dedupeKey: `books_adopted:${s.sessionId ?? s.mode}:${detail}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** An unfinished session was resumed: the process stopped without ending it (a crash, a kill, a reboot). */
export function restartAlert(s: SessionRef, startedAt: number, ts?: number): AlertInput {
  return {
    severity: 'warning',
    kind: 'restart',
    title: `${where(s)} resumed after a restart`,
    text: `The session started at ${isoTime(startedAt)} stopped without ending and was resumed: its fills and working orders carry on. Check why the process stopped.`,
    fields: { mode: s.mode, session: s.sessionId, strategy: s.strategy, started_at: isoTime(startedAt) },
    // A crash loop is one alert per dedupe window, with the count of restarts in it.
    dedupeKey: `restart:${s.sessionId ?? s.mode}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

export interface GateFailure {
  /** The step: `data fetch`, `data import`, a pipeline's step name. */
  readonly step: string;
  readonly symbol: string;
  readonly rows: number;
  readonly file?: string;
}

/** Rows refused by the quality gates (quarantined, never dropped silently). */
export function gateFailedAlert(failures: readonly GateFailure[], ts?: number): AlertInput {
  const rows = failures.reduce((n, f) => n + f.rows, 0);
  const step = failures[0]?.step ?? 'data';
  const fields: Record<string, string> = {};
  for (const f of failures) fields[f.symbol] = `${f.rows} rows${f.file === undefined ? '' : ` in ${f.file}`}`;
  return {
    severity: 'warning',
    kind: 'gate_failed',
    title: `${step}: ${rows} rows failed the quality gates`,
    text: `${rows} rows of ${failures.length} symbol${failures.length === 1 ? '' : 's'} were quarantined with the reason; the kept data is intact. \`momentic data validate\` lists them.`,
    fields,
    dedupeKey: `gate_failed:${step}:${failures.map((f) => `${f.symbol}=${f.rows}`).join(',')}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** A scheduled pipeline's step failed (the daily pipeline, a fetch run by a scheduler). */
export function pipelineFailedAlert(pipeline: string, step: string, e: MomenticError, ts?: number): AlertInput {
  return {
    severity: 'critical',
    kind: 'pipeline_failed',
    title: `pipeline ${pipeline} failed at ${step}`,
    text: `${e.code}: ${e.message}${e.hint === '' ? '' : `\nFix: ${e.hint}`}`,
    fields: { pipeline, step, code: e.code, exit: e.exitCode },
    dedupeKey: `pipeline_failed:${pipeline}:${step}:${e.code}`,
    ...(ts === undefined ? {} : { ts }),
  };
}

/** `momentic alerts test`: proves a channel delivers, with where it came from. */
export function testAlert(host: string, home: string, ts?: number): AlertInput {
  return {
    severity: 'info',
    kind: 'test',
    title: 'momentic test alert',
    text: 'Sent by `momentic alerts test`. If you read this, the channel delivers.',
    fields: { host, workspace: home },
    ...(ts === undefined ? {} : { ts }),
  };
}

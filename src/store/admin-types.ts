import type { ADMIN_COMMAND_STATUSES } from './migration-admin.js';

/** A command's state: `pending`, then `done` or `refused` by the node, or `expired` unanswered. */
export type AdminCommandStatus = (typeof ADMIN_COMMAND_STATUSES)[number];

/**
 * A trading node's heartbeat (one row per paper or live session). `state` is the node's own
 * report (kill switch, limits, holds, last bar per symbol), kept as JSON: the ledger stores it,
 * orchestration/admin reads it.
 */
export interface NodeHeartbeat {
  readonly runId: string;
  readonly mode: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  /** Wall-clock ms of the latest beat. */
  readonly beatAt: number;
  /** When the node stopped cleanly; absent while it runs (or when it died without saying). */
  readonly stoppedAt?: number;
  readonly state: Readonly<Record<string, unknown>>;
}

export interface NewAdminCommand {
  /** The node (its session's run id). */
  readonly runId: string;
  readonly action: string;
  readonly args: readonly string[];
  /** Who asked: a person at a terminal (`user@host`) or an API token's name. */
  readonly actor: string;
  readonly reason?: string;
  readonly issuedAt: number;
  /** The node applies it only before this (wall-clock ms); later it is answered `expired`. */
  readonly expiresAt: number;
}

/** The node's answer to a command. */
export interface AdminAck {
  readonly status: 'done' | 'refused' | 'expired';
  readonly at: number;
  /** What the node did, or why it refused, in a sentence. */
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AdminCommand extends NewAdminCommand {
  readonly id: number;
  readonly status: AdminCommandStatus;
  readonly ack?: AdminAck;
}

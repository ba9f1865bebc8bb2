/**
 * Issuing an admin command (the CLI's `momentic admin ...`, and the service's admin routes):
 * checked, written to the ledger as the node's pending command, rung through Redis when
 * configured, then awaited until the node answers or the deadline passes. A node that answers
 * in time has written the audit entry with its answer; one that does not gets the command
 * withdrawn (`expired`, audited here), so it is never applied after the operator was told it
 * failed.
 */
import { UsageError, VenueError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { AdminAck, AdminCommand, NodeHeartbeat } from '../../store/admin-types.js';
import type { LedgerStore } from '../../store/ledger.js';
import { auditEntryOf } from './audit-entry.js';
import { checkRequest, type AdminRequest } from './commands.js';
import { findNode } from './find-node.js';
import { stateOf } from './node-state.js';
import { ackChannel, commandChannel, RedisNudge } from './redis-nudge.js';

export interface IssueOptions {
  readonly action: string;
  readonly args?: readonly string[];
  readonly reason?: string;
  /** Who asks: `user@host` at a terminal, an API token's name in the service. */
  readonly actor: string;
  /** The node's session id; default: the only running node. */
  readonly node?: string;
  /** How long the node has to answer (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Empty or absent: the ledger is polled alone. */
  readonly redisUrl?: string;
  readonly logger?: Logger;
  /** How often the ledger is read for the answer (default 50 ms; 250 ms with Redis, which rings first). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

export interface IssueResult {
  /** The command as the node answered it (`done`). */
  readonly command: AdminCommand & { readonly ack: AdminAck };
  readonly node: NodeHeartbeat;
  /** From issue to the node's answer, wall-clock ms. */
  readonly latencyMs: number;
}

/** After the deadline, the node has this long to finish an answer it started before it. */
const ANSWER_GRACE_MS = 1000;

/**
 * Issues a command and waits for the node's answer. Usage errors (exit 2) come before anything
 * is written; ADMIN_NO_NODE (exit 4) when no node runs; ADMIN_REFUSED (exit 2) when the node
 * refused it; ADMIN_NO_ACK (exit 4) when it did not answer in time.
 */
export async function issueAdminCommand(ledger: LedgerStore, o: IssueOptions): Promise<IssueResult> {
  const now = o.now ?? Date.now;
  const req = checkRequest(o.action, o.args ?? [], o.reason);
  const node = await findNode(ledger, now(), o.node);
  checkAgainstNode(req, node);
  const redis =
    o.redisUrl === undefined || o.redisUrl === ''
      ? undefined
      : await RedisNudge.open(o.redisUrl, {
          reconnect: false,
          ...(o.logger === undefined ? {} : { logger: o.logger }),
        });
  try {
    let ring: (() => void) | undefined;
    await redis?.subscribe(ackChannel(node.runId), () => ring?.());
    const issuedAt = now();
    const timeoutMs = o.timeoutMs ?? 5000;
    const command = await ledger.issueAdminCommand({
      runId: node.runId,
      action: req.action,
      args: req.args,
      actor: o.actor,
      ...(req.reason === undefined ? {} : { reason: req.reason }),
      issuedAt,
      expiresAt: issuedAt + timeoutMs,
    });
    await redis?.publish(commandChannel(node.runId), String(command.id));
    const pollMs = o.pollMs ?? (redis === undefined ? 50 : 250);
    let answered = await ledger.adminCommand(command.id);
    const giveUpAt = command.expiresAt + ANSWER_GRACE_MS;
    while (answered?.ack === undefined && now() < giveUpAt) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(1, Math.min(pollMs, giveUpAt - now())));
        function done(): void {
          clearTimeout(t);
          ring = undefined;
          resolve();
        }
        ring = done;
      });
      answered = await ledger.adminCommand(command.id);
    }
    if (answered?.ack === undefined) answered = await withdraw(ledger, command, now(), timeoutMs);
    return outcome(answered, node);
  } finally {
    redis?.close();
  }
}

/** What the heartbeat lets us check before issuing: the strategy a pause names runs there. */
function checkAgainstNode(req: AdminRequest, node: NodeHeartbeat): void {
  if (req.action !== 'pause' && req.action !== 'unpause') return;
  const running = stateOf(node).strategies ?? [];
  const name = req.args[0] as string;
  if (running.includes(name)) return;
  throw new UsageError(
    'USAGE_INVALID_OPTION',
    `strategy ${name} does not run on ${node.mode} session ${node.runId}; it runs ${running.join(', ') || 'no strategy yet'}`,
    {
      hint: `momentic admin ${req.action} ${running[0] ?? 'STRATEGY'}`,
      context: { value: name, running: running.join(',') },
    },
  );
}

/** The node did not answer by the deadline: the command is marked expired (unless the answer came just now). */
async function withdraw(ledger: LedgerStore, c: AdminCommand, at: number, timeoutMs: number): Promise<AdminCommand> {
  const ack: AdminAck = {
    status: 'expired',
    at,
    message: `the node did not answer within ${timeoutMs / 1000} s; the command was withdrawn and will not be applied`,
  };
  const r = await ledger.answerAdminCommand(c.id, ack, auditEntryOf(c, ack), ['pending']);
  return r.command ?? { ...c, status: 'expired', ack };
}

function outcome(c: AdminCommand, node: NodeHeartbeat): IssueResult {
  const ack = c.ack as AdminAck;
  const context = { node: c.runId, command: c.id, action: c.action };
  if (ack.status === 'done') {
    return { command: { ...c, ack }, node, latencyMs: ack.at - c.issuedAt };
  }
  if (ack.status === 'refused') {
    throw new UsageError('ADMIN_REFUSED', `${node.mode} session ${c.runId} refused admin ${c.action}: ${ack.message}`, {
      hint: 'read the reason; momentic admin status shows what the node runs and its limits',
      context,
    });
  }
  throw new VenueError('ADMIN_NO_ACK', `admin ${c.action} to ${node.mode} session ${c.runId}: ${ack.message}`, {
    hint: 'the node may be stuck or stopping: check momentic admin status (its heartbeat) and its log, then issue the command again',
    context,
    retryable: true,
  });
}

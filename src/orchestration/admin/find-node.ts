/**
 * Which running node an admin command goes to: the one named (`--node SESSION_ID`), else the only
 * one running. Running means a heartbeat in the ledger within the last few seconds from a
 * session that has not said it stopped; a node that crashed stops beating and is not running.
 */
import { formatInstant } from '../../core/dates.js';
import { UsageError, VenueError } from '../../core/errors.js';
import type { NodeHeartbeat } from '../../store/admin-types.js';
import type { LedgerStore } from '../../store/ledger.js';
import { HEARTBEAT_STALE_MS, isAlive } from './node-state.js';

const LIST_SESSIONS = 'momentic runs ls --kind paper (or --kind live)';

function describe(h: NodeHeartbeat, now: number): string {
  const age = Math.round((now - h.beatAt) / 1000);
  const how = h.stoppedAt === undefined ? `last heartbeat ${age} s ago` : `stopped at ${formatInstant(h.stoppedAt)}`;
  return `${h.mode} session ${h.runId} (${how})`;
}

function noNode(message: string, node?: string): VenueError {
  return new VenueError('ADMIN_NO_NODE', message, {
    hint: `start a session (momentic paper --config RUNFILE, momentic live --config RUNFILE); ${LIST_SESSIONS} lists the sessions and their status`,
    context: node === undefined ? {} : { flag: '--node', value: node },
  });
}

/** The running nodes, the latest heartbeat first. */
export async function runningNodes(ledger: LedgerStore, now: number): Promise<NodeHeartbeat[]> {
  return (await ledger.heartbeats()).filter((h) => isAlive(h, now));
}

/** The node to act on; ADMIN_NO_NODE (exit 4) when none runs, a usage error when it is not clear which. */
export async function findNode(ledger: LedgerStore, now: number, node?: string): Promise<NodeHeartbeat> {
  const all = await ledger.heartbeats();
  if (node !== undefined) {
    const h = all.find((x) => x.runId === node);
    if (h !== undefined && isAlive(h, now)) return h;
    throw noNode(
      h === undefined
        ? `no trading node ${node} has ever beaten in the ledger at ${ledger.location}`
        : `trading node ${node} is not running: ${describe(h, now)}`,
      node,
    );
  }
  const alive = all.filter((h) => isAlive(h, now));
  if (alive.length === 1) return alive[0] as NodeHeartbeat;
  if (alive.length > 1) {
    throw new UsageError('USAGE_MISSING_OPTION', `${alive.length} trading nodes are running; say which one`, {
      hint: `add --node with one of: ${alive.map((h) => `${h.runId} (${h.mode}, ${h.host} pid ${h.pid})`).join(', ')}`,
      context: { flag: '--node' },
    });
  }
  const last = all[0];
  throw noNode(
    `no trading node is running: no paper or live session has written a heartbeat to the ledger at ${ledger.location} in the last ${HEARTBEAT_STALE_MS / 1000} s${last === undefined ? '' : `; the latest was ${describe(last, now)}`}`,
  );
}

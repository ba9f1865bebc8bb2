/**
 * `momentic admin status`: each running node as its heartbeat and the ledger show it (heartbeat
 * age, kill switch, limits, holds, last bar per symbol, positions and open orders as journaled),
 * and the daily pipeline's latest day with its steps.
 */
import type { LedgerOrder, LedgerPosition } from '../../store/types.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { NodeHeartbeat } from '../../store/admin-types.js';
import type { PipelineDay, PipelineStep } from '../../store/pipeline-types.js';
import { findNode, runningNodes } from './find-node.js';
import { stateOf, type NodeState } from './node-state.js';

export interface NodeStatus {
  readonly heartbeat: NodeHeartbeat;
  /** Wall-clock ms since the latest beat. */
  readonly heartbeatAgeMs: number;
  readonly state: NodeState;
  /** Non-flat positions of the session, from the ledger. */
  readonly positions: readonly LedgerPosition[];
  /** Orders of the session not yet ended, from the ledger. */
  readonly openOrders: readonly LedgerOrder[];
}

export interface AdminStatus {
  readonly nodes: readonly NodeStatus[];
  /** The daily pipeline's latest day with its steps; undefined: no pipeline runs in this ledger. */
  readonly pipeline?: { readonly day: PipelineDay; readonly steps: readonly PipelineStep[] };
}

/** Every running node (or the one named); ADMIN_NO_NODE (exit 4) when none runs. */
export async function adminStatus(
  ledger: LedgerStore,
  o: { readonly node?: string; readonly now?: () => number } = {},
): Promise<AdminStatus> {
  const now = (o.now ?? Date.now)();
  const running = o.node === undefined ? await runningNodes(ledger, now) : [];
  // None running (or one named): findNode says which, or why not, with the same words as a command.
  const heartbeats = running.length > 0 ? running : [await findNode(ledger, now, o.node)];
  const nodes: NodeStatus[] = [];
  for (const h of heartbeats) {
    const open = await ledger.loadOpenState(h.runId);
    nodes.push({
      heartbeat: h,
      heartbeatAgeMs: Math.max(0, now - h.beatAt),
      state: stateOf(h),
      positions: open.positions.filter((p) => p.qty !== 0),
      openOrders: open.orders,
    });
  }
  const [day] = await ledger.pipelineDays(undefined, 1);
  if (day === undefined) return { nodes };
  return { nodes, pipeline: { day, steps: await ledger.pipelineSteps(day.pipeline, day.date) } };
}

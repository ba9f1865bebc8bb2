/**
 * What a running node reports in its heartbeat (the `state` of its `node_heartbeats` row):
 * enough for `momentic admin status` and for an issuer to check a command against the node
 * (its strategies). Times are epoch ms; JSON keys are snake_case as in every document momentic
 * writes.
 */
import type { Config } from '../../config/schema.js';
import type { NodeHeartbeat } from '../../store/admin-types.js';
import type { KillSwitchView, NodeControls } from './session-controls.js';

export interface NodeState {
  readonly strategies: readonly string[];
  readonly symbols: readonly string[];
  readonly kill_switch: KillSwitchView;
  /** The `risk:` limits in force (with any `set-limit` applied). */
  readonly limits: Config['risk'];
  /** Held strategies and the hold's reason. */
  readonly paused: Readonly<Record<string, string>>;
  /** Start of the latest bar per symbol. */
  readonly last_bars: Readonly<Record<string, number>>;
  readonly bars: number;
  readonly open_orders: number;
  /** The session's clock at the beat (a replay's time). */
  readonly clock: number;
}

/** A node's heartbeat this long old (wall clock) means it is gone: five missed beats. */
export const HEARTBEAT_STALE_MS = 5000;

export function nodeState(node: NodeControls): NodeState {
  return {
    strategies: [...node.strategies],
    symbols: [...node.symbols],
    kill_switch: node.killSwitch(),
    limits: node.limits(),
    paused: node.paused(),
    last_bars: node.lastBars(),
    bars: node.bars(),
    open_orders: node.openOrders(),
    clock: node.now(),
  };
}

/** The state of a heartbeat row (as the node wrote it). */
export function stateOf(h: NodeHeartbeat): NodeState {
  return h.state as unknown as NodeState;
}

/** A node that beat within the last HEARTBEAT_STALE_MS and has not said it stopped. */
export function isAlive(h: NodeHeartbeat, now: number): boolean {
  return h.stoppedAt === undefined && now - h.beatAt <= HEARTBEAT_STALE_MS;
}

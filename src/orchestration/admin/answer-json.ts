/**
 * The admin answers as JSON (snake_case, ISO-8601 UTC): what `momentic admin ... --json` prints
 * and what the service's admin routes answer, from one place so the two never differ.
 */
import type { IssueResult } from './issue.js';
import type { AdminStatus, NodeStatus } from './status.js';

const isoUtc = (ts: number): string => new Date(ts).toISOString().replace('.000Z', 'Z');

/** A command and the node's acknowledgement (`momentic admin halt --json`). */
export function issueResultJson(r: IssueResult) {
  const c = r.command;
  return {
    node: c.runId,
    mode: r.node.mode,
    command: {
      id: c.id,
      action: c.action,
      args: [...c.args],
      actor: c.actor,
      reason: c.reason ?? null,
      issued_at: isoUtc(c.issuedAt),
    },
    ack: {
      status: c.ack.status,
      message: c.ack.message,
      at: isoUtc(c.ack.at),
      latency_ms: r.latencyMs,
      ...c.ack.detail,
    },
  };
}

function nodeJson(n: NodeStatus) {
  const h = n.heartbeat;
  const s = n.state;
  return {
    node: h.runId,
    mode: h.mode,
    host: h.host,
    pid: h.pid,
    started_at: isoUtc(h.startedAt),
    heartbeat: { at: isoUtc(h.beatAt), age_ms: n.heartbeatAgeMs },
    strategies: s.strategies,
    symbols: s.symbols,
    kill_switch: {
      state: s.kill_switch.state,
      reason: s.kill_switch.reason ?? null,
      since: s.kill_switch.since === undefined ? null : isoUtc(s.kill_switch.since),
    },
    paused: s.paused,
    limits: s.limits,
    last_bars: Object.fromEntries(Object.entries(s.last_bars).map(([k, v]) => [k, isoUtc(v)])),
    bars: s.bars,
    clock: isoUtc(s.clock),
    positions: n.positions.map((p) => ({
      symbol: p.symbol,
      qty: p.qty,
      avg_price: Number.isNaN(p.avgPrice) ? null : p.avgPrice,
      realized_pnl: p.realizedPnl,
    })),
    open_orders: n.openOrders.map((o) => ({
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.qty,
      filled_qty: o.filledQty,
      limit_price: o.limitPrice ?? null,
      status: o.status,
      tag: o.tag ?? null,
    })),
  };
}

function pipelineJson(p: AdminStatus['pipeline']) {
  if (p === undefined) return null;
  const { day, steps } = p;
  return {
    pipeline: day.pipeline,
    date: day.date,
    status: day.status,
    attempts: day.attempts,
    started_at: isoUtc(day.startedAt),
    ended_at: day.endedAt === undefined ? null : isoUtc(day.endedAt),
    failed_step: day.failedStep ?? null,
    steps: steps.map((x) => ({ step: x.step, status: x.status, attempts: x.attempts })),
  };
}

/** The running nodes and the pipeline's latest day (`momentic admin status --json`). */
export function adminStatusJson(status: AdminStatus) {
  return { nodes: status.nodes.map(nodeJson), pipeline: pipelineJson(status.pipeline) };
}

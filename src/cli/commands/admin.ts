import { hostname, userInfo } from 'node:os';
import { formatInstant } from '../../core/dates.js';
import { durationMs, DURATION_EXAMPLES } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { adminStatusJson, issueResultJson } from '../../orchestration/admin/answer-json.js';
import type { AdminStatus, NodeStatus } from '../../orchestration/admin/status.js';
import { describeLimits } from '../../risk/limits.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Who is at the terminal: `user@host`, as the audit log records it. */
function actor(env: Readonly<Record<string, string | undefined>>): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): the login name the environment gives
  }
  return `${user ?? env.USER ?? env.LOGNAME ?? 'unknown'}@${hostname()}`;
}

function timeoutFlag(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const ms = durationMs(String(v));
  if (ms === undefined || ms <= 0) {
    throw new UsageError('USAGE_INVALID_OPTION', `--timeout ${String(v)} is not a duration`, {
      hint: `give a duration, e.g. ${DURATION_EXAMPLES}`,
      context: { flag: '--timeout', value: String(v) },
    });
  }
  return ms;
}

/** `momentic admin ACTION [ARGS] [--reason TEXT] [--node ID] [--timeout D]`: issue, wait for the node's acknowledgement. */
export function adminCommand(action: string, argNames: readonly string[]) {
  return async (ctx: CommandContext, opts: Record<string, unknown>): Promise<number> => {
    const loaded = await ctx.config();
    const log = (await ctx.logger()).child({ component: 'admin' });
    const { issueAdminCommand } = await import('../../orchestration/admin/issue.js');
    const timeoutMs = timeoutFlag(opts.timeout);
    const node = str(opts.node);
    const reason = str(opts.reason);
    const r = await withLedger(ctx, (ledger) =>
      issueAdminCommand(ledger, {
        action,
        args: argNames.map((a) => String(opts[a])),
        actor: actor(ctx.io.env),
        redisUrl: loaded.config.redis.url,
        logger: log,
        ...(reason === undefined ? {} : { reason }),
        ...(node === undefined ? {} : { node }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
    );
    if (ctx.json) ctx.outJson(issueResultJson(r));
    else
      ctx.out(
        `${action}: ${r.command.ack.message} (${r.node.mode} session ${r.command.runId}, acknowledged in ${r.latencyMs} ms; audited as ${r.command.actor})`,
      );
    return 0;
  };
}

const when = (ts: number | undefined): string => (ts === undefined || !Number.isFinite(ts) ? '-' : formatInstant(ts));

function nodeText(n: NodeStatus): string {
  const h = n.heartbeat;
  const s = n.state;
  const ks = s.kill_switch;
  const lines = [
    `${h.mode} session ${h.runId}: strategy ${s.strategies.join(', ')} on ${h.host} (pid ${h.pid}), heartbeat ${(n.heartbeatAgeMs / 1000).toFixed(1)} s ago`,
    `  kill switch: ${ks.state}${ks.reason === undefined ? '' : ` (${ks.reason}), since ${when(ks.since)}`}`,
    `  paused: ${
      Object.keys(s.paused).length === 0
        ? 'none'
        : Object.entries(s.paused)
            .map(([k, v]) => `${k} (${v})`)
            .join(', ')
    }`,
    `  last bar: ${
      Object.entries(s.last_bars)
        .map(([k, v]) => `${k} ${when(v)}`)
        .join(', ') || 'none yet'
    } (${s.bars} bars; session clock ${when(s.clock)})`,
  ];
  lines.push(
    n.positions.length === 0
      ? '  positions: none'
      : `  positions:\n${indent(
          formatTable(
            ['symbol', 'qty', 'avg price', 'realized pnl'],
            n.positions.map((p) => [
              p.symbol,
              String(p.qty),
              Number.isNaN(p.avgPrice) ? '' : String(p.avgPrice),
              p.realizedPnl.toFixed(2),
            ]),
          ),
        )}`,
  );
  lines.push(
    n.openOrders.length === 0
      ? '  open orders: none'
      : `  open orders:\n${indent(
          formatTable(
            ['client order id', 'symbol', 'side', 'type', 'qty', 'filled', 'limit', 'status'],
            n.openOrders.map((o) => [
              o.clientOrderId,
              o.symbol,
              o.side,
              o.type,
              String(o.qty),
              String(o.filledQty),
              o.limitPrice === undefined ? '' : String(o.limitPrice),
              o.status,
            ]),
          ),
        )}`,
  );
  lines.push(
    `  limits:\n${indent(
      formatTable(
        ['limit', 'value'],
        describeLimits(s.limits).map(([k, v]) => [k, v]),
      ),
    )}`,
  );
  return lines.join('\n');
}

const indent = (t: string): string =>
  t
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

function pipelineText(p: AdminStatus['pipeline']): string {
  if (p === undefined) return 'pipeline: no pipeline runs';
  const { day, steps } = p;
  const list = steps.map((x) => `${x.step} ${x.status}`).join(', ');
  return `pipeline: ${day.pipeline} ${day.date} ${day.status}${list === '' ? '' : ` (${list})`}`;
}

/** `momentic admin status [--node ID]`. */
export async function adminStatusCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const { adminStatus } = await import('../../orchestration/admin/status.js');
  const node = str(opts.node);
  const status = await withLedger(ctx, (ledger) => adminStatus(ledger, node === undefined ? {} : { node }));
  if (ctx.json) {
    ctx.outJson(adminStatusJson(status));
    return 0;
  }
  ctx.out([...status.nodes.map(nodeText), pipelineText(status.pipeline)].join('\n\n'));
  return 0;
}

/**
 * A trading session's broadcast (orchestration/session-broadcast.ts) as the feed's payloads, and
 * the process's log lines as the `logs` channel: what `--serve` gives a session (publishing to the
 * hub of its own server, and to Redis for the servers of other processes).
 */
import type { Fill } from '../../core/order.js';
import type {
  BroadcastOrder,
  BroadcastPosition,
  BroadcastRisk,
  SessionBroadcast,
} from '../../orchestration/session-broadcast.js';
import type { SignalRecord } from '../../engine/signal-record.js';
import type { EquityPoint } from '../../portfolio/equity-curve.js';
import type { FeedPublisher, WsPayload } from './protocol.js';

const iso = (ts: number): string => new Date(ts).toISOString();
const finiteOr = <T>(x: number, otherwise: T): number | T => (Number.isFinite(x) ? x : otherwise);

export class FeedBroadcast implements SessionBroadcast {
  readonly #feed: FeedPublisher;

  constructor(feed: FeedPublisher) {
    this.#feed = feed;
  }

  order(runId: string, o: BroadcastOrder): void {
    const r = o.request;
    this.#feed.publish('orders', {
      run_id: runId,
      client_order_id: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      qty: r.qty,
      limit_price: r.limitPrice ?? null,
      status: o.status,
      filled_qty: o.filledQty,
      avg_fill_price: finiteOr(o.avgFillPrice, null),
      reason: o.reason ?? null,
      time: iso(o.ts),
    });
  }

  fill(runId: string, f: Fill): void {
    this.#feed.publish('fills', {
      run_id: runId,
      client_order_id: f.clientOrderId,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      time: iso(f.ts),
    });
  }

  equity(runId: string, p: EquityPoint): void {
    this.#feed.publish('equity', {
      run_id: runId,
      time: iso(p.ts),
      equity: p.equity,
      cash: p.cash,
      drawdown: p.drawdown,
      gross_exposure: p.grossExposure,
      net_exposure: p.netExposure,
    });
  }

  position(runId: string, p: BroadcastPosition): void {
    this.#feed.publish('positions', {
      run_id: runId,
      symbol: p.symbol,
      qty: p.qty,
      avg_price: finiteOr(p.avgPrice, null),
      market_value: finiteOr(p.marketValue, 0),
      unrealized_pnl: finiteOr(p.unrealizedPnl, 0),
    });
  }

  signal(runId: string, s: SignalRecord): void {
    this.#feed.publish('signals', {
      run_id: runId,
      symbol: s.symbol,
      time: iso(s.ts),
      name: s.direction,
      value: finiteOr(s.targetWeight, null),
      strategy: s.strategy,
      ...(Number.isFinite(s.confidence) ? { confidence: s.confidence } : {}),
    });
  }

  risk(runId: string, r: BroadcastRisk): void {
    this.#feed.publish('risk', {
      run_id: runId,
      state: r.state,
      reason: r.reason ?? null,
      paused: r.isPaused,
      time: iso(r.ts),
    });
  }
}

const LEVELS: Readonly<Record<number, WsPayload<'logs'>['level']>> = {
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
/** Longest message carried; the log file has the whole line. */
const MAX_MSG = 2_000;

/**
 * Publishes each of the process's JSON log lines (pino's, secrets already scrubbed) at info and
 * above on `logs`. The server's own line per request is left out (it would echo every dashboard
 * poll), its warnings and errors kept.
 */
export function logLinesToFeed(feed: FeedPublisher): (line: string) => void {
  return (line) => {
    let rec: { level?: unknown; time?: unknown; msg?: unknown; component?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return;
    }
    const levelNo = typeof rec.level === 'number' ? rec.level : 0;
    if (levelNo < 30) return;
    const component = typeof rec.component === 'string' ? rec.component : null;
    if (component === 'server' && levelNo < 40) return;
    const msg = typeof rec.msg === 'string' ? rec.msg : '';
    feed.publish('logs', {
      time: iso(typeof rec.time === 'number' ? rec.time : Date.now()),
      level: LEVELS[Math.min(60, Math.floor(levelNo / 10) * 10)] ?? 'info',
      component,
      msg: msg.length > MAX_MSG ? `${msg.slice(0, MAX_MSG)}…` : msg,
    });
  };
}

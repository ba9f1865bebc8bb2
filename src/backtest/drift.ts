/**
 * Drift between a paper or live session and the backtest of the bars it saw (docs/live.md,
 * "Drift"). The replay runs under the session's id, so the same decisions give the same client
 * order ids: orders are matched by id. A missing, extra or different order, or a different
 * signal, is a bug (the same code on the same bars must decide the same); fill prices and times
 * may differ (the market is not the simulator), within a tolerance in basis points.
 */
import type { OrderRecord } from '../engine/ports.js';
import type { RunRecord, SignalRecord } from './run-record.js';

export interface DriftOptions {
  /** Adverse slippage (session fill vs replay fill) above this many basis points fails the report. */
  readonly toleranceBps: number;
  /**
   * Wall-clock time each order was sent (the ledger's `sent_at`): latency is measured from the
   * close of the bar the replay decided on (its order's creation time) to the send.
   */
  readonly sentAt?: ReadonlyMap<string, number>;
}

export interface OrderDifference {
  readonly kind: 'missing' | 'extra' | 'different';
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly detail: string;
}

export interface SignalDifference {
  readonly index: number;
  readonly symbol: string;
  readonly session: string;
  readonly replay: string;
}

export interface FillDrift {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly sessionPrice: number;
  readonly replayPrice: number;
  /** Positive when the session's fill was worse than the replay's (paid more, or sold lower). */
  readonly slippageBps: number;
  /** Session fill time minus replay fill time (ms). */
  readonly timeDiffMs: number;
  /** From the close of the decision bar to the order's send (ms), when the send time is known. */
  readonly latencyMs?: number;
}

export interface DriftReport {
  readonly orders: { readonly session: number; readonly replay: number; readonly matched: number };
  readonly signals: { readonly session: number; readonly replay: number };
  readonly orderDifferences: readonly OrderDifference[];
  readonly signalDifferences: readonly SignalDifference[];
  readonly fills: readonly FillDrift[];
  readonly slippage: {
    readonly meanBps: number | null;
    readonly worstBps: number | null;
    readonly toleranceBps: number;
    /** Orders whose adverse slippage exceeds the tolerance. */
    readonly over: readonly string[];
  };
  readonly pnl: { readonly session: number; readonly replay: number; readonly difference: number };
  readonly latency: {
    readonly count: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  } | null;
  /** No order or signal differs and no fill drifted past the tolerance. */
  readonly ok: boolean;
}

/** The last transition's time of a status, i.e. when the order reached it. */
function reached(o: OrderRecord, status: string): number {
  for (let i = o.history.length - 1; i >= 0; i--) if (o.history[i]!.status === status) return o.history[i]!.ts;
  return NaN;
}

/**
 * A signal's decision: its direction, whether an order followed (`skipped` says not), and the
 * exit rule that fired. Not compared: its weight (a sized signal's weight is its quantity over
 * the equity, which moves with fill prices; the orders' quantities are compared anyway) and the
 * wording of a skip's reason (a session's warm-up hold and a replay's warm-up say it differently).
 */
function describeSignal(s: SignalRecord): string {
  const skipped = s.meta.skipped === undefined ? '' : ' skipped';
  const exit = s.meta.exit === undefined ? '' : ` exit ${String(s.meta.exit)}`;
  return `${s.direction}${skipped}${exit}`;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Signals per symbol in order: live signal times are the wall clock's, so only the sequence compares. */
function compareSignals(session: readonly SignalRecord[], replay: readonly SignalRecord[]): SignalDifference[] {
  const bySymbol = (list: readonly SignalRecord[]): Map<string, SignalRecord[]> => {
    const m = new Map<string, SignalRecord[]>();
    for (const s of list) {
      const l = m.get(s.symbol);
      if (l === undefined) m.set(s.symbol, [s]);
      else l.push(s);
    }
    return m;
  };
  const a = bySymbol(session);
  const b = bySymbol(replay);
  const out: SignalDifference[] = [];
  for (const symbol of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(symbol) ?? [];
    const y = b.get(symbol) ?? [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const s = x[i] === undefined ? '(none)' : describeSignal(x[i]!);
      const r = y[i] === undefined ? '(none)' : describeSignal(y[i]!);
      if (s !== r) out.push({ index: i, symbol, session: s, replay: r });
    }
  }
  return out;
}

const realized = (r: RunRecord): number => r.trades.reduce((sum, t) => sum + t.pnl, 0);

/** Compares a session's record with its replay's (both read or run under the session's id). */
export function compareDrift(session: RunRecord, replay: RunRecord, o: DriftOptions): DriftReport {
  const replayById = new Map(replay.orders.map((x) => [x.clientOrderId, x]));
  const sessionIds = new Set(session.orders.map((x) => x.clientOrderId));
  const orderDifferences: OrderDifference[] = [];
  const fills: FillDrift[] = [];
  let matched = 0;
  for (const s of session.orders) {
    const r = replayById.get(s.clientOrderId);
    if (r === undefined) {
      orderDifferences.push({
        kind: 'extra',
        clientOrderId: s.clientOrderId,
        symbol: s.symbol,
        detail: `the session sent ${s.side} ${s.qty}, the replay did not`,
      });
      continue;
    }
    if (r.side !== s.side || r.qty !== s.qty || r.symbol !== s.symbol || r.type !== s.type) {
      orderDifferences.push({
        kind: 'different',
        clientOrderId: s.clientOrderId,
        symbol: s.symbol,
        detail: `session ${s.symbol} ${s.side} ${s.qty} ${s.type}, replay ${r.symbol} ${r.side} ${r.qty} ${r.type}`,
      });
      continue;
    }
    matched++;
    if (s.filledQty > 0 && r.filledQty > 0) {
      const sign = s.side === 'buy' ? 1 : -1;
      const sentAt = o.sentAt?.get(s.clientOrderId);
      // The replay's order is created at the close of the bar it was decided on.
      const latency = sentAt === undefined ? undefined : sentAt - r.createdAt;
      fills.push({
        clientOrderId: s.clientOrderId,
        symbol: s.symbol,
        side: s.side,
        qty: s.qty,
        sessionPrice: s.avgFillPrice,
        replayPrice: r.avgFillPrice,
        slippageBps: (sign * (s.avgFillPrice - r.avgFillPrice) * 10_000) / r.avgFillPrice,
        timeDiffMs: reached(s, s.status) - reached(r, r.status),
        ...(latency === undefined ? {} : { latencyMs: latency }),
      });
    }
  }
  for (const r of replay.orders) {
    if (!sessionIds.has(r.clientOrderId)) {
      orderDifferences.push({
        kind: 'missing',
        clientOrderId: r.clientOrderId,
        symbol: r.symbol,
        detail: `the replay sent ${r.side} ${r.qty}, the session did not`,
      });
    }
  }
  const signalDifferences = compareSignals(session.signals, replay.signals);
  const over = fills.filter((f) => f.slippageBps > o.toleranceBps).map((f) => f.clientOrderId);
  const bps = fills.map((f) => f.slippageBps);
  const latencies = fills
    .map((f) => f.latencyMs)
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const pnlSession = realized(session);
  const pnlReplay = realized(replay);
  return {
    orders: { session: session.orders.length, replay: replay.orders.length, matched },
    signals: { session: session.signals.length, replay: replay.signals.length },
    orderDifferences,
    signalDifferences,
    fills,
    slippage: {
      meanBps: bps.length === 0 ? null : bps.reduce((a, b) => a + b, 0) / bps.length,
      worstBps: bps.length === 0 ? null : Math.max(...bps),
      toleranceBps: o.toleranceBps,
      over,
    },
    pnl: { session: pnlSession, replay: pnlReplay, difference: pnlSession - pnlReplay },
    latency:
      latencies.length === 0
        ? null
        : {
            count: latencies.length,
            p50Ms: percentile(latencies, 0.5),
            p99Ms: percentile(latencies, 0.99),
            maxMs: latencies[latencies.length - 1]!,
          },
    ok: orderDifferences.length === 0 && signalDifferences.length === 0 && over.length === 0,
  };
}

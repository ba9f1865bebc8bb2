/**
 * The session's side of its broadcast (session-broadcast.ts) between steps: which equity rows and signals
 * were shown already, the positions as last shown (a position is shown again when its quantity or
 * value changed, and once more flat), and the kill switch and pause as last shown.
 */
import type { OrderRejection, OrderRequest } from '../core/order.js';
import type { Engine } from '../engine/engine.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { KillSwitch, KillSwitchTransition } from '../risk/kill-switch.js';
import type { SessionBroadcast } from './session-broadcast.js';

export class SessionBroadcastState {
  readonly #feed: SessionBroadcast;
  readonly #runId: string;
  readonly #symbols: readonly string[];
  readonly #qty: Float64Array;
  readonly #value: Float64Array;
  #equityShown = 0;
  #signalsShown = 0;
  #killSwitch: KillSwitch | undefined;
  #isPaused: () => boolean = () => false;
  #wasPaused = false;

  constructor(feed: SessionBroadcast, runId: string, symbols: readonly string[]) {
    this.#feed = feed;
    this.#runId = runId;
    this.#symbols = symbols;
    this.#qty = new Float64Array(symbols.length);
    this.#value = new Float64Array(symbols.length);
  }

  /** Shows the kill switch as the session starts with it. */
  start(killSwitch: KillSwitch, isPaused: () => boolean, ts: number): void {
    this.#killSwitch = killSwitch;
    this.#isPaused = isPaused;
    this.#wasPaused = isPaused();
    this.#risk(ts);
  }

  killSwitch(t: KillSwitchTransition): void {
    this.#feed.risk(this.#runId, { state: t.to, reason: t.reason, isPaused: this.#isPaused(), ts: t.ts });
  }

  /** An order refused before it was sent (risk, warm-up, quiet window): it ends rejected. */
  denied(request: OrderRequest, r: OrderRejection): void {
    this.#feed.order(this.#runId, {
      request,
      status: 'rejected',
      filledQty: 0,
      avgFillPrice: Number.NaN,
      reason: r.reason,
      ts: r.ts,
    });
  }

  /** After a step (and each timer tick): new equity rows and signals, changed positions, a changed pause. */
  step(engine: Engine, portfolio: Portfolio, now: number): void {
    const feed = this.#feed;
    const runId = this.#runId;
    const curve = portfolio.curve;
    if (curve.length > this.#equityShown) {
      const c = {
        ts: curve.column('ts'),
        equity: curve.column('equity'),
        cash: curve.column('cash'),
        grossExposure: curve.column('grossExposure'),
        netExposure: curve.column('netExposure'),
        drawdown: curve.column('drawdown'),
      };
      for (let i = this.#equityShown; i < curve.length; i++) {
        feed.equity(runId, {
          ts: c.ts[i] as number,
          equity: c.equity[i] as number,
          cash: c.cash[i] as number,
          grossExposure: c.grossExposure[i] as number,
          netExposure: c.netExposure[i] as number,
          drawdown: c.drawdown[i] as number,
        });
      }
      this.#equityShown = curve.length;
    }
    const signals = engine.signals;
    for (; this.#signalsShown < signals.length; this.#signalsShown++) {
      feed.signal(runId, signals[this.#signalsShown]!);
    }
    this.#symbols.forEach((symbol, i) => {
      const p = portfolio.position(symbol);
      const qty = p?.qty ?? 0;
      const value = p?.marketValue ?? 0;
      if (qty === this.#qty[i] && (qty === 0 || value === this.#value[i])) return;
      this.#qty[i] = qty;
      this.#value[i] = value;
      feed.position(runId, {
        symbol,
        qty,
        avgPrice: qty === 0 ? Number.NaN : (p?.avgPrice ?? Number.NaN),
        marketValue: value,
        unrealizedPnl: qty === 0 ? 0 : (p?.unrealizedPnl ?? 0),
      });
    });
    const paused = this.#isPaused();
    if (paused !== this.#wasPaused) {
      this.#wasPaused = paused;
      this.#risk(now);
    }
  }

  #risk(ts: number): void {
    const k = this.#killSwitch;
    if (k === undefined) return;
    const last = k.history.at(-1);
    this.#feed.risk(this.#runId, { state: k.state, reason: last?.reason, isPaused: this.#isPaused(), ts });
  }
}

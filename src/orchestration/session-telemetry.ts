/**
 * What a session reports as it trades, for the service's Prometheus metrics (src/server/metrics):
 * order transitions and denials, fills, the time from a bar's arrival to the order it caused,
 * stream reconnects, each symbol's last bar, the account after each step, kill-switch states and
 * a heartbeat. A port of plain calls: the session knows nothing of Prometheus, and a session
 * without telemetry pays nothing. Every call is synchronous and must not throw.
 */
import type { OrderStatus } from '../core/enums.js';
import type { Fill, OrderRequest } from '../core/order.js';
import type { Ledger } from '../engine/ports.js';
import type { KillSwitchState } from '../risk/types.js';

export interface TelemetryAccount {
  readonly equity: number;
  readonly cash: number;
  readonly grossExposure: number;
  readonly netExposure: number;
}

export interface SessionTelemetry {
  /** An order entered `status` (`new` when journaled; `rejected` with the venue's reason). */
  orderStatus(status: OrderStatus, reason?: string): void;
  /** An order refused before it was sent (risk, warm-up, quiet window, a reused id), with why. */
  orderDenied(reason: string): void;
  fill(fill: Fill): void;
  /** Wall-clock ms from the arrival of the bar that completed a step to an order it caused. */
  barToOrder(ms: number): void;
  /** The venue's market-data stream was lost and is being reconnected. */
  streamReconnect(feed: string): void;
  /** A live bar of `symbol` reached the session `ageMs` after its close (on the session's clock). */
  bar(symbol: string, ageMs: number): void;
  account(a: TelemetryAccount): void;
  killSwitch(state: KillSwitchState): void;
  /** The session is alive at `wallMs` (each step and each timer tick). */
  heartbeat(wallMs: number): void;
}

/**
 * The OrderManager's journal with each call also reported to `telemetry`: what the ledger records
 * is exactly what the metrics count. `sinceBar` gives the wall ms since the last bar arrived.
 */
export function journalWithTelemetry(
  inner: Ledger | undefined,
  telemetry: SessionTelemetry,
  sinceBar: () => number | undefined,
): Ledger {
  return {
    persist(order: OrderRequest, ts: number): void {
      inner?.persist(order, ts);
      telemetry.orderStatus('new');
      const ms = sinceBar();
      if (ms !== undefined) telemetry.barToOrder(ms);
    },
    markSent(clientOrderId: string, ts: number): void {
      inner?.markSent(clientOrderId, ts);
    },
    transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void {
      inner?.transition(clientOrderId, status, ts, reason);
      telemetry.orderStatus(status, reason);
    },
    fill(f: Fill): void {
      inner?.fill(f);
      telemetry.fill(f);
    },
  };
}

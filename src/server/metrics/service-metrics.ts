/**
 * The service's Prometheus metrics (docs/service.md, "Metrics"): one registry per server, fed by
 * the session it hosts (it is the session's SessionTelemetry), by the daily pipeline
 * (`pipelineStep`), and by the server itself (HTTP requests, WebSocket clients). Names and labels
 * are listed in METRICS, which the shipped alert rules and dashboard are checked against.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OrderStatus } from '../../core/enums.js';
import type { Fill } from '../../core/order.js';
import type { TelemetryAccount, SessionTelemetry } from '../../orchestration/session-telemetry.js';
import { KillSwitchState } from '../../risk/types.js';
import { rejectReasonLabel } from './reject-reasons.js';

/** Every metric the service exports besides prom-client's default process metrics. */
export const METRICS = {
  orders: 'momentic_orders_total',
  rejections: 'momentic_order_rejections_total',
  fills: 'momentic_fills_total',
  barToOrder: 'momentic_bar_to_order_latency_seconds',
  reconnects: 'momentic_stream_reconnects_total',
  staleness: 'momentic_data_staleness_seconds',
  equity: 'momentic_equity',
  cash: 'momentic_cash',
  drawdown: 'momentic_drawdown_ratio',
  gross: 'momentic_gross_exposure',
  net: 'momentic_net_exposure',
  killSwitch: 'momentic_kill_switch_state',
  heartbeat: 'momentic_node_heartbeat_timestamp_seconds',
  pipelineDuration: 'momentic_pipeline_step_duration_seconds',
  pipelineFailures: 'momentic_pipeline_step_failures_total',
  httpDuration: 'momentic_http_request_duration_seconds',
  wsClients: 'momentic_ws_clients',
} as const;

export interface ServiceMetricsOptions {
  /** Also export prom-client's process metrics (CPU, memory, event loop, GC); default true. */
  readonly defaultMetrics?: boolean;
  /** Wall clock (epoch ms) for staleness at scrape time; default Date.now. */
  readonly now?: () => number;
}

export class ServiceMetrics implements SessionTelemetry {
  readonly registry = new Registry();
  readonly #now: () => number;
  readonly #orders: Counter<'status'>;
  readonly #rejections: Counter<'reason'>;
  readonly #fills: Counter<'side'>;
  readonly #barToOrder: Histogram;
  readonly #reconnects: Counter<'feed'>;
  readonly #equity: Gauge;
  readonly #cash: Gauge;
  readonly #drawdown: Gauge;
  readonly #gross: Gauge;
  readonly #net: Gauge;
  readonly #killSwitch: Gauge<'state'>;
  readonly #heartbeat: Gauge;
  readonly #pipelineDuration: Histogram<'step'>;
  readonly #pipelineFailures: Counter<'step'>;
  readonly #http: Histogram<'method' | 'route' | 'status_code'>;
  readonly #ws: Gauge<'channel'>;
  /** Per symbol: the bar's age when it arrived (ms, session clock) and when it arrived (wall ms). */
  readonly #lastBars = new Map<string, { readonly ageMs: number; readonly at: number }>();
  #highWater = -Infinity;
  #lastHeartbeat: number | undefined;

  constructor(o: ServiceMetricsOptions = {}) {
    this.#now = o.now ?? Date.now;
    const registers = [this.registry];
    this.#orders = new Counter({
      name: METRICS.orders,
      help: 'Orders entering each status (new when journaled, then their lifecycle transitions)',
      labelNames: ['status'],
      registers,
    });
    this.#rejections = new Counter({
      name: METRICS.rejections,
      help: 'Orders rejected, by reason: a risk check, the engine (warmup, quiet_window, ...) or the venue',
      labelNames: ['reason'],
      registers,
    });
    this.#fills = new Counter({ name: METRICS.fills, help: 'Fills booked', labelNames: ['side'], registers });
    this.#barToOrder = new Histogram({
      name: METRICS.barToOrder,
      help: 'Wall time from the arrival of a bar to an order it caused',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#reconnects = new Counter({
      name: METRICS.reconnects,
      help: 'Market-data stream losses followed by a reconnect attempt',
      labelNames: ['feed'],
      registers,
    });
    const lastBars = this.#lastBars;
    const now = this.#now;
    new Gauge({
      name: METRICS.staleness,
      help: "Seconds since the close of each symbol's last live bar",
      labelNames: ['symbol'],
      registers,
      collect() {
        this.reset();
        const t = now();
        for (const [symbol, b] of lastBars) this.set({ symbol }, Math.max(0, b.ageMs + t - b.at) / 1000);
      },
    });
    this.#equity = new Gauge({ name: METRICS.equity, help: 'Account equity (account currency)', registers });
    this.#cash = new Gauge({ name: METRICS.cash, help: 'Cash balance (account currency)', registers });
    this.#drawdown = new Gauge({
      name: METRICS.drawdown,
      help: "Fraction of equity below the session's high-water mark (0 at a new high)",
      registers,
    });
    this.#gross = new Gauge({ name: METRICS.gross, help: 'Long plus short market value', registers });
    this.#net = new Gauge({ name: METRICS.net, help: 'Long minus short market value', registers });
    this.#killSwitch = new Gauge({
      name: METRICS.killSwitch,
      help: 'Kill-switch state: 1 for the current state (ACTIVE, REDUCING, HALTED), 0 for the others',
      labelNames: ['state'],
      registers,
    });
    this.#heartbeat = new Gauge({
      name: METRICS.heartbeat,
      help: 'Wall time (unix seconds) of the hosted trading node’s last heartbeat',
      registers,
    });
    this.#pipelineDuration = new Histogram({
      name: METRICS.pipelineDuration,
      help: 'Duration of each daily pipeline step',
      labelNames: ['step'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.#pipelineFailures = new Counter({
      name: METRICS.pipelineFailures,
      help: 'Daily pipeline steps that failed',
      labelNames: ['step'],
      registers,
    });
    this.#http = new Histogram({
      name: METRICS.httpDuration,
      help: 'HTTP requests served, by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#ws = new Gauge({
      name: METRICS.wsClients,
      help: 'WebSocket clients connected, by channel',
      labelNames: ['channel'],
      registers,
    });
    if (o.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Wall ms of the last heartbeat of the hosted node; undefined before the first. */
  get lastHeartbeat(): number | undefined {
    return this.#lastHeartbeat;
  }

  orderStatus(status: OrderStatus, reason?: string): void {
    this.#orders.inc({ status });
    if (status === 'rejected') this.#rejections.inc({ reason: rejectReasonLabel(reason) });
  }

  orderDenied(reason: string): void {
    this.#orders.inc({ status: 'rejected' });
    this.#rejections.inc({ reason: rejectReasonLabel(reason) });
  }

  fill(fill: Fill): void {
    this.#fills.inc({ side: fill.side });
  }

  barToOrder(ms: number): void {
    this.#barToOrder.observe(ms / 1000);
  }

  streamReconnect(feed: string): void {
    this.#reconnects.inc({ feed });
  }

  bar(symbol: string, ageMs: number): void {
    this.#lastBars.set(symbol, { ageMs, at: this.#now() });
  }

  account(a: TelemetryAccount): void {
    this.#equity.set(a.equity);
    this.#cash.set(a.cash);
    this.#gross.set(a.grossExposure);
    this.#net.set(a.netExposure);
    if (a.equity > this.#highWater) this.#highWater = a.equity;
    this.#drawdown.set(this.#highWater > 0 ? 1 - a.equity / this.#highWater : 0);
  }

  killSwitch(state: KillSwitchState): void {
    for (const s of Object.values(KillSwitchState)) this.#killSwitch.set({ state: s }, s === state ? 1 : 0);
  }

  heartbeat(wallMs: number): void {
    this.#lastHeartbeat = wallMs;
    this.#heartbeat.set(wallMs / 1000);
  }

  /** A step of the daily pipeline ended after `seconds`, well or not. */
  pipelineStep(step: string, seconds: number, ok: boolean): void {
    this.#pipelineDuration.observe({ step }, seconds);
    if (!ok) this.#pipelineFailures.inc({ step });
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  wsClients(channel: string, delta: 1 | -1): void {
    this.#ws.inc({ channel }, delta);
  }
}

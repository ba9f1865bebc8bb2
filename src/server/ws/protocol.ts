/**
 * The WebSocket protocol of `/ws` (docs/service.md): typed, versioned JSON in both directions.
 * One source of truth for the server's feed, the dashboard's client and the tests.
 *
 * A client connects, authenticates (an `Authorization: Bearer` header on the upgrade request, or
 * an `auth` message first: browsers cannot set headers on a WebSocket), subscribes to channels
 * (optionally to some symbols only), and then receives for each channel one `snapshot` (the state
 * now: the latest points, open positions, working orders...) followed by `event`s in order, each
 * with the channel's next sequence number. A gap in `seq` means messages were lost: resubscribe
 * to get a fresh snapshot. A reconnecting client does the same.
 *
 * A client that reads too slowly is disconnected (close code 4008, the reason in the close frame)
 * rather than let its queue grow: the trading node never waits for a browser.
 */
import { z } from 'zod';

export const WS_PROTOCOL_VERSION = 1;

export const WS_CHANNELS = ['equity', 'orders', 'fills', 'positions', 'signals', 'risk', 'logs', 'jobs'] as const;
export type WsChannel = (typeof WS_CHANNELS)[number];

/** Close codes the server uses (4000-4999 are the application's). */
export const WS_CLOSE = {
  /** No valid token within the authentication window, or a revoked one. */
  unauthorized: 4001,
  /** The token's role may not join a channel it asked for on connect. */
  forbidden: 4003,
  /** A message that is not JSON or not in this protocol, too often. */
  badMessage: 4000,
  /** The client read too slowly: its send queue passed the limit. */
  slowConsumer: 4008,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;

// ---- client -> server ----

const requestId = z.string().max(64).optional().describe('echoed in the answer');

export const wsAuth = z.strictObject({ type: z.literal('auth'), id: requestId, token: z.string().max(200) });
export const wsSubscribe = z.strictObject({
  type: z.literal('subscribe'),
  id: requestId,
  channels: z.array(z.enum(WS_CHANNELS)).min(1),
  /** Only these symbols on symbol-bearing channels (orders, fills, positions, signals); all when absent. */
  symbols: z.array(z.string().min(1).max(32)).max(1000).optional(),
});
export const wsUnsubscribe = z.strictObject({
  type: z.literal('unsubscribe'),
  id: requestId,
  channels: z.array(z.enum(WS_CHANNELS)).min(1),
});
export const wsPing = z.strictObject({ type: z.literal('ping'), id: requestId });

export const wsClientMessage = z.discriminatedUnion('type', [wsAuth, wsSubscribe, wsUnsubscribe, wsPing]);
export type WsClientMessage = z.infer<typeof wsClientMessage>;

// ---- channel payloads (snake_case, ISO-8601 UTC times, as the HTTP API) ----

export const equityPoint = z.object({
  run_id: z.string(),
  time: z.string(),
  equity: z.number(),
  cash: z.number(),
  drawdown: z.number().describe('negative fraction from the high-water mark, 0 at a new high'),
  gross_exposure: z.number(),
  net_exposure: z.number(),
});
export const orderUpdate = z.object({
  run_id: z.string(),
  client_order_id: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.string(),
  qty: z.number(),
  limit_price: z.number().nullable(),
  status: z.string(),
  filled_qty: z.number(),
  avg_fill_price: z.number().nullable(),
  reason: z.string().nullable(),
  time: z.string(),
});
export const fillEvent = z.object({
  run_id: z.string(),
  client_order_id: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  qty: z.number(),
  price: z.number(),
  fee: z.number(),
  time: z.string(),
});
export const positionUpdate = z.object({
  run_id: z.string(),
  symbol: z.string(),
  qty: z.number().describe('signed: negative is short; 0 once flat'),
  avg_price: z.number().nullable(),
  market_value: z.number(),
  unrealized_pnl: z.number(),
});
export const signalEvent = z.object({
  run_id: z.string(),
  symbol: z.string(),
  time: z.string(),
  /** A trading session's signal: its direction (`long`, `short`, `flat`). */
  name: z.string(),
  /** A trading session's signal: its target weight. */
  value: z.number().nullable(),
  /** The strategy that emitted it (a trading session's signals carry it). */
  strategy: z.string().optional(),
  /** 0..1, as signals.csv's `confidence` (a trading session's signals carry it). */
  confidence: z.number().optional(),
});
export const riskUpdate = z.object({
  run_id: z.string().nullable(),
  state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  reason: z.string().nullable(),
  paused: z.boolean(),
  time: z.string(),
});
export const logLine = z.object({
  time: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error', 'fatal']),
  component: z.string().nullable(),
  msg: z.string(),
});
export const jobUpdate = z.object({
  job_id: z.string(),
  kind: z.enum(['backtest', 'sweep', 'walkforward']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  /** 0..1, null while unknown. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string().nullable(),
  /** The run, sweep or walk-forward it made, once known. */
  result_id: z.string().nullable(),
  time: z.string(),
});

export const WS_PAYLOADS = {
  equity: equityPoint,
  orders: orderUpdate,
  fills: fillEvent,
  positions: positionUpdate,
  signals: signalEvent,
  risk: riskUpdate,
  logs: logLine,
  jobs: jobUpdate,
} as const satisfies Record<WsChannel, z.ZodType>;

export type WsPayload<C extends WsChannel> = z.infer<(typeof WS_PAYLOADS)[C]>;

/** Channels whose payloads carry a `symbol`, filtered by a subscription's `symbols`. */
export const SYMBOL_CHANNELS: readonly WsChannel[] = ['orders', 'fills', 'positions', 'signals'];

// ---- server -> client ----

const v = z.literal(WS_PROTOCOL_VERSION);

export const wsHello = z.object({
  v,
  type: z.literal('hello'),
  server_version: z.string(),
  /** Null until the client authenticates. */
  role: z.enum(['viewer', 'operator', 'admin']).nullable(),
  channels: z.array(z.object({ name: z.enum(WS_CHANNELS), access: z.string(), description: z.string() })),
});
export const wsSubscribed = z.object({
  v,
  type: z.literal('subscribed'),
  id: z.string().optional(),
  channels: z.array(z.enum(WS_CHANNELS)),
  symbols: z.array(z.string()).nullable(),
});
export const wsUnsubscribed = z.object({
  v,
  type: z.literal('unsubscribed'),
  id: z.string().optional(),
  channels: z.array(z.enum(WS_CHANNELS)),
});
export const wsSnapshot = z.object({
  v,
  type: z.literal('snapshot'),
  channel: z.enum(WS_CHANNELS),
  /** The last sequence number the snapshot includes; the next event has seq + 1. */
  seq: z.number().int(),
  items: z.array(z.unknown()).describe("the channel's payloads: the state now, oldest first"),
});
export const wsEvent = z.object({
  v,
  type: z.literal('event'),
  channel: z.enum(WS_CHANNELS),
  seq: z.number().int(),
  data: z.unknown().describe("one payload of the channel's shape"),
});
export const wsPong = z.object({ v, type: z.literal('pong'), id: z.string().optional(), time: z.string() });
export const wsError = z.object({
  v,
  type: z.literal('error'),
  id: z.string().optional(),
  /** The HTTP API's error shape (without `ok`). */
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }),
});

export const wsServerMessage = z.discriminatedUnion('type', [
  wsHello,
  wsSubscribed,
  wsUnsubscribed,
  wsSnapshot,
  wsEvent,
  wsPong,
  wsError,
]);
export type WsServerMessage = z.infer<typeof wsServerMessage>;

/**
 * Where the trading node, the job runner and the log stream publish what `/ws` fans out. In
 * process by default; through Redis pub/sub when `MOMENTIC_REDIS_URL` is set, so a server can show
 * nodes running in other processes. Publishing never blocks and never throws.
 */
export interface FeedPublisher {
  publish<C extends WsChannel>(channel: C, data: WsPayload<C>): void;
}

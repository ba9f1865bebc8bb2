/**
 * Alpaca's Trading REST API (`venues.alpaca.trading_url`, the paper account by default): orders
 * placed and cancelled under our client order ids, and the broker reads reconciliation needs.
 * Every payload is validated (./schemas.ts) before use; transient failures (429 with
 * Retry-After, 5xx, timeouts) go through the HttpClient's retry policy, which is safe for a
 * POST here because the client order id makes a resent order a duplicate, never a second order.
 * @see ../shared/specs/alpaca/trading/openapi.yaml
 */
import type { z } from 'zod';
import { VenueError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { ProviderContext } from '../../context.js';
import { HttpClient, type HttpResponse } from '../../http/http-client.js';
import type { RejectCode } from '../../../engine/ports.js';
import { describeIssues } from '../mapper.js';
import { ALPACA_CREDENTIAL_VARS } from '../provider.js';
import type { BrokerAccount, BrokerFill, BrokerOrder, BrokerPosition } from './broker-types.js';
import {
  isDuplicateClientOrderId,
  positionSymbol,
  rejectCodeOf,
  statusOf,
  type AlpacaOrderBody,
} from './order-mapper.js';
import {
  alpacaAccountSchema,
  alpacaClockSchema,
  alpacaErrorSchema,
  alpacaFillActivityListSchema,
  alpacaOrderListSchema,
  alpacaOrderSchema,
  alpacaPositionListSchema,
  type AlpacaOrder,
} from './schemas.js';

export const ALPACA_DEFAULT_TRADING_URL = 'https://paper-api.alpaca.markets';
const VENUE = 'alpaca';
/** Alpaca's page size cap for orders and activities. */
const PAGE = 100;
/**
 * Connections kept open to the trading API: a bar's orders go out this many at a time over warm
 * connections (no handshake per order), a bounded load on the venue; the rest wait their turn.
 */
export const ALPACA_TRADING_CONNECTIONS = 16;

/** What the venue said to one order. `duplicate`: it already holds an order under that client order id. */
export type SubmitResult =
  | { readonly kind: 'accepted'; readonly order: AlpacaOrder }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly code: RejectCode; readonly reason: string };

/** What the venue said to a cancel: taken (the stream confirms it later), or too late / unknown. */
export type CancelResult = 'requested' | 'not_cancelable' | 'not_found';

export class AlpacaTradingApi {
  readonly #http: HttpClient;

  constructor(ctx: ProviderContext, options: { readonly logger?: Logger } = {}) {
    const cfg = ctx.config.venues.alpaca;
    const logger = options.logger ?? ctx.logger;
    this.#http = new HttpClient({
      venue: VENUE,
      baseUrl: cfg.trading_url === '' ? ALPACA_DEFAULT_TRADING_URL : cfg.trading_url,
      headers: keyHeaders(ctx.env),
      credentialVars: ALPACA_CREDENTIAL_VARS,
      timeoutMs: ctx.config.http.timeout_ms,
      retries: ctx.config.http.retries,
      backoffMs: ctx.config.http.backoff_ms,
      rateLimit: { limit: cfg.requests_per_minute, windowMs: 60_000 },
      connections: ALPACA_TRADING_CONNECTIONS,
      ...(ctx.sleep === undefined ? {} : { sleep: ctx.sleep }),
      ...(logger === undefined ? {} : { logger }),
    });
  }

  async submitOrder(body: AlpacaOrderBody, signal?: AbortSignal): Promise<SubmitResult> {
    const res = await this.#http.request('POST', '/v2/orders', {
      body,
      passStatuses: [403, 422],
      ...optSignal(signal),
    });
    if (res.status === 403 || res.status === 422) {
      const err = alpacaErrorSchema.safeParse(res.body);
      const message = err.success ? err.data.message : `HTTP ${res.status}`;
      if (isDuplicateClientOrderId(res.status, message)) {
        return { kind: 'duplicate' };
      }
      if (res.status === 403 && !/insufficient|buying power|qty|short/i.test(message)) {
        // A 403 that is not about the account's means: the keys may not trade here.
        throw new VenueError('VENUE_AUTH', `${VENUE} refused the order request (HTTP 403: ${message})`, {
          status: 403,
          hint: `set ${ALPACA_CREDENTIAL_VARS.join(' and ')} to keys allowed to trade at venues.alpaca.trading_url`,
          context: { venue: VENUE, value: 'POST /v2/orders' },
        });
      }
      return { kind: 'rejected', code: rejectCodeOf(res.status, message), reason: `alpaca: ${message}` };
    }
    return { kind: 'accepted', order: parse(alpacaOrderSchema, res, 'POST /v2/orders') };
  }

  async cancelOrder(venueOrderId: string, signal?: AbortSignal): Promise<CancelResult> {
    const path = `/v2/orders/${encodeURIComponent(venueOrderId)}`;
    const res = await this.#http.request('DELETE', path, { passStatuses: [404, 422], ...optSignal(signal) });
    return res.status === 404 ? 'not_found' : res.status === 422 ? 'not_cancelable' : 'requested';
  }

  /** The order under one of our client order ids, or undefined when the venue has none. */
  async orderByClientId(clientOrderId: string, signal?: AbortSignal): Promise<AlpacaOrder | undefined> {
    const path = '/v2/orders:by_client_order_id';
    const res = await this.#http.request('GET', path, {
      query: { client_order_id: clientOrderId },
      passStatuses: [404],
      ...optSignal(signal),
    });
    return res.status === 404 ? undefined : parse(alpacaOrderSchema, res, `GET ${path}`);
  }

  async account(signal?: AbortSignal): Promise<BrokerAccount> {
    const a = parse(alpacaAccountSchema, await this.#http.getJson('/v2/account', optSignal(signal)), 'GET /v2/account');
    return {
      accountId: a.id,
      status: a.status,
      currency: a.currency ?? 'USD',
      cash: a.cash,
      equity: a.equity,
      buyingPower: a.buying_power,
      isTradingBlocked: a.trading_blocked === true || a.account_blocked === true,
    };
  }

  /** The venue's time now (epoch ms): the cheapest read there is, a watchdog's probe. */
  async clock(signal?: AbortSignal): Promise<number> {
    const res = await this.#http.getJson('/v2/clock', optSignal(signal));
    return parse(alpacaClockSchema, res, 'GET /v2/clock').timestamp;
  }

  async positions(signal?: AbortSignal): Promise<BrokerPosition[]> {
    const res = await this.#http.getJson('/v2/positions', optSignal(signal));
    return parse(alpacaPositionListSchema, res, 'GET /v2/positions').map((p) => ({
      symbol: positionSymbol(p.symbol, p.asset_class),
      qty: p.side === 'short' ? -Math.abs(p.qty) : p.qty,
      avgEntryPrice: p.avg_entry_price,
      marketValue: p.market_value ?? NaN,
    }));
  }

  /**
   * Every open order, oldest first. Pages follow submission time; `after` is exclusive and our
   * timestamps are whole ms, so each page starts 1 ms before the last one seen and orders seen
   * already are skipped: orders sharing a millisecond across a page boundary are not lost.
   */
  async openOrders(signal?: AbortSignal): Promise<BrokerOrder[]> {
    const out: BrokerOrder[] = [];
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const res = await this.#http.getJson('/v2/orders', {
        query: { status: 'open', direction: 'asc', limit: PAGE, after },
        ...optSignal(signal),
      });
      const page = parse(alpacaOrderListSchema, res, 'GET /v2/orders');
      const fresh = page.filter((o) => !seen.has(o.id));
      for (const o of fresh) {
        seen.add(o.id);
        out.push(toBrokerOrder(o));
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined || fresh.length === 0) return out;
      after = new Date(last.created_at - 1).toISOString();
    }
  }

  /** The order under a client order id, in our terms; undefined when the venue has none. */
  async brokerOrder(clientOrderId: string, signal?: AbortSignal): Promise<BrokerOrder | undefined> {
    const o = await this.orderByClientId(clientOrderId, signal);
    return o === undefined ? undefined : toBrokerOrder(o);
  }

  /**
   * Every execution after `since` (epoch ms), oldest first, from the FILL account activities.
   * Activities carry the venue's order id only: our client order id is looked up per order.
   */
  async fillsSince(since: number, signal?: AbortSignal): Promise<BrokerFill[]> {
    const path = '/v2/account/activities/FILL';
    const fills: BrokerFill[] = [];
    const clientIds = new Map<string, string | undefined>();
    let token: string | undefined;
    for (;;) {
      const res = await this.#http.getJson(path, {
        query: { after: new Date(since).toISOString(), direction: 'asc', page_size: PAGE, page_token: token },
        ...optSignal(signal),
      });
      const page = parse(alpacaFillActivityListSchema, res, `GET ${path}`);
      for (const a of page) {
        if (!clientIds.has(a.order_id)) clientIds.set(a.order_id, await this.#clientIdOf(a.order_id, signal));
        fills.push({
          executionId: a.id,
          venueOrderId: a.order_id,
          clientOrderId: clientIds.get(a.order_id),
          symbol: a.symbol,
          side: a.side === 'sell' || a.side === 'sell_short' ? 'sell' : 'buy',
          qty: a.qty,
          price: a.price,
          ts: a.transaction_time,
        });
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined || last.id === token) return fills;
      token = last.id;
    }
  }

  async #clientIdOf(venueOrderId: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    const path = `/v2/orders/${encodeURIComponent(venueOrderId)}`;
    const res = await this.#http.request('GET', path, { passStatuses: [404], ...optSignal(signal) });
    return res.status === 404 ? undefined : parse(alpacaOrderSchema, res, 'GET /v2/orders/{order_id}').client_order_id;
  }
}

/** A validated wire order in our terms. */
export function toBrokerOrder(o: AlpacaOrder): BrokerOrder {
  const s = statusOf(o.status);
  const status = s === 'working' || s === 'replaced' ? (o.filled_qty > 0 ? 'partially_filled' : 'accepted') : s;
  return {
    venueOrderId: o.id,
    clientOrderId: o.client_order_id,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.time_in_force,
    qty: o.qty ?? NaN,
    filledQty: o.filled_qty,
    avgFillPrice: o.filled_avg_price ?? NaN,
    ...(o.limit_price == null ? {} : { limitPrice: o.limit_price }),
    ...(o.stop_price == null ? {} : { stopPrice: o.stop_price }),
    status,
    venueStatus: o.status,
    createdAt: o.created_at,
    updatedAt: o.updated_at ?? o.created_at,
  };
}

/** Key headers when both variables are set; requests without them get the venue's 401, named by the HttpClient. */
export function keyHeaders(env: ProviderContext['env']): Record<string, string> {
  const id = env.APCA_API_KEY_ID?.trim() ?? '';
  const secret = env.APCA_API_SECRET_KEY?.trim() ?? '';
  return id === '' || secret === '' ? {} : { 'APCA-API-KEY-ID': id, 'APCA-API-SECRET-KEY': secret };
}

function parse<T extends z.ZodType>(schema: T, res: HttpResponse, what: string): z.infer<T> {
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  throw new VenueError(
    'VENUE_BAD_RESPONSE',
    `${VENUE} answered ${what} with a payload that breaks its schema: ${describeIssues(parsed.error)}`,
    {
      status: res.status,
      hint: 'nothing from that answer was used; retry later, and report it to Alpaca if it persists',
      context: { venue: VENUE, value: what },
    },
  );
}

function optSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

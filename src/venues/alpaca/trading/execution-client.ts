/**
 * Alpaca as an ExecutionClient (src/engine/ports.ts): orders go to `POST /v2/orders` under our
 * client order ids, cancels to `DELETE /v2/orders/{id}`, and every outcome comes back as an
 * ExecutionEvent from the venue's answers and its `trade_updates` stream, never as an
 * exception. Calls are synchronous and fire-and-forget; the requests run behind them.
 *
 * A send whose outcome is unknown (retries exhausted, timeout) is settled by asking the venue for
 * the order by its client order id: found, it is followed like any other; absent, it is rejected
 * with `venue_unavailable`. After the stream reconnects, every working order is polled the same
 * way, so updates lost while it was down become events in order.
 */
import type { Clock } from '../../../engine/ports.js';
import { requireCredentials, type ProviderContext } from '../../context.js';
import type { VenueError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { OrderRequest, OrderState } from '../../../core/order.js';
import type { ExecutionClient, ExecutionEvent, ExecutionListener, OrderRecord } from '../../../engine/ports.js';
import { ALPACA_CREDENTIAL_VARS } from '../provider.js';
import { toAlpacaOrder } from './order-mapper.js';
import type { AlpacaTradeUpdate } from './schemas.js';
import { TrackedOrder } from './tracked-order.js';
import { AlpacaTradingApi, ALPACA_DEFAULT_TRADING_URL } from './trading-api.js';
import { TradeUpdatesStream, type TradeStreamState, type TradeUpdatesStreamOptions } from './trade-updates-stream.js';

export interface AlpacaExecutionClientOptions {
  /** Time of events the venue does not stamp (default the wall clock). */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Stream tuning: connection deadline and reconnection backoff. */
  readonly stream?: Pick<
    TradeUpdatesStreamOptions,
    'connectTimeoutMs' | 'backoffMs' | 'maxBackoffMs' | 'pingIntervalMs' | 'random'
  >;
  /** The REST client (default one built from the context); reconciliation may share it. */
  readonly api?: AlpacaTradingApi;
  /**
   * A listener threw while handling an event. Events arrive from sockets, where a throw would
   * crash the process, so it is caught: the session decides here whether to stop (default: log).
   */
  readonly onListenerError?: (error: unknown, event: ExecutionEvent) => void;
  /**
   * The trade_updates stream gave up for good (keys refused on a reconnection): orders can no
   * longer be followed, so the session must stop (default: log only).
   */
  readonly onStreamFailed?: (error: VenueError) => void;
}

const VENUE = 'alpaca';
const WALL: Clock = { now: () => Date.now() };

export class AlpacaExecutionClient implements ExecutionClient {
  readonly name = VENUE;
  /** The REST side: order placement and the broker reads (account, positions, orders, fills). */
  readonly api: AlpacaTradingApi;
  readonly #ctx: ProviderContext;
  readonly #o: AlpacaExecutionClientOptions;
  readonly #clock: Clock;
  readonly #orders = new Map<string, TrackedOrder>();
  readonly #byVenueId = new Map<string, TrackedOrder>();
  readonly #listeners: ExecutionListener[] = [];
  #stream: TradeUpdatesStream | undefined;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(ctx: ProviderContext, options: AlpacaExecutionClientOptions = {}) {
    this.#ctx = ctx;
    this.#o = options;
    this.#clock = options.clock ?? WALL;
    this.api = options.api ?? new AlpacaTradingApi(ctx, options.logger === undefined ? {} : { logger: options.logger });
  }

  /** Opens the trade_updates stream; rejects (VENUE_AUTH, VENUE_UNAVAILABLE) when it cannot. */
  async connect(): Promise<void> {
    const [keyId, secretKey] = requireCredentials(VENUE, this.#ctx.env, ALPACA_CREDENTIAL_VARS) as [string, string];
    const url = this.#ctx.config.venues.alpaca.trading_url;
    this.#stream = new TradeUpdatesStream({
      tradingUrl: url === '' ? ALPACA_DEFAULT_TRADING_URL : url,
      keyId,
      secretKey,
      onUpdate: (u) => this.#onUpdate(u),
      onReconnected: () => void this.resync(),
      onFailed: (e) => this.#streamFailed(e),
      ...(this.#logger === undefined ? {} : { logger: this.#logger }),
      ...(this.#ctx.sleep === undefined ? {} : { sleep: this.#ctx.sleep }),
      ...this.#o.stream,
    });
    await this.#stream.start();
  }

  close(): void {
    this.#stream?.stop();
  }

  /** Called when the trade_updates stream gives up for good (see `onStreamFailed`). */
  onStreamFailed: ((error: VenueError) => void) | undefined;
  /** Why orders can no longer be followed, once the stream has given up. */
  #streamFailure: VenueError | undefined;

  /**
   * The stream gave up: no new order is placed (it could not be followed), the working ones are
   * asked for once through REST (what the stream would have said, if REST still answers), then
   * the owner is told.
   */
  #streamFailed(e: VenueError): void {
    this.#streamFailure = e;
    const tell = (): void => (this.onStreamFailed ?? this.#o.onStreamFailed)?.(e);
    this.resync().then(tell, tell);
  }

  get streamState(): TradeStreamState {
    return this.#stream?.state ?? 'idle';
  }
  /** Stream messages dropped as malformed (logged one by one). */
  get malformedUpdates(): number {
    return this.#stream?.malformedCount ?? 0;
  }
  get reconnects(): number {
    return this.#stream?.reconnectCount ?? 0;
  }
  /** Epoch ms since when the stream has been down; undefined while it is live (or never started). */
  get streamDownSince(): number | undefined {
    return this.#stream?.downSince;
  }

  submit(order: OrderRequest): void {
    const ts = this.#clock.now();
    if (this.#orders.has(order.clientOrderId)) {
      const reason = `client order id ${order.clientOrderId} is already in use`;
      const rejection = {
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        reason,
        source: 'venue' as const,
        ts,
      };
      this.#emit([{ kind: 'rejected', ts, order: undefined, code: 'duplicate_client_order_id', rejection }]);
      return;
    }
    const t = new TrackedOrder(order, ts);
    this.#orders.set(order.clientOrderId, t);
    if (this.#streamFailure !== undefined) {
      this.#emit(t.reject('venue_unavailable', `not sent: ${this.#streamFailure.message}`, ts));
      return;
    }
    const mapped = toAlpacaOrder(order);
    if (!mapped.ok) {
      this.#emit(t.reject(mapped.code, mapped.reason, ts));
      return;
    }
    void this.#track(this.#send(t, mapped.body));
  }

  cancel(clientOrderId: string): void {
    const t = this.#orders.get(clientOrderId);
    if (t === undefined || t.isDone || t.isCancelWanted) return;
    t.isCancelWanted = true;
    // Before the venue answered the order there is nothing to cancel yet: #send does it then.
    if (t.venueOrderId !== undefined) void this.#track(this.#cancel(t));
  }

  subscribe(listener: ExecutionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  order(clientOrderId: string): OrderRecord | undefined {
    return this.#orders.get(clientOrderId)?.record();
  }

  openOrders(symbol?: string): readonly OrderState[] {
    const out: OrderState[] = [];
    for (const t of this.#orders.values()) {
      if (!t.isDone && (symbol === undefined || t.request.symbol === symbol)) out.push(t.snapshot());
    }
    return out;
  }

  /**
   * Follows an order sent in an earlier session (the outbox sent it before a restart): the venue
   * is asked for it by client order id, and its events come from this client from now on. An
   * order the venue does not have is rejected with `venue_unavailable`.
   */
  follow(order: OrderRequest): void {
    if (this.#orders.has(order.clientOrderId)) return;
    const t = new TrackedOrder(order, this.#clock.now());
    this.#orders.set(order.clientOrderId, t);
    t.isUnresolved = true;
    void this.#track(this.#refresh(t));
  }

  /** Stream messages received (valid or not): tests wait for a fake's messages with it. */
  get updatesSeen(): number {
    return this.#stream?.receivedCount ?? 0;
  }

  /** The venue's id of one of our orders, once it answered. */
  venueOrderId(clientOrderId: string): string | undefined {
    return this.#orders.get(clientOrderId)?.venueOrderId;
  }

  /** Resolves once every request made so far has been answered (tests, graceful shutdown). */
  whenIdle(): Promise<void> {
    return this.#inFlight === 0 ? Promise.resolve() : new Promise((r) => this.#idleWaiters.push(r));
  }

  /** Polls every working order by client order id and folds what the venue says into events. */
  async resync(): Promise<void> {
    const work = [...this.#orders.values()].filter(
      (t) => !t.isDone && (t.venueOrderId !== undefined || t.isUnresolved),
    );
    await this.#track(
      (async () => {
        for (const t of work) await this.#refresh(t);
      })(),
    );
  }

  get #logger(): Logger | undefined {
    return this.#o.logger ?? this.#ctx.logger;
  }

  async #send(t: TrackedOrder, body: Parameters<AlpacaTradingApi['submitOrder']>[0]): Promise<void> {
    const id = t.request.clientOrderId;
    try {
      const r = await this.api.submitOrder(body);
      if (r.kind === 'accepted') this.#apply(t, r.order, this.#clock.now());
      else if (r.kind === 'rejected') this.#emit(t.reject(r.code, r.reason, this.#clock.now()));
      // The venue already holds an order under this id (sent before a restart, or a retried POST
      // whose first attempt landed): it is ours, so follow it.
      else await this.#refresh(t);
    } catch (e) {
      this.#logger?.warn(
        { venue: VENUE, clientOrderId: id },
        `alpaca: order send failed (${(e as Error).message}); asking the venue`,
      );
      t.isUnresolved = true;
      await this.#refresh(t, (e as Error).message);
    }
    if (t.isCancelWanted && !t.isDone && t.venueOrderId !== undefined) await this.#cancel(t);
  }

  async #cancel(t: TrackedOrder): Promise<void> {
    try {
      const r = await this.api.cancelOrder(t.venueOrderId as string);
      // Too late or unknown: the order filled or ended first; the venue's view says which.
      if (r !== 'requested') await this.#refresh(t);
    } catch (e) {
      t.isCancelWanted = false; // a later cancel may try again
      this.#logger?.warn(
        { venue: VENUE, clientOrderId: t.request.clientOrderId },
        `alpaca: cancel failed (${(e as Error).message})`,
      );
    }
  }

  /** Asks the venue for the order by client order id; `sendError` set means our send may not have landed. */
  async #refresh(t: TrackedOrder, sendError?: string): Promise<void> {
    const id = t.request.clientOrderId;
    try {
      const o = await this.api.orderByClientId(id);
      if (o !== undefined) this.#apply(t, o, this.#clock.now());
      else if (t.isUnresolved) {
        this.#emit(
          t.reject('venue_unavailable', `alpaca never took the order: ${sendError ?? 'not found'}`, this.#clock.now()),
        );
      }
    } catch (e) {
      this.#logger?.error(
        { venue: VENUE, clientOrderId: id },
        `alpaca: cannot read order ${id} (${(e as Error).message}); it stays open until the next poll`,
      );
    }
  }

  #onUpdate(u: AlpacaTradeUpdate): void {
    const t = this.#orders.get(u.order.client_order_id) ?? this.#byVenueId.get(u.order.id);
    if (t === undefined) {
      this.#logger?.debug({ venue: VENUE, event: u.event }, 'alpaca: update for an order that is not ours');
      return;
    }
    if (u.event === 'replaced' && u.order.replaced_by != null) {
      // The venue replaced the order (a corporate action): it lives on under the new id.
      this.#byVenueId.set(u.order.replaced_by, t);
      t.venueOrderId = u.order.replaced_by;
      this.#logger?.warn({ venue: VENUE, clientOrderId: t.request.clientOrderId }, 'alpaca: order replaced');
      return;
    }
    const ts = u.timestamp ?? u.order.updated_at ?? this.#clock.now();
    this.#apply(t, u.order, ts, { qty: u.qty, price: u.price });
  }

  #apply(t: TrackedOrder, o: Parameters<TrackedOrder['apply']>[0], ts: number, hint = {}): void {
    if (t.venueOrderId === undefined || t.venueOrderId === o.id) this.#byVenueId.set(o.id, t);
    this.#emit(t.apply(o, ts, hint));
  }

  #emit(events: readonly ExecutionEvent[]): void {
    for (const e of events) {
      for (const l of [...this.#listeners]) {
        try {
          l(e);
        } catch (err) {
          // Events arrive from sockets and answers: a throwing listener must not kill the stream.
          if (this.#o.onListenerError !== undefined) this.#o.onListenerError(err, e);
          else
            this.#logger?.error({ venue: VENUE, event: e.kind }, `alpaca: an execution listener threw: ${String(err)}`);
        }
      }
    }
  }

  async #track(work: Promise<void>): Promise<void> {
    this.#inFlight++;
    try {
      await work;
    } catch (e) {
      // A listener threw inside an answer's continuation: report it rather than lose it.
      this.#logger?.error({ venue: VENUE }, `alpaca: event handling failed: ${(e as Error).message}`);
    } finally {
      if (--this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  }
}

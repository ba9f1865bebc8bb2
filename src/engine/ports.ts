/**
 * Every port of the kernel, in one place (docs/engine.md). The engine depends on these
 * interfaces only; a mode is a choice of implementations:
 *   backtest: BacktestClock + SeriesBarSource (loaded series) + SimulatedExchange
 *   paper:    WallClock     + PushBarSource (a live feed)    + SimulatedExchange
 *   live:     WallClock     + PushBarSource (a live feed)    + the venue's ExecutionClient
 * A `LiveFeed` (a venue's stream, or a file replayed) pushes into the PushBarSource.
 * `DataProvider` feeds the data zones and the bar sources; `PreTradeCheck` is the risk manager
 * between the OrderManager and the ExecutionClient; `Ledger` is where the OrderManager journals
 * every order before it is sent.
 */
import type { Bar } from '../core/bar.js';
import type { OrderStatus, Side, Timeframe } from '../core/enums.js';
import type { Instrument } from '../core/instrument.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from '../core/reference-data.js';
import type { Fill, OrderRejection, OrderRequest, OrderState } from '../core/order.js';
import type { Trade } from '../portfolio/trade-ledger.js';
import type { PortfolioView } from '../strategies/api.js';

// ---------------------------------------------------------------------------------------------
// Clock

/** The one source of "now" for every component (epoch ms). */
export interface Clock {
  now(): number;
}

/** The engine's clock: a backtest moves it bar by bar; a wall clock ignores `advanceTo`. */
export interface EngineClock extends Clock {
  advanceTo(ts: number): void;
}

// ---------------------------------------------------------------------------------------------
// BarSource

/** Columns of one symbol's bars; a BarSeries is one. Bars past the visible count may exist. */
export interface BarColumns {
  readonly symbol: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** One timestamp of the merged stream: its ts and the slots (symbol indices) with a bar starting at it. */
export interface SliceCursor {
  ts: number;
  /** Slots written to `slots[0..n)`, ascending (so in symbol-name order). */
  n: number;
  readonly slots: Int32Array;
}

/**
 * Where bars come from, one timestamp at a time. Symbols are in slot order, sorted by name
 * (code-unit order), so bars of one timestamp are always delivered in the same order. The bar of
 * slot s at the k-th slice containing s is `columns(s)` at index k.
 *
 * A source with every bar at hand (a backtest's loaded series) is pulled until `next` says
 * false. A source that is pushed to (a live feed) also has `onReady`: it calls the listener
 * whenever one or more timestamps have become complete, and the node drains them with `next`;
 * `next` returning false then only means "nothing more yet", until `isDone`.
 */
export interface BarSource {
  readonly symbols: readonly string[];
  /** Total bars over all symbols when known up front (progress), else undefined. */
  readonly totalBars: number | undefined;
  columns(slot: number): BarColumns;
  /** Fills `out` with the next complete timestamp; false when there is none (yet). */
  next(out: SliceCursor): boolean;
  /** Push sources: calls `listener` when timestamps become ready; returns the unsubscribe function. */
  onReady?(listener: () => void): () => void;
  /** Push sources: true once no bar will ever come again (the feed ended). */
  readonly isDone?: boolean;
}

// ---------------------------------------------------------------------------------------------
// LiveFeed

/** Where a live feed delivers: the node's pushed bar source (and the session's bars.csv). */
export interface FeedSink {
  /**
   * A closed bar, delivered once (the feed dedupes) and in time order per symbol (a late bar
   * older than one already delivered is the feed's to drop and log). `arrivedAt` is the wall
   * clock (epoch ms) when it reached us; warm-up and backfilled bars carry theirs too, with
   * `history` true: fetched after their time on purpose, they are never stale data.
   */
  bar(bar: Bar, arrivedAt: number, history?: boolean): void;
  /** No bar starting before `ts` will come any more: timestamps before it can be stepped. */
  closeThrough(ts: number): void;
  /** The feed's stream was lost and it is reconnecting (counted by the session's metrics). */
  reconnecting?(): void;
  /**
   * Bars per symbol the session holds without orders from its first one: the engine's warm-up
   * (the run's `warmup` or the strategy's `ctx.warmUp`, the larger), known once the strategy's
   * `init` ran. A replayed file delivers no more history than this (a session holds orders on
   * history, its backtest only on the warm-up); a venue's feed fetches `live.warmup_bars`.
   */
  readonly warmupBars?: number;
}

/**
 * A source of live bars for paper and live sessions: a venue's market-data stream (with its
 * warm-up history and gap backfill through REST), or a bars file replayed as if it streamed.
 * `run` delivers warm-up bars first, then live ones, until the feed ends (a replay's last bar)
 * or `signal` aborts; it resolves then, and rejects only when the feed cannot go on (for
 * example authentication refused, or the stream lost longer than its timeout).
 */
export interface LiveFeed {
  /** `replay`, or the venue name (`alpaca`). */
  readonly name: string;
  readonly symbols: readonly string[];
  run(sink: FeedSink, signal: AbortSignal): Promise<void>;
  /**
   * The feed's connection to its venue while `run` runs (a stream's watchdog reads it);
   * undefined before the run, and for a feed with nothing to lose (a replay).
   */
  link?(): FeedLink | undefined;
}

/** Whether a feed's venue connection is up, and since when (epoch ms, on the feed's clock). */
export interface FeedLink {
  readonly isUp: boolean;
  readonly since: number;
}

/** A venue that learns prices from the engine's bars: the SimulatedExchange (backtest, paper). */
export interface BarDrivenVenue {
  /** The venue's side of one symbol's bars, resolved once so no bar pays a symbol lookup. */
  barsOf(symbol: string): VenueBars;
}

export interface VenueBars {
  onBar(bar: Bar): void;
  /** After strategies reacted to the bar (`fill: 'close'` fills happen here). */
  onBarEnd(bar: Bar): void;
}

// ---------------------------------------------------------------------------------------------
// DataProvider

/** Bars of one symbol with `start <= ts < end` (epoch ms; for daily bars ts is the session date at 00:00 UTC). */
export interface BarRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly start: number;
  readonly end: number;
}

export interface FetchOptions {
  readonly signal?: AbortSignal;
}

/**
 * A source of historical bars. `fetchBars` yields pages in ascending time order; every bar has
 * `start <= ts < end`, valid numbers, and the canonical ts convention. Vendor errors arrive as
 * VenueError (retryable or not) after the adapter's own retries.
 */
export interface DataProvider {
  readonly name: string;
  /** The instrument as this provider sees it (asset class, calendar, ticks). */
  instrument(symbol: string): Instrument;
  fetchBars(request: BarRequest, options?: FetchOptions): AsyncIterable<readonly Bar[]>;
  /** The provider that served the last page (a failover chain names its member). */
  readonly currentSource?: string;
  /** Symbols this provider serves by default (the synthetic universe); empty when not applicable. */
  defaultSymbols?(): readonly string[];
  /**
   * Whether the provider has bars for a symbol, when it can tell without asking a vendor (the
   * synthetic provider knows its universe); absent when only a request would say.
   */
  serves?(symbol: string): boolean;
}

// ---------------------------------------------------------------------------------------------
// ReferenceDataProvider

/** A record a provider sent that could not be used, with why (it goes to the quarantine zone). */
export interface ReferenceRowRejection {
  /** The endpoint or item it came from (`GET /v2/assets`, `synthetic`). */
  readonly where: string;
  /** The record as received (JSON text for vendor payloads). */
  readonly raw: string;
  readonly reason: string;
}

/** Usable records and the refused ones: one bad record never costs the good ones. */
export interface ReferenceBatch<T> {
  readonly records: readonly T[];
  readonly rejected: readonly ReferenceRowRejection[];
}

/**
 * A source of reference data (listing, borrow and size facts, corporate actions, scheduled
 * events) behind the files of `data/reference/`. Dates are ISO `YYYY-MM-DD`. A broken envelope
 * or a vendor error is a VenueError after the adapter's retries; a broken single record is a
 * rejection in the batch.
 */
export interface ReferenceDataProvider {
  readonly name: string;
  /** Asset records as the provider knows them on `asOf` (each carries `asOf`). */
  assets(symbols: readonly string[], asOf: string, options?: FetchOptions): Promise<ReferenceBatch<AssetRecord>>;
  /** Splits, cash dividends and symbol changes with `from <= ex_date <= to`. */
  corporateActions(
    symbols: readonly string[],
    from: string,
    to: string,
    options?: FetchOptions,
  ): Promise<ReferenceBatch<CorporateAction>>;
  /** Scheduled events (earnings) with `from <= date <= to`, for providers that know them. */
  events?(symbols: readonly string[], from: string, to: string): Promise<ReferenceBatch<ScheduledEvent>>;
  /** Symbols served by default (the synthetic universe). */
  defaultSymbols?(): readonly string[];
}

// ---------------------------------------------------------------------------------------------
// PreTradeCheck

/** What a pre-trade check reads of the account, beside the order. */
export interface PreTradeAccount {
  readonly portfolio: PortfolioView;
  /** Latest close of a symbol of the run; NaN before its first bar or for another symbol. */
  price(symbol: string): number;
  /** Signed quantity of the symbol's open market orders not filled yet. */
  pendingQty(symbol: string): number;
  /** The account's mark of a symbol (its latest close, or its first fill's price before any); NaN when never priced. */
  mark(symbol: string): number;
}

/**
 * A pre-trade check between the OrderManager and the venue (the risk manager): a reason denies.
 * The engine also tells it the equity at every bar close (before the strategy's hooks run), with
 * the round trips closed so far, and flattens the account when it asks to (a halted kill switch).
 */
export interface PreTradeCheck {
  check(order: OrderRequest, account: PreTradeAccount): string | undefined;
  onMark?(ts: number, equity: number, trades: readonly Trade[]): void;
  /** True once when every position must be closed now (orders tagged `kill-switch`). */
  takeFlatten?(): boolean;
  /** A venue call failed after its retries (the kill switch halts after N in a row). */
  onVenueError?(message: string, ts: number): void;
  /** A venue call succeeded (the run of errors is broken). */
  onVenueOk?(): void;
  /**
   * The newest market data is `ageMs` old at `ts` (a live session tells it on a timer; stale
   * data moves the kill switch to REDUCING).
   */
  onDataAge?(ageMs: number, ts: number): void;
  /**
   * What the account holds of `symbol`, or its open orders carry, may have changed outside a bar
   * close (a fill, an acknowledgement, an order that ended): for a check that keeps figures of
   * the account between calls. Marks change only at a bar close, which `onMark` tells.
   */
  onAccountChange?(symbol: string): void;
}

// ---------------------------------------------------------------------------------------------
// Ledger

/**
 * Where the OrderManager journals orders (the durable ledger in paper and live). Every call
 * happens before the effect it records: an order is persisted before it is sent, so a restart
 * resends exactly what was never sent. Calls are synchronous; an implementation may queue them
 * for an asynchronous store as long as it keeps their order.
 */
export interface Ledger {
  persist(order: OrderRequest, ts: number): void;
  markSent(clientOrderId: string, ts: number): void;
  transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void;
  fill(fill: Fill): void;
}

// ---------------------------------------------------------------------------------------------
// ExecutionClient
/**
 * The execution port of DESIGN.md ("Execution and risk"): the order manager talks to this one
 * interface whether orders go to the SimulatedExchange (backtest, paper) or to a venue (live).
 * Requests are fire-and-forget and synchronous; every outcome (acceptance, fills, cancels,
 * expiry, rejection with a reason) arrives as an ExecutionEvent, never as an exception
 * (STYLE.md: nautilus_trader, "a risk denial is an event with a reason").
 */
export interface ExecutionClient {
  /** `simulated`, or the venue name (`alpaca`, `binance`). */
  readonly name: string;
  /**
   * Places an order. The client order id is the idempotency key: a second submission with an
   * id already known never creates a second order (it is answered by a `rejected` event with
   * code `duplicate_client_order_id` and `order: undefined`; the first order is untouched).
   */
  submit(order: OrderRequest): void;
  /**
   * Asks to cancel a working order (and every working member of its bracket or OCO group). The
   * `cancelled` event may come later than the call (a venue, or a simulated latency, has to
   * process it first) and never comes when the order filled first. Unknown or finished orders
   * are ignored: cancelling is idempotent.
   */
  cancel(clientOrderId: string): void;
  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: ExecutionListener): () => void;
  /** The order behind a client order id, with its full transition history. */
  order(clientOrderId: string): OrderRecord | undefined;
  /** Orders not yet in a terminal state, optionally of one symbol, in submission order. */
  openOrders(symbol?: string): readonly OrderState[];
}

export type ExecutionListener = (event: ExecutionEvent) => void;

/**
 * What a simulated venue reads of the account it trades for, to check buying power: the equity
 * now (the portfolio's, marked at the latest close). A callback, so the venue never holds the
 * portfolio and the engine never imports the venue.
 */
export interface VenueAccount {
  equity(): number;
}

/** Stable codes of venue rejections, for the order manager and `orders.csv`. */
export const RejectCode = {
  DuplicateClientOrderId: 'duplicate_client_order_id',
  UnknownSymbol: 'unknown_symbol',
  InvalidQty: 'invalid_qty',
  InvalidPrice: 'invalid_price',
  /** A field combination the venue does not support (a stop with tif opg, a bracket without legs). */
  InvalidOrder: 'invalid_order',
  NotShortable: 'not_shortable',
  /** The order would take gross exposure beyond the account's buying power (a multiple of equity). */
  InsufficientBuyingPower: 'insufficient_buying_power',
  /** A live venue could not be reached and never took the order (it answered that it has none). */
  VenueUnavailable: 'venue_unavailable',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** One step of an order's lifecycle (new -> accepted -> partially_filled -> filled | ...). */
export interface OrderTransition {
  readonly status: OrderStatus;
  readonly ts: number;
  readonly reason?: string;
}

/** An order with everything `orders.csv` needs: final status, reason, fees and every transition. */
export interface OrderRecord extends OrderState {
  /** Total fees charged to the order's fills. */
  readonly fees: number;
  readonly history: readonly OrderTransition[];
}

interface EventBase {
  /** When the event happened: submission time, or the `ts` of the bar it happened on. */
  readonly ts: number;
  /** The order after the transition (a snapshot: later changes do not alter it). */
  readonly order: OrderState;
}

export interface OrderAcceptedEvent extends EventBase {
  readonly kind: 'accepted';
}

/** A fill; `kind` is the order's status after it. */
export interface OrderFilledEvent extends EventBase {
  readonly kind: 'partially_filled' | 'filled';
  readonly fill: Fill;
  /** Adverse price distance between the fill rule's price and `fill.price` (slippage model and tick rounding). */
  readonly slippage: number;
}

export interface OrderEndedEvent extends EventBase {
  readonly kind: 'cancelled' | 'expired';
  readonly reason: string;
}

export interface OrderRejectedEvent {
  readonly kind: 'rejected';
  readonly ts: number;
  /** The rejected order, or undefined when no order was created (a duplicate client order id). */
  readonly order: OrderState | undefined;
  readonly code: RejectCode;
  readonly rejection: OrderRejection;
}

export type ExecutionEvent = OrderAcceptedEvent | OrderFilledEvent | OrderEndedEvent | OrderRejectedEvent;

// ---------------------------------------------------------------------------------------------
// BrokerAccount

/** An order as the broker holds it, under our client order id. */
export interface BrokerOrder {
  readonly clientOrderId: string;
  readonly venueOrderId?: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly status: OrderStatus;
  readonly filledQty: number;
}

/** One execution at the broker; `execId` is the broker's id of it (the ledger's dedupe key). */
export interface BrokerFill {
  readonly execId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly ts: number;
}

export interface BrokerPosition {
  readonly symbol: string;
  /** Signed (short < 0). */
  readonly qty: number;
  readonly avgPrice: number;
}

/**
 * What a session reads of the broker's books to reconcile its ledger with them (on start and
 * every `live.reconcile_every`): the account, positions, open orders, any order by our client
 * order id, and executions since a time. A simulated venue has nothing to reconcile.
 */
export interface BrokerAccount {
  readonly name: string;
  cash(): Promise<number>;
  positions(): Promise<readonly BrokerPosition[]>;
  openOrders(): Promise<readonly BrokerOrder[]>;
  /** Undefined when the broker has no order under this client order id. */
  order(clientOrderId: string): Promise<BrokerOrder | undefined>;
  fillsSince(ts: number): Promise<readonly BrokerFill[]>;
}

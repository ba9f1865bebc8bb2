/**
 * The strategy API of DESIGN.md ("Strategy API"): the same strategy code runs in backtest, paper
 * and live; only the clock, the bar source and the execution client behind the context change
 * (STYLE.md, nautilus_trader). The context is kept small on purpose (STYLE.md: not LEAN's
 * 100-member IAlgorithm). Hooks are synchronous; outcomes of orders arrive later as events
 * (`onFill`, `onOrderRejected`), never as return values or exceptions. docs/strategy-api.md.
 */
import type { Indicator, OhlcvBar } from '../analytics/indicators/indicator.js';
import type { TradingCalendar } from '../calendar/types.js';
import type { Bar } from '../core/bar.js';
import type { Fill, OrderRejection, OrderRequest, OrderState } from '../core/order.js';
import type { Position } from '../core/position.js';

/** Every symbol's bar at one timestamp, in symbol-name order (for cross-sectional strategies). */
export interface Slice {
  /** The bars' start (daily bars: the session date at 00:00 UTC). */
  readonly ts: number;
  /** Only symbols with a bar at `ts`. Valid during the hook only: the engine reuses these objects. */
  readonly bars: readonly Bar[];
  /** A bar of this slice is the first of its trading session (always true for daily bars). */
  readonly isSessionOpen: boolean;
  /** A bar of this slice is the last of its trading session (always true for daily bars). */
  readonly isSessionClose: boolean;
}

/** A bar field an indicator over one series reads. */
export type PriceField = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Past bars of one symbol, ending at the current bar: `ago = 0` is the latest bar whose close
 * time is <= now, `ago = 1` the one before. Asking for a later bar (a negative `ago`) throws a
 * LookaheadError: the future is not reachable through this view, and every array it returns is
 * a copy (a typed-array view would expose the whole buffer).
 */
export interface History {
  readonly symbol: string;
  /** Bars visible now (0 before the symbol's first bar). */
  readonly length: number;
  ts(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  /** The bar `ago` bars back, as a new object. */
  bar(ago?: number): Bar;
  /** The last `count` values of a field (default: all visible), oldest first, as a copy. */
  values(field: PriceField | 'ts', count?: number): Float64Array;
}

/** What a strategy may read of the account. */
export interface PortfolioView {
  readonly cash: number;
  /** Cash plus long minus short market value, at the latest marks. */
  readonly equity: number;
  /** Signed quantity held (0 when flat). */
  qty(symbol: string): number;
  /** Average entry price of the position, NaN when flat. */
  avgPrice(symbol: string): number;
  /** Non-flat positions. */
  positions(): readonly Position[];
}

/**
 * Optional fields of an order placed with `buy` or `sell` (the order request's own fields);
 * defaults: market, good till cancelled, and a client order id made deterministically from the
 * run, strategy, symbol and a counter (give `clientOrderId` to use your own idempotency key).
 */
export type OrderOptions = Partial<
  Pick<
    OrderRequest,
    | 'type'
    | 'tif'
    | 'limitPrice'
    | 'stopPrice'
    | 'trailAmount'
    | 'trailPercent'
    | 'orderClass'
    | 'takeProfit'
    | 'stopLoss'
    | 'tag'
    | 'clientOrderId'
  >
>;

/** A full order for `submit`. */
export interface OrderInput extends OrderOptions {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
}

export type SignalDirection = 'long' | 'short' | 'flat';

export interface SignalOptions {
  readonly targetWeight?: number;
  /** In [0, 1]; default 1. */
  readonly confidence?: number;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A trading session's bounds in epoch ms: [open, close). */
export interface SessionBounds {
  readonly open: number;
  readonly close: number;
}

/** Everything a strategy can see and do. */
export interface StrategyContext {
  readonly runId: string;
  /** Symbols of the run in engine order (sorted by name). */
  readonly symbols: readonly string[];
  /** The validated parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly portfolio: PortfolioView;
  /** True during the declared warm-up: hooks run, indicators update, orders are denied. */
  readonly isWarmingUp: boolean;
  /** The engine's clock (epoch ms): a bar's close time while it is handled, its open during fills. */
  now(): number;
  history(symbol: string): History;
  /**
   * The trading session (per the symbol's calendar) of the symbol's latest bar, or undefined
   * when that bar lies outside every session. For end-of-day exits and schedule filters.
   */
  session(symbol: string): SessionBounds | undefined;
  /**
   * The symbol's trading calendar (its instrument's). Sessions are scheduled in advance, so
   * reading later sessions is not lookahead: e.g. whether today is the last session of the month.
   */
  calendar(symbol: string): TradingCalendar;
  /**
   * Registers an indicator of `symbol` (in `init` only); the engine feeds it every bar of the
   * symbol before `onBar`. Single-series indicators read `field` (default `close`); indicators
   * of whole bars (ATR, ADX...) must be registered with `'bar'`. Returns the indicator.
   */
  indicator<I extends Indicator<number>>(symbol: string, indicator: I, field?: PriceField): I;
  indicator<I extends Indicator<OhlcvBar>>(symbol: string, indicator: I, field: 'bar'): I;
  /** Declares a warm-up (in `init` only): no orders during the first `bars` timestamps. */
  warmUp(bars: number): void;
  /** Places a buy; returns its client order id (the outcome arrives as events). */
  buy(symbol: string, qty: number, options?: OrderOptions): string;
  sell(symbol: string, qty: number, options?: OrderOptions): string;
  submit(order: OrderInput): string;
  /** Asks to cancel; unknown or finished orders are ignored. */
  cancel(clientOrderId: string): void;
  /**
   * Orders that move each listed symbol to `weight x equity` at its latest close, rounded toward
   * zero to the lot, net of open orders; sells first. Symbols not listed are left alone (use 0
   * to close). Returns the client order ids placed.
   */
  targetWeights(weights: Readonly<Record<string, number>> | ReadonlyMap<string, number>): readonly string[];
  /** Cancels open orders of the symbol (default: every symbol) and closes its position at market. */
  flatten(symbol?: string): readonly string[];
  /** Whether an order of the symbol (default: any) was submitted and has not ended yet. */
  hasOpenOrders(symbol?: string): boolean;
  openOrders(symbol?: string): readonly OrderState[];
  /** Records a signal (signals.csv) at the current bar. */
  signal(symbol: string, direction: SignalDirection, options?: SignalOptions): void;
}

/** The strategy interface of DESIGN.md; every hook is optional and synchronous. */
export interface Strategy {
  readonly name: string;
  /** Declare indicators and the warm-up. */
  init?(ctx: StrategyContext): void;
  /** One symbol's bar closed (symbols of one timestamp in name order). */
  onBar?(ctx: StrategyContext, bar: Bar): void;
  /** All symbols' bars at one timestamp, after their `onBar` calls. */
  onSlice?(ctx: StrategyContext, slice: Slice): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
  /** A venue or risk denial, with its reason. */
  onOrderRejected?(ctx: StrategyContext, rejection: OrderRejection): void;
  onStop?(ctx: StrategyContext): void;
}

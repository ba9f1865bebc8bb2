import type { Indicator, OhlcvBar } from '../analytics/indicators/indicator.js';
import type { TradingCalendar } from '../calendar/types.js';
import { formatInstant } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { deterministicId } from '../core/ids.js';
import type { Instrument } from '../core/instrument.js';
import type { Side } from '../core/enums.js';
import type { OrderRejection, OrderRequest, OrderState } from '../core/order.js';
import { floorToTick } from '../core/rounding.js';
import type {
  History,
  OrderInput,
  OrderOptions,
  PortfolioView,
  PriceField,
  SessionBounds,
  SignalDirection,
  SignalOptions,
  StrategyContext,
} from '../strategies/api.js';
import type { BarHistory } from './history.js';
import type { OrderManager } from './order-manager.js';
import type { SignalRecord } from './signal-record.js';

/** What the context needs from the engine that owns it. */
export interface ContextHost {
  readonly runId: string;
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  /** Client order ids used before this process (a resumed session): generated ids continue after them. */
  readonly usedOrderIds?: readonly string[];
  /** Every order goes through the OrderManager (gates, risk, journal, the venue). */
  readonly orders: OrderManager;
  readonly histories: readonly BarHistory[];
  readonly instruments: readonly Instrument[];
  readonly portfolio: PortfolioView;
  isWarmingUp(): boolean;
  now(): number;
  /** Symbol slot, -1 when the symbol is not in the run. */
  slotOf(symbol: string): number;
  /** Why orders are not accepted now (before the first bar, warm-up), or undefined. */
  /** Why orders for the symbol of `slot` are held now, or undefined. */
  orderGate(slot: number): string | undefined;
  register(slot: number, indicator: Indicator<number> | Indicator<OhlcvBar>, field: PriceField | 'bar'): void;
  warmUp(bars: number): void;
  /** The session of the symbol's latest bar (`ctx.session`). */
  session(slot: number, ts: number): SessionBounds | undefined;
  /** The symbol's trading calendar (`ctx.calendar`). */
  calendar(slot: number): TradingCalendar;
  /** Ts of the bar being handled, for signals. */
  barTs(): number;
  recordSignal(signal: SignalRecord): void;
  /** Delivers a denial to `onOrderRejected` once the running hook returns. */
  deliverRejection(rejection: OrderRejection): void;
}

type Weights = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

/** The StrategyContext every mode hands to strategies; order entry goes through `#place`. */
export class EngineContext implements StrategyContext {
  readonly #host: ContextHost;
  readonly #counters: Int32Array;
  /** Per symbol: deterministic from run id, strategy and symbol; the order counter is appended. */
  readonly #idBase: readonly string[];
  /** The symbol `#slot` last resolved, and its slot. */
  #lastSymbol: string | undefined;
  #lastSlot = -1;
  /** Distinct bases make generated ids unique (a hash clash of two symbols' bases would not). */
  readonly #hasDistinctBases: boolean;

  constructor(host: ContextHost) {
    this.#host = host;
    this.#counters = new Int32Array(host.symbols.length);
    this.#idBase = host.symbols.map((s) => deterministicId(host.strategy, host.runId, host.strategy, s));
    this.#hasDistinctBases = new Set(this.#idBase).size === this.#idBase.length;
    if (host.usedOrderIds !== undefined) this.#continueAfter(host.usedOrderIds);
  }

  /** Each symbol's counter starts after the highest one its generated ids used before. */
  #continueAfter(used: readonly string[]): void {
    const slotOfBase = new Map(this.#idBase.map((base, slot) => [base, slot]));
    for (const id of used) {
      const dash = id.lastIndexOf('-');
      const slot = slotOfBase.get(id.slice(0, dash));
      const n = Number(id.slice(dash + 1));
      if (slot !== undefined && Number.isSafeInteger(n) && n > (this.#counters[slot] as number))
        this.#counters[slot] = n;
    }
  }

  get runId(): string {
    return this.#host.runId;
  }
  get symbols(): readonly string[] {
    return this.#host.symbols;
  }
  get params(): Readonly<Record<string, unknown>> {
    return this.#host.params;
  }
  get portfolio(): PortfolioView {
    return this.#host.portfolio;
  }
  get isWarmingUp(): boolean {
    return this.#host.isWarmingUp();
  }

  now(): number {
    return this.#host.now();
  }

  history(symbol: string): History {
    return this.#host.histories[this.#slot(symbol, 'history')] as BarHistory;
  }

  session(symbol: string): SessionBounds | undefined {
    const slot = this.#slot(symbol, 'session');
    const h = this.#host.histories[slot] as BarHistory;
    return h.length === 0 ? undefined : this.#host.session(slot, h.ts(0));
  }

  calendar(symbol: string): TradingCalendar {
    return this.#host.calendar(this.#slot(symbol, 'calendar'));
  }

  indicator<I extends Indicator<number>>(symbol: string, indicator: I, field?: PriceField): I;
  indicator<I extends Indicator<OhlcvBar>>(symbol: string, indicator: I, field: 'bar'): I;
  indicator(
    symbol: string,
    indicator: Indicator<number> | Indicator<OhlcvBar>,
    field: PriceField | 'bar' = 'close',
  ): Indicator<number> | Indicator<OhlcvBar> {
    this.#host.register(this.#slot(symbol, 'indicator'), indicator, field);
    return indicator;
  }

  warmUp(bars: number): void {
    this.#host.warmUp(bars);
  }

  buy(symbol: string, qty: number, options?: OrderOptions): string {
    return this.#place(this.#slot(symbol, 'buy'), symbol, 'buy', qty, options);
  }

  sell(symbol: string, qty: number, options?: OrderOptions): string {
    return this.#place(this.#slot(symbol, 'sell'), symbol, 'sell', qty, options);
  }

  submit(order: OrderInput): string {
    return this.#place(this.#slot(order.symbol, order.side), order.symbol, order.side, order.qty, order);
  }

  /** Order entry: an id, then the OrderManager (reused id, warm-up and holds unless `isGated` is false, risk, the venue). */
  #place(
    slot: number,
    symbol: string,
    side: Side,
    qty: number,
    options: OrderOptions | undefined,
    isGated = true,
  ): string {
    const host = this.#host;
    if (!(qty > 0 && qty < Infinity)) this.#badOrder(symbol, side, 'qty', qty, 'a positive, finite quantity');
    if (options !== undefined) this.#checkPrices(symbol, side, options);
    const custom = options?.clientOrderId;
    const clientOrderId = custom ?? `${this.#idBase[slot]}-${++(this.#counters[slot] as number)}`;
    const req = orderRequest(clientOrderId, symbol, side, qty, host.strategy, options);
    const isGenerated = custom === undefined && this.#hasDistinctBases;
    const denied = host.orders.place(req, slot, isGenerated, isGated ? host.orderGate(slot) : undefined);
    if (denied !== undefined)
      host.deliverRejection({ clientOrderId, symbol, reason: denied, source: 'risk', ts: host.now() });
    return clientOrderId;
  }

  /** Order prices must be finite numbers (a non-positive one is the venue's `invalid_price`). */
  #checkPrices(symbol: string, side: Side, o: OrderOptions): void {
    this.#checkPrice(symbol, side, 'limitPrice', o.limitPrice);
    this.#checkPrice(symbol, side, 'stopPrice', o.stopPrice);
    this.#checkPrice(symbol, side, 'trailAmount', o.trailAmount);
    this.#checkPrice(symbol, side, 'trailPercent', o.trailPercent);
    this.#checkPrice(symbol, side, 'takeProfit.limitPrice', o.takeProfit?.limitPrice);
    this.#checkPrice(symbol, side, 'stopLoss.stopPrice', o.stopLoss?.stopPrice);
    this.#checkPrice(symbol, side, 'stopLoss.limitPrice', o.stopLoss?.limitPrice);
  }

  #checkPrice(symbol: string, side: Side, field: string, p: number | undefined): void {
    if (p !== undefined && !Number.isFinite(p)) this.#badOrder(symbol, side, field, p, 'a finite price');
  }

  /** A quantity or price no venue could take: a bug in the strategy, so it stops the run (exit 2). */
  #badOrder(symbol: string, side: Side, field: string, value: number, want: string): never {
    const host = this.#host;
    const ts = host.barTs();
    const at = Number.isFinite(ts) ? `the bar of ${formatInstant(ts)}` : 'before the first bar';
    throw new UsageError(
      'USAGE_INVALID_ORDER',
      `strategy ${host.strategy} ordered to ${side} ${symbol} with ${field} ${value} at ${at}; an order needs ${want}`,
      {
        hint: `size the order to ${want} (check the sizing for NaN, zero and division by zero; skip the order when there is nothing to trade)`,
        context: {
          key: field,
          value: String(value),
          strategy: host.strategy,
          symbol,
          bar: Number.isFinite(ts) ? formatInstant(ts) : '',
        },
      },
    );
  }

  cancel(clientOrderId: string): void {
    this.#host.orders.cancel(clientOrderId);
  }

  targetWeights(weights: Weights): readonly string[] {
    const host = this.#host;
    // Default sort: UTF-16 code unit order, the order of `<` on strings.
    const symbols = weights instanceof Map ? keysOf(weights as ReadonlyMap<string, number>) : Object.keys(weights);
    if (symbols.length > 1) symbols.sort();
    const equity = host.portfolio.equity;
    // Every quantity is sized before the first order goes out; signed: buys > 0, sells < 0.
    // An Array, not a Float64Array: a typed array costs about 200 bytes even for one element.
    const deltas = new Array<number>(symbols.length);
    let orders = 0;
    for (let i = 0; i < symbols.length; i++) {
      const symbol = symbols[i] as string;
      const w = weights instanceof Map ? (weights.get(symbol) as number) : (weights as Record<string, number>)[symbol];
      deltas[i] = this.#delta(symbol, w as number, equity);
      if (deltas[i] !== 0) orders++;
    }
    const ids = new Array<string>(orders);
    let k = 0;
    for (let i = 0; i < symbols.length; i++) {
      const d = deltas[i] as number;
      if (d < 0) ids[k++] = this.sell(symbols[i] as string, -d);
    }
    for (let i = 0; i < symbols.length; i++) {
      const d = deltas[i] as number;
      if (d > 0) ids[k++] = this.buy(symbols[i] as string, d);
    }
    return ids;
  }

  /** The signed quantity that takes a symbol to weight `w` of `equity`, counting open market orders. */
  #delta(symbol: string, w: number, equity: number): number {
    const host = this.#host;
    const slot = this.#slot(symbol, 'targetWeights');
    if (!Number.isFinite(w)) throw usage(`targetWeights: the weight of ${symbol} is ${w}`, 'give finite weights');
    const h = host.histories[slot] as BarHistory;
    if (h.length === 0) {
      throw usage(`targetWeights: ${symbol} has no bar yet, so no price to size it`, 'wait for its first bar');
    }
    const lot = (host.instruments[slot] as Instrument).lotSize;
    // Down to the lot, toward zero (floorToTick: no string formatting, unlike core's roundToLot).
    const target = Math.sign(w) * floorToTick((Math.abs(w) * Math.max(0, equity)) / h.close(0), lot);
    const projected = host.portfolio.qty(symbol) + host.orders.pendingQty(slot);
    const qty = floorToTick(Math.abs(target - projected), lot);
    return qty > 0 ? (target > projected ? qty : -qty) : 0;
  }

  flatten(symbol?: string): readonly string[] {
    const host = this.#host;
    return this.#flatten(symbol === undefined ? host.symbols.map((_, i) => i) : [this.#slot(symbol, 'flatten')]);
  }

  /**
   * Closes every position with orders tagged `tag` (the engine's kill-switch flatten). They are
   * never held (warm-up history, an operator's pause): getting out of a halted book must not wait.
   */
  flattenAll(tag: string): readonly string[] {
    return this.#flatten(
      this.#host.symbols.map((_, i) => i),
      { tag },
      false,
    );
  }

  /**
   * Cancels the symbol's open orders and, unless `keep`, closes its position with orders tagged
   * `tag`, never held (the engine's universe exit: a symbol leaving the universe).
   */
  exitSymbol(symbol: string, tag: string, keep: boolean): readonly string[] {
    const slot = this.#slot(symbol, 'exitSymbol');
    if (!keep) return this.#flatten([slot], { tag }, false);
    for (const id of this.#host.orders.openIds(slot)) this.#host.orders.cancel(id);
    return [];
  }

  #flatten(slots: readonly number[], options?: OrderOptions, isGated = true): string[] {
    const host = this.#host;
    const ids: string[] = [];
    for (const slot of slots) {
      for (const id of host.orders.openIds(slot)) host.orders.cancel(id);
      const s = host.symbols[slot] as string;
      const q = host.portfolio.qty(s);
      if (q > 0) ids.push(this.#place(slot, s, 'sell', q, options, isGated));
      else if (q < 0) ids.push(this.#place(slot, s, 'buy', -q, options, isGated));
    }
    return ids;
  }

  hasOpenOrders(symbol?: string): boolean {
    const t = this.#host.orders;
    return symbol === undefined ? t.openCount > 0 : t.hasOpen(this.#slot(symbol, 'hasOpenOrders'));
  }

  openOrders(symbol?: string): readonly OrderState[] {
    const slot = symbol === undefined ? undefined : this.#slot(symbol, 'openOrders');
    const out: OrderState[] = [];
    const orders = this.#host.orders;
    for (const id of orders.openIds(slot)) {
      const o = orders.client.order(id);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  signal(symbol: string, direction: SignalDirection, options: SignalOptions = {}): void {
    this.#slot(symbol, 'signal');
    const host = this.#host;
    host.recordSignal({
      ts: host.barTs(),
      strategy: host.strategy,
      symbol,
      direction,
      targetWeight: options.targetWeight ?? NaN,
      confidence: options.confidence ?? 1,
      meta: options.meta ?? {},
    });
  }

  #slot(symbol: string, what: string): number {
    // A strategy asks about one symbol several times in a row (open orders, signal, order).
    if (symbol === this.#lastSymbol) return this.#lastSlot;
    const slot = this.#host.slotOf(symbol);
    if (slot < 0) {
      throw usage(`${what}: ${symbol} is not a symbol of this run`, `use one of ${this.#host.symbols.join(', ')}`);
    }
    this.#lastSymbol = symbol;
    this.#lastSlot = slot;
    return slot;
  }
}

type MutableRequest = { -readonly [K in keyof OrderRequest]: OrderRequest[K] };

/**
 * The request with only the fields given. Built field by field: on Node 20 a spread followed by
 * more properties (`{ ...options, symbol }`) takes V8's slow path, about 1 us per object.
 */
function orderRequest(
  clientOrderId: string,
  symbol: string,
  side: Side,
  qty: number,
  strategy: string,
  o: OrderOptions | undefined,
): OrderRequest {
  const r: MutableRequest = {
    clientOrderId,
    symbol,
    side,
    type: o?.type ?? 'market',
    qty,
    tif: o?.tif ?? 'gtc',
    strategy,
  };
  if (o === undefined) return r;
  if (o.limitPrice !== undefined) r.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) r.stopPrice = o.stopPrice;
  if (o.trailAmount !== undefined) r.trailAmount = o.trailAmount;
  if (o.trailPercent !== undefined) r.trailPercent = o.trailPercent;
  if (o.orderClass !== undefined) r.orderClass = o.orderClass;
  if (o.takeProfit !== undefined) r.takeProfit = o.takeProfit;
  if (o.stopLoss !== undefined) r.stopLoss = o.stopLoss;
  if (o.tag !== undefined) r.tag = o.tag;
  return r;
}

/** A map's keys in an array, by a loop (a spread allocates an iterator result per key). */
function keysOf(m: ReadonlyMap<string, number>): string[] {
  const out = new Array<string>(m.size);
  let i = 0;
  for (const k of m.keys()) out[i++] = k;
  return out;
}

function usage(message: string, hint: string): UsageError {
  return new UsageError('USAGE_INVALID_OPTION', message, { hint });
}

import type { Bar } from '../core/bar.js';
import type { Clock } from '../engine/ports.js';
import type { Timeframe } from '../core/enums.js';
import { ConfigError, InternalError } from '../core/errors.js';
import type { Instrument } from '../core/instrument.js';
import type { OrderRequest, OrderState } from '../core/order.js';
import { BarMatcher } from './bar-matcher.js';
import { exceedsBuyingPower, type BuyingPower } from './buying-power.js';
import { NO_FEES, type FeeModel } from './fees.js';
import { liveFrom, NO_LATENCY, type LatencyModel } from './latency.js';
import { OrderLifecycle } from './lifecycle.js';
import { trailStop } from './matching.js';
import { SymbolBook } from './order-book.js';
import { validateOrder, type InvalidOrder, type ValidOrder } from './order-validation.js';
import type { ExecutionClient, ExecutionListener, OrderRecord } from '../engine/ports.js';
import { sessionsFor, type SessionModel } from './sessions.js';
import type { OrderRole } from './sim-order.js';
import { NO_SLIPPAGE, type SlippageModel } from './slippage.js';

/** An order an earlier session of the account left working (the ledger's record of it). */
export interface CarriedOrder {
  readonly request: OrderRequest;
  readonly filledQty: number;
  /** When it was placed (epoch ms, the session's clock). */
  readonly createdAt: number;
}

/** When market orders fill: the next bar's open (default), or the signal bar's close (comparisons). */
export const FillTiming = { NextOpen: 'next-open', Close: 'close' } as const;
export type FillTiming = (typeof FillTiming)[keyof typeof FillTiming];

export interface SimulatedExchangeOptions {
  /** Tick, lot and shortable flag of a symbol; undefined rejects its orders as `unknown_symbol`. */
  readonly instrument: (symbol: string) => Instrument | undefined;
  /** The engine's clock (the time strategies act, e.g. the signal bar's close); default: the latest bar's ts. */
  readonly clock?: Clock;
  readonly fill?: FillTiming;
  readonly fees?: FeeModel;
  readonly slippage?: SlippageModel;
  readonly latency?: LatencyModel;
  /** Largest fraction of a bar's volume one symbol's fills may take, in (0, 1]; unset: no cap. */
  readonly participation?: number;
  /** Bar timeframe, for session boundaries (default `1d`: every bar is a session). */
  readonly timeframe?: Timeframe;
  /** Overrides the session model derived from `timeframe` and the instruments' calendars. */
  readonly sessions?: SessionModel;
  /** `conservative` (default): fill prices rounded to the tick against the trader; `none`: as the rule says. */
  readonly priceRounding?: 'conservative' | 'none';
  /** Positions held before the first order (paper trading: the account's). */
  readonly positions?: Readonly<Record<string, number>>;
  readonly idPrefix?: string;
  /**
   * Rejects (`insufficient_buying_power`) an order that would take gross exposure beyond
   * `leverage` x the account's equity, checked at submission (docs/execution.md, "Buying
   * power"); unset: no check.
   */
  readonly buyingPower?: BuyingPower;
}

/**
 * The simulated venue of DESIGN.md, shared by backtest and paper trading: orders arrive through
 * the ExecutionClient port, bars through `onBar` (and `onBarEnd` for `fill: 'close'`), outcomes
 * leave as events, delivered after the call that caused them. Fill rules: docs/execution.md.
 */
export class SimulatedExchange implements ExecutionClient {
  readonly name = 'simulated';
  readonly #instrument: (symbol: string) => Instrument | undefined;
  readonly #clock: Clock | undefined;
  readonly #fill: FillTiming;
  readonly #latency: LatencyModel;
  readonly #roundPrices: boolean;
  readonly #positions: Readonly<Record<string, number>>;
  readonly #buyingPower: BuyingPower | undefined;
  readonly #books = new Map<string, SymbolBook>();
  readonly #life: OrderLifecycle;
  readonly #matcher: BarMatcher;
  /** The latest bar start processed, over all symbols. */
  #lastBarTs = -Infinity;

  constructor(options: SimulatedExchangeOptions) {
    const p = options.participation;
    if (p !== undefined && !(p > 0 && p <= 1)) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `participation must be in (0, 1], got ${p}`, {
        hint: "give the largest fraction of a bar's volume to trade, e.g. 0.1 for 10%",
        context: { key: 'participation', value: String(p) },
      });
    }
    const lev = options.buyingPower?.leverage;
    if (lev !== undefined && !(lev > 0 && Number.isFinite(lev))) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `buying power leverage must be a positive number, got ${lev}`, {
        hint: 'give the multiple of equity gross exposure may reach, e.g. 1 for a cash account, 2 for Reg T margin',
        context: { key: 'leverage', value: String(lev) },
      });
    }
    this.#buyingPower = options.buyingPower;
    this.#instrument = options.instrument;
    this.#clock = options.clock;
    this.#fill = options.fill ?? 'next-open';
    this.#latency = options.latency ?? NO_LATENCY;
    this.#roundPrices = (options.priceRounding ?? 'conservative') === 'conservative';
    this.#positions = options.positions ?? {};
    this.#life = new OrderLifecycle(options.idPrefix ?? 'sim', (s) => this.#book(s));
    const sessions =
      options.sessions ?? sessionsFor(options.timeframe ?? '1d', (s) => this.#instrument(s)?.calendar ?? 'XNYS');
    this.#matcher = new BarMatcher(
      {
        fees: options.fees ?? NO_FEES,
        slippage: options.slippage ?? NO_SLIPPAGE,
        participation: p ?? NaN,
        sessions,
        roundPrices: this.#roundPrices,
      },
      this.#life,
    );
  }

  subscribe(listener: ExecutionListener): () => void {
    return this.#life.events.subscribe(listener);
  }

  submit(req: OrderRequest): void {
    const life = this.#life;
    const now = this.#now();
    const ts = Number.isFinite(now) ? now : NaN;
    const known = life.get(req.clientOrderId);
    if (known !== undefined) {
      const reason = `client order id ${req.clientOrderId} is already used by order ${known.id} (${known.status})`;
      life.reject(undefined, req, ts, 'duplicate_client_order_id', reason);
    } else {
      const book = this.#book(req.symbol);
      const v = this.#check(req, book);
      const live = liveFrom(this.#lastBarTs, now, this.#latency);
      if (v.ok) this.#place(v, book, ts, live);
      else life.reject(life.create(req, 'single', undefined, ts, this.#lastBarTs, live), req, ts, v.code, v.reason);
    }
    life.events.drain();
  }

  cancel(clientOrderId: string): void {
    const o = this.#life.get(clientOrderId);
    if (o === undefined || o.isTerminal) return;
    const book = this.#book(o.symbol);
    const now = this.#now();
    // A cancel reaches the market like an order: at once when there is no latency and no bar of
    // the symbol is still to come at the current time, else from the bar `liveFrom` names.
    if (this.#latency.delayMs === 0 && book.lastTs >= this.#lastBarTs) {
      this.#life.cancelNow(o, Number.isFinite(now) ? now : NaN, 'cancelled by request');
      book.compact();
    } else {
      this.#life.cancelFrom(o, liveFrom(this.#lastBarTs, now, this.#latency));
    }
    this.#life.events.drain();
  }

  /**
   * Orders an earlier session of this account left working (a paper book carried to its next
   * day, a paper session resumed after a crash), put back to work as they stood without events:
   * the OrderManager adopts them from the ledger. Each is live from its creation time plus the
   * latency, as when it was placed, so older bars delivered again (a warm-up's history) never
   * fill it. A bracket, OCO or OTO group cannot be rebuilt from one order's record: such an
   * order, or one no longer valid for its instrument, is cancelled with the reason. Its average
   * fill price so far is not known here: fills after the restore carry their own prices.
   */
  restore(orders: readonly CarriedOrder[]): void {
    const life = this.#life;
    for (const w of orders) {
      const id = w.request.clientOrderId;
      if (life.has(id)) continue;
      const book = this.#book(w.request.symbol);
      const inst = book.instrument;
      const v = inst === undefined ? undefined : validateOrder(w.request, inst, this.#roundPrices);
      const live = w.createdAt + this.#latency.delayMs;
      const o = life.create(v?.ok === true ? v.request : w.request, 'single', undefined, w.createdAt, -Infinity, live);
      o.transition('accepted', w.createdAt);
      if (w.filledQty > 0) {
        o.filledQty = w.filledQty;
        o.remaining = o.qty - w.filledQty;
        o.transition('partially_filled', w.createdAt);
      }
      const cls = w.request.orderClass ?? 'simple';
      const why =
        inst === undefined
          ? `no instrument is known for symbol ${w.request.symbol}`
          : v?.ok !== true
            ? (v?.reason ?? 'invalid')
            : cls !== 'simple'
              ? `a ${cls} group cannot be carried into a new session of the simulated exchange`
              : undefined;
      if (why !== undefined) life.end(o, 'cancelled', w.createdAt, `not carried over: ${why}`);
      else book.working.push(o);
    }
  }

  /** Matches the working orders of the bar's symbol against the bar; bars of a symbol come in time order. */
  onBar(bar: Bar): void {
    this.#onBar(this.#books.get(bar.symbol) ?? this.#book(bar.symbol), bar);
  }

  /**
   * The end of `bar`, after strategies reacted to it. With `fill: 'close'`, market orders placed
   * while it was processed fill at its close; with `next-open` nothing happens.
   */
  onBarEnd(bar: Bar): void {
    if (this.#fill !== 'close') return;
    const book = this.#books.get(bar.symbol);
    if (book !== undefined) this.#onBarEnd(book, bar);
  }

  /** `onBar` and `onBarEnd` of one symbol's bars, its book looked up once (the engine's per-slot handlers). */
  barsOf(symbol: string): { onBar(bar: Bar): void; onBarEnd(bar: Bar): void } {
    const book = this.#book(symbol);
    return {
      onBar: (bar) => this.#onBar(book, bar),
      onBarEnd: (bar) => {
        if (this.#fill === 'close') this.#onBarEnd(book, bar);
      },
    };
  }

  #onBar(book: SymbolBook, bar: Bar): void {
    if (!(bar.ts > book.lastTs)) {
      throw new InternalError(
        `bars of ${bar.symbol} reached the exchange out of order (${bar.ts} after ${book.lastTs})`,
      );
    }
    if (bar.ts > this.#lastBarTs) this.#lastBarTs = bar.ts;
    if (book.working.length !== 0) this.#matcher.process(book, bar);
    book.lastTs = bar.ts;
    book.lastClose = bar.close;
    this.#life.events.drain();
  }

  #onBarEnd(book: SymbolBook, bar: Bar): void {
    if (book.working.length === 0) return;
    this.#matcher.fillAtClose(book, bar);
    this.#life.events.drain();
  }

  order(clientOrderId: string): OrderRecord | undefined {
    return this.#life.get(clientOrderId)?.record();
  }

  /** Every order in creation order, with its history: the rows of `orders.csv`. */
  orders(): OrderRecord[] {
    return this.#life.records();
  }

  openOrders(symbol?: string): readonly OrderState[] {
    return this.#life.open(symbol).map((o) => o.snapshot());
  }

  /** Net position of a symbol from this exchange's fills (and the starting positions). */
  position(symbol: string): number {
    return this.#books.get(symbol)?.position ?? this.#positions[symbol] ?? 0;
  }

  /** Creates and accepts a valid order (and an OCO's stop leg), and puts it to work. */
  #place(v: ValidOrder, book: SymbolBook, ts: number, live: number): void {
    const life = this.#life;
    const cls = v.request.orderClass ?? 'simple';
    const role: OrderRole = cls === 'oco' ? 'take_profit' : cls === 'simple' ? 'single' : 'entry';
    const o = life.create(v.request, role, undefined, ts, this.#lastBarTs, live);
    if (o.type === 'trailing_stop' && !Number.isNaN(book.lastClose)) {
      // The trail starts from the last price known at submission.
      o.best = book.lastClose;
      o.stop = trailStop(o, book.tick);
    }
    life.accept(o, ts);
    if (cls === 'oco') {
      const g = life.group(o, cls, []);
      const sl = life.create(v.legs[0] as OrderRequest, 'stop_loss', o.id, ts, this.#lastBarTs, live);
      sl.group = g;
      g.members.push(sl);
      life.accept(sl, ts);
      book.working.push(sl, o); // the stop leg first: a bar touching both legs fills the stop
      return;
    }
    if (cls !== 'simple') life.group(o, cls, v.legs);
    book.working.push(o);
  }

  /** Validation plus the checks that need the exchange's state (position, ids in use). */
  #check(req: OrderRequest, book: SymbolBook): ValidOrder | InvalidOrder {
    const inst = book.instrument;
    if (inst === undefined) {
      return { ok: false, code: 'unknown_symbol', reason: `no instrument is known for symbol ${req.symbol}` };
    }
    const v = validateOrder(req, inst, this.#roundPrices);
    if (!v.ok) return v;
    if (v.request.side === 'sell' && !inst.shortable && v.request.qty > book.position) {
      const reason = `${req.symbol} is not shortable: selling ${v.request.qty} with a position of ${book.position} would open a short`;
      return { ok: false, code: 'not_shortable', reason };
    }
    for (let i = 0; i < v.legs.length; i++) {
      const leg = v.legs[i] as OrderRequest;
      if (this.#life.has(leg.clientOrderId)) {
        return {
          ok: false,
          code: 'duplicate_client_order_id',
          reason: `leg id ${leg.clientOrderId} is already in use`,
        };
      }
    }
    if (this.#buyingPower !== undefined) {
      const reason = exceedsBuyingPower(v.request, this.#books, this.#buyingPower);
      if (reason !== undefined) return { ok: false, code: 'insufficient_buying_power', reason };
    }
    return v;
  }

  #book(symbol: string): SymbolBook {
    let book = this.#books.get(symbol);
    if (book === undefined) {
      book = new SymbolBook(symbol, this.#instrument(symbol), this.#positions[symbol] ?? 0, this.#roundPrices);
      this.#books.set(symbol, book);
    } else if (book.instrument === undefined) {
      book.instrument = this.#instrument(symbol);
    }
    return book;
  }

  /** Now for requests: the engine's clock, or else the latest bar's start. */
  #now(): number {
    return this.#clock === undefined ? this.#lastBarTs : this.#clock.now();
  }
}

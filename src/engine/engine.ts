import type { Indicator, OhlcvBar } from '../analytics/indicators/indicator.js';
import type { TradingCalendar } from '../calendar/types.js';
import type { Bar } from '../core/bar.js';
import { UsageError } from '../core/errors.js';
import type { Fill, OrderRejection } from '../core/order.js';
import type { ExecutionEvent } from './ports.js';
import type { PriceField, Slice, Strategy } from '../strategies/api.js';
import { feed, MutableBar, registration, type Registration } from './bar-feed.js';
import type { PreTradeAccount, SliceCursor, VenueBars } from './ports.js';
import { EngineContext, type ContextHost } from './context.js';
import { UNIVERSE_EXIT_TAG, type EngineOptions, type PositionEvent } from './engine-options.js';
import { BarHistory } from './history.js';
import { OrderManager } from './order-manager.js';
import { Timers } from './timers.js';
import { PortfolioReadView } from './portfolio-view.js';
import type { SignalRecord } from './signal-record.js';
import { SessionLookup } from './session-lookup.js';
import { SliceTimes } from './slice-times.js';

type Delivery = { readonly fill: Fill; readonly rejection?: never } | { readonly rejection: OrderRejection };

/**
 * The event kernel shared by every mode (STYLE.md, nautilus_trader; docs/engine.md): per
 * timestamp, (0) the clock reaches the bars' open and the OrderManager's due timers run; (1) the
 * venue matches working orders against each new bar and fills reach the portfolio and
 * `onFill`; (2) the bars close: history grows, the portfolio marks, registered indicators
 * update, `onBar` runs per symbol in name order, then `onSlice`; (3) the venue's end-of-bar
 * (`fill: 'close'`) and the equity row. Execution events raised while a hook runs are
 * delivered after it returns. Every order of the strategy goes through the OrderManager, whose
 * booked events reach the engine. docs/strategy-api.md.
 */
export class Engine {
  readonly #o: EngineOptions;
  readonly #strategy: Strategy;
  readonly #ctx: EngineContext;
  readonly #orders: OrderManager;
  readonly #timers = new Timers();
  readonly #histories: readonly BarHistory[];
  readonly #times: SliceTimes;
  readonly #sessions: SessionLookup;
  readonly #calendars: readonly TradingCalendar[];
  readonly #slotOf = new Map<string, number>();
  readonly #bars: MutableBar[];
  readonly #count: Int32Array;
  readonly #pfSlot: Int32Array;
  /** The venue's handler of each slot's bars; empty without a bar-driven venue. */
  readonly #venue: readonly VenueBars[];
  readonly #regs: Registration[][];
  readonly #signals: SignalRecord[] = [];
  readonly #queue: Delivery[] = [];
  readonly #slice: { ts: number; bars: Bar[]; isSessionOpen: boolean; isSessionClose: boolean };
  /** Per slot: 1 while a member of the universe on the current bar's session (always 1 without one). */
  readonly #member: Uint8Array;
  #inHook = false;
  #phase: 'new' | 'init' | 'running' | 'stopped' = 'new';
  #warmup: number;
  #step = 0;
  #barTs = NaN;
  #barsDone = 0;
  /** The next of `positionEvents` to book. */
  #nextEvent = 0;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#strategy = options.strategy;
    const symbols = options.source.symbols;
    symbols.forEach((s, i) => this.#slotOf.set(s, i));
    this.#bars = symbols.map((s) => new MutableBar(s));
    this.#count = new Int32Array(symbols.length);
    this.#member = new Uint8Array(symbols.length).fill(1);
    this.#pfSlot = Int32Array.from(symbols, (s) => options.portfolio.ensure(s));
    const market = options.market;
    this.#venue = market === undefined ? [] : symbols.map((s) => market.barsOf(s));
    this.#regs = symbols.map(() => []);
    this.#warmup = options.warmup ?? 0;
    this.#calendars = symbols.map((s) => options.calendar(s));
    this.#times = new SliceTimes(options.timeframe, this.#calendars);
    this.#sessions = new SessionLookup(this.#calendars, options.timeframe === '1d');
    this.#slice = { ts: NaN, bars: [], isSessionOpen: false, isSessionClose: false };
    this.#histories = symbols.map(
      (s, slot) =>
        new BarHistory(
          s,
          () => options.source.columns(slot),
          () => this.#count[slot] as number,
        ),
    );
    const portfolio = new PortfolioReadView(options.portfolio);
    this.#orders = this.#orderManager(symbols, portfolio);
    this.#ctx = new EngineContext(this.#host(symbols, portfolio));
  }

  /** Bars handled so far. */
  get barsProcessed(): number {
    return this.#barsDone;
  }
  /** Timestamps handled so far. */
  get steps(): number {
    return this.#step;
  }
  get signals(): readonly SignalRecord[] {
    return this.#signals;
  }
  /** The run's OrderManager: every order of the strategy went through it. */
  get orders(): OrderManager {
    return this.#orders;
  }
  get warmup(): number {
    return this.#warmup;
  }

  /** Runs the strategy's `init`. */
  start(): void {
    if (this.#phase !== 'new') throw new UsageError('USAGE_INVALID_OPTION', 'the engine was already started');
    this.#phase = 'init';
    if (this.#strategy.init !== undefined) {
      this.#inHook = true;
      try {
        this.#strategy.init(this.#ctx);
      } finally {
        this.#inHook = false;
      }
      this.#flush();
    }
    this.#phase = 'running';
  }

  /** Handles one timestamp of the source (the bar of each slot is the next one of its columns). */
  step(c: SliceCursor): void {
    const o = this.#o;
    const n = c.n;
    const slots = c.slots;
    const ts = c.ts;
    const venue = this.#venue;
    const hasVenue = venue.length !== 0;
    const bars = this.#bars;
    const count = this.#count;
    const times = this.#times;
    times.update(ts, slots, n);
    this.#barTs = ts;
    const events = o.positionEvents;
    if (events !== undefined && this.#nextEvent < events.length) this.#bookEvents(events, ts);
    this.#advance(times.open);
    for (let k = 0; k < n; k++) {
      const slot = slots[k] as number;
      const cols = o.source.columns(slot);
      const i = count[slot] as number;
      const b = bars[slot] as MutableBar;
      b.ts = ts; // every bar of a slice starts at its ts (the BarSource contract); one column fewer to read
      b.open = cols.open[i] as number;
      b.high = cols.high[i] as number;
      b.low = cols.low[i] as number;
      b.close = cols.close[i] as number;
      b.volume = cols.volume[i] as number;
      if (hasVenue) (venue[slot] as VenueBars).onBar(b);
    }
    this.#advance(times.close);
    const pf = o.portfolio;
    for (let k = 0; k < n; k++) {
      const slot = slots[k] as number;
      const b = bars[slot] as MutableBar;
      count[slot] = (count[slot] as number) + 1;
      pf.markAt(this.#pfSlot[slot] as number, b.close, ts);
      const regs = this.#regs[slot] as Registration[];
      for (let r = 0; r < regs.length; r++) feed(regs[r] as Registration, b);
    }
    const risk = o.risk;
    if (risk?.onMark !== undefined) {
      risk.onMark(ts, pf.equity, pf.trades);
      if (risk.takeFlatten?.() === true && this.#phase === 'running') this.#ctx.flattenAll('kill-switch');
    }
    const strategy = this.#strategy;
    const member = this.#member;
    const membership = o.membership;
    if (membership !== undefined) {
      for (let k = 0; k < n; k++) {
        const slot = slots[k] as number;
        member[slot] = membership.isMember((bars[slot] as MutableBar).symbol, ts) ? 1 : 0;
      }
    }
    if (strategy.onBar !== undefined) {
      for (let k = 0; k < n; k++) {
        if (member[slots[k] as number] === 0) continue;
        this.#inHook = true;
        try {
          strategy.onBar(this.#ctx, bars[slots[k] as number] as MutableBar);
        } finally {
          this.#inHook = false;
        }
        if (this.#queue.length !== 0) this.#flush();
      }
    }
    if (strategy.onSlice !== undefined) this.#onSlice(strategy, c, times);
    if (membership !== undefined && times.isSessionClose && this.#phase === 'running') this.#exitLeavers(c, membership);
    if (hasVenue) {
      for (let k = 0; k < n; k++) {
        const slot = slots[k] as number;
        (venue[slot] as VenueBars).onBarEnd(bars[slot] as MutableBar);
      }
    }
    pf.recordBar(ts);
    this.#barsDone += n;
    this.#step++;
  }

  /** Books the splits and dividends due by `ts` on the positions held before the bar opens. */
  #bookEvents(events: readonly PositionEvent[], ts: number): void {
    const pf = this.#o.portfolio;
    for (; this.#nextEvent < events.length; this.#nextEvent++) {
      const e = events[this.#nextEvent] as PositionEvent;
      if (e.ts > ts) break;
      if (e.kind === 'split') pf.split(e.symbol, e.value);
      else pf.creditDividend(e.symbol, e.value, ts);
      this.#o.risk?.onAccountChange?.(e.symbol);
    }
  }

  /**
   * Resets `symbol`'s registered indicators and feeds them again the bars delivered so far, as the
   * source now holds them (a session rescaled them for a split): no indicator sees a price step.
   */
  rewarm(symbol: string): void {
    const slot = this.#slotOf.get(symbol);
    if (slot === undefined) return;
    const regs = this.#regs[slot] as Registration[];
    if (regs.length === 0) return;
    for (const r of regs) r.indicator.reset();
    const cols = this.#o.source.columns(slot);
    const b = new MutableBar(symbol);
    const n = this.#count[slot] as number;
    for (let i = 0; i < n; i++) {
      b.ts = cols.ts[i] as number;
      b.open = cols.open[i] as number;
      b.high = cols.high[i] as number;
      b.low = cols.low[i] as number;
      b.close = cols.close[i] as number;
      b.volume = cols.volume[i] as number;
      for (const r of regs) feed(r, b);
    }
  }

  /** Runs the strategy's `onStop`; no bar follows. */
  stop(): void {
    if (this.#phase !== 'running') return;
    this.#phase = 'stopped';
    if (this.#strategy.onStop !== undefined) {
      this.#inHook = true;
      try {
        this.#strategy.onStop(this.#ctx);
      } finally {
        this.#inHook = false;
      }
      this.#flush();
    }
  }

  /** start, every timestamp of the source, stop. */
  run(cursor: SliceCursor = { ts: NaN, n: 0, slots: new Int32Array(Math.max(1, this.#bars.length)) }): void {
    this.start();
    while (this.#o.source.next(cursor)) this.step(cursor);
    this.stop();
  }

  #onSlice(strategy: Strategy, c: SliceCursor, times: SliceTimes): void {
    const s = this.#slice;
    s.ts = c.ts;
    let m = 0;
    for (let k = 0; k < c.n; k++) {
      const slot = c.slots[k] as number;
      if (this.#member[slot] === 1) s.bars[m++] = this.#bars[slot] as MutableBar;
    }
    s.bars.length = m;
    s.isSessionOpen = times.isSessionOpen;
    s.isSessionClose = times.isSessionClose;
    this.#inHook = true;
    try {
      strategy.onSlice?.(this.#ctx, s as Slice);
    } finally {
      this.#inHook = false;
    }
    this.#flush();
  }

  /** Symbols that are members now and not on the next session leave the universe at this close. */
  #exitLeavers(c: SliceCursor, membership: NonNullable<EngineOptions['membership']>): void {
    for (let k = 0; k < c.n; k++) {
      const slot = c.slots[k] as number;
      if (this.#member[slot] === 0) continue;
      const symbol = (this.#bars[slot] as MutableBar).symbol;
      if (membership.isMemberNext(symbol, c.ts)) continue;
      this.#ctx.exitSymbol(symbol, UNIVERSE_EXIT_TAG, membership.exit === 'hold');
    }
    this.#flush();
  }

  #advance(t: number): void {
    const clock = this.#o.clock;
    if (t > clock.now()) clock.advanceTo(t);
    if (this.#timers.size !== 0) this.#timers.runDue(clock.now());
  }

  /** Runs the OrderManager's timers due by now (a live node calls this between bars too). */
  tick(): void {
    if (this.#timers.size !== 0) this.#timers.runDue(this.#o.clock.now());
    this.#flush();
  }

  #orderManager(symbols: readonly string[], portfolio: PortfolioReadView): OrderManager {
    const o = this.#o;
    const slotOf = this.#slotOf;
    const histories = this.#histories;
    const account: PreTradeAccount = {
      portfolio,
      price: (symbol) => {
        const h = histories[slotOf.get(symbol) ?? -1];
        return h === undefined || h.length === 0 ? NaN : h.close(0);
      },
      pendingQty: (symbol) => {
        const slot = slotOf.get(symbol);
        return slot === undefined ? 0 : this.#orders.pendingQty(slot);
      },
      mark: (symbol) => o.portfolio.markOf(symbol),
    };
    return new OrderManager({
      client: o.execution,
      now: () => o.clock.now(),
      schedule: (ms, fn) => this.#timers.at(o.clock.now() + ms, fn),
      onEvent: (e) => this.#onEvent(e),
      keepEnded: false,
      symbols,
      account,
      session: (symbol, ts) => {
        const slot = slotOf.get(symbol);
        return slot === undefined ? undefined : this.#sessions.of(slot, ts);
      },
      ...(o.risk === undefined
        ? {}
        : {
            risk: o.risk,
            onVenueError: (message: string, ts: number) => o.risk?.onVenueError?.(message, ts),
            onVenueOk: () => o.risk?.onVenueOk?.(),
          }),
      ...(o.journal === undefined ? {} : { journal: o.journal }),
      ...(o.policies === undefined ? {} : { policies: o.policies }),
      ...(o.usedOrderIds === undefined ? {} : { usedIds: o.usedOrderIds }),
    });
  }

  #onEvent(e: ExecutionEvent): void {
    const risk = this.#o.risk;
    if (risk?.onAccountChange !== undefined) {
      const symbol = e.order?.symbol ?? (e.kind === 'rejected' ? e.rejection.symbol : undefined);
      if (symbol !== undefined) risk.onAccountChange(symbol);
    }
    if (e.kind === 'filled' || e.kind === 'partially_filled') {
      this.#o.portfolio.apply(e.fill);
      if (this.#strategy.onFill !== undefined) this.#queue.push({ fill: e.fill });
    } else if (e.kind === 'rejected' && this.#strategy.onOrderRejected !== undefined) {
      this.#queue.push({ rejection: e.rejection });
    }
    if (!this.#inHook) this.#flush();
  }

  /** Delivers queued events to the strategy; events its hooks cause join the same pass. */
  #flush(): void {
    const q = this.#queue;
    if (this.#inHook || q.length === 0) return;
    const s = this.#strategy;
    this.#inHook = true;
    try {
      for (let i = 0; i < q.length; i++) {
        const d = q[i] as Delivery;
        if (d.rejection !== undefined) s.onOrderRejected?.(this.#ctx, d.rejection);
        else s.onFill?.(this.#ctx, d.fill);
      }
    } finally {
      // pop, not `length = 0`, which drops the array's storage (reallocated on the next push).
      while (q.length > 0) q.pop();
      this.#inHook = false;
    }
  }

  #host(symbols: readonly string[], portfolio: PortfolioReadView): ContextHost {
    const o = this.#o;
    return {
      runId: o.runId,
      strategy: this.#strategy.name,
      symbols,
      params: o.params,
      ...(o.usedOrderIds === undefined ? {} : { usedOrderIds: o.usedOrderIds }),
      orders: this.#orders,
      histories: this.#histories,
      instruments: symbols.map((s) => o.instrument(s)),
      portfolio,
      isWarmingUp: () => this.#step < this.#warmup || this.#o.orderHold?.(this.#barTs) !== undefined,
      now: () => o.clock.now(),
      slotOf: (s) => this.#slotOf.get(s) ?? -1,
      orderGate: (slot) => this.#orderGate(slot),
      register: (slot, indicator, field) => this.#register(slot, indicator, field),
      warmUp: (bars) => this.#setWarmup(bars),
      barTs: () => this.#barTs,
      session: (slot, ts) => this.#sessions.of(slot, ts),
      calendar: (slot) => this.#calendars[slot] as TradingCalendar,
      recordSignal: (sig) => this.#signals.push(sig),
      deliverRejection: (r) => {
        if (this.#strategy.onOrderRejected !== undefined) this.#queue.push({ rejection: r });
        if (!this.#inHook) this.#flush();
      },
    };
  }

  #orderGate(slot: number): string | undefined {
    if (this.#phase !== 'running') return `orders are accepted from the first bar on, not during ${this.#phase}`;
    const membership = this.#o.membership;
    if (membership !== undefined && Number.isFinite(this.#barTs)) {
      const symbol = (this.#bars[slot] as MutableBar).symbol;
      if (!membership.isMember(symbol, this.#barTs))
        return `not_in_universe: ${symbol} is not a member of the run's universe on this session`;
    }
    if (this.#step < this.#warmup) {
      return `warm-up: no orders during the first ${this.#warmup} bars (this is bar ${this.#step + 1})`;
    }
    return this.#o.orderHold?.(this.#barTs);
  }

  #register(slot: number, indicator: Indicator<number> | Indicator<OhlcvBar>, field: PriceField | 'bar'): void {
    if (this.#phase !== 'init') {
      throw new UsageError('USAGE_INVALID_OPTION', 'ctx.indicator() may only be called in init()', {
        hint: 'register every indicator in init(), so it sees each bar from the first one',
      });
    }
    (this.#regs[slot] as Registration[]).push(registration(indicator, field));
  }

  #setWarmup(bars: number): void {
    if (this.#phase !== 'init') {
      throw new UsageError('USAGE_INVALID_OPTION', 'ctx.warmUp() may only be called in init()', {
        hint: 'declare the warm-up in init()',
      });
    }
    if (!Number.isInteger(bars) || bars < 0) {
      throw new UsageError('USAGE_INVALID_OPTION', `ctx.warmUp(${bars}): give a whole number of bars >= 0`, {
        hint: 'e.g. ctx.warmUp(50) for a 50-bar moving average',
      });
    }
    this.#warmup = Math.max(this.#warmup, bars);
  }
}

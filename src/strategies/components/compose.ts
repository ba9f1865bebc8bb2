/**
 * `composeStrategy`: a strategy from named features, one signal, one sizer, exits and filters
 * (DESIGN.md: composition replaces seed 002's mixins). Per bar and symbol, in this order:
 * features update; if a position is open and no order of it is pending, bar-close exits run
 * (the first that fires closes the position); then the signal, acted on only when it changes:
 * an entry passes the filters, is sized and sent (`targetWeights` for weights, `buy`/`sell` for
 * quantities), a flat signal closes the position. Resting exit orders are placed when an entry
 * fills and cancelled when the position closes. Every decision is a row of signals.csv.
 * docs/strategies.md.
 */
import type { Bar } from '../../core/bar.js';
import type { Fill } from '../../core/order.js';
import type { SignalDirection, Strategy, StrategyContext } from '../api.js';
import { mergeFeatures, type FeatureTable } from './feature-table.js';
import { ProtectiveOrders } from './protective-orders.js';
import type { BarState, ExitRule, FeatureRow, FeatureSpec, Filter, SignalComponent, Sizer } from './types.js';

export interface ComposeOptions {
  readonly name: string;
  /** The strategy's own named features; components add theirs. */
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  readonly signal: SignalComponent;
  readonly sizer: Sizer;
  readonly exits?: readonly ExitRule[];
  readonly filters?: readonly Filter[];
  /** false (default): a short signal means flat. */
  readonly allowShort?: boolean;
  /** Features written to each signal's meta (default: the strategy's own features). */
  readonly meta?: readonly string[];
  /**
   * Bars without orders at the start (default: the longest feature warm-up minus one, so the
   * first bar with every feature ready may trade).
   */
  readonly warmup?: number;
}

class Row implements FeatureRow {
  cur: Float64Array;
  prev: Float64Array;
  constructor(n: number) {
    this.cur = new Float64Array(n).fill(NaN);
    this.prev = new Float64Array(n).fill(NaN);
  }
  swap(): void {
    const t = this.prev;
    this.prev = this.cur;
    this.cur = t;
  }
}

/** Per-symbol position bookkeeping the components read (one object per symbol, reused). */
class SymbolState implements BarState {
  ctx!: StrategyContext;
  bar!: Bar;
  qty = 0;
  entryPrice = NaN;
  barsHeld = 0;
  highSinceEntry = NaN;
  lowSinceEntry = NaN;
  readonly atEntry: Float64Array;
  constructor(
    readonly symbol: string,
    readonly slot: number,
    features: number,
  ) {
    this.atEntry = new Float64Array(features).fill(NaN);
  }
}

type SignalFn = (row: FeatureRow, s: BarState) => number;
type SizeFn = (row: FeatureRow, s: BarState, direction: number) => number;
type CheckFn = (row: FeatureRow, s: BarState) => string | undefined;
type FilterFn = (row: FeatureRow, s: BarState, direction: number) => string | undefined;

const SKIPPED_PENDING = 'an order of the symbol is still open';

class ComposedStrategy implements Strategy {
  readonly name: string;
  readonly #o: ComposeOptions;
  readonly #index = new Map<string, number>();
  #symbols: readonly string[] = [];
  #guess = 0;
  #table!: FeatureTable;
  #rows: Row[] = [];
  #states: SymbolState[] = [];
  #readers: (() => number)[][] = [];
  #signals: SignalFn[] = [];
  #sizers: SizeFn[] = [];
  #closeExits: CheckFn[][] = [];
  #filters: FilterFn[][] = [];
  #last = new Float64Array(0);
  /** Builds a signal's meta from the feature row: an object literal with fixed keys, compiled once. */
  #metaOf: (row: FeatureRow) => Record<string, number> = () => ({});
  /** One single-entry target map per symbol, reused (an object literal with a computed key costs about 1 us per order). */
  #targets: Map<string, number>[] = [];
  readonly #protect: ProtectiveOrders;

  constructor(o: ComposeOptions) {
    this.name = o.name;
    this.#o = o;
    this.#protect = new ProtectiveOrders(o.exits ?? []);
  }

  init(ctx: StrategyContext): void {
    const o = this.#o;
    const exits = o.exits ?? [];
    const filters: Filter[] = [...(o.filters ?? [])];
    for (const e of exits) if ('entryFilter' in e) filters.push((e as { entryFilter: Filter }).entryFilter);
    this.#table = mergeFeatures(o.name, [
      { name: o.name, features: o.features },
      { name: `signal ${o.signal.name}`, features: o.signal.features },
      { name: `sizer ${o.sizer.name}`, features: o.sizer.features },
      ...exits.map((e) => ({ name: `exit ${e.name}`, features: e.features })),
      ...filters.map((f) => ({ name: `filter ${f.name}`, features: f.features })),
    ]);
    const t = this.#table;
    const n = t.specs.length;
    this.#metaOf = metaBuilder((o.meta ?? Object.keys(o.features ?? {})).map((name) => [name, t.col(name, 'meta')]));
    // Every symbol starts flat: a first flat opinion is no change.
    this.#last = new Float64Array(ctx.symbols.length);
    this.#rows = ctx.symbols.map(() => new Row(n));
    const universe = { rows: this.#rows };
    this.#symbols = ctx.symbols;
    ctx.symbols.forEach((symbol, i) => {
      this.#index.set(symbol, i);
      this.#states.push(new SymbolState(symbol, i, n));
      this.#targets.push(new Map([[symbol, 0]]));
      this.#readers.push(t.specs.map((spec) => spec.attach(ctx, symbol)));
      this.#signals.push(o.signal.create((f) => t.col(f, `signal ${o.signal.name}`)));
      this.#sizers.push(o.sizer.create((f) => t.col(f, `sizer ${o.sizer.name}`), universe));
      this.#closeExits.push(
        exits.filter((e) => e.kind === 'close').map((e) => e.create((f) => t.col(f, `exit ${e.name}`))),
      );
      this.#filters.push(filters.map((flt) => flt.create((f) => t.col(f, `filter ${flt.name}`))));
    });
    this.#protect.init(ctx.symbols.length, (e) => (f) => t.col(f, `exit ${e.name}`));
    // A feature's warm-up counts the bar of its first value (an indicator is ready at bar `warmup`).
    ctx.warmUp(o.warmup ?? Math.max(0, t.maxWarmup - 1));
  }

  onBar(ctx: StrategyContext, bar: Bar): void {
    // Bars come in symbol order: guess the next slot, the map only on a miss.
    let i = this.#guess;
    if (this.#symbols[i] !== bar.symbol) i = this.#index.get(bar.symbol) as number;
    this.#guess = i + 1 === this.#symbols.length ? 0 : i + 1;
    const row = this.#rows[i] as Row;
    const readers = this.#readers[i] as (() => number)[];
    row.swap();
    const cur = row.cur;
    for (let c = 0; c < readers.length; c++) cur[c] = (readers[c] as () => number)();
    const s = this.#states[i] as SymbolState;
    s.ctx = ctx;
    s.bar = bar;
    // s.qty follows the fills (onFill), so the flat bars cost no portfolio lookup.
    if (s.qty !== 0) {
      s.barsHeld++;
      if (!(bar.high <= s.highSinceEntry)) s.highSinceEntry = bar.high;
      if (!(bar.low >= s.lowSinceEntry)) s.lowSinceEntry = bar.low;
      if ((this.#closeExits[i] as CheckFn[]).length > 0 && !this.#pending(ctx, i, bar.symbol)) {
        if (this.#closeExit(ctx, i, row, s)) return;
      }
    }

    const d = (this.#signals[i] as SignalFn)(row, s);
    if (Number.isNaN(d) || d === this.#last[i]) return;
    this.#last[i] = d;
    const pending = this.#pending(ctx, i, bar.symbol);
    const allowShort = this.#o.allowShort === true;
    const dir = d > 0 ? 1 : d < 0 && allowShort ? -1 : 0;
    const direction: SignalDirection = dir > 0 ? 'long' : dir < 0 ? 'short' : 'flat';
    const meta = this.#metaOf(row);
    if (pending) {
      ctx.signal(bar.symbol, direction, { meta: { ...meta, skipped: SKIPPED_PENDING } });
      return;
    }
    if (dir !== 0) {
      for (const f of this.#filters[i] as FilterFn[]) {
        const why = f(row, s, dir);
        if (why !== undefined) {
          ctx.signal(bar.symbol, direction, { meta: { ...meta, skipped: why } });
          return;
        }
      }
    }
    const size = dir === 0 ? 0 : (this.#sizers[i] as SizeFn)(row, s, dir);
    if (!(size >= 0)) {
      ctx.signal(bar.symbol, direction, { meta: { ...meta, skipped: `sizer ${this.#o.sizer.name} has no size yet` } });
      return;
    }
    if (dir !== Math.sign(s.qty)) this.#protect.cancelAll(ctx, i);
    if (this.#o.sizer.unit === 'weight') {
      const w = dir * size;
      ctx.signal(bar.symbol, direction, { targetWeight: w, meta });
      const target = this.#targets[i] as Map<string, number>;
      target.set(bar.symbol, w);
      ctx.targetWeights(target);
      return;
    }
    const target = dir * size;
    ctx.signal(bar.symbol, direction, { targetWeight: (target * bar.close) / ctx.portfolio.equity, meta });
    const delta = target - s.qty;
    if (delta > 0) ctx.buy(bar.symbol, delta);
    else if (delta < 0) ctx.sell(bar.symbol, -delta);
  }

  onFill(ctx: StrategyContext, fill: Fill): void {
    const i = this.#index.get(fill.symbol);
    if (i === undefined) return;
    const s = this.#states[i] as SymbolState;
    const qty = ctx.portfolio.qty(fill.symbol);
    const opened = s.qty === 0 || Math.sign(qty) !== Math.sign(s.qty);
    s.qty = qty;
    if (qty === 0) {
      s.entryPrice = NaN;
      s.barsHeld = 0;
      s.highSinceEntry = NaN;
      s.lowSinceEntry = NaN;
      this.#protect.cancelAll(ctx, i);
      return;
    }
    if (this.#protect.owns(i, fill.clientOrderId)) {
      this.#protect.onExitFill(ctx, i, fill.clientOrderId);
      return;
    }
    s.entryPrice = ctx.portfolio.avgPrice(fill.symbol);
    if (opened) {
      s.barsHeld = 0;
      s.highSinceEntry = fill.price;
      s.lowSinceEntry = fill.price;
      s.atEntry.set((this.#rows[i] as Row).cur);
    }
    s.ctx = ctx;
    this.#protect.place(ctx, i, this.#rows[i] as Row, s);
  }

  /** An order of the symbol other than its resting exits is still open. */
  #pending(ctx: StrategyContext, i: number, symbol: string): boolean {
    return ctx.hasOpenOrders(symbol) && this.#protect.hasOtherOpen(ctx, i, symbol);
  }

  /** Runs the bar-close exits; true when one closed the position. */
  #closeExit(ctx: StrategyContext, i: number, row: Row, s: SymbolState): boolean {
    for (const check of this.#closeExits[i] as CheckFn[]) {
      const why = check(row, s);
      if (why === undefined) continue;
      ctx.signal(s.symbol, 'flat', { meta: { ...this.#metaOf(row), exit: why } });
      this.#protect.cancelAll(ctx, i);
      ctx.flatten(s.symbol);
      // The signal must turn again before the next entry.
      return true;
    }
    return false;
  }
}

/**
 * `(row) => ({ "fast": row.cur[0], "slow": row.cur[1] })` for the given names and columns: a
 * literal with constant keys allocates on V8's fast path, a loop of computed keys does not (about
 * a microsecond per signal). Names are JSON-quoted, so any feature name is safe.
 */
function metaBuilder(fields: readonly (readonly [string, number])[]): (row: FeatureRow) => Record<string, number> {
  const body = fields.map(([name, col]) => `${JSON.stringify(name)}: row.cur[${col}]`).join(', ');
  return new Function('row', `return { ${body} };`) as (row: FeatureRow) => Record<string, number>;
}

/** Builds a strategy from components; see ComposeOptions. */
export function composeStrategy(options: ComposeOptions): Strategy {
  return new ComposedStrategy(options);
}

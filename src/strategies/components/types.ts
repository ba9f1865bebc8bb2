/**
 * Contracts of strategy components (DESIGN.md: composition replaces seed 002's mixins). A
 * composed strategy keeps, per symbol, a row of feature values for the current and the previous
 * bar; signals, exits and filters read that row through column numbers bound once at `init`, so
 * the per-bar path makes no lookups by name and allocates nothing. docs/strategies.md.
 */
import type { Bar } from '../../core/bar.js';
import type { StrategyContext } from '../api.js';

/** A named per-symbol value computed at each bar (an indicator output, a return, a price). */
export interface FeatureSpec {
  /** Identity for de-duplication: two specs with the same key are one feature. */
  readonly key: string;
  /** Bars up to and including the first value (NaN before it), as an indicator's `warmup`. */
  readonly warmup: number;
  /** Called once per symbol in `init`: registers what it needs and returns a reader of the value at the latest bar. */
  attach(ctx: StrategyContext, symbol: string): () => number;
}

/** Feature values of one symbol: `cur[c]` at the latest bar, `prev[c]` at the bar before. */
export interface FeatureRow {
  readonly cur: Float64Array;
  readonly prev: Float64Array;
}

/** Resolves a feature name to its column; unknown names throw a usage error naming the component. */
export type ColumnOf = (name: string) => number;

/** What a component reads besides the feature row; one object reused for every call. */
export interface BarState {
  readonly ctx: StrategyContext;
  readonly symbol: string;
  /** Symbol slot in `ctx.symbols`. */
  readonly slot: number;
  readonly bar: Bar;
  /** Signed position quantity (0 when flat). */
  readonly qty: number;
  /** Average entry price, NaN when flat. */
  readonly entryPrice: number;
  /** Bars closed since the entry fill (1 at the close of the bar it filled in). */
  readonly barsHeld: number;
  /** Highest high and lowest low since the entry fill (NaN when flat). */
  readonly highSinceEntry: number;
  readonly lowSinceEntry: number;
  /** Feature values when the position was opened (a copy of `cur` at the entry fill). */
  readonly atEntry: Float64Array;
}

/**
 * A signal: the direction it wants (1 long, -1 short, 0 flat) or NaN for no opinion. The
 * composer acts on changes of the signal only (edge-triggered), so a stopped-out position is not
 * re-entered until the signal turns and comes back.
 */
export interface SignalComponent {
  readonly name: string;
  /** Features the signal brings (merged into the strategy's, by name). */
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  /** Called once per symbol; the returned function holds that symbol's state. */
  create(col: ColumnOf): (row: FeatureRow, state: BarState) => number;
}

/** A sizer: the size of a new position of `direction` as a weight of equity or a quantity (>= 0). */
export interface Sizer {
  readonly name: string;
  readonly unit: 'weight' | 'qty';
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  create(col: ColumnOf, universe: SizerUniverse): (row: FeatureRow, state: BarState, direction: number) => number;
}

/** Every symbol's feature row, for sizers that weigh a symbol against the others. */
export interface SizerUniverse {
  readonly rows: readonly FeatureRow[];
}

/**
 * An exit. `kind: 'close'` rules are checked at each bar close while a position is open and exit
 * at market with the reason they return; `kind: 'order'` rules place a resting stop or limit
 * order at the venue when the entry fills (a fill of one cancels the others).
 */
export type ExitRule = CloseExit | OrderExit;

export interface CloseExit {
  readonly kind: 'close';
  readonly name: string;
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  create(col: ColumnOf): (row: FeatureRow, state: BarState) => string | undefined;
}

/** A resting exit order: its type and price for a position of `qty` (signed) opened at `entryPrice`. */
export interface ExitOrder {
  readonly type: 'stop' | 'limit' | 'trailing_stop';
  /** Stop or limit price (NaN for a trailing stop). */
  readonly price: number;
  /** Trail distance in price units for a trailing stop (NaN otherwise). */
  readonly trailAmount: number;
}

export interface OrderExit {
  readonly kind: 'order';
  readonly name: string;
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  /** The order to rest for the position, or undefined when it cannot be priced (features not ready). */
  create(col: ColumnOf): (row: FeatureRow, state: BarState) => ExitOrder | undefined;
}

/** A filter gates entries (never exits): undefined lets the entry through, a text says why not. */
export interface Filter {
  readonly name: string;
  readonly features?: Readonly<Record<string, FeatureSpec>>;
  create(col: ColumnOf): (row: FeatureRow, state: BarState, direction: number) => string | undefined;
}

import type { TradingCalendar } from '../calendar/types.js';
import type { Timeframe } from '../core/enums.js';
import type { Instrument } from '../core/instrument.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Strategy } from '../strategies/api.js';
import type { OrderPolicies } from './order-manager.js';
import type { BarDrivenVenue, BarSource, EngineClock, ExecutionClient, Ledger, PreTradeCheck } from './ports.js';

/**
 * A corporate action booked on a position before the bar at `ts` opens (docs/corporate-actions.md):
 * a split multiplies the shares held by `value`, a dividend pays `value` per share held.
 */
export interface PositionEvent {
  readonly ts: number;
  readonly symbol: string;
  readonly kind: 'split' | 'dividend';
  readonly value: number;
}

/**
 * Point-in-time universe membership (docs/universe.md). A symbol's bars reach the strategy only
 * on sessions it is a member; its orders are refused outside them. Membership of a session is
 * fixed by the previous close, so at a close the engine knows whether each symbol stays: one
 * that leaves has its open orders cancelled and, with `exit: 'close'`, its position closed by
 * orders tagged `universe-exit` (they fill at the next open, or at this close with `fill: close`).
 */
export interface UniverseMembership {
  /** Whether `symbol` is a member on the session of the bar at `ts`. */
  isMember(symbol: string, ts: number): boolean;
  /** Whether it is a member on the session after that of `ts` (true when not yet known). */
  isMemberNext(symbol: string, ts: number): boolean;
  readonly exit: 'close' | 'hold';
}

export const UNIVERSE_EXIT_TAG = 'universe-exit';

export interface EngineOptions {
  readonly runId: string;
  readonly strategy: Strategy;
  readonly params: Readonly<Record<string, unknown>>;
  readonly clock: EngineClock;
  readonly source: BarSource;
  readonly execution: ExecutionClient;
  /** The simulated exchange when it is the execution client; absent for a live venue. */
  readonly market?: BarDrivenVenue;
  /** Books fills and marks; its symbols must include the source's. */
  readonly portfolio: Portfolio;
  readonly instrument: (symbol: string) => Instrument;
  readonly calendar: (symbol: string) => TradingCalendar;
  readonly timeframe: Timeframe;
  /** Timestamps without orders at the start (the strategy may declare more with `ctx.warmUp`). */
  readonly warmup?: number;
  readonly risk?: PreTradeCheck;
  /** Where the OrderManager journals orders before they are sent (the ledger in paper and live). */
  readonly journal?: Ledger;
  /** The OrderManager's execution policies (timeouts, retries, quiet windows); default: retries only. */
  readonly policies?: Partial<OrderPolicies>;
  /**
   * Client order ids the run used before (a session resumed after a restart, from its ledger):
   * the ids the engine generates continue after them, and none of them is accepted again.
   */
  readonly usedOrderIds?: readonly string[];
  /**
   * Why orders are held at the bar of time `ts`, from outside the engine, or undefined: a live
   * session holds them on its warm-up history, so a restart never trades on old bars.
   */
  readonly orderHold?: (ts: number) => string | undefined;
  /** Splits and dividends to book on positions, by `ts` (the run's `data.prices` chose them). */
  readonly positionEvents?: readonly PositionEvent[];
  /** Point-in-time universe membership; absent: every symbol of the source, always. */
  readonly membership?: UniverseMembership;
}

import type { ProjectedExposure } from './exposure-book.js';

/**
 * Types of the risk layer (DESIGN.md, "Execution and risk"): every order passes the RiskManager
 * before the venue, in every mode. Fractions are of equity unless noted. docs/risk.md.
 */
export const KillSwitchState = { Active: 'ACTIVE', Reducing: 'REDUCING', Halted: 'HALTED' } as const;
export type KillSwitchState = (typeof KillSwitchState)[keyof typeof KillSwitchState];

export interface RiskLimits {
  /** Deny new exposure once equity is this fraction below the day's high (and trip the kill switch). */
  readonly maxDailyDrawdown: number;
  /** Loss at the order's stop as a fraction of equity (orders with a known stop). */
  readonly maxRiskPerTrade: number;
  /** Market value of one position. */
  readonly maxPosition: number;
  readonly maxGrossIntraday: number;
  readonly maxGrossSwing: number;
  /** Short market value as a fraction of gross exposure. */
  readonly maxShortOfGross: number;
  readonly maxPositions: number;
  /** New exposure paused after this many consecutive losing round trips (until the next day). */
  readonly pauseAfterLosses: number;
  readonly maxTradesPerDay: number;
  /** Notional of one order in the quote currency (Infinity: no limit). */
  readonly maxOrderNotional: number;
  /** Limit and stop prices at most this fraction away from the last price. */
  readonly priceCollar: number;
  /** Units of one order (Infinity: no limit). */
  readonly maxOrderQty: number;
  /** Gross exposure over equity. */
  readonly maxLeverage: number;
  readonly restricted: readonly string[];
  /** Per-symbol position caps (fractions), overriding maxPosition. */
  readonly symbolCaps: Readonly<Record<string, number>>;
  /** Per-strategy gross exposure caps (fractions). */
  readonly strategyCaps: Readonly<Record<string, number>>;
}

/** An order as the risk checks see it; `price` is the reference price (the last trade or close). */
export interface RiskOrder {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly type: string;
  readonly price: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** The protective stop of a bracket (for the per-trade risk). */
  readonly stopLoss?: number;
  readonly strategy?: string;
}

/** The account as the checks see it: a pure snapshot. */
export interface RiskState {
  readonly equity: number;
  /** Highest equity of the current trading day. */
  readonly dayHigh: number;
  /** Signed quantities held, by symbol. */
  readonly positions: ReadonlyMap<string, number>;
  /** Signed quantities of open orders not filled yet, by symbol (counted toward exposure). */
  readonly pending: ReadonlyMap<string, number>;
  /** Reference prices by symbol. */
  readonly prices: ReadonlyMap<string, number>;
  /** Gross market value held by each strategy. */
  readonly strategyGross: ReadonlyMap<string, number>;
  readonly consecutiveLosses: number;
  readonly tradesToday: number;
  readonly horizon: 'intraday' | 'swing';
  readonly killSwitch: KillSwitchState;
  isShortable(symbol: string): boolean;
  /**
   * Running sums of the projected positions (exposure-book.ts), equal to the ones the exposure
   * checks would sum from `positions`, `pending` and `prices`: read instead of summing every
   * position, unless their rounding could change the answer.
   */
  readonly exposure?: ProjectedExposure;
}

export const RISK_CHECKS = [
  'kill_switch', 'restricted', 'shortable', 'daily_drawdown', 'consecutive_losses', 'trades_per_day',
  'order_qty', 'order_notional', 'price_collar', 'position', 'gross_exposure', 'short_exposure',
  'max_positions', 'leverage', 'risk_per_trade', 'strategy_cap',
] as const; // prettier-ignore
export type RiskCheckName = (typeof RISK_CHECKS)[number];

export type RiskDecision =
  { readonly ok: true } | { readonly ok: false; readonly check: RiskCheckName; readonly reason: string };

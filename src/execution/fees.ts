import type { Liquidity, Side } from '../core/enums.js';
import { assertNonNegative } from './model-params.js';

/** One fill, and what its order filled before it (so per-order minimums are charged once). */
export interface FeeInput {
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly liquidity: Liquidity;
  /** Quantity and notional (qty x price) the same order filled before this fill. */
  readonly priorQty: number;
  readonly priorNotional: number;
}

/** A commission schedule: the fee (>= 0, in the quote currency) for one fill. */
export interface FeeModel {
  readonly name: string;
  fee(input: FeeInput): number;
}

/**
 * Builds a model from an order-level schedule `total(qty, notional)` that never decreases: each
 * fill pays `total(after) - total(before)`, so an order split into partial fills pays exactly
 * what the same order filled at once would pay (a per-order minimum is charged once).
 */
function perOrder(name: string, total: (qty: number, notional: number) => number): FeeModel {
  return {
    name,
    fee(f) {
      if (f.qty <= 0) return 0;
      const before = f.priorQty > 0 ? total(f.priorQty, f.priorNotional) : 0;
      return Math.max(0, total(f.priorQty + f.qty, f.priorNotional + f.qty * f.price) - before);
    },
  };
}

export const NO_FEES: FeeModel = { name: 'none', fee: () => 0 };

export interface PerShareFeeOptions {
  /** Fee per share (unit), e.g. 0.005. */
  readonly perShare: number;
  /** Minimum per order, e.g. 1.00. */
  readonly minimum?: number;
  /** Maximum per order as a fraction of the order's notional, e.g. 0.01 for 1%. */
  readonly maxFraction?: number;
}

/** `min(max(minimum, perShare x qty), maxFraction x notional)` per order. */
export function perShareFees(options: PerShareFeeOptions): FeeModel {
  const { perShare, minimum = 0, maxFraction = Infinity } = options;
  assertRate('perShare', perShare);
  assertRate('minimum', minimum);
  assertRate('maxFraction', maxFraction);
  return perOrder(`per-share ${perShare} min ${minimum}`, (qty, notional) =>
    Math.min(Math.max(minimum, perShare * qty), maxFraction * notional),
  );
}

/**
 * Interactive Brokers' fixed US stock schedule: USD 0.005 per share, minimum USD 1.00 and
 * maximum 1% of trade value per order (exchange and regulatory fees not included).
 * @see https://www.interactivebrokers.com/en/pricing/commissions-stocks.php
 */
export function ibkrFixedFees(): FeeModel {
  return perShareFees({ perShare: 0.005, minimum: 1, maxFraction: 0.01 });
}

export interface BpsFeeOptions {
  /** Basis points of notional (1 bp = 0.01%). */
  readonly bps: number;
  readonly minimum?: number;
}

/** `max(minimum, bps / 10_000 x notional)` per order. */
export function bpsFees(options: BpsFeeOptions): FeeModel {
  const { bps, minimum = 0 } = options;
  assertRate('bps', bps);
  assertRate('minimum', minimum);
  return perOrder(`${bps} bps min ${minimum}`, (_qty, notional) => Math.max(minimum, (bps / 10_000) * notional));
}

export interface MakerTakerFeeOptions {
  readonly makerBps: number;
  readonly takerBps: number;
}

/**
 * Crypto-style fees: bps of each fill's notional, by whether the fill added liquidity (maker)
 * or took it (taker). Binance spot's base tier is 10 / 10 bps.
 * @see https://www.binance.com/en/fee/schedule
 */
export function makerTakerFees(options: MakerTakerFeeOptions): FeeModel {
  const { makerBps, takerBps } = options;
  assertRate('makerBps', makerBps);
  assertRate('takerBps', takerBps);
  return {
    name: `maker ${makerBps} bps taker ${takerBps} bps`,
    fee: (f) => ((f.liquidity === 'maker' ? makerBps : takerBps) / 10_000) * f.qty * f.price,
  };
}

function assertRate(name: string, value: number): void {
  assertNonNegative('fee model', name, value);
}

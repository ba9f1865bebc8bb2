/**
 * What the broker says, in our terms: the reads reconciliation compares with the ledger
 * (account, positions, open orders, fills). Numbers are numbers; symbols are ours (`BTC/USD`).
 */
import type { OrderStatus, OrderType, Side, TimeInForce } from '../../../core/enums.js';

export interface BrokerAccount {
  readonly accountId: string;
  readonly status: string;
  readonly currency: string;
  readonly cash: number;
  readonly equity: number;
  readonly buyingPower: number;
  /** True when the venue refuses new orders (the account or its trading is blocked). */
  readonly isTradingBlocked: boolean;
}

export interface BrokerPosition {
  readonly symbol: string;
  /** Signed: negative when short. */
  readonly qty: number;
  readonly avgEntryPrice: number;
  /** NaN when the venue did not say. */
  readonly marketValue: number;
}

export interface BrokerOrder {
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  /** NaN for a notional order (Alpaca sizes it in dollars). */
  readonly qty: number;
  readonly filledQty: number;
  /** NaN before the first fill. */
  readonly avgFillPrice: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** Our status: every state in which the order still lives at the venue is accepted (or partially filled). */
  readonly status: OrderStatus;
  /** Alpaca's own status word, for reports. */
  readonly venueStatus: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface BrokerFill {
  /** The activity id: unique per execution. */
  readonly executionId: string;
  readonly venueOrderId: string;
  /** Our id when the order is ours; the venue's order id is the fallback key. */
  readonly clientOrderId: string | undefined;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly ts: number;
}

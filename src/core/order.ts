import type { Liquidity, OrderClass, OrderStatus, OrderType, Side, TimeInForce } from './enums.js';

/** What a strategy asks for. Prices are absent unless the order type uses them. */
export interface OrderRequest {
  /** Idempotency key: a retry with the same id never creates a second order. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly qty: number;
  readonly tif: TimeInForce;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** Trailing stops: a fixed price distance or a percent of the best price. */
  readonly trailAmount?: number;
  readonly trailPercent?: number;
  readonly orderClass?: OrderClass;
  /** Bracket legs. */
  readonly takeProfit?: { readonly limitPrice: number };
  readonly stopLoss?: { readonly stopPrice: number; readonly limitPrice?: number };
  /** Strategy that placed the order, for attribution. */
  readonly strategy?: string;
  readonly tag?: string;
}

/** An order as the order manager knows it now. */
export interface OrderState extends OrderRequest {
  readonly id: string;
  readonly status: OrderStatus;
  readonly filledQty: number;
  /** Volume-weighted fill price, NaN before the first fill. */
  readonly avgFillPrice: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly reason?: string;
  readonly parentId?: string;
}

export interface Fill {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly ts: number;
  readonly liquidity?: Liquidity;
  /**
   * The order's cumulative filled quantity at the venue once this fill is counted, when the venue
   * reports one (a broker's stream): the ledger then books only what it lacks of it, so a fill
   * that reconciliation already adopted from the broker's executions is not booked twice.
   */
  readonly cumQty?: number;
}

/** A venue or risk denial, delivered to the strategy as an event. */
export interface OrderRejection {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly reason: string;
  /** `risk` for a RiskManager denial, `venue` for an exchange rejection. */
  readonly source: 'risk' | 'venue';
  readonly ts: number;
}

/** Signed quantity: positive for buys, negative for sells. */
export function signedQty(side: Side, qty: number): number {
  return side === 'buy' ? qty : -qty;
}

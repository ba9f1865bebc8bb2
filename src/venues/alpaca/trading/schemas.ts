/**
 * Alpaca Trading API payloads (zod), shaped by ../shared/specs/alpaca/trading/openapi.yaml and
 * the `trade_updates` stream of specs/alpaca/streams.md (section B). Alpaca writes every number
 * of an order, a position or the account as a decimal string: each is parsed here into a finite
 * number, so nothing past these schemas ever sees a string price. Objects are not strict: the
 * venue adds fields over time and those we do not read must not break us.
 */
import { z } from 'zod';
import { parseRfc3339 } from '../schemas.js';

/** A decimal written as a string ("105.8988475", "-23140.2"), as a finite number. */
export const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'not a decimal string')
  .transform(Number)
  .refine(Number.isFinite, 'not a finite number');

/** An RFC-3339 instant (nanoseconds allowed), as epoch ms. */
export const instant = z.string().transform((s, ctx) => {
  const ms = parseRfc3339(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an RFC-3339 timestamp: ${s.slice(0, 40)}` });
    return z.NEVER;
  }
  return ms;
});

/** Every order status of the spec's `OrderStatus`. */
export const ALPACA_ORDER_STATUSES = [
  'new',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'stopped',
  'rejected',
  'suspended',
  'calculated',
] as const;
export type AlpacaOrderStatus = (typeof ALPACA_ORDER_STATUSES)[number];

export const ALPACA_ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export const ALPACA_TIFS = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'] as const;

/** The spec's `Order` as the REST API and the stream send it. */
export const alpacaOrderSchema = z.object({
  id: z.string().min(1),
  client_order_id: z.string().min(1).max(128),
  created_at: instant,
  updated_at: instant.nullish(),
  submitted_at: instant.nullish(),
  filled_at: instant.nullish(),
  symbol: z.string().min(1),
  asset_class: z.string().optional(),
  qty: decimal.nullish(),
  notional: decimal.nullish(),
  filled_qty: decimal,
  filled_avg_price: decimal.nullish(),
  order_class: z.string().optional(),
  type: z.enum(ALPACA_ORDER_TYPES),
  side: z.enum(['buy', 'sell']),
  time_in_force: z.enum(ALPACA_TIFS),
  limit_price: decimal.nullish(),
  stop_price: decimal.nullish(),
  trail_price: decimal.nullish(),
  trail_percent: decimal.nullish(),
  // A status the spec does not list is taken as working, not as a malformed update: the venue
  // adds states over time and dropping the update would lose the fills it carries.
  status: z.string().min(1),
  replaced_by: z.string().nullish(),
  replaces: z.string().nullish(),
  legs: z.array(z.unknown()).nullish(),
});
export type AlpacaOrder = z.infer<typeof alpacaOrderSchema>;

export const alpacaOrderListSchema = z.array(alpacaOrderSchema);

/** One `trade_updates` message (streams.md B.4). Unknown events are kept: the client logs them. */
export const alpacaTradeUpdateSchema = z.object({
  stream: z.literal('trade_updates'),
  data: z.object({
    event: z.string().min(1),
    order: alpacaOrderSchema,
    execution_id: z.string().optional(),
    timestamp: instant.optional(),
    price: decimal.nullish(),
    qty: decimal.nullish(),
    position_qty: decimal.nullish(),
  }),
});
export type AlpacaTradeUpdate = z.infer<typeof alpacaTradeUpdateSchema>['data'];

/** `authorization` and `listening` replies (streams.md B.2, B.3). */
export const alpacaStreamControlSchema = z.union([
  z.object({
    stream: z.literal('authorization'),
    data: z.object({ status: z.string(), action: z.string() }),
  }),
  z.object({
    stream: z.literal('listening'),
    data: z.object({ streams: z.array(z.string()) }),
  }),
]);

/** `GET /v2/account`, the fields reconciliation reads. */
export const alpacaAccountSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  currency: z.string().optional(),
  cash: decimal,
  equity: decimal,
  buying_power: decimal,
  portfolio_value: decimal.optional(),
  trading_blocked: z.boolean().optional(),
  account_blocked: z.boolean().optional(),
});
export type AlpacaAccount = z.infer<typeof alpacaAccountSchema>;

/** `GET /v2/positions` items. Crypto positions are named without the slash (`BTCUSD`). */
export const alpacaPositionSchema = z.object({
  symbol: z.string().min(1),
  asset_class: z.string(),
  qty: decimal,
  avg_entry_price: decimal,
  side: z.enum(['long', 'short']),
  market_value: decimal.nullish(),
  current_price: decimal.nullish(),
});
export const alpacaPositionListSchema = z.array(alpacaPositionSchema);
export type AlpacaPosition = z.infer<typeof alpacaPositionSchema>;

/** `GET /v2/account/activities/FILL` items (`TradingActivities`). */
export const alpacaFillActivitySchema = z.object({
  id: z.string().min(1),
  activity_type: z.literal('FILL'),
  transaction_time: instant,
  type: z.enum(['fill', 'partial_fill']),
  price: decimal,
  qty: decimal,
  side: z.string(),
  symbol: z.string().min(1),
  order_id: z.string().min(1),
  cum_qty: decimal.optional(),
  leaves_qty: decimal.optional(),
  order_status: z.string().optional(),
});
export const alpacaFillActivityListSchema = z.array(alpacaFillActivitySchema);
export type AlpacaFillActivity = z.infer<typeof alpacaFillActivitySchema>;

/** An error body: `{"code":40010001,"message":"client_order_id must be unique"}`. */
export const alpacaErrorSchema = z.object({ code: z.number().optional(), message: z.string() });

/** GET /v2/clock: the venue's time (what we read) and the market's state and next open and close. */
export const alpacaClockSchema = z.object({
  timestamp: instant,
  is_open: z.boolean().optional(),
  next_open: instant.optional(),
  next_close: instant.optional(),
});

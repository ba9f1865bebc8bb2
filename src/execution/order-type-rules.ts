import type { OrderRequest } from '../core/order.js';
import type { InvalidOrder } from './order-validation.js';
import type { RejectCode } from '../engine/ports.js';

const USES_LIMIT = new Set<string>(['limit', 'stop_limit']);
const USES_STOP = new Set<string>(['stop', 'stop_limit']);
/** Order types that may take the auction TIFs opg / cls. */
const AUCTION_TYPES = new Set<string>(['market', 'limit', 'market_on_open', 'market_on_close']);

interface TypeRule {
  readonly isBroken: (req: OrderRequest, cls: string) => boolean;
  readonly code: RejectCode;
  readonly reason: (req: OrderRequest) => string;
}

const isTrailing = (req: OrderRequest): boolean => req.type === 'trailing_stop';

/**
 * Price fields each order type needs or must not carry, and the TIFs it accepts, in the order
 * they are checked. Reasons are built only for the broken rule.
 */
const TYPE_RULES: readonly TypeRule[] = [
  {
    isBroken: (r, cls) => USES_LIMIT.has(r.type) && cls !== 'oco' && !isPrice(r.limitPrice),
    code: 'invalid_price',
    reason: (r) => `a ${r.type} order needs a positive limitPrice, got ${r.limitPrice}`,
  },
  {
    isBroken: (r) => !USES_LIMIT.has(r.type) && r.limitPrice !== undefined,
    code: 'invalid_order',
    reason: (r) => `limitPrice is not used by ${r.type} orders`,
  },
  {
    isBroken: (r) => r.limitPrice !== undefined && !isPrice(r.limitPrice),
    code: 'invalid_price',
    reason: (r) => `limitPrice must be a positive price, got ${r.limitPrice}`,
  },
  {
    isBroken: (r) => USES_STOP.has(r.type) && !isPrice(r.stopPrice),
    code: 'invalid_price',
    reason: (r) => `a ${r.type} order needs a positive stopPrice, got ${r.stopPrice}`,
  },
  {
    isBroken: (r) => !USES_STOP.has(r.type) && r.stopPrice !== undefined,
    code: 'invalid_order',
    reason: (r) => `stopPrice is not used by ${r.type} orders`,
  },
  {
    isBroken: (r) => !isTrailing(r) && (r.trailAmount !== undefined || r.trailPercent !== undefined),
    code: 'invalid_order',
    reason: () => 'trailAmount and trailPercent are only used by trailing_stop orders',
  },
  {
    isBroken: (r) => isTrailing(r) && (r.trailAmount === undefined) === (r.trailPercent === undefined),
    code: 'invalid_order',
    reason: () => 'a trailing_stop order takes exactly one of trailAmount or trailPercent',
  },
  {
    isBroken: (r) => isTrailing(r) && r.trailAmount !== undefined && !isPrice(r.trailAmount),
    code: 'invalid_price',
    reason: (r) => `trailAmount must be positive, got ${r.trailAmount}`,
  },
  {
    isBroken: (r) => isTrailing(r) && r.trailPercent !== undefined && !(r.trailPercent > 0 && r.trailPercent < 100),
    code: 'invalid_price',
    reason: (r) => `trailPercent must be between 0 and 100 (exclusive), got ${r.trailPercent}`,
  },
  {
    isBroken: (r) => r.type === 'market_on_open' && r.tif !== 'opg',
    code: 'invalid_order',
    reason: (r) => `market_on_open orders take tif opg, got ${r.tif}`,
  },
  {
    isBroken: (r) => r.type === 'market_on_close' && r.tif !== 'cls',
    code: 'invalid_order',
    reason: (r) => `market_on_close orders take tif cls, got ${r.tif}`,
  },
  {
    isBroken: (r) => (r.tif === 'opg' || r.tif === 'cls') && !AUCTION_TYPES.has(r.type),
    code: 'invalid_order',
    reason: (r) => `tif ${r.tif} applies to market and limit orders only, not ${r.type}`,
  },
  {
    isBroken: (r, cls) => cls === 'simple' && (r.takeProfit !== undefined || r.stopLoss !== undefined),
    code: 'invalid_order',
    reason: () => 'takeProfit and stopLoss need orderClass bracket, oco or oto',
  },
];

/** The first broken rule of an order's type fields, or undefined. */
export function checkTypeFields(req: OrderRequest, cls: string): InvalidOrder | undefined {
  for (let i = 0; i < TYPE_RULES.length; i++) {
    const rule = TYPE_RULES[i] as TypeRule;
    if (rule.isBroken(req, cls)) return { ok: false, code: rule.code, reason: rule.reason(req) };
  }
  return undefined;
}

function isPrice(p: number | undefined): boolean {
  return p !== undefined && Number.isFinite(p) && p > 0;
}

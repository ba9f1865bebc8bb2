/**
 * Our orders <-> Alpaca's (pure). Every order type and time in force of the spec maps one to one;
 * `market_on_open` / `market_on_close` are Alpaca market orders with tif `opg` / `cls`. What
 * Alpaca cannot take is refused here with the rejection code and a reason naming the field, so
 * it never costs a request (specs/alpaca/trading/openapi.yaml: `OrderType`, `TimeInForce`).
 */
import type { OrderStatus } from '../../../core/enums.js';
import type { OrderRequest } from '../../../core/order.js';
import type { RejectCode } from '../../../engine/ports.js';
import { isCryptoSymbol } from '../mapper.js';
import type { AlpacaOrderStatus } from './schemas.js';

/** The spec's `client_order_id` limit (maxLength 48). */
export const ALPACA_MAX_CLIENT_ORDER_ID = 48;
/** Alpaca takes quantities and prices with up to 9 decimals (crypto fractions). */
const DECIMALS = 9;

/** The JSON body of `POST /v2/orders`; numbers as decimal strings, as Alpaca's SDKs send them. */
export interface AlpacaOrderBody {
  readonly symbol: string;
  readonly qty: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly time_in_force: string;
  readonly client_order_id: string;
  readonly limit_price?: string;
  readonly stop_price?: string;
  readonly trail_price?: string;
  readonly trail_percent?: string;
  readonly order_class?: string;
  readonly take_profit?: { readonly limit_price: string };
  readonly stop_loss?: { readonly stop_price: string; readonly limit_price?: string };
}

export type MappedOrder =
  | { readonly ok: true; readonly body: AlpacaOrderBody }
  | { readonly ok: false; readonly code: RejectCode; readonly reason: string };

/** A number as a plain decimal string (never exponent notation), at most 9 decimals. */
export function formatDecimal(n: number): string {
  const fixed = n.toFixed(DECIMALS);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** The request body for an order, or why Alpaca cannot take it. */
export function toAlpacaOrder(req: OrderRequest): MappedOrder {
  const id = req.clientOrderId;
  if (id.length === 0 || id.length > ALPACA_MAX_CLIENT_ORDER_ID) {
    return refuse('invalid_order', `client order id "${id}" must be 1..${ALPACA_MAX_CLIENT_ORDER_ID} characters`);
  }
  if (!(Number.isFinite(req.qty) && req.qty > 0)) {
    return refuse('invalid_qty', `qty must be a positive number, got ${req.qty}`);
  }
  if (Number(formatDecimal(req.qty)) === 0) {
    return refuse('invalid_qty', `qty ${req.qty} is below Alpaca's smallest quantity (1e-${DECIMALS})`);
  }
  const cls = req.orderClass ?? 'simple';
  const broken = checkFields(req, cls);
  if (broken !== undefined) return broken;
  const crypto = isCryptoSymbol(req.symbol);
  if (crypto && (req.tif === 'opg' || req.tif === 'cls')) {
    return refuse('invalid_order', `crypto orders take tif day, gtc, ioc or fok, not ${req.tif}`);
  }
  const type = req.type === 'market_on_open' || req.type === 'market_on_close' ? 'market' : req.type;
  if ((req.tif === 'opg' || req.tif === 'cls') && type !== 'market' && type !== 'limit') {
    return refuse('invalid_order', `tif ${req.tif} is for market and limit orders only, not ${req.type}`);
  }
  const body: AlpacaOrderBody = {
    symbol: req.symbol.toUpperCase(),
    qty: formatDecimal(req.qty),
    side: req.side,
    type,
    time_in_force: req.tif,
    client_order_id: id,
    ...(req.limitPrice === undefined ? {} : { limit_price: formatDecimal(req.limitPrice) }),
    ...(req.stopPrice === undefined ? {} : { stop_price: formatDecimal(req.stopPrice) }),
    ...(req.trailAmount === undefined ? {} : { trail_price: formatDecimal(req.trailAmount) }),
    ...(req.trailPercent === undefined ? {} : { trail_percent: formatDecimal(req.trailPercent) }),
    ...(cls === 'simple' ? {} : { order_class: cls }),
    ...(req.takeProfit === undefined ? {} : { take_profit: { limit_price: formatDecimal(req.takeProfit.limitPrice) } }),
    ...(req.stopLoss === undefined
      ? {}
      : {
          stop_loss: {
            stop_price: formatDecimal(req.stopLoss.stopPrice),
            ...(req.stopLoss.limitPrice === undefined ? {} : { limit_price: formatDecimal(req.stopLoss.limitPrice) }),
          },
        }),
  };
  return { ok: true, body };
}

/**
 * Our status for an Alpaca status. `working` covers every state in which the order still lives at
 * the venue (Alpaca's new, accepted, pending_*, stopped, done_for_day, ...): for us it is
 * accepted, or partially filled once it has fills. `replaced` means the order lives on under
 * another venue id.
 */
export function statusOf(s: AlpacaOrderStatus | string): OrderStatus | 'working' | 'replaced' {
  switch (s) {
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    case 'replaced':
      return 'replaced';
    default:
      return 'working';
  }
}

/** Alpaca names crypto positions without the slash (`BTCUSD`, streams.md C); ours have it. */
export function positionSymbol(symbol: string, assetClass: string): string {
  if (assetClass !== 'crypto' || symbol.includes('/')) return symbol;
  const quote = CRYPTO_QUOTES.find((q) => symbol.length > q.length && symbol.endsWith(q));
  return quote === undefined ? symbol : `${symbol.slice(0, -quote.length)}/${quote}`;
}
/** Quote currencies of Alpaca's crypto pairs, longest first so `USDT` wins over `USD`. */
const CRYPTO_QUOTES = ['USDT', 'USDC', 'USD', 'BTC'];

/**
 * The rejection code of a refused `POST /v2/orders` (403: buying power or shares not
 * sufficient; 422: parameters), read from the status and the venue's message.
 */
export function rejectCodeOf(status: number, message: string): RejectCode {
  const m = message.toLowerCase();
  if (status === 403) {
    // "insufficient qty available for order": selling what is not held, a short the account cannot take.
    if (m.includes('short') || m.includes('qty')) return 'not_shortable';
    return 'insufficient_buying_power';
  }
  if (m.includes('buying power') || m.includes('insufficient')) return 'insufficient_buying_power';
  if (m.includes('asset') || m.includes('symbol')) return 'unknown_symbol';
  if (m.includes('qty') || m.includes('quantity')) return 'invalid_qty';
  if (m.includes('price') || m.includes('pricing') || m.includes('penny')) return 'invalid_price';
  return 'invalid_order';
}

/**
 * Alpaca's answer to a second order under a client order id (streams.md C: HTTP 422,
 * `client_order_id must be unique`). The code 40010001 alone is not enough: it is the venue's
 * general "invalid request" code, so the message decides.
 */
export function isDuplicateClientOrderId(status: number, message: string): boolean {
  return status === 422 && /client_order_id must be unique/i.test(message);
}

const USES_LIMIT = new Set<string>(['limit', 'stop_limit']);
const USES_STOP = new Set<string>(['stop', 'stop_limit']);
const isPrice = (p: number | undefined): boolean => p !== undefined && Number.isFinite(p) && p > 0;

/** The price fields each order type and class needs, as Alpaca's order form asks for them. */
function checkFields(req: OrderRequest, cls: string): MappedOrder | undefined {
  const t = req.type;
  if (!['market', 'limit', 'stop', 'stop_limit', 'trailing_stop', 'market_on_open', 'market_on_close'].includes(t)) {
    return refuse('invalid_order', `Alpaca has no order type "${t}"`);
  }
  if (!['simple', 'bracket', 'oco', 'oto'].includes(cls))
    return refuse('invalid_order', `unknown order class "${cls}"`);
  if (USES_LIMIT.has(t) && cls !== 'oco' && !isPrice(req.limitPrice)) {
    return refuse('invalid_price', `a ${t} order needs a positive limitPrice, got ${req.limitPrice}`);
  }
  if (!USES_LIMIT.has(t) && req.limitPrice !== undefined)
    return refuse('invalid_order', `limitPrice is not used by ${t} orders`);
  if (USES_STOP.has(t) && !isPrice(req.stopPrice)) {
    return refuse('invalid_price', `a ${t} order needs a positive stopPrice, got ${req.stopPrice}`);
  }
  if (!USES_STOP.has(t) && req.stopPrice !== undefined)
    return refuse('invalid_order', `stopPrice is not used by ${t} orders`);
  if (t === 'market_on_open' && req.tif !== 'opg')
    return refuse('invalid_order', `market_on_open orders take tif opg, got ${req.tif}`);
  if (t === 'market_on_close' && req.tif !== 'cls')
    return refuse('invalid_order', `market_on_close orders take tif cls, got ${req.tif}`);
  const trails = [req.trailAmount, req.trailPercent].filter((x) => x !== undefined);
  if (t === 'trailing_stop' && (trails.length !== 1 || !isPrice(trails[0]))) {
    return refuse('invalid_price', 'a trailing_stop order needs exactly one positive trailAmount or trailPercent');
  }
  if (t !== 'trailing_stop' && trails.length > 0)
    return refuse('invalid_order', `trailAmount/trailPercent are not used by ${t} orders`);
  const tp = req.takeProfit;
  const sl = req.stopLoss;
  if (tp !== undefined && !isPrice(tp.limitPrice))
    return refuse('invalid_price', 'takeProfit.limitPrice must be a positive price');
  if (sl !== undefined && (!isPrice(sl.stopPrice) || (sl.limitPrice !== undefined && !isPrice(sl.limitPrice)))) {
    return refuse('invalid_price', 'stopLoss prices must be positive');
  }
  if ((cls === 'bracket' || cls === 'oco') && (tp === undefined || sl === undefined)) {
    return refuse('invalid_order', `a ${cls} order needs both takeProfit and stopLoss`);
  }
  if (cls === 'oco' && t !== 'limit')
    return refuse('invalid_order', `an oco order is a limit order (its take-profit), not ${t}`);
  if (cls === 'oto' && (tp === undefined) === (sl === undefined)) {
    return refuse('invalid_order', 'an oto order needs exactly one of takeProfit and stopLoss');
  }
  if (cls === 'simple' && (tp !== undefined || sl !== undefined)) {
    return refuse('invalid_order', 'takeProfit/stopLoss need orderClass bracket, oco or oto');
  }
  return undefined;
}

function refuse(code: RejectCode, reason: string): MappedOrder {
  return { ok: false, code, reason };
}

/**
 * The state behind the fake Alpaca trading server: a cash account, positions, orders shaped like
 * the spec's `Order` (numbers as decimal strings), FILL activities, and a simple matcher the test
 * drives with `trade`: market orders fill at the traded price, limits when the price reaches
 * them (at the limit), stops once triggered, trailing stops off the best price seen. Every order
 * taken and every fill is written to `log`, which an acceptance test compares with our ledger.
 * @see ../../../../shared/specs/alpaca/trading/openapi.yaml (Order, Position, Account, TradingActivities)
 */
import { randomUUID } from 'node:crypto';

export type WireOrder = Record<string, unknown> & {
  id: string;
  client_order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  time_in_force: string;
  status: string;
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  limit_price: string | null;
  stop_price: string | null;
};

/** What the venue logged: an order it took, a refusal, a fill, a cancel or other end. */
export type VenueLogEntry =
  | { readonly kind: 'order'; readonly ts: number; readonly order: Readonly<WireOrder> }
  | {
      readonly kind: 'refused';
      readonly ts: number;
      readonly clientOrderId: string;
      readonly status: number;
      readonly message: string;
    }
  | {
      readonly kind: 'fill';
      readonly ts: number;
      readonly executionId: string;
      readonly orderId: string;
      readonly clientOrderId: string;
      readonly symbol: string;
      readonly side: 'buy' | 'sell';
      readonly qty: number;
      readonly price: number;
    }
  | { readonly kind: 'end'; readonly ts: number; readonly clientOrderId: string; readonly status: string };

/** A `trade_updates` message body (streams.md B.4). */
export interface TradeUpdateData {
  event: string;
  order: WireOrder;
  timestamp?: string;
  execution_id?: string;
  price?: string;
  qty?: string;
  position_qty?: string;
}

export interface Refusal {
  readonly status: number;
  readonly body: { code: number; message: string };
}

const OPEN = new Set(['new', 'accepted', 'pending_new', 'partially_filled', 'done_for_day']);
const CRYPTO_QUOTES = ['USDT', 'USDC', 'USD', 'BTC'];

export const isCrypto = (symbol: string): boolean => symbol.includes('/');
/** Positions of crypto pairs are named without the slash (streams.md C). */
export const positionName = (symbol: string): string => symbol.replace('/', '');
const num = (s: string | null | undefined): number => (s == null ? NaN : Number(s));
const dec = (n: number): string => String(Math.round(n * 1e9) / 1e9);

export class FakeTradingVenue {
  readonly log: VenueLogEntry[] = [];
  readonly orders: WireOrder[] = [];
  readonly activities: Record<string, unknown>[] = [];
  readonly positions = new Map<string, { qty: number; avg: number }>();
  readonly prices = new Map<string, number>();
  cash: number;
  now: () => number;
  /** Market orders fill on arrival at the symbol's price when set (else at the next `trade`). */
  readonly fillMarketOnArrival = new Set<string>();
  readonly #hwm = new Map<string, number>();
  /** Stop-limit orders whose stop has been hit: they rest as limits from then on. */
  readonly #triggered = new Set<string>();
  readonly #assets: readonly string[];
  /** Orders by client order id and by id: a long benchmark session looks one up per request. */
  readonly #byClientId = new Map<string, WireOrder>();
  readonly #byId = new Map<string, WireOrder>();
  readonly #emit: (u: TradeUpdateData) => void;

  constructor(assets: readonly string[], cash: number, now: () => number, emit: (u: TradeUpdateData) => void) {
    this.#assets = assets;
    this.cash = cash;
    this.now = now;
    this.#emit = emit;
  }

  get assets(): readonly string[] {
    return this.#assets;
  }

  iso(ts = this.now()): string {
    return new Date(ts).toISOString();
  }

  byClientId(id: string): WireOrder | undefined {
    return this.#byClientId.get(id);
  }

  byId(id: string): WireOrder | undefined {
    return this.#byId.get(id);
  }

  isOpen(o: WireOrder): boolean {
    return OPEN.has(o.status);
  }

  equity(): number {
    let v = this.cash;
    for (const [name, p] of this.positions) v += p.qty * (this.prices.get(this.#symbolOf(name)) ?? p.avg);
    return v;
  }

  /** Takes an order (POST /v2/orders); a refusal is returned, as Alpaca would answer it. */
  submit(body: Record<string, unknown>): WireOrder | Refusal {
    const str = (k: string): string | undefined => (body[k] == null ? undefined : String(body[k]));
    const clientId = str('client_order_id') ?? randomUUID();
    const refuse = (status: number, code: number, message: string): Refusal => {
      this.log.push({ kind: 'refused', ts: this.now(), clientOrderId: clientId, status, message });
      return { status, body: { code, message } };
    };
    if (this.byClientId(clientId) !== undefined) return refuse(422, 40010001, 'client_order_id must be unique');
    const symbol = (str('symbol') ?? '').toUpperCase();
    if (!this.#assets.includes(symbol)) return refuse(422, 42210000, `asset "${symbol}" not found`);
    const qty = num(str('qty'));
    if (!(qty > 0)) return refuse(422, 40010001, 'qty must be > 0');
    const side = str('side');
    const type = str('type') ?? '';
    const tif = str('time_in_force') ?? '';
    if (side !== 'buy' && side !== 'sell') return refuse(422, 40010001, 'side is invalid');
    if (!['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'].includes(type)) {
      return refuse(422, 40010001, `invalid order type: ${type}`);
    }
    if (!['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'].includes(tif))
      return refuse(422, 40010001, 'invalid time_in_force');
    if (isCrypto(symbol) && (tif === 'opg' || tif === 'cls'))
      return refuse(422, 40010001, 'invalid crypto time_in_force');
    const limit = num(str('limit_price'));
    const stop = num(str('stop_price'));
    if ((type === 'limit' || type === 'stop_limit') && !(limit > 0))
      return refuse(422, 40010001, 'limit_price is required');
    if ((type === 'stop' || type === 'stop_limit') && !(stop > 0))
      return refuse(422, 40010001, 'stop_price is required');
    const ref = Number.isFinite(limit) ? limit : (this.prices.get(symbol) ?? NaN);
    if (side === 'buy' && Number.isFinite(ref) && qty * ref > this.cash + 1e-9) {
      return refuse(403, 40310000, 'insufficient buying power');
    }
    const held = this.positions.get(positionName(symbol))?.qty ?? 0;
    if (side === 'sell' && isCrypto(symbol) && qty > held + 1e-12) {
      return refuse(403, 40310000, `insufficient qty available for order (requested: ${qty}, available: ${held})`);
    }
    const ts = this.iso();
    const order: WireOrder = {
      id: randomUUID(),
      client_order_id: clientId,
      created_at: ts,
      updated_at: ts,
      submitted_at: ts,
      filled_at: null,
      expired_at: null,
      canceled_at: null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
      asset_id: randomUUID(),
      symbol,
      asset_class: isCrypto(symbol) ? 'crypto' : 'us_equity',
      notional: null,
      qty: dec(qty),
      filled_qty: '0',
      filled_avg_price: null,
      order_class: str('order_class') ?? '',
      order_type: type,
      type,
      side,
      time_in_force: tif,
      limit_price: str('limit_price') ?? null,
      stop_price: str('stop_price') ?? null,
      status: 'accepted',
      extended_hours: false,
      legs: null,
      trail_percent: str('trail_percent') ?? null,
      trail_price: str('trail_price') ?? null,
      hwm: null,
    };
    this.orders.push(order);
    this.#byClientId.set(clientId, order);
    this.#byId.set(order.id, order);
    this.log.push({ kind: 'order', ts: this.now(), order: { ...order } });
    return order;
  }

  /** After the answer to the POST: the order reaches the market (`new`) and may trade at once. */
  route(order: WireOrder): void {
    this.#set(order, 'new');
    this.#emit({ event: 'new', order: { ...order } });
    const price = this.prices.get(order.symbol);
    if (price !== undefined && (order.type !== 'market' || this.fillMarketOnArrival.has(order.symbol))) {
      this.#match(order, price, Infinity);
    } else if (price !== undefined && order.type === 'market') {
      // Market orders wait for the next trade unless the test made them fill on arrival.
    }
    if ((order.time_in_force === 'ioc' || order.time_in_force === 'fok') && this.isOpen(order)) {
      this.end(order, 'canceled');
    }
  }

  /** The market trades at `price`: open orders of the symbol that it reaches fill, up to `maxQty` each. */
  trade(symbol: string, price: number, maxQty = Infinity): void {
    this.prices.set(symbol, price);
    for (const o of this.orders.filter((x) => x.symbol === symbol && this.isOpen(x))) this.#match(o, price, maxQty);
  }

  /** Ends an open order: canceled, expired, rejected (the venue's own decisions). */
  end(order: WireOrder, status: 'canceled' | 'expired' | 'rejected'): void {
    const at = { canceled: 'canceled_at', expired: 'expired_at', rejected: 'failed_at' }[status];
    order[at] = this.iso();
    this.#set(order, status);
    this.log.push({ kind: 'end', ts: this.now(), clientOrderId: order.client_order_id, status });
    this.#emit({ event: status, order: { ...order }, timestamp: this.iso() });
  }

  /** `done_for_day`: the order stays but trades no more today (streams.md B.5). */
  doneForDay(order: WireOrder): void {
    this.#set(order, 'done_for_day');
    this.#emit({ event: 'done_for_day', order: { ...order } });
  }

  #match(o: WireOrder, price: number, maxQty: number): void {
    const fillAt = this.#fillPrice(o, price);
    if (fillAt === undefined) return;
    const remaining = num(o.qty) - num(o.filled_qty);
    const qty = Math.min(remaining, maxQty);
    if (!(qty > 0)) return;
    if (o.time_in_force === 'fok' && qty < remaining) return;
    this.#fill(o, qty, fillAt);
  }

  /** The price an order trades at when the market prints `price`, or undefined when it does not trade. */
  #fillPrice(o: WireOrder, price: number): number | undefined {
    const buy = o.side === 'buy';
    const limit = num(o.limit_price);
    const stop = num(o.stop_price);
    const reaches = (lim: number) => (buy ? price <= lim : price >= lim);
    const triggered = (stp: number) => (buy ? price >= stp : price <= stp);
    switch (o.type) {
      case 'market':
        return price;
      case 'limit':
        return reaches(limit) ? limit : undefined;
      case 'stop':
        return triggered(stop) ? price : undefined;
      case 'stop_limit':
        if (triggered(stop)) this.#triggered.add(o.id);
        return this.#triggered.has(o.id) && reaches(limit) ? limit : undefined;
      default: {
        const best = this.#hwm.get(o.id) ?? price;
        const next = buy ? Math.min(best, price) : Math.max(best, price);
        this.#hwm.set(o.id, next);
        o.hwm = dec(next);
        const pct = num(o.trail_percent as string | null);
        const dist = Number.isFinite(pct) ? (next * pct) / 100 : num(o.trail_price as string | null);
        return triggered(buy ? next + dist : next - dist) && price !== next ? price : undefined;
      }
    }
  }

  #fill(o: WireOrder, qty: number, price: number): void {
    const before = num(o.filled_qty);
    const avg = before === 0 ? price : (num(o.filled_avg_price) * before + price * qty) / (before + qty);
    const cum = before + qty;
    o.filled_qty = dec(cum);
    o.filled_avg_price = dec(avg);
    const done = cum >= num(o.qty) - 1e-12;
    const ts = this.iso();
    if (done) o.filled_at = ts;
    this.#set(o, done ? 'filled' : 'partially_filled');
    const signed = o.side === 'buy' ? qty : -qty;
    this.cash -= signed * price;
    const name = positionName(o.symbol);
    const p = this.positions.get(name) ?? { qty: 0, avg: 0 };
    const q = p.qty + signed;
    const grows = Math.sign(p.qty) === Math.sign(signed) || p.qty === 0;
    const next = { qty: q, avg: grows ? (p.avg * Math.abs(p.qty) + price * qty) / Math.abs(q) : q === 0 ? 0 : p.avg };
    if (Math.abs(q) < 1e-12) this.positions.delete(name);
    else this.positions.set(name, next);
    const executionId = randomUUID();
    this.log.push({
      kind: 'fill',
      ts: this.now(),
      executionId,
      orderId: o.id,
      clientOrderId: o.client_order_id,
      symbol: o.symbol,
      side: o.side,
      qty,
      price,
    });
    this.activities.push({
      id: `${ts.replace(/[-:TZ.]/g, '')}::${executionId}`,
      activity_type: 'FILL',
      transaction_time: ts,
      type: done ? 'fill' : 'partial_fill',
      price: dec(price),
      qty: dec(qty),
      side: o.side,
      symbol: o.symbol,
      leaves_qty: dec(num(o.qty) - cum),
      order_id: o.id,
      cum_qty: dec(cum),
      order_status: o.status,
    });
    this.#emit({
      event: done ? 'fill' : 'partial_fill',
      order: { ...o },
      timestamp: ts,
      execution_id: executionId,
      price: dec(price),
      qty: dec(qty),
      position_qty: dec(q),
    });
  }

  #set(o: WireOrder, status: string): void {
    o.status = status;
    o.updated_at = this.iso();
  }

  #symbolOf(name: string): string {
    if (this.#assets.includes(name)) return name;
    const quote = CRYPTO_QUOTES.find((q) => name.endsWith(q));
    return quote === undefined ? name : `${name.slice(0, -quote.length)}/${quote}`;
  }
}

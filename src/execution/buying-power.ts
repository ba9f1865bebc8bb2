import type { OrderRequest } from '../core/order.js';
import type { VenueAccount } from '../engine/ports.js';
import type { SymbolBook } from './order-book.js';

/** Buying power of a simulated venue: gross exposure may reach `leverage` x the account's equity. */
export interface BuyingPower {
  readonly account: VenueAccount;
  /**
   * Multiple of equity, > 0 (1: a cash account, 2: Reg T margin, 4: day-trading margin; a run's
   * `venue.max_leverage`, default 2: docs/execution.md, "Buying power").
   */
  readonly leverage: number;
}

/**
 * Why `req` (lot-rounded, valid) exceeds the buying power, or undefined when it fits. Checked at
 * submission, as Alpaca checks a market order: gross exposure is counted at each symbol's latest
 * close (the order's limit or stop price for a symbol without one), with open orders counted in
 * the worst case (every open buy and, separately, every open sell of a symbol filling; an OCO
 * pair or a bracket's exits once). An order that does not raise that worst case (a sell of a
 * long position, say) always fits; an order with no price to value it by is not checked.
 */
export function exceedsBuyingPower(
  req: OrderRequest,
  books: ReadonlyMap<string, SymbolBook>,
  bp: BuyingPower,
): string | undefined {
  const own = books.get(req.symbol);
  const price = priceOf(own, req);
  if (!(price > 0)) return undefined;
  const before = own === undefined ? 0 : worstQty(own, undefined);
  const after = own === undefined ? req.qty : worstQty(own, req);
  if (!(after > before)) return undefined;
  let gross = after * price;
  for (const book of books.values()) {
    // Most symbols of a run are flat with nothing working: nothing to add, skipped cheaply
    // (every order of a run walks every symbol).
    if (book === own || (book.position === 0 && book.working.length === 0)) continue;
    const p = book.lastClose;
    if (p > 0) gross += worstQty(book, undefined) * p;
  }
  const equity = bp.account.equity();
  const limit = Math.max(0, equity) * bp.leverage;
  // A relative tolerance: sizing to exactly the limit must not fail on the last bit.
  if (gross <= limit * (1 + 1e-9)) return undefined;
  return (
    `${req.side === 'buy' ? 'buying' : 'selling'} ${req.qty} ${req.symbol} at ${price} would take gross exposure ` +
    `to ${round2(gross)}, beyond the buying power of ${bp.leverage}x equity ${round2(equity)} (${round2(limit)})`
  );
}

/** The symbol's latest close, or the order's own limit or stop price before its first bar. */
function priceOf(book: SymbolBook | undefined, req: OrderRequest): number {
  const close = book?.lastClose ?? NaN;
  if (close > 0) return close;
  return req.limitPrice ?? req.stopPrice ?? NaN;
}

/**
 * Largest absolute position the symbol can reach, with `req` too: open market orders fill at the
 * next open (a rebalance's sells make room for its buys), other open orders all on one side.
 */
function worstQty(book: SymbolBook, req: OrderRequest | undefined): number {
  let buys = 0;
  let sells = 0;
  let pos = book.position;
  if (req !== undefined) {
    const signed = req.side === 'buy' ? req.qty : -req.qty;
    if (req.type === 'market') pos += signed;
    else if (signed > 0) buys += signed;
    else sells -= signed;
  }
  const w = book.working;
  for (let i = 0; i < w.length; i++) {
    const o = w[i];
    if (o === undefined || o.isTerminal) continue;
    // OCO siblings: the stop leg stands for the pair (a fill of one cancels the other).
    if (o.role === 'take_profit' && o.group !== undefined) continue;
    if (o.type === 'market') pos += o.side === 'buy' ? o.remaining : -o.remaining;
    else if (o.side === 'buy') buys += o.remaining;
    else sells += o.remaining;
  }
  return Math.max(Math.abs(pos + buys), Math.abs(pos - sells));
}

function round2(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

import type { Bar } from '../core/bar.js';
import type { Instrument } from '../core/instrument.js';
import { NO_FEES, type FeeModel } from './fees.js';
import { executionPrice } from './fill-rules.js';
import type { OrderLifecycle } from './lifecycle.js';
import { matchOrder, type RuleFill } from './matching.js';
import type { SymbolBook } from './order-book.js';
import { floorToTick, roundToStep } from '../core/rounding.js';
import type { SessionModel } from './sessions.js';
import type { SimOrder } from './sim-order.js';
import { NO_SLIPPAGE, type SlippageModel } from './slippage.js';

export interface BarMatcherConfig {
  readonly fees: FeeModel;
  readonly slippage: SlippageModel;
  /** Volume participation cap per bar, NaN for none. */
  readonly participation: number;
  readonly sessions: SessionModel;
  readonly roundPrices: boolean;
}

/**
 * Runs one symbol's working orders through one bar (docs/execution.md): cancels that became
 * effective, session expiry, the fill rule of each order type, the volume cap, the shortable
 * guard, slippage, tick rounding and fees, then what the time in force does to the rest.
 */
export class BarMatcher {
  readonly #cfg: BarMatcherConfig;
  readonly #life: OrderLifecycle;
  readonly #rule: RuleFill = { price: NaN, liquidity: 'taker', limit: NaN };

  constructor(config: BarMatcherConfig, lifecycle: OrderLifecycle) {
    this.#cfg = config;
    this.#life = lifecycle;
  }

  /** The bar, from its open to its close, for every working order of its symbol. */
  process(book: SymbolBook, bar: Bar): void {
    book.locate(bar, this.#cfg.sessions);
    this.#life.isIntrabar = true;
    const w = book.working;
    const ts = bar.ts;
    // Index loop: bracket legs armed by a fill are appended and may act on this same bar.
    for (let i = 0; i < w.length; i++) {
      const o = w[i] as SimOrder;
      if (o.isTerminal) continue;
      if (ts >= o.cancelFrom) {
        this.#life.cancelNow(o, ts, 'cancelled by request');
        continue;
      }
      if (ts < o.liveFrom) continue;
      const isFirstBar = o.barsLive === 0;
      o.barsLive++;
      if (o.tif === 'day' || o.tif === 'cls') {
        if (Number.isNaN(o.sessionClose)) {
          if (book.isInSession) o.sessionClose = book.span.close;
        } else if (ts >= o.sessionClose) {
          this.#life.end(o, 'expired', ts, `${o.tif}: its session closed before it filled`);
          continue;
        }
      }
      matchOrder(o, bar, book, isFirstBar, this.#rule);
      if (!Number.isNaN(this.#rule.price)) this.#fillUpTo(o, book, bar);
      if (!o.isTerminal) this.#applyTif(o, book, bar);
    }
    if (book.isSessionEnd) {
      // Day orders of this session that were never live on it (a take-profit leg born this bar).
      for (let i = 0; i < w.length; i++) {
        const o = w[i] as SimOrder;
        if (!o.isTerminal && o.tif === 'day' && o.sessionClose <= book.span.close) {
          this.#life.end(o, 'expired', ts, 'day: session ended');
        }
      }
    }
    book.compact();
  }

  /** `fill: 'close'`: market orders placed while this bar was processed fill at its close. */
  fillAtClose(book: SymbolBook, bar: Bar): void {
    this.#life.isIntrabar = false;
    const r = this.#rule;
    const w = book.working;
    for (let i = 0; i < w.length; i++) {
      const o = w[i] as SimOrder;
      if (o.isTerminal || o.type !== 'market' || o.tif === 'opg' || o.tif === 'cls') continue;
      if (o.barsLive > 0 || o.placedAfterBarTs !== bar.ts || o.cancelFrom !== Infinity) continue;
      r.price = bar.close;
      r.liquidity = 'taker';
      r.limit = NaN;
      this.#fillUpTo(o, book, bar);
      if (!o.isTerminal && (o.tif === 'ioc' || o.tif === 'fok')) {
        this.#life.end(o, 'cancelled', bar.ts, `${o.tif}: not filled in full at the close`);
      }
    }
    book.compact();
  }

  /** What the time in force does to an order still working after its bar. */
  #applyTif(o: SimOrder, book: SymbolBook, bar: Bar): void {
    const life = this.#life;
    const ts = bar.ts;
    switch (o.tif) {
      case 'ioc':
        life.end(
          o,
          'cancelled',
          ts,
          o.filledQty > 0 ? 'ioc: unfilled remainder cancelled' : 'ioc: not fillable on its first bar',
        );
        return;
      case 'fok':
        life.end(o, 'cancelled', ts, 'fok: not fillable on its first bar');
        return;
      case 'opg':
        if (book.isSessionStart) life.end(o, 'expired', ts, 'opg: not filled at the open');
        return;
      case 'cls':
        if (book.isSessionEnd) life.end(o, 'expired', ts, 'cls: not filled at the close');
        return;
      case 'day':
        if (book.isSessionEnd) life.end(o, 'expired', ts, 'day: session ended');
        return;
      default:
        return;
    }
  }

  /** Fills as much as the volume cap, the fok rule and the shortable flag allow. */
  #fillUpTo(o: SimOrder, book: SymbolBook, bar: Bar): void {
    const inst = book.instrument as Instrument;
    const lot = inst.lotSize;
    const cap = book.capLeft(bar, this.#cfg.participation, lot);
    const want = Math.min(o.remaining, cap);
    const longQty = Math.max(0, book.position);
    // Fill-time guard: another order may have shrunk the long position since submission.
    const isShortBound = o.side === 'sell' && !inst.shortable && longQty < want;
    if (o.tif === 'fok' && (o.remaining > cap || isShortBound)) {
      const why = isShortBound
        ? notShortable(o, longQty)
        : `fok: ${o.remaining} exceeds the ${cap} the volume cap allows on this bar`;
      this.#life.end(o, 'cancelled', bar.ts, why);
      return;
    }
    const qty = isShortBound ? floorToTick(longQty, lot) : want;
    if (qty > 0) {
      this.#book(o, book, bar, qty);
      book.useCap(qty, lot);
    }
    if (isShortBound && !o.isTerminal) this.#life.end(o, 'cancelled', bar.ts, notShortable(o, longQty));
  }

  /** Prices one fill (slippage, limit cap, tick rounding), charges its fee and books it. */
  #book(o: SimOrder, book: SymbolBook, bar: Bar, qty: number): void {
    const r = this.#rule;
    const lot = (book.instrument as Instrument).lotSize;
    const side = o.side;
    const { slippage, fees } = this.#cfg;
    // The default models need no input (and its allocation).
    const slip =
      slippage === NO_SLIPPAGE
        ? 0
        : slippage.slippage({ symbol: o.symbol, side, price: r.price, qty, volume: bar.volume });
    const price = executionPrice(side, r.price, slip, r.limit, book.tick);
    const fee =
      fees === NO_FEES
        ? 0
        : fees.fee({ side, qty, price, liquidity: r.liquidity, priorQty: o.filledQty, priorNotional: o.notional });
    o.filledQty = roundToStep(o.filledQty + qty, lot);
    o.remaining = Math.max(0, roundToStep(o.qty - o.filledQty, lot));
    o.notional += qty * price;
    o.fees += fee;
    book.position = roundToStep(book.position + (side === 'buy' ? qty : -qty), lot);
    const fill = {
      orderId: o.id,
      clientOrderId: o.request.clientOrderId,
      symbol: o.symbol,
      side,
      qty,
      price,
      fee,
      ts: bar.ts,
      liquidity: r.liquidity,
    };
    this.#life.filled(o, fill, side === 'buy' ? price - r.price : r.price - price);
  }
}

function notShortable(o: SimOrder, longQty: number): string {
  return `${o.symbol} is not shortable: selling more than the long position of ${longQty}`;
}

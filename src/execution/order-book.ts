import type { Bar } from '../core/bar.js';
import type { Instrument } from '../core/instrument.js';
import { floorToTick, roundToStep } from '../core/rounding.js';
import type { SessionModel, SessionSpan } from './sessions.js';
import type { SimOrder } from './sim-order.js';

/**
 * One symbol at the simulated exchange: its working orders, its net position (the exchange is
 * the account's venue) and what the last bar said. Everything here is plain numbers updated in
 * place, so a bar for a symbol with no working order costs a few field writes.
 */
export class SymbolBook {
  readonly symbol: string;
  readonly #roundPrices: boolean;
  #instrument: Instrument | undefined;
  /** Tick that fill prices and stops are rounded to; NaN when rounding is off or the instrument unknown. */
  tick = NaN;
  /** Working orders in priority order: submission order, a stop-loss leg before its take-profit. */
  readonly working: SimOrder[] = [];
  /** Net position from this exchange's fills (plus any starting position). */
  position: number;
  lastTs = -Infinity;
  lastClose = NaN;

  /** Cached session of the latest bar and where the current bar sits in it. */
  isInSession = false;
  readonly span: SessionSpan = { open: NaN, close: NaN };
  isSessionStart = false;
  isSessionEnd = false;

  /** Volume participation budget of the current bar (all orders of the symbol share it). */
  #capTs = NaN;
  #capLeft = Infinity;

  constructor(symbol: string, instrument: Instrument | undefined, position: number, roundPrices: boolean) {
    this.symbol = symbol;
    this.position = position;
    this.#roundPrices = roundPrices;
    this.instrument = instrument;
  }

  get instrument(): Instrument | undefined {
    return this.#instrument;
  }

  set instrument(instrument: Instrument | undefined) {
    this.#instrument = instrument;
    this.tick = this.#roundPrices && instrument !== undefined ? instrument.tickSize : NaN;
  }

  /** Locates `bar` in its session; asks the session model only when the bar leaves the cached one. */
  locate(bar: Bar, sessions: SessionModel): void {
    const ts = bar.ts;
    const span = this.span;
    if (!(this.isInSession && ts >= span.open && ts < span.close)) {
      this.isInSession = sessions.sessionOf(this.symbol, ts, span);
    }
    const inside = this.isInSession && ts >= span.open && ts < span.close;
    this.isSessionStart = inside && this.lastTs < span.open;
    this.isSessionEnd = inside && ts + sessions.barMs >= span.close;
  }

  /**
   * Quantity still allowed on this bar: `participation x bar volume` rounded down to the lot,
   * minus what earlier fills on the same bar took (Infinity without a cap).
   */
  capLeft(bar: Bar, participation: number, lot: number): number {
    if (this.#capTs !== bar.ts) {
      this.#capTs = bar.ts;
      this.#capLeft = Number.isNaN(participation) ? Infinity : floorToTick(participation * bar.volume, lot);
    }
    return this.#capLeft;
  }

  useCap(qty: number, lot: number): void {
    if (this.#capLeft !== Infinity) this.#capLeft = roundToStep(this.#capLeft - qty, lot);
  }

  /** Drops finished orders, keeping the order of the rest, without allocating. */
  compact(): void {
    const w = this.working;
    let j = 0;
    for (let i = 0; i < w.length; i++) {
      const o = w[i] as SimOrder;
      if (!o.isTerminal) w[j++] = o;
    }
    // pop, not `length = j`: a shorter length may drop the array's storage (reallocated on the next push).
    while (w.length > j) w.pop();
  }
}

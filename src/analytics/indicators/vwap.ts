import { batchBars, Indicator, type OhlcvBar, type OhlcvColumns } from './indicator.js';
import type { IndicatorDef } from './spec.js';

const DAY_MS = 86_400_000;

/** The default session key: the UTC calendar day of `ts` (days since the epoch). */
export function utcSession(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

export interface VwapOptions {
  /**
   * Maps a bar's `ts` to a session key; the VWAP restarts when the key changes. Defaults to the
   * UTC day. Pass a calendar-based key (for example the session open from
   * `getCalendar('XNYS').sessions`) for venues whose session crosses midnight UTC.
   */
  readonly sessionOf?: (ts: number) => number;
}

/**
 * Session-anchored volume-weighted average price of the typical price (high + low + close) / 3:
 * sum(tp * volume) / sum(volume) over the bars of the current session so far, restarting at each
 * session. NaN while the session has no volume yet (0 / 0). Bars whose session key is NaN (no
 * `ts`) continue the current session, so a series without timestamps is one session.
 * With daily bars and the default UTC-day key each bar is its own session (VWAP = typical price).
 * @see StockCharts ChartSchool "Volume-Weighted Average Price (VWAP)"; Berkowitz, Logue and Noser,
 *   "The Total Cost of Transactions on the NYSE", Journal of Finance 43(1), 1988
 */
export class Vwap extends Indicator<OhlcvBar> {
  readonly warmup = 1;
  readonly outputs = ['vwap'] as const;
  readonly #sessionOf: (ts: number) => number;
  #session = Number.NaN;
  #pv = 0;
  #volume = 0;

  constructor(options: VwapOptions = {}) {
    super();
    this.#sessionOf = options.sessionOf ?? utcSession;
  }

  protected step(bar: OhlcvBar): void {
    const session = this.#sessionOf(bar.ts);
    if (session !== this.#session && !Number.isNaN(session)) {
      this.#session = session;
      this.#pv = 0;
      this.#volume = 0;
    }
    const tp = (bar.high + bar.low + bar.close) / 3;
    this.#pv += tp * bar.volume;
    this.#volume += bar.volume;
  }

  protected current(): number {
    return this.#volume === 0 ? Number.NaN : this.#pv / this.#volume;
  }

  protected clear(): void {
    this.#session = Number.NaN;
    this.#pv = 0;
    this.#volume = 0;
  }
}

export function vwap(bars: OhlcvColumns, options: VwapOptions = {}): Float64Array {
  return batchBars(new Vwap(options), bars)[0] as Float64Array;
}

export const vwapDef: IndicatorDef = {
  key: 'vwap',
  title: 'Volume-weighted average price of the typical price, anchored at each UTC day',
  input: 'bar',
  params: [],
  outputs: ['vwap'],
  source: 'StockCharts ChartSchool "VWAP" (typical price, cumulative within the session); session = UTC day',
  create: () => new Vwap(),
};

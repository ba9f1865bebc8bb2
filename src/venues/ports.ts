import type { Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import type { Instrument } from '../core/instrument.js';

/** Bars of one symbol with `start <= ts < end` (epoch ms; for daily bars ts is the session date at 00:00 UTC). */
export interface BarRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly start: number;
  readonly end: number;
}

export interface FetchOptions {
  readonly signal?: AbortSignal;
}

/**
 * A source of historical bars. `fetchBars` yields pages in ascending time order; every bar has
 * `start <= ts < end`, valid numbers, and the canonical ts convention. Vendor errors arrive as
 * VenueError (retryable or not) after the adapter's own retries.
 */
export interface DataProvider {
  readonly name: string;
  /** The instrument as this provider sees it (asset class, calendar, ticks). */
  instrument(symbol: string): Instrument;
  fetchBars(request: BarRequest, options?: FetchOptions): AsyncIterable<readonly Bar[]>;
  /** The provider that served the last page (a failover chain names its member). */
  readonly currentSource?: string;
  /** Symbols this provider serves by default (the synthetic universe); empty when not applicable. */
  defaultSymbols?(): readonly string[];
}

import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import type { Fill } from '../core/order.js';
import type { OrderRecord } from '../engine/ports.js';
import type { SignalRecord } from '../engine/signal-record.js';
import type { EquityCurve, Trade } from '../portfolio/index.js';

export type { SignalRecord } from '../engine/signal-record.js';

/** Everything a finished run hands to the results writer and the report. */
export interface RunRecord {
  readonly runId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The effective configuration of the run (engine, costs, data), for the manifest and report. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Inclusive first and last session dates (or ISO instants for intraday). */
  readonly start: string;
  readonly end: string;
  readonly initialCash: number;
  /** Bars per year for annualisation: 252 for equities, 365 for 24/7 instruments. */
  readonly periodsPerYear: number;
  readonly equity: EquityCurve;
  readonly trades: readonly Trade[];
  readonly orders: readonly OrderRecord[];
  /** Every fill in booking order (runs made by the engine; absent when read back from files). */
  readonly fills?: readonly Fill[];
  readonly signals: readonly SignalRecord[];
  /** Bars of the traded symbols, for the price chart with trade markers. */
  readonly prices: ReadonlyMap<string, BarSeries>;
  /** Close of the benchmark aligned to the equity timestamps, when one was given. */
  readonly benchmark?: { readonly symbol: string; readonly close: Float64Array };
  /** Input files and their sha256, for reproducibility. */
  readonly dataFiles: readonly { readonly path: string; readonly sha256: string }[];
  readonly seed?: number;
  readonly codeVersion: string;
  readonly timings: Readonly<Record<string, number>>;
  /**
   * When the run started and when its engine finished (epoch ms), for runs made by a command: the
   * ledger records these times, and `momentic runs record` reads them back from the manifest.
   */
  readonly wallClock?: { readonly startedAt: number; readonly finishedAt: number };
}

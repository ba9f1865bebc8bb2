import { sortKeys } from './csv.js';
import type { MetricsOptions } from './metrics.js';
import type { RunRecord } from './run-record.js';

/**
 * manifest.json of a run folder (DESIGN.md: "records the run's config, data file hashes, seed,
 * code version and timings, so `momentic backtest --replay RUN_ID` reproduces identical
 * outputs"). Everything but `timings` is a function of the run's inputs; `timings` (wall-clock
 * milliseconds) is the one block that differs between two identical runs, and replay compares
 * every other key and every output hash.
 */

export const RESULTS_MANIFEST_VERSION = 1;

export interface ResultsManifest {
  readonly manifest_version: number;
  readonly run_id: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly start: string;
  readonly end: string;
  readonly initial_cash: number;
  readonly periods_per_year: number;
  readonly benchmark: string | null;
  readonly seed: number | null;
  readonly code_version: string;
  readonly data_files: readonly { readonly path: string; readonly sha256: string }[];
  readonly metrics_options: {
    readonly risk_free: number;
    readonly trials: number;
    readonly trial_sharpe_variance: number | null;
  };
  /** Symbols whose bars are in prices.csv (the report's price charts). */
  readonly charted_symbols: readonly string[];
  /** sha256 (hex) of every output file but manifest.json and report.html, by file name. */
  readonly outputs: Readonly<Record<string, string>>;
  /**
   * When the run started and its engine finished (ISO-8601 UTC, ms), as the ledger records them:
   * not reproducible, ignored by replay. Absent in runs made before it was kept.
   */
  readonly wall_clock?: { readonly started_at: string; readonly finished_at: string };
  /** Wall-clock durations in ms: not reproducible, ignored by replay. */
  readonly timings: Readonly<Record<string, number>>;
}

export function buildManifest(
  record: RunRecord,
  options: MetricsOptions,
  chartedSymbols: readonly string[],
  outputs: Readonly<Record<string, string>>,
): ResultsManifest {
  return {
    manifest_version: RESULTS_MANIFEST_VERSION,
    run_id: record.runId,
    strategy: record.strategy,
    params: sortKeys(record.params) as Record<string, unknown>,
    config: sortKeys(record.config) as Record<string, unknown>,
    symbols: [...record.symbols],
    timeframe: record.timeframe,
    start: record.start,
    end: record.end,
    initial_cash: record.initialCash,
    periods_per_year: record.periodsPerYear,
    benchmark: record.benchmark?.symbol ?? null,
    seed: record.seed ?? null,
    code_version: record.codeVersion,
    data_files: record.dataFiles.map((f) => ({ path: f.path, sha256: f.sha256 })),
    metrics_options: {
      risk_free: options.riskFree ?? 0,
      trials: options.trials ?? 1,
      trial_sharpe_variance: options.trialSharpeVariance ?? null,
    },
    charted_symbols: [...chartedSymbols],
    outputs: sortKeys(outputs) as Record<string, string>,
    ...(record.wallClock === undefined
      ? {}
      : {
          wall_clock: {
            started_at: new Date(record.wallClock.startedAt).toISOString(),
            finished_at: new Date(record.wallClock.finishedAt).toISOString(),
          },
        }),
    timings: sortKeys(record.timings) as Record<string, number>,
  };
}

/** The manifest without `timings` and `wall_clock`: what two runs of the same inputs must agree on. */
export function reproduciblePart(m: ResultsManifest): Omit<ResultsManifest, 'timings' | 'wall_clock'> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'timings' && k !== 'wall_clock')) as Omit<
    ResultsManifest,
    'timings' | 'wall_clock'
  >;
}

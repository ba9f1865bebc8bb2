/**
 * The one way a RunConfig becomes a run: a backtest, each sweep trial and each walk-forward fold
 * call `runConfigured` with their RunConfig and the loaded bars, so no key of the run (costs,
 * participation, price rounding, latency, risk limits, benchmark, warm-up) is lost on the way.
 */
import type { BarSeries } from '../core/bar.js';
import type { Instrument } from '../core/instrument.js';
import type { PositionEvent, UniverseMembership } from '../engine/engine-options.js';
import type { RunConfig } from '../config/run-config.js';
import { parseFees, parseSlippage } from '../backtest/costs.js';
import type { RunRecord } from '../backtest/run-record.js';
import { fixedLatency, NO_LATENCY } from '../execution/latency.js';
import type { KillSwitchTransition } from '../risk/kill-switch.js';
import type { ParamSource, StrategyEnv } from '../strategies/define.js';
import { runBacktest, type BacktestOptions } from './node.js';
import { RiskGate } from './risk-gate.js';

/** The bars a run reads and how to make its instruments (RunData, or a worker's copy). */
export interface LoadedBars {
  readonly series: readonly BarSeries[];
  readonly instrument: (symbol: string) => Instrument;
  /** The bars of `data.benchmark`, when the run names one. */
  readonly benchmark?: BarSeries;
  /** Splits and dividends to book on positions, for the run's `data.prices` (RunData). */
  readonly positionEvents?: readonly PositionEvent[];
  /** Point-in-time universe membership when the run names a universe (RunData). */
  readonly membership?: UniverseMembership;
}

export interface ConfiguredRunOptions {
  readonly runId?: string;
  readonly paramSource?: ParamSource;
  /** Registry models the run resolved for its strategy. */
  readonly env?: StrategyEnv;
  readonly dataFiles?: readonly { readonly path: string; readonly sha256: string }[];
  /** Extra entries for the record's config (the run itself, its run file). */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (barsDone: number, totalBars: number | undefined) => void;
  /** The run's orders as they end and its fills as they are booked (`BacktestOptions.onRecords`). */
  readonly onRecords?: BacktestOptions['onRecords'];
  /** Told of each kill-switch transition of the run's risk manager (the workspace's state file). */
  readonly onKillSwitch?: (t: KillSwitchTransition) => void;
}

/** Runs a RunConfig over loaded bars; `risk` is the risk gate when the run has the risk manager on. */
export function runConfigured(
  run: RunConfig,
  bars: LoadedBars,
  o: ConfiguredRunOptions = {},
): { record: RunRecord; risk?: RiskGate } {
  const { data, venue } = run;
  // With the risk manager on, every order passes it with the run's limits (docs/risk.md); paper
  // and live trading always use it.
  const risk = run.risk.enabled
    ? new RiskGate(
        run.risk.limits,
        data.timeframe === '1d' ? 'swing' : 'intraday',
        (s) => bars.instrument(s).shortable !== false,
        o.onKillSwitch,
      )
    : undefined;
  const record = runBacktest({
    strategy: run.strategy.name,
    params: run.strategy.params,
    paramSource: o.paramSource ?? { flag: '--param' },
    ...(o.env === undefined ? {} : { env: o.env }),
    series: bars.series,
    instrument: bars.instrument,
    timeframe: data.timeframe,
    ...(data.start === null ? {} : { start: data.start }),
    ...(data.end === null ? {} : { end: data.end }),
    cash: venue.cash,
    fill: venue.fill,
    fees: parseFees(venue.fees, { key: 'venue.fees' }),
    slippage: parseSlippage(venue.slippage, { key: 'venue.slippage' }),
    latency: venue.latency_ms === 0 ? NO_LATENCY : fixedLatency(venue.latency_ms),
    ...(venue.participation === null ? {} : { participation: venue.participation }),
    priceRounding: venue.price_rounding,
    portfolio: { maxLeverage: venue.max_leverage },
    ...(run.warmup === null ? {} : { warmup: run.warmup }),
    ...(risk === undefined ? {} : { risk }),
    policies: {
      cancelAfterMs: run.orders.cancel_after_ms,
      minFillRatio: run.orders.min_fill_ratio,
      retries: run.orders.retries,
      retryBaseMs: run.orders.retry_base_ms,
      quietOpenMs: run.orders.quiet_open_ms,
      quietCloseMs: run.orders.quiet_close_ms,
    },
    ...(bars.benchmark === undefined ? {} : { benchmark: bars.benchmark }),
    ...(bars.positionEvents === undefined ? {} : { positionEvents: bars.positionEvents }),
    ...(bars.membership === undefined ? {} : { membership: bars.membership }),
    seed: run.seed,
    ...(o.runId === undefined ? {} : { runId: o.runId }),
    ...(o.dataFiles === undefined ? {} : { dataFiles: o.dataFiles }),
    ...(o.config === undefined ? {} : { config: o.config }),
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
    ...(o.onRecords === undefined ? {} : { onRecords: o.onRecords }),
  });
  return { record, ...(risk === undefined ? {} : { risk }) };
}

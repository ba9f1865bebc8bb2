/**
 * The trading node (STYLE.md: "src/orchestration/node.ts builds a run from a clock, a bar source
 * and a broker"; nautilus_trader: one kernel for every mode). A backtest, a paper run and a live
 * run build the same Engine; they differ only in the components handed to `TradingNode`:
 *   backtest: BacktestClock + SeriesBarSource (loaded series) + SimulatedExchange
 *   paper:    wall clock    + live bar feed                  + SimulatedExchange
 *   live:     wall clock    + live bar feed                  + the venue's ExecutionClient
 */
import { performance } from 'node:perf_hooks';
import { getCalendar } from '../calendar/registry.js';
import { VENUE_DEFAULTS } from '../config/run-defaults.js';
import type { BarSeries } from '../core/bar.js';
import { BacktestClock } from '../core/clock.js';
import { toDayNumber, type IsoDate } from '../core/dates.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';
import { UsageError } from '../core/errors.js';
import { newRunId } from '../core/ids.js';
import { equity, type Instrument } from '../core/instrument.js';
import type { Fill } from '../core/order.js';
import { SeriesBarSource } from '../backtest/series-bar-source.js';
import type { OrderPolicies } from '../engine/order-manager.js';
import type { BarSource, Ledger, OrderRecord, PreTradeCheck } from '../engine/ports.js';
import { Engine } from '../engine/engine.js';
import type { EngineOptions, PositionEvent } from '../engine/engine-options.js';
import { buildRunRecord } from '../backtest/record-builder.js';
import type { RunRecord } from '../backtest/run-record.js';
import { NO_FEES, type FeeModel } from '../execution/fees.js';
import { NO_LATENCY, type LatencyModel } from '../execution/latency.js';
import { SimulatedExchange, type FillTiming } from '../execution/simulated-exchange.js';
import { NO_SLIPPAGE, type SlippageModel } from '../execution/slippage.js';
import { Portfolio } from '../portfolio/portfolio.js';
import type { PortfolioOptions } from '../portfolio/portfolio-options.js';
import type { Strategy } from '../strategies/api.js';
import { validateParams, type ParamSource, type StrategyDefinition, type StrategyEnv } from '../strategies/define.js';
import { getStrategyDefinition } from '../strategies/registry.js';

/** What differs between modes: the clock, the bar source and the execution client. */
export type NodeComponents = Pick<EngineOptions, 'clock' | 'source' | 'execution' | 'market'>;

/** What a run is, whatever the mode (the node finds each symbol's calendar from its instrument). */
export type NodeSetup = Omit<EngineOptions, keyof NodeComponents | 'calendar'>;

/**
 * One strategy run over a bar source. `run` pumps a source that has every bar at hand (a
 * backtest); `attach` follows a source that is pushed to (paper, live): each timestamp is
 * stepped as soon as it is ready, and `detach` stops the strategy.
 */
export class TradingNode {
  readonly engine: Engine;
  readonly #source: BarSource;

  constructor(components: NodeComponents, setup: NodeSetup) {
    this.#source = components.source;
    this.engine = new Engine({
      ...setup,
      ...components,
      calendar: (symbol) => getCalendar(setup.instrument(symbol).calendar),
    });
  }

  /**
   * Runs every timestamp; `onProgress(barsDone, totalBars)` is called every 4096 timestamps and at
   * the end, `onCheckpoint()` every 256 timestamps (not at the end).
   */
  run(onProgress?: (barsDone: number, totalBars: number | undefined) => void, onCheckpoint?: () => void): void {
    const engine = this.engine;
    const cursor = { ts: NaN, n: 0, slots: new Int32Array(Math.max(1, this.#source.symbols.length)) };
    engine.start();
    while (this.#source.next(cursor)) {
      engine.step(cursor);
      if ((engine.steps & 255) !== 0) continue;
      onCheckpoint?.();
      if (onProgress !== undefined && (engine.steps & 4095) === 0)
        onProgress(engine.barsProcessed, this.#source.totalBars);
    }
    engine.stop();
    onProgress?.(engine.barsProcessed, this.#source.totalBars);
  }

  #detach: (() => void) | undefined;

  /** Starts the strategy and steps every timestamp the pushed source makes ready, as it does. */
  attach(): void {
    const source = this.#source;
    if (source.onReady === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', 'attach() follows a pushed bar source; this one is pulled', {
        hint: 'call run() for a source that has every bar at hand',
      });
    }
    const engine = this.engine;
    const cursor = { ts: NaN, n: 0, slots: new Int32Array(Math.max(1, source.symbols.length)) };
    engine.start();
    const drain = (): void => {
      while (source.next(cursor)) engine.step(cursor);
      engine.tick();
    };
    this.#detach = source.onReady(drain);
    drain();
  }

  /** Runs the OrderManager's timers due by now (call it between bars, e.g. every second). */
  tick(): void {
    this.engine.tick();
  }

  /** Stops following the source and runs the strategy's `onStop`. */
  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
    this.engine.stop();
  }
}

export interface BacktestOptions {
  /** A built-in name, a definition (params validated), or a strategy instance (params as given). */
  readonly strategy: string | StrategyDefinition | Strategy;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Where `params` came from, for error messages. */
  readonly paramSource?: ParamSource;
  /** Registry models the run resolved for its strategy (orchestration/registered-models.ts). */
  readonly env?: StrategyEnv;
  readonly series: readonly BarSeries[];
  /** Tick, lot, shortable and calendar of each symbol; default: a US equity (`equity(symbol)`). */
  readonly instrument?: (symbol: string) => Instrument;
  readonly timeframe?: Timeframe;
  /** Inclusive session dates (UTC dates for intraday bars). */
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  readonly cash?: number;
  readonly fill?: FillTiming;
  readonly fees?: FeeModel;
  readonly slippage?: SlippageModel;
  readonly latency?: LatencyModel;
  readonly participation?: number;
  /** Default `none`, as every run (VENUE_DEFAULTS): prices are used as the data has them. */
  readonly priceRounding?: 'conservative' | 'none';
  readonly portfolio?: Omit<PortfolioOptions, 'initialCash' | 'symbols'>;
  readonly warmup?: number;
  readonly risk?: PreTradeCheck;
  /** Where the OrderManager journals every order before it is sent (e.g. a ledger). */
  readonly journal?: Ledger;
  /** The OrderManager's execution policies; default: transient errors retried, no timed cancels. */
  readonly policies?: Partial<OrderPolicies>;
  readonly runId?: string;
  readonly benchmark?: BarSeries;
  /** Splits and dividends booked on positions (the run's `data.prices`; docs/corporate-actions.md). */
  readonly positionEvents?: readonly PositionEvent[];
  readonly dataFiles?: readonly { readonly path: string; readonly sha256: string }[];
  readonly seed?: number;
  /** Extra entries for the record's config (data source, config file...). */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (barsDone: number, totalBars: number | undefined) => void;
  /**
   * Takes the run's orders as they end (creation order) and its fills as they are booked, while
   * the run goes on, then the rest at its end: together exactly the record's orders and fills.
   * A ledger uses it to write them while the engine still runs.
   */
  readonly onRecords?: (orders: readonly OrderRecord[], fills: readonly Fill[]) => void;
  /** Point-in-time universe membership (docs/universe.md); absent: every symbol, always. */
  readonly membership?: EngineOptions['membership'];
}

/** Builds the strategy instance and its validated params. */
export function resolveStrategy(
  strategy: string | StrategyDefinition | Strategy,
  raw: Readonly<Record<string, unknown>> = {},
  source: ParamSource = {},
  env: StrategyEnv = {},
): { strategy: Strategy; params: Readonly<Record<string, unknown>> } {
  const def = typeof strategy === 'string' ? getStrategyDefinition(strategy) : strategy;
  if (!('create' in def)) return { strategy: def, params: raw };
  const params = validateParams(def, raw, source) as Record<string, unknown>;
  return { strategy: def.create(params, env), params };
}

/** Bars of a series within [start, end] (inclusive dates). */
function clip(s: BarSeries, start: number, end: number): BarSeries {
  const i0 = s.indexAtOrBefore(start - 1) + 1;
  const i1 = s.indexAtOrBefore(end) + 1;
  return i0 === 0 && i1 === s.length ? s : s.slice(i0, i1);
}

/** Runs a backtest in memory and returns its RunRecord (writing files is the results writer's job). */
export function runBacktest(o: BacktestOptions): RunRecord {
  const t0 = performance.now();
  const timeframe = o.timeframe ?? '1d';
  const start = o.start === undefined ? -Infinity : toDayNumber(o.start, 'start') * TIMEFRAME_MS['1d'];
  const end = o.end === undefined ? Infinity : (toDayNumber(o.end, 'end') + 1) * TIMEFRAME_MS['1d'] - 1;
  if (start > end) {
    throw new UsageError('USAGE_INVALID_RANGE', `start ${o.start} is after end ${o.end}`, {
      hint: 'give a start date on or before the end date',
      context: { flag: '--start', value: `${o.start}..${o.end}` },
    });
  }
  const series = o.series.map((s) => clip(s, start, end));
  if (series.every((s) => s.length === 0)) {
    throw new UsageError('USAGE_INVALID_RANGE', 'there are no bars to run on in the chosen range', {
      hint: 'check --symbols, --start and --end against the data you have (momentic data ls)',
      context: { value: `${o.start ?? '…'}..${o.end ?? '…'}` },
    });
  }
  const instruments = new Map<string, Instrument>();
  const instrument = (symbol: string): Instrument => {
    let inst = instruments.get(symbol);
    if (inst === undefined) instruments.set(symbol, (inst = o.instrument?.(symbol) ?? equity(symbol)));
    return inst;
  };
  const { strategy, params } = resolveStrategy(o.strategy, o.params, o.paramSource, o.env);
  const source = new SeriesBarSource(series);
  const first = Math.min(...series.filter((s) => s.length > 0).map((s) => s.ts[0] as number));
  const clock = new BacktestClock(first);
  const fees = o.fees ?? NO_FEES;
  const slippage = o.slippage ?? NO_SLIPPAGE;
  const latency = o.latency ?? NO_LATENCY;
  const fill = o.fill ?? VENUE_DEFAULTS.fill;
  const priceRounding = o.priceRounding ?? VENUE_DEFAULTS.price_rounding;
  const cash = o.cash ?? VENUE_DEFAULTS.cash;
  // One buying power for the venue's check and the portfolio's `buyingPower`: Reg T margin by default.
  const maxLeverage = o.portfolio?.maxLeverage ?? VENUE_DEFAULTS.max_leverage;
  const portfolio = new Portfolio({ ...o.portfolio, maxLeverage, initialCash: cash, symbols: source.symbols });
  const exchange = new SimulatedExchange({
    instrument: (s) => (source.symbols.includes(s) ? instrument(s) : undefined),
    buyingPower: { account: { equity: () => portfolio.equity }, leverage: maxLeverage },
    clock,
    fill,
    fees,
    slippage,
    latency,
    timeframe,
    ...(o.participation === undefined ? {} : { participation: o.participation }),
    priceRounding,
  });
  const runId = o.runId ?? newRunId();
  const node = new TradingNode(
    { clock, source, execution: exchange, market: exchange },
    {
      runId,
      strategy,
      params,
      portfolio,
      instrument,
      timeframe,
      ...(o.warmup === undefined ? {} : { warmup: o.warmup }),
      ...(o.risk === undefined ? {} : { risk: o.risk }),
      ...(o.journal === undefined ? {} : { journal: o.journal }),
      ...(o.policies === undefined ? {} : { policies: o.policies }),
      ...(o.positionEvents === undefined ? {} : { positionEvents: o.positionEvents }),
      ...(o.membership === undefined ? {} : { membership: o.membership }),
    },
  );
  // Every fill in booking order, for the ledger (the events carry a fresh Fill each).
  const fills: Fill[] = [];
  exchange.subscribe((e) => {
    if (e.kind === 'filled' || e.kind === 'partially_filled') fills.push(e.fill);
  });
  const engine = node.engine;
  let ordersSent = 0;
  let fillsSent = 0;
  // The records handed on are the record's orders too (built once).
  const handedOn: OrderRecord[] = [];
  const handOn = (onlyEnded: boolean): void => {
    const next = engine.orders.recordsFrom(ordersSent, onlyEnded);
    ordersSent = next.next;
    for (const r of next.records) handedOn.push(r);
    const newFills = fills.slice(fillsSent);
    fillsSent = fills.length;
    o.onRecords?.(next.records, newFills);
  };
  const t1 = performance.now();
  node.run(o.onProgress, o.onRecords === undefined ? undefined : () => handOn(true));
  const t2 = performance.now();
  if (o.onRecords !== undefined) handOn(false);
  return buildRunRecord({
    runId,
    strategy: strategy.name,
    params,
    config: {
      cash,
      fill,
      fees: fees.name,
      slippage: slippage.name,
      latency_ms: latency.delayMs,
      participation: o.participation ?? null,
      price_rounding: priceRounding,
      warmup: engine.warmup,
      ...o.config,
    },
    symbols: source.symbols,
    calendars: source.symbols.map((s) => instrument(s).calendar),
    timeframe,
    portfolio,
    orders: o.onRecords === undefined ? engine.orders.records() : handedOn,
    fills,
    signals: engine.signals,
    prices: new Map(source.symbols.map((s) => [s, series.find((x) => x.symbol === s) as BarSeries] as const)),
    ...(o.benchmark === undefined ? {} : { benchmark: o.benchmark }),
    ...(o.dataFiles === undefined ? {} : { dataFiles: o.dataFiles }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    timings: {
      setup_ms: t1 - t0,
      run_ms: t2 - t1,
      bars: engine.barsProcessed,
      bars_per_second: engine.barsProcessed / Math.max(1e-9, (t2 - t1) / 1000),
    },
  });
}

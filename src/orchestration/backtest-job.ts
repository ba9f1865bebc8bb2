import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { IsoDate } from '../core/dates.js';
import type { Timeframe } from '../core/enums.js';
import { DataError, UsageError } from '../core/errors.js';
import { newRunId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { setAt, type ConfigLayer } from '../config/layers.js';
import { appConfigLayer, byPrefix, layerRunConfig } from '../config/run-config-layers.js';
import { RUN_DEFAULTS, runConfigSchema, type RunConfig } from '../config/run-config.js';
import type { Config } from '../config/schema.js';
import { loadStrategyConfig, runFileLayer, type StrategyRunConfig } from '../backtest/config-file.js';
import { parseFees, parseSlippage } from '../backtest/costs.js';
import type { Metrics } from '../backtest/metrics.js';
import type { RunRecord } from '../backtest/run-record.js';
import { runResultsDir, writeResults } from '../backtest/results-writer.js';
import { stageRunFolder, sweepStaleStaging } from '../backtest/run-staging.js';
import { zonePaths } from '../data/paths.js';
import { parseParamValue } from '../strategies/define.js';
import { prepareBacktestRecording, type LedgerOutcome } from './backtest-ledger.js';
import { runConfigured } from './configured-run.js';
import { loadRunData, withDataRange } from './run-data.js';
import { resolveRegisteredModels } from './registered-models.js';
import { checkStrategy } from './strategy-check.js';
import { withinHookBudget } from './hook-budget.js';
import { recordKillSwitch } from './kill-switch-file.js';
import { isStrategyFile, loadStrategyFile } from './strategy-file.js';
import { PARSE_ONCE } from '../core/parse-once.js';

/** What a run was asked to do; stored in the manifest so `--replay` can do it again. */
export type BacktestSpec = RunConfig;

export interface BacktestFlags {
  readonly strategy?: string;
  readonly configFile?: string;
  readonly symbols?: readonly string[];
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  readonly timeframe?: Timeframe;
  /** `key=value` texts. */
  readonly params?: readonly string[];
  readonly cash?: number;
  readonly fees?: string;
  readonly slippage?: string;
  readonly fill?: 'next-open' | 'close';
  readonly participation?: number;
  readonly benchmark?: string;
  readonly priceRounding?: RunConfig['venue']['price_rounding'];
  readonly maxLeverage?: number;
  readonly out?: string;
  /** Run with the risk manager and the config's limits (a run file's `risk:` adds its own). */
  readonly risk?: boolean;
}

export interface BacktestJobResult {
  readonly runId: string;
  readonly dir: string;
  readonly metrics: Metrics;
  /** What the engine produced (orders, fills, equity...), as written to the results files. */
  readonly record: RunRecord;
  readonly spec: BacktestSpec;
  /** The first and last bar the run covered (session dates, or ISO instants for intraday bars). */
  readonly period: { readonly start: string; readonly end: string };
  readonly trades: number;
  readonly orders: number;
  /** Orders the venue or the risk check rejected, and the first one's reason. */
  readonly rejected: { readonly count: number; readonly first?: string };
  readonly fetched: readonly string[];
  /** Whether the run reached the ledger; absent when recording was not asked for (a replay). */
  readonly ledger?: LedgerOutcome;
  /**
   * Wall-clock ms of each part: `load_ms` (data), `engine_ms` (the whole engine call: `setup_ms`,
   * the event loop's `run_ms`, then the run's records), `files_ms` (metrics, data files,
   * manifest), `report_ms` (report.html), `ledger_ms` (what recording added, when recorded).
   */
  readonly timings: Readonly<Record<string, number>>;
}

/** The shipped `config/strategy/default.yaml` (or the workspace's own copy). */
function defaultRunFile(home: string): string {
  const own = join(home, 'config', 'strategy', 'default.yaml');
  if (existsSync(own)) return own;
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'strategy', 'default.yaml');
}

function parseParamFlags(texts: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of texts) {
    const eq = t.indexOf('=');
    if (eq < 1) {
      throw new UsageError('USAGE_INVALID_OPTION', `--param "${t}" is not key=value`, {
        hint: 'write parameters as --param fast=10 (repeat the flag for more)',
        context: { flag: '--param', value: t },
      });
    }
    out[t.slice(0, eq).trim()] = parseParamValue(t.slice(eq + 1));
  }
  return out;
}

/** The flags as a RunConfig layer, each value's source naming its flag. */
function flagLayer(flags: BacktestFlags): ConfigLayer {
  const values: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  const set = (path: string, value: unknown, flag: string): void => {
    if (value === undefined) return;
    setAt(values, path.split('.'), value);
    flagOf.set(path, flag);
  };
  set('strategy.name', flags.strategy, '--strategy');
  const params = parseParamFlags(flags.params ?? []);
  if (Object.keys(params).length > 0) set('strategy.params', params, '--param');
  set('data.symbols', flags.symbols, '--symbols');
  set('data.timeframe', flags.timeframe, '--timeframe');
  set('data.start', flags.start, '--start');
  set('data.end', flags.end, '--end');
  set('data.benchmark', flags.benchmark, '--benchmark');
  set('venue.cash', flags.cash, '--cash');
  set('venue.fees', flags.fees, '--fees');
  set('venue.slippage', flags.slippage, '--slippage');
  set('venue.fill', flags.fill, '--fill');
  set('venue.participation', flags.participation, '--participation');
  set('venue.price_rounding', flags.priceRounding, '--price-rounding');
  set('venue.max_leverage', flags.maxLeverage, '--max-leverage');
  if (flags.risk === true) set('risk.enabled', true, '--risk');
  const flag = (path: readonly string[]): string => byPrefix(flagOf, path) ?? path.join('.');
  return { values, isFile: false, source: (p) => `flag:${flag(p)}`, locate: (p) => ({ flag: flag(p) }) };
}

/**
 * Layers a run: defaults <- the app config <- the run file (`--config`, else the default one when
 * no `--strategy` is given) <- flags. The run file's params apply only to its own strategy.
 */
export function resolveSpec(
  home: string,
  config: Config,
  flags: BacktestFlags,
  appSources?: ReadonlyMap<string, string>,
): { spec: RunConfig; sources: ReadonlyMap<string, string>; file?: StrategyRunConfig } {
  const useFile = flags.strategy === undefined;
  const runFile = flags.configFile ?? (useFile ? defaultRunFile(home) : undefined);
  const file =
    runFile === undefined ? undefined : loadStrategyConfig(runFile, relative(process.cwd(), runFile) || runFile);
  if (flags.fees !== undefined) parseFees(flags.fees, { flag: '--fees' });
  if (flags.slippage !== undefined) parseSlippage(flags.slippage, { flag: '--slippage' });
  const layers = [
    appConfigLayer(config, appSources),
    ...(file === undefined ? [] : [runFileLayer(file, useFile)]),
    flagLayer(flags),
  ];
  const { config: spec, sources } = layerRunConfig(layers);
  return { spec, sources, ...(file === undefined ? {} : { file }) };
}

/**
 * The main job: resolve the run, make sure the data is there (fetching the synthetic universe
 * when it is the configured provider and data is missing), run the event engine, and write the
 * results folder with its report. A call of a strategy file past its time budget ends it with
 * STRATEGY_HOOK_TIMEOUT (hook-budget.ts).
 */
export function runBacktestJob(o: Parameters<typeof backtestJob>[0]): Promise<BacktestJobResult> {
  return withinHookBudget(() => backtestJob(o));
}

async function backtestJob(o: {
  home: string;
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  spec: BacktestSpec;
  out?: string;
  runId?: string;
  logger?: Logger;
  onFetch?: (symbol: string) => void;
  /** Engine progress: bars processed so far and in all. */
  onProgress?: (barsDone: number, totalBars: number | undefined) => void;
  /** Record the run, its orders and fills in the ledger (default true; a replay does not). */
  ledger?: boolean;
  /** The run file the run was layered from, recorded in the manifest and named by parameter errors. */
  runFile?: string;
  /** Write straight into `out` (a folder already staged by the caller: a replay's scratch folder). */
  writeInPlace?: boolean;
}): Promise<BacktestJobResult> {
  const { home, config } = o;
  const startedAt = Date.now();
  // Leftovers of runs killed part way are removed first (never a folder another live run writes).
  sweepStaleStaging(zonePaths(home).results);
  if (o.out !== undefined) sweepStaleStaging(dirname(o.out), { ownedOnly: true });
  // A strategy file (a replay's, or --strategy ./file.ts) is compiled and registered first.
  if (isStrategyFile(o.spec.strategy.name)) {
    await loadStrategyFile(o.spec.strategy.name, undefined, { hookTimeoutMs: config.engine.hook_timeout_ms });
  }
  // The strategy, its params and the symbols it needs are checked before any data is loaded.
  checkStrategy(o.spec, o.runFile === undefined ? { flag: '--param' } : { file: o.runFile });
  // A registry model (`model=NAME-vN`) is read from the ledger before the run, as a file would be.
  const models = await resolveRegisteredModels(
    o.spec.strategy.params,
    config,
    home,
    o.runFile === undefined ? { flag: '--param' } : { file: o.runFile },
  );
  // The ledger gets ready while the data loads and the engine runs (docs/ledger.md, "Backtests in
  // the ledger"): opening the file in its own thread costs as much as reading the bars.
  const recorderReady = o.ledger === false ? undefined : prepareBacktestRecording(config, home);
  const loadStart = performance.now();
  let data: Awaited<ReturnType<typeof loadRunData>>;
  try {
    data = await loadRunData({
      home,
      config,
      env: o.env,
      spec: o.spec,
      ...(o.logger === undefined ? {} : { logger: o.logger }),
      ...(o.onFetch === undefined ? {} : { onFetch: o.onFetch }),
    });
  } catch (e) {
    // Never fails (a ledger that cannot be reached is reported when the run is recorded).
    void recorderReady?.then((r) => r.close());
    throw e;
  }
  const loadMs = performance.now() - loadStart;
  // Dates left open are the data's own range; the manifest records the dates the run used.
  const spec = withDataRange(o.spec, data);
  const runId = o.runId ?? newRunId();
  const dir = o.out ?? runResultsDir(home, runId);
  // The run hands its ended orders and fills to the ledger as it goes, so they are written while
  // the engine still runs; nothing is committed before the results folder is complete.
  const recorder = await recorderReady;
  const recording = recorder?.begin(runId);
  const engineStart = performance.now();
  let configured: ReturnType<typeof runConfigured>;
  try {
    configured = runConfigured(spec, data, {
      runId,
      dataFiles: data.dataFiles,
      paramSource: o.runFile === undefined ? { flag: '--param' } : { file: o.runFile },
      env: models.env,
      config: {
        run: spec,
        ...(o.runFile === undefined ? {} : { run_file: o.runFile }),
        ...(Object.keys(models.used).length === 0 ? {} : { models: models.used }),
      },
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
      ...(recording === undefined ? {} : { onRecords: (orders, fills) => recording.sink.add(orders, fills) }),
      // The workspace's kill switch is the one its latest run tripped (momentic risk show); a
      // replay only checks a recorded run.
      ...(o.ledger === false ? {} : { onKillSwitch: recordKillSwitch(home, { mode: 'backtest', runId }) }),
    });
  } catch (e) {
    recording?.abandon();
    recorder?.close();
    throw e;
  }
  const { record, risk } = configured;
  const engineMs = performance.now() - engineStart;
  // The run's end for the ledger: its engine is done. Kept in the manifest too, so a run recorded
  // later (`momentic runs record`) gets the same times as one recorded now.
  const finishedAt = Date.now();
  for (const e of risk?.events ?? [])
    if (e.kind === 'kill_switch') o.logger?.warn({ ts: e.ts, reason: e.reason }, 'kill switch');
  // The results folder is the run's contract; the ledger indexes it. The run's rows are inserted
  // while the run goes on and the files are written, and committed only after the folder has its
  // final name, so the ledger never lists a run whose folder is incomplete. A ledger that cannot
  // be reached is reported in the result (`ledger.recorded: false`; the CLI exits 4 and says how
  // to record the run later): docs/ledger.md, "Backtests in the ledger".
  // The run is written into a staging folder beside its final one and renamed when complete
  // (run-staging.ts): a run killed part way never leaves a folder that reads as a run. Made once
  // the engine is done: a strategy stopped by its time budget ends the process's JavaScript where
  // it stands, which would leave the folder behind.
  let staged: ReturnType<typeof stageRunFolder> | undefined;
  try {
    staged = o.writeInPlace === true ? undefined : stageRunFolder(dir);
  } catch (e) {
    recording?.abandon();
    throw e;
  }
  let written: Awaited<ReturnType<typeof writeResults>>;
  try {
    written = await writeResults(staged?.dir ?? dir, {
      ...record,
      timings: { ...record.timings, load_ms: loadMs },
      wallClock: { startedAt, finishedAt },
    });
    staged?.commit();
  } catch (e) {
    recording?.abandon();
    staged?.discard();
    throw e;
  }
  const ledger: LedgerOutcome | undefined = await recording?.finish(record, {
    spec: spec as unknown as Record<string, unknown>,
    metrics: written.metrics as unknown as Record<string, unknown>,
    dir,
    startedAt,
    finishedAt,
  });
  return {
    runId,
    dir,
    metrics: written.metrics,
    record,
    spec,
    period: { start: record.start, end: record.end },
    trades: record.trades.length,
    orders: record.orders.length,
    rejected: rejectedOrders(record.orders),
    fetched: data.fetched,
    ...(ledger === undefined ? {} : { ledger }),
    timings: {
      load_ms: loadMs,
      engine_ms: engineMs,
      setup_ms: record.timings.setup_ms ?? NaN,
      run_ms: record.timings.run_ms ?? NaN,
      ...written.timings,
      ...(ledger?.recorded === true ? { ledger_ms: ledger.ms } : {}),
    },
  };
}

function rejectedOrders(orders: RunRecord['orders']): BacktestJobResult['rejected'] {
  let count = 0;
  let first: string | undefined;
  for (const o of orders) {
    if (o.status !== 'rejected') continue;
    count++;
    first ??= o.reason;
  }
  return { count, ...(first === undefined ? {} : { first }) };
}

/** The spec stored in a run's manifest, for `--replay`. */
export function specOfRun(dir: string): BacktestSpec {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no run at ${dir}`, {
      hint: 'list runs in data/results/; pass a run id that exists',
      context: { file },
    });
  }
  const m = JSON.parse(readFileSync(file, 'utf8')) as { config?: { run?: unknown } };
  const spec = m.config?.run;
  if (spec === undefined || spec === null) {
    throw new DataError('DATA_INVALID', `${file} has no run spec (config.run)`, {
      hint: 'only runs made by momentic backtest can be replayed',
      context: { file },
    });
  }
  return runConfigOf(spec, file);
}

/**
 * A recorded run (a manifest's `config.run`, a sweep's `spec`) as a RunConfig. Runs recorded
 * before the RunConfig kept a flat spec (strategy, symbols, cash, ... side by side): its keys
 * map one to one, and what it did not record takes the defaults it ran with (runs recorded before
 * the `orders` section ran without timed cancels or quiet windows, the defaults).
 */
export function runConfigOf(recorded: unknown, file: string): RunConfig {
  const r = recorded as Record<string, unknown>;
  const flat = typeof r.strategy === 'string';
  // A section added since (the OrderManager's `orders`) takes the defaults the run had.
  const value = !flat
    ? {
        orders: RUN_DEFAULTS.orders,
        ...r,
        // Runs recorded before `data.prices` existed traded the raw bars as stored.
        data: { prices: 'raw', ...(r.data as Record<string, unknown>) },
        venue: { max_leverage: RUN_DEFAULTS.venue.max_leverage, ...(r.venue as Record<string, unknown>) },
        // Keys of the session section added since take their defaults (a backtest ignores them).
        live: { ...RUN_DEFAULTS.live, ...(r.live as Record<string, unknown> | undefined) },
      }
    : {
        strategy: { name: r.strategy, params: r.params ?? {} },
        data: {
          symbols: r.symbols,
          timeframe: r.timeframe,
          start: r.start,
          end: r.end,
          benchmark: null,
          prices: 'raw',
        },
        venue: { ...RUN_DEFAULTS.venue, cash: r.cash, fees: r.fees, slippage: r.slippage, fill: r.fill },
        risk: {
          enabled: r.risk !== undefined,
          limits: { ...RUN_DEFAULTS.risk.limits, ...(r.risk as Record<string, unknown> | undefined) },
        },
        orders: RUN_DEFAULTS.orders,
        live: RUN_DEFAULTS.live,
        warmup: null,
        seed: r.seed,
      };
  const parsed = runConfigSchema.safeParse(value, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      'DATA_INVALID',
      `${file} holds an invalid run: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      {
        hint: 'rerun it from its run file or flags instead',
        context: { file, key: issue?.path.join('.') ?? '' },
      },
    );
  }
  return parsed.data;
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { IsoDate } from '../core/dates.js';
import type { Timeframe } from '../core/enums.js';
import { DataError, UsageError } from '../core/errors.js';
import { newRunId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Config } from '../config/schema.js';
import { loadStrategyConfig, type StrategyRunConfig } from '../backtest/config-file.js';
import { parseFees, parseSlippage } from '../backtest/costs.js';
import type { Metrics } from '../backtest/metrics.js';
import { runResultsDir, writeResults } from '../backtest/results-writer.js';
import { parseParamValue } from '../strategies/define.js';
import type { RunRecord } from '../backtest/run-record.js';
import { prepareBacktestRecording, type LedgerOutcome } from './backtest-ledger.js';
import { runBacktest } from './node.js';
import { RiskGate } from './risk-gate.js';
import { loadRunData } from './run-data.js';
import { isStrategyFile, loadStrategyFile } from './strategy-file.js';

/** What a run was asked to do; stored in the manifest so `--replay` can do it again. */
export interface BacktestSpec {
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly cash: number;
  readonly fees: string;
  readonly slippage: string;
  readonly fill: 'next-open' | 'close';
  readonly seed: number;
  readonly configFile?: string;
  /** Risk limits of the run over the config's `risk:` section (from the run file). */
  readonly risk?: Partial<Config['risk']>;
}

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
  readonly out?: string;
  /** Run with the risk manager and the config's limits (a run file's `risk:` adds its own). */
  readonly risk?: boolean;
}

export interface BacktestJobResult {
  readonly runId: string;
  readonly dir: string;
  readonly metrics: Metrics;
  readonly spec: BacktestSpec;
  readonly trades: number;
  readonly orders: number;
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

/** Resolves flags over the run file (or the default one) into the spec of a run. */
export function resolveSpec(
  home: string,
  config: Config,
  flags: BacktestFlags,
): { spec: BacktestSpec; file?: StrategyRunConfig } {
  const useFile = flags.strategy === undefined;
  const runFile = flags.configFile ?? (useFile ? defaultRunFile(home) : undefined);
  const file =
    runFile === undefined ? undefined : loadStrategyConfig(runFile, relative(process.cwd(), runFile) || runFile);
  const strategy = flags.strategy ?? file?.strategyKey ?? 'sma-cross';
  const params = { ...(flags.strategy === undefined ? file?.rawParams : {}), ...parseParamFlags(flags.params ?? []) };
  const today = new Date().toISOString().slice(0, 10);
  return {
    spec: {
      strategy,
      params,
      symbols: flags.symbols ?? file?.symbols ?? [],
      timeframe: flags.timeframe ?? file?.timeframe ?? (config.data.timeframe as Timeframe),
      start: flags.start ?? file?.start ?? '2015-01-02',
      end: flags.end ?? file?.end ?? today,
      cash: flags.cash ?? file?.cash ?? 100_000,
      fees: flags.fees ?? file?.fees ?? 'none',
      slippage: flags.slippage ?? file?.slippage ?? 'none',
      fill: flags.fill ?? file?.fill ?? 'next-open',
      seed: config.venues.synthetic.seed,
      ...(runFile === undefined ? {} : { configFile: runFile }),
      ...(file?.risk !== undefined ? { risk: file.risk } : flags.risk === true ? { risk: {} } : {}),
    },
    ...(file === undefined ? {} : { file }),
  };
}

/**
 * The main job: resolve the run, make sure the data is there (fetching the synthetic universe
 * when it is the configured provider and data is missing), run the event engine, and write the
 * results folder with its report.
 */
export async function runBacktestJob(o: {
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
}): Promise<BacktestJobResult> {
  const { home, config, spec } = o;
  const startedAt = Date.now();
  // A strategy file (a replay's, or --strategy ./file.ts) is compiled and registered first.
  if (isStrategyFile(spec.strategy)) await loadStrategyFile(spec.strategy);
  const loadStart = performance.now();
  const { series, instrument, dataFiles, fetched } = await loadRunData({
    home,
    config,
    env: o.env,
    spec,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
    ...(o.onFetch === undefined ? {} : { onFetch: o.onFetch }),
  });
  const loadMs = performance.now() - loadStart;
  const runId = o.runId ?? newRunId();
  // With `risk:` in the run file (or --risk) every order passes the risk manager, with the
  // config's limits under the run's own (docs/risk.md). Paper and live trading always use it.
  const risk =
    spec.risk === undefined
      ? undefined
      : new RiskGate(
          { ...config.risk, ...spec.risk },
          spec.timeframe === '1d' ? 'swing' : 'intraday',
          (s) => instrument(s).shortable !== false,
        );
  // The ledger gets ready while the engine runs (docs/ledger.md, "Backtests in the ledger").
  const recorder = o.ledger === false ? undefined : await prepareBacktestRecording(config, home);
  const engineStart = performance.now();
  let record: RunRecord;
  try {
    record = runBacktest({
      strategy: spec.strategy,
      params: spec.params,
      paramSource: spec.configFile === undefined ? { flag: '--param' } : { file: spec.configFile },
      series,
      instrument,
      timeframe: spec.timeframe,
      start: spec.start,
      end: spec.end,
      cash: spec.cash,
      fill: spec.fill,
      fees: parseFees(spec.fees),
      slippage: parseSlippage(spec.slippage),
      // Prices from the data are used as they are (imported adjusted prices are not on a tick).
      priceRounding: 'none',
      runId,
      seed: spec.seed,
      dataFiles,
      config: { run: spec },
      ...(risk === undefined ? {} : { risk }),
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
    });
  } catch (e) {
    recorder?.close();
    throw e;
  }
  const engineMs = performance.now() - engineStart;
  for (const e of risk?.events ?? [])
    if (e.kind === 'kill_switch') o.logger?.warn({ ts: e.ts, reason: e.reason }, 'kill switch');
  const dir = o.out ?? runResultsDir(home, runId);
  // The results folder is the run's contract; the ledger indexes it. The run's rows are inserted
  // while the files are written and committed only after them, so the ledger never lists a run
  // whose folder is incomplete. A ledger that cannot be reached is reported in the result
  // (`ledger.recorded: false`, which the CLI prints as a warning), never fatal: docs/ledger.md,
  // "Backtests in the ledger".
  const recording = recorder?.start(record);
  let written: Awaited<ReturnType<typeof writeResults>>;
  try {
    written = await writeResults(dir, { ...record, timings: { ...record.timings, load_ms: loadMs } });
  } catch (e) {
    recording?.abandon();
    throw e;
  }
  const ledger: LedgerOutcome | undefined = await recording?.finish({
    spec: spec as unknown as Record<string, unknown>,
    metrics: written.metrics as unknown as Record<string, unknown>,
    dir,
    startedAt,
    finishedAt: Date.now(),
  });
  return {
    runId,
    dir,
    metrics: written.metrics,
    spec,
    trades: record.trades.length,
    orders: record.orders.length,
    fetched,
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

/** The spec stored in a run's manifest, for `--replay`. */
export function specOfRun(dir: string): BacktestSpec {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no run at ${dir}`, {
      hint: 'list runs in data/results/; pass a run id that exists',
      context: { file },
    });
  }
  const m = JSON.parse(readFileSync(file, 'utf8')) as { config?: { run?: BacktestSpec } };
  const spec = m.config?.run;
  if (spec === undefined) {
    throw new DataError('DATA_INVALID', `${file} has no run spec (config.run)`, {
      hint: 'only runs made by momentic backtest can be replayed',
      context: { file },
    });
  }
  return spec;
}

/**
 * Strategy run files (`config/strategy/*.yaml`, `momentic backtest --config FILE`): a strategy,
 * its parameters, the symbols, dates and costs of a run. Every error names the file and line.
 * (This reader lives in backtest/, not strategies/, because strategies/ may not import config/:
 * STYLE.md's import direction, eslint-rules/import-direction.js.)
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';
import { isValidIsoDate, type IsoDate } from '../core/dates.js';
import type { Timeframe } from '../core/enums.js';
import { ConfigError } from '../core/errors.js';
import { checkSymbol } from '../core/symbol.js';
import { findSecret, secretInFileError, type ConfigLayer } from '../config/layers.js';
import {
  PRICE_MODES,
  PRICE_ROUNDINGS,
  runConfigSchema,
  UNIVERSE_EXITS,
  type PriceMode,
  type RunConfig,
} from '../config/run-config.js';
import { configSchema, type Config } from '../config/schema.js';
import { readYamlFile, type YamlFile } from '../config/yaml-file.js';
import type { FillTiming } from '../execution/simulated-exchange.js';
import { validateParams, type StrategyDefinition } from '../strategies/define.js';
import { getStrategyDefinition, isStrategyFile } from '../strategies/registry.js';
import { parseFees, parseSlippage } from './costs.js';
import { PARSE_ONCE } from '../core/parse-once.js';

const isoDate = z.string().refine(isValidIsoDate, { message: 'must be a date written YYYY-MM-DD' });

/** A run file's keys, as YAML gives them (the service takes the same object as JSON). */
export const runFileSchema = z.strictObject({
  description: z.string().optional(),
  strategy: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  symbols: z.array(z.string()).default([]),
  universe: z.string().min(1).optional(),
  universe_exit: z.enum(UNIVERSE_EXITS).optional(),
  timeframe: z.enum(['1d', '1h', '15m', '5m', '1m']).optional(),
  start: isoDate.optional(),
  end: isoDate.optional(),
  cash: z.number().positive().optional(),
  fill: z.enum(['next-open', 'close']).optional(),
  participation: z.number().gt(0).lte(1).optional(),
  benchmark: z.string().optional(),
  /** raw, split (default) or total-return: docs/corporate-actions.md. */
  prices: z.enum(PRICE_MODES).optional(),
  costs: z.strictObject({ fees: z.string().optional(), slippage: z.string().optional() }).optional(),
  /**
   * Risk limits of this run over the config's `risk:` section (docs/risk.md), key by key: a
   * `kill_switch:` giving one of its limits keeps the config's other.
   */
  risk: configSchema.shape.risk
    .extend({ kill_switch: configSchema.shape.risk.shape.kill_switch.partial() })
    .partial()
    .optional(),
  price_rounding: z.enum(PRICE_ROUNDINGS).optional(),
  latency_ms: z.number().min(0).optional(),
  max_leverage: z.number().positive().optional(),
  warmup: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  orders: runConfigSchema.shape.orders.partial().optional(),
  live: runConfigSchema.shape.live.partial().optional(),
});

const KEY_HINTS: Readonly<Record<string, string>> = {
  strategy: 'a built-in strategy name, e.g. sma-cross',
  symbols: 'a list of symbols, e.g. [ORCL, MSFT]; [] for the data provider’s default universe',
  universe: 'core, extended, or a membership file (relative to the run file), e.g. core',
  universe_exit: 'close (leaving the universe closes the position) or hold',
  start: 'a date written YYYY-MM-DD',
  end: 'a date written YYYY-MM-DD',
  cash: 'a positive amount, e.g. 100000',
  fill: 'next-open (default) or close',
  participation: 'a fraction of bar volume in (0, 1], e.g. 0.1',
  timeframe: 'one of 1d, 1h, 15m, 5m, 1m',
  benchmark: 'a symbol with data, e.g. SPY',
  prices: `one of ${PRICE_MODES.join(', ')} (docs/corporate-actions.md)`,
  price_rounding: 'none (default: prices as the data has them) or conservative (to the tick, against you)',
  latency_ms: 'milliseconds from an order to the market, e.g. 50',
  max_leverage: 'buying power as a multiple of equity, > 0: 2 (default, margin) or 1 (cash)',
  warmup: 'a whole number of bars without orders, e.g. 60',
  seed: 'a whole number, e.g. 42',
  live: 'a section: venue (alpaca or simulated), paper (true or false), reconcile_every, stale_after, stream_timeout (durations such as 90s, 5m, 2h), warmup_bars (a whole number)',
  orders:
    'a section: cancel_after_ms, min_fill_ratio (0..1), retries (>= 1), retry_base_ms, quiet_open_ms, quiet_close_ms',
};

export interface StrategyRunConfig {
  readonly file: string;
  readonly description?: string;
  readonly strategy: StrategyDefinition;
  /** The built-in name, or the absolute path of a strategy file. */
  readonly strategyKey: string;
  /** Parameters as written (to merge `--param` flags over before validating again). */
  readonly rawParams: Readonly<Record<string, unknown>>;
  /** Validated parameters with defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Empty: the data provider's default universe. */
  readonly symbols: readonly string[];
  /** `core`, `extended`, or the absolute path of a membership file. */
  readonly universe?: string;
  readonly universeExit?: RunConfig['data']['universe_exit'];
  readonly timeframe?: Timeframe;
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  readonly cash?: number;
  readonly fill?: FillTiming;
  readonly participation?: number;
  readonly benchmark?: string;
  readonly prices?: PriceMode;
  /** Validated cost specs (src/backtest/costs.ts). */
  readonly fees?: string;
  readonly slippage?: string;
  /** Risk limits over the config's. */
  readonly risk?: Partial<Config['risk']>;
  readonly priceRounding?: RunConfig['venue']['price_rounding'];
  readonly latencyMs?: number;
  readonly maxLeverage?: number;
  readonly warmup?: number;
  readonly seed?: number;
  readonly live?: Partial<RunConfig['live']>;
  /** The OrderManager's policies over the defaults. */
  readonly orders?: Partial<RunConfig['orders']>;
  /** Line of a key path, for errors found later (e.g. a symbol without data). */
  lineOf(path: readonly string[]): number | undefined;
}

/** Reads and validates a strategy run file. `displayName` is how errors name it. */
export function loadStrategyConfig(file: string, displayName: string = file): StrategyRunConfig {
  const y = readYamlFile(file, displayName);
  // A secret is refused before any key is looked up: calling `api_secret_key` an unknown key would
  // hide that its value must never be in a file (the app config's files are checked the same way).
  const secret = findSecret(y.values);
  if (secret !== undefined) {
    const row = y.lineOf(secret);
    throw secretInFileError(secret, row === undefined ? { file: y.file } : { file: y.file, row });
  }
  const parsed = runFileSchema.safeParse(y.values, PARSE_ONCE);
  if (!parsed.success) throw fileError(y, parsed.error.issues[0]);
  const v = parsed.data;
  const at = (path: readonly string[]): { file: string; row?: number } => {
    const row = y.lineOf(path);
    return row === undefined ? { file: y.file } : { file: y.file, row };
  };
  // A strategy file is named relative to the run file; it is registered under its absolute path.
  const strategyKey = isStrategyFile(v.strategy) ? resolve(dirname(resolve(y.file)), v.strategy) : v.strategy;
  const strategy = getStrategyDefinition(strategyKey, at(['strategy']));
  const params = validateParams(strategy, v.params, { file: y.file, lineOf: (p) => y.lineOf(['params', p]) });
  if (v.costs?.fees !== undefined) parseFees(v.costs.fees, { key: 'costs.fees', ...at(['costs', 'fees']) });
  if (v.costs?.slippage !== undefined) {
    parseSlippage(v.costs.slippage, { key: 'costs.slippage', ...at(['costs', 'slippage']) });
  }
  v.symbols.forEach((s, i) => checkSymbol(s, { key: `symbols[${i}]`, ...at(['symbols', String(i)]) }));
  if (v.benchmark !== undefined) checkSymbol(v.benchmark, { key: 'benchmark', ...at(['benchmark']) });
  if (v.start !== undefined && v.end !== undefined && v.start > v.end) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: start ${v.start} is after end ${v.end}`, {
      hint: 'give a start date on or before the end date',
      context: { key: 'start', value: v.start, ...at(['start']) },
    });
  }
  return {
    file: y.file,
    ...(v.description === undefined ? {} : { description: v.description }),
    strategy,
    strategyKey,
    rawParams: v.params,
    params: params as Record<string, unknown>,
    symbols: v.symbols,
    ...(v.universe === undefined
      ? {}
      : {
          universe:
            v.universe === 'core' || v.universe === 'extended'
              ? v.universe
              : resolve(dirname(resolve(y.file)), v.universe),
        }),
    ...(v.universe_exit === undefined ? {} : { universeExit: v.universe_exit }),
    ...(v.timeframe === undefined ? {} : { timeframe: v.timeframe }),
    ...(v.start === undefined ? {} : { start: v.start }),
    ...(v.end === undefined ? {} : { end: v.end }),
    ...(v.cash === undefined ? {} : { cash: v.cash }),
    ...(v.fill === undefined ? {} : { fill: v.fill }),
    ...(v.participation === undefined ? {} : { participation: v.participation }),
    ...(v.benchmark === undefined ? {} : { benchmark: v.benchmark }),
    ...(v.prices === undefined ? {} : { prices: v.prices }),
    ...(v.costs?.fees === undefined ? {} : { fees: v.costs.fees }),
    ...(v.costs?.slippage === undefined ? {} : { slippage: v.costs.slippage }),
    ...(v.risk === undefined ? {} : { risk: v.risk as Partial<Config['risk']> }),
    ...(v.price_rounding === undefined ? {} : { priceRounding: v.price_rounding }),
    ...(v.latency_ms === undefined ? {} : { latencyMs: v.latency_ms }),
    ...(v.max_leverage === undefined ? {} : { maxLeverage: v.max_leverage }),
    ...(v.warmup === undefined ? {} : { warmup: v.warmup }),
    ...(v.seed === undefined ? {} : { seed: v.seed }),
    ...(v.live === undefined ? {} : { live: v.live as Partial<RunConfig['live']> }),
    ...(v.orders === undefined ? {} : { orders: v.orders as Partial<RunConfig['orders']> }),
    lineOf: (path) => y.lineOf(path),
  };
}

/** The first schema issue as an error naming the file, line and key. */
function fileError(y: YamlFile, issue: z.core.$ZodIssue | undefined): ConfigError {
  const path = (issue?.path ?? []).map(String);
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const full = [...path, key];
    const known = Object.keys(
      path[0] === 'costs'
        ? runFileSchema.shape.costs.unwrap().shape
        : path[0] === 'live'
          ? runConfigSchema.shape.live.shape
          : path[0] === 'orders'
            ? runConfigSchema.shape.orders.shape
            : path[0] === 'risk'
              ? path[1] === 'kill_switch'
                ? configSchema.shape.risk.shape.kill_switch.shape
                : configSchema.shape.risk.shape
              : runFileSchema.shape,
    );
    const row = y.lineOf(full);
    return new ConfigError('CONFIG_UNKNOWN_KEY', `${y.file}: unknown key ${full.join('.')}`, {
      hint: `${didYouMean(key, known)}known keys${path.length > 0 ? ` of ${path.join('.')}` : ''}: ${known.join(', ')}`,
      context: { file: y.file, key: full.join('.'), ...(row === undefined ? {} : { row }) },
    });
  }
  const key = path.join('.') || '(top level)';
  const row = y.lineOf(path);
  let value: unknown = y.values;
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k];
  const what =
    issue?.code === 'invalid_type' && value === undefined
      ? `is missing${Object.keys(y.values).length === 0 ? ' (the file is empty)' : ''}`
      : (issue?.message ?? 'is invalid');
  return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key} ${what}`, {
    hint: `set ${key} to ${KEY_HINTS[path[0] ?? ''] ?? 'a valid value'}`,
    context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
  });
}

/** The run file key of each RunConfig path (params and risk limits map key by key below them). */
const FILE_KEYS: ReadonlyMap<string, string> = new Map([
  ['strategy.name', 'strategy'],
  ['strategy.params', 'params'],
  ['data.symbols', 'symbols'],
  ['data.universe', 'universe'],
  ['data.universe_exit', 'universe_exit'],
  ['data.timeframe', 'timeframe'],
  ['data.start', 'start'],
  ['data.end', 'end'],
  ['data.benchmark', 'benchmark'],
  ['data.prices', 'prices'],
  ['venue.cash', 'cash'],
  ['venue.fees', 'costs.fees'],
  ['venue.slippage', 'costs.slippage'],
  ['venue.fill', 'fill'],
  ['venue.participation', 'participation'],
  ['venue.price_rounding', 'price_rounding'],
  ['venue.latency_ms', 'latency_ms'],
  ['venue.max_leverage', 'max_leverage'],
  ['risk.enabled', 'risk'],
  ['risk.limits', 'risk'],
  ['live', 'live'],
  ['orders', 'orders'],
  ['warmup', 'warmup'],
  ['seed', 'seed'],
]);

/**
 * A run file as a RunConfig layer; each value's source names the file and line. `withParams`
 * false leaves the file's parameters out (they belong to its strategy, not one given by a flag).
 * A `risk:` section turns the risk manager on, with its limits over the app config's.
 */
export function runFileLayer(f: StrategyRunConfig, withParams = true): ConfigLayer {
  const values: Record<string, unknown> = {
    strategy: { name: f.strategyKey, ...(withParams ? { params: { ...f.rawParams } } : {}) },
    data: {
      ...(f.lineOf(['symbols']) === undefined ? {} : { symbols: f.symbols }),
      ...(f.universe === undefined ? {} : { universe: f.universe }),
      ...(f.universeExit === undefined ? {} : { universe_exit: f.universeExit }),
      ...(f.timeframe === undefined ? {} : { timeframe: f.timeframe }),
      ...(f.start === undefined ? {} : { start: f.start }),
      ...(f.end === undefined ? {} : { end: f.end }),
      ...(f.benchmark === undefined ? {} : { benchmark: f.benchmark }),
      ...(f.prices === undefined ? {} : { prices: f.prices }),
    },
    venue: {
      ...(f.cash === undefined ? {} : { cash: f.cash }),
      ...(f.fees === undefined ? {} : { fees: f.fees }),
      ...(f.slippage === undefined ? {} : { slippage: f.slippage }),
      ...(f.fill === undefined ? {} : { fill: f.fill }),
      ...(f.participation === undefined ? {} : { participation: f.participation }),
      ...(f.priceRounding === undefined ? {} : { price_rounding: f.priceRounding }),
      ...(f.latencyMs === undefined ? {} : { latency_ms: f.latencyMs }),
      ...(f.maxLeverage === undefined ? {} : { max_leverage: f.maxLeverage }),
    },
    ...(f.risk === undefined ? {} : { risk: { enabled: true, limits: { ...f.risk } } }),
    ...(f.live === undefined ? {} : { live: { ...f.live } }),
    ...(f.orders === undefined ? {} : { orders: { ...f.orders } }),
    ...(f.warmup === undefined ? {} : { warmup: f.warmup }),
    ...(f.seed === undefined ? {} : { seed: f.seed }),
  };
  const filePath = (path: readonly string[]): string[] => {
    for (let n = path.length; n > 0; n--) {
      const key = FILE_KEYS.get(path.slice(0, n).join('.'));
      if (key !== undefined) return [...key.split('.'), ...path.slice(n)];
    }
    return [...path];
  };
  const at = (path: readonly string[]): { file: string; row?: number } => {
    const row = f.lineOf(filePath(path));
    return row === undefined ? { file: f.file } : { file: f.file, row };
  };
  return {
    values,
    isFile: true,
    source: (path) => {
      const { file, row } = at(path);
      return `file:${file}${row === undefined ? '' : `:${row}`}`;
    },
    locate: (path) => ({ ...at(path), key: filePath(path).join('.') }),
  };
}

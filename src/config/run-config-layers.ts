/**
 * Layers a RunConfig as the app config is layered (loader.ts): defaults <- the app config (bar
 * size, seed, risk limits) <- the run file <- command-line flags, recording where each value
 * came from (`momentic backtest --explain-config`).
 */
import { refuseFutureStart } from '../core/dates.js';
import { ConfigError, UsageError, type ErrorContext } from '../core/errors.js';
import { isPlainObject, mergeLayer, type ConfigLayer } from './layers.js';
import { RUN_DEFAULTS, runConfigSchema, type RunConfig } from './run-config.js';
import type { Config } from './schema.js';
import { PARSE_ONCE } from '../core/parse-once.js';

export interface LayeredRunConfig {
  readonly config: RunConfig;
  /** Where each leaf's value came from, by dotted path: `default`, `file:run.yaml:12`, `flag:--start`, ... */
  readonly sources: ReadonlyMap<string, string>;
}

/** Leaf paths of a run config: scalars, arrays, and each entry of a record (params, caps). */
export function runLeafPaths(obj: Readonly<Record<string, unknown>>, prefix: readonly string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...runLeafPaths(v, [...prefix, k]));
    else out.push([...prefix, k]);
  }
  return out;
}

/** The value set by the longest prefix of `path` in `map` (a record key falls back to its record). */
export function byPrefix<T>(map: ReadonlyMap<string, T>, path: readonly string[]): T | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = map.get(path.slice(0, n).join('.'));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The app config's keys a run takes its defaults from, by RunConfig path. */
const APP_KEYS: ReadonlyMap<string, string> = new Map([
  ['data.timeframe', 'data.timeframe'],
  ['seed', 'venues.synthetic.seed'],
  ['risk.limits', 'risk'],
]);

/** The app config as a run layer: its bar size, synthetic seed and risk limits. */
export function appConfigLayer(config: Config, sources: ReadonlyMap<string, string> = new Map()): ConfigLayer {
  const appKey = (path: readonly string[]): string => {
    const dotted = path.join('.');
    for (const [run, app] of APP_KEYS)
      if (dotted === run || dotted.startsWith(`${run}.`)) return app + dotted.slice(run.length);
    return dotted;
  };
  return {
    values: {
      data: { timeframe: config.data.timeframe },
      seed: config.venues.synthetic.seed,
      risk: { limits: config.risk },
    },
    isFile: false,
    source: (path) => {
      const key = appKey(path);
      const s = byPrefix(sources, key.split('.')) ?? 'default';
      return s === 'default' ? 'default' : `${s} (${key})`;
    },
    locate: (path) => ({ key: appKey(path) }),
  };
}

/**
 * Merges the layers over RUN_DEFAULTS and validates the result; a bad value names its source. The
 * dates are checked across layers too (a run file's start against an --end flag), and a start
 * after today (`now`) is refused: no data exists for it.
 */
export function layerRunConfig(layers: readonly ConfigLayer[], now: number = Date.now()): LayeredRunConfig {
  const sources = new Map<string, string>(runLeafPaths(RUN_DEFAULTS).map((p) => [p.join('.'), 'default']));
  let merged = structuredClone(RUN_DEFAULTS) as unknown as Record<string, unknown>;
  for (const layer of layers) merged = mergeLayer(merged, layer, sources);
  const parsed = runConfigSchema.safeParse(merged, PARSE_ONCE);
  const locate = (path: readonly string[]): ErrorContext => {
    const source = byPrefix(sources, path) ?? 'default';
    return (
      [...layers]
        .reverse()
        .find((l) => l.source(path) === source)
        ?.locate(path) ?? {}
    );
  };
  if (parsed.success) {
    checkDates(parsed.data, locate, now);
    return { config: parsed.data, sources };
  }
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map(String).filter((p) => !/^\d+$/.test(p));
  const source = byPrefix(sources, path) ?? 'default';
  const where = locate(path);
  let value: unknown = merged;
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k];
  const options = issue !== undefined && 'values' in issue ? (issue.values as unknown[]).map(String) : undefined;
  throw new ConfigError(
    'CONFIG_INVALID_VALUE',
    `invalid value ${JSON.stringify(value)} for run key "${path.join('.')}": ${issue?.message ?? 'invalid'}`,
    {
      hint: options !== undefined ? `use one of: ${options.join(', ')}` : `fix the value set by ${source}`,
      context: { ...where, key: path.join('.') },
    },
  );
}

function checkDates(run: RunConfig, locate: (path: readonly string[]) => ErrorContext, now: number): void {
  const { start, end } = run.data;
  if (start === null) return;
  const where = locate(['data', 'start']);
  if (end !== null && start > end) {
    throw new UsageError('USAGE_INVALID_RANGE', `start ${start} is after end ${end}`, {
      hint: 'give a start date on or before the end date',
      context: { ...where, value: `${start}..${end}` },
    });
  }
  refuseFutureStart(start, where, now);
}

export interface RunConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly source: string;
}

/** Every value of a run with its source, in schema order. */
export function runConfigEntries(layered: LayeredRunConfig): RunConfigEntry[] {
  return runLeafPaths(layered.config as unknown as Record<string, unknown>).map((path) => {
    let value: unknown = layered.config;
    for (const k of path) value = (value as Record<string, unknown>)[k];
    return { key: path.join('.'), value, source: byPrefix(layered.sources, path) ?? 'default' };
  });
}

/** `key = value  # source` lines, as `momentic config show` prints the app config. */
export function formatRunConfig(entries: readonly RunConfigEntry[]): string {
  const width = Math.max(...entries.map((e) => e.key.length));
  const text = (v: unknown): string => (typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v));
  const vw = Math.min(40, Math.max(...entries.map((e) => text(e.value).length)));
  return entries.map((e) => `${e.key.padEnd(width)} = ${text(e.value).padEnd(vw)}  # ${e.source}`).join('\n');
}

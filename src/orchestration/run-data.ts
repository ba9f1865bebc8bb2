import { join, resolve } from 'node:path';
import type { PriceMode, RunConfig } from '../config/run-config.js';
import type { Config } from '../config/schema.js';
import type { BarSeries } from '../core/bar.js';
import type { DataProvider } from '../engine/ports.js';
import { todayUtc } from '../core/dates.js';
import { DataError, UsageError } from '../core/errors.js';
import { equity, type Instrument } from '../core/instrument.js';
import type { Logger } from '../core/logger.js';
import type { DatasetEntry } from '../data/manifest.js';
import { qualityLimits } from '../data/quality.js';
import { barStoreSpec, openBarStore, type BarStore } from '../data/bar-store.js';
import { tsToDate } from '../data/schema.js';
import { createDataProvider } from '../venues/registry.js';
import { memberSymbols, membershipGate } from './universe-membership.js';
import { readMembership, universeDir } from '../universe/universe-files.js';
import { fetchData } from './fetch-data.js';
import { runPrices } from './run-prices.js';
import type { PositionEvent, UniverseMembership } from '../engine/engine-options.js';
import { noDataText, workspaceSymbols } from './symbol-check.js';

/** The bars a run reads, how to make its instruments, and the files they came from. */
export interface RunData {
  readonly symbols: readonly string[];
  readonly series: readonly BarSeries[];
  readonly instrument: (symbol: string) => Instrument;
  /** Each symbol's calendar code, from the raw zone's manifest. */
  readonly calendars: ReadonlyMap<string, string>;
  readonly dataFiles: readonly { readonly path: string; readonly sha256: string }[];
  /** Symbols fetched first (synthetic provider, data missing). */
  readonly fetched: readonly string[];
  /** The bars of the run's benchmark, when it names one. */
  readonly benchmark?: BarSeries;
  /** Splits and dividends booked on positions under the run's `data.prices` (run-prices.ts). */
  readonly positionEvents: readonly PositionEvent[];
  /** The run's `data.prices`: what the series are (raw, split- or total-return-adjusted). */
  readonly prices: PriceMode;
  /** Point-in-time membership when the run names a universe (`data.universe`). */
  readonly membership?: UniverseMembership;
}

/**
 * The range the synthetic universe is generated over when a run leaves its dates open and the
 * data is missing (the range `momentic backtest` with no arguments has always covered).
 */
export const SYNTHETIC_RANGE = { start: '2015-01-02', end: '2024-12-31' } as const;

/** Instruments from the calendar stored with the data: 24/7 symbols are crypto pairs, others equities. */
export function instrumentOf(calendars: ReadonlyMap<string, string>): (symbol: string) => Instrument {
  return (s) => {
    const cal = calendars.get(s) ?? 'XNYS';
    return cal === '24/7'
      ? { ...equity(s), assetClass: 'crypto', calendar: cal, lotSize: 0.00001, shortable: false }
      : equity(s, { calendar: cal });
  };
}

/**
 * Loads the raw bars of a run's symbols (the provider's default universe when none are given),
 * fetching them first when the configured provider is the synthetic one and data is missing.
 */
export async function loadRunData(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly spec: Pick<RunConfig, 'seed'> & {
    readonly data: Omit<RunConfig['data'], 'universe' | 'universe_exit'> &
      Partial<Pick<RunConfig['data'], 'universe' | 'universe_exit'>>;
  };
  readonly logger?: Logger;
  readonly onFetch?: (symbol: string) => void;
}): Promise<RunData> {
  const { home, config } = o;
  // Made only when needed (no symbols given, or data to fetch): the synthetic provider builds its
  // market model when made, which a run on stored data would pay for nothing.
  let made: Promise<DataProvider> | undefined;
  const provider = (): Promise<DataProvider> =>
    (made ??= createDataProvider(config.data.provider, {
      config: { ...config, venues: { ...config.venues, synthetic: { seed: o.spec.seed } } },
      env: o.env,
      home,
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    }));
  const store = await openBarStore(barStoreSpec(home, config));
  try {
    return await readRunData(o, store, provider);
  } finally {
    await store.close();
  }
}

async function readRunData(
  o: Parameters<typeof loadRunData>[0],
  store: BarStore,
  provider: () => Promise<DataProvider>,
): Promise<RunData> {
  const { home, config } = o;
  const spec = o.spec.data;
  const universe = runUniverse(home, spec);
  const symbols =
    universe !== undefined
      ? universe.symbols
      : spec.symbols.length > 0
        ? spec.symbols
        : [...((await provider()).defaultSymbols?.() ?? [])];
  if (symbols.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no symbols to backtest', {
      hint: 'pass --symbols A,B',
      context: { flag: '--symbols' },
    });
  }
  const benchmark = spec.benchmark ?? undefined;
  const needed = benchmark === undefined || symbols.includes(benchmark) ? symbols : [...symbols, benchmark];
  // Missing means neither recorded nor on disk: a dataset the manifest records whose files are
  // gone is an error (store.read names it), never a reason to fetch other data in its place.
  const missing: string[] = [];
  for (const s of needed) if (!(await store.has(s, spec.timeframe))) missing.push(s);
  const fetched: string[] = [];
  if (missing.length > 0 && store.kind === 'postgres') {
    // Workers share the store: one of them fetching into it would race the others, so data
    // enters it only by a push from a workspace.
    throw new DataError(
      'DATA_NOT_FOUND',
      `no ${spec.timeframe} data for ${missing.join(', ')} in the bar store ${store.where}`,
      {
        hint: `push it from a workspace that holds it: momentic data push --symbols ${missing.join(',')} --timeframe ${spec.timeframe}`,
        context: { value: missing.join(',') },
      },
    );
  }
  if (missing.length > 0) {
    if (config.data.provider !== 'synthetic') {
      throw new DataError(
        'DATA_NOT_FOUND',
        `no ${spec.timeframe} data in ${join(home, 'data', 'raw')}: ${noDataText(missing, workspaceSymbols(home))}`,
        {
          hint: `fetch or import it first: momentic data fetch --symbols ${missing.join(',')} (or momentic data import --file F --symbol S)`,
          context: { value: missing.join(',') },
        },
      );
    }
    // fetchData refuses symbols the provider does not serve: a typo must not become invented bars.
    await fetchData({
      home,
      provider: await provider(),
      symbols: missing,
      timeframe: spec.timeframe,
      start: spec.start ?? SYNTHETIC_RANGE.start,
      // A run starting after the generated range runs to the present (fetchData stops at the
      // last closed session).
      end: spec.end ?? (spec.start !== null && spec.start > SYNTHETIC_RANGE.end ? todayUtc() : SYNTHETIC_RANGE.end),
      format: config.data.format,
      limits: qualityLimits(config.data.quality),
      ...(o.logger === undefined ? {} : { logger: o.logger }),
      onSymbolDone: (s) => {
        fetched.push(s);
        o.onFetch?.(s);
      },
    });
  }
  const series: BarSeries[] = [];
  const dataFiles: { path: string; sha256: string }[] = [];
  const calendars = new Map<string, string>();
  // Read through the manifest: each file checked against its record (data/raw-integrity.ts), and
  // the hashes the run records are the ones the bars were read from.
  const dataFilesOf = (entry: DatasetEntry | undefined): void => {
    for (const [path, f] of Object.entries(entry?.files ?? {}))
      dataFiles.push({ path: `data/raw/${path}`, sha256: f.sha256 });
  };
  for (const s of symbols) {
    const read = await store.readChecked(s, spec.timeframe);
    if (read === undefined)
      throw new DataError('DATA_NOT_FOUND', `no ${spec.timeframe} data for ${s}`, {
        hint: `momentic data fetch --symbols ${s}`,
        context: { value: s },
      });
    series.push(read.series);
    if (read.entry !== undefined) calendars.set(s, read.entry.calendar);
    dataFilesOf(read.entry);
  }
  // The run's `data.prices`: adjusted series and the actions booked on positions.
  const prices = runPrices(home, series, spec.prices);
  if (prices.file !== undefined) dataFiles.push(prices.file);
  const benchRead = benchmark === undefined ? undefined : await store.readChecked(benchmark, spec.timeframe);
  if (benchmark !== undefined && !symbols.includes(benchmark)) dataFilesOf(benchRead?.entry);
  const bench = benchRead?.series;
  return {
    symbols,
    series: prices.series,
    positionEvents: prices.positionEvents,
    prices: spec.prices,
    instrument: instrumentOf(calendars),
    calendars,
    dataFiles,
    fetched,
    ...(bench === undefined ? {} : { benchmark: bench }),
    ...(universe === undefined ? {} : { membership: universe.membership }),
  };
}

/**
 * The universe a run names (`core`, `extended`: the workspace's built universe; else a
 * membership file): its members on any date are the run's symbols.
 */
function runUniverse(
  home: string,
  spec: {
    readonly symbols: readonly string[];
    readonly universe?: string | null;
    readonly universe_exit?: 'close' | 'hold';
  },
): { symbols: string[]; membership: UniverseMembership } | undefined {
  const name = spec.universe ?? null;
  if (name === null) return undefined;
  if (spec.symbols.length > 0) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `the run names both symbols (${spec.symbols.join(',')}) and universe ${name}`,
      {
        hint: 'give either symbols or universe: core|extended|FILE, not both',
        context: { key: 'universe', value: name },
      },
    );
  }
  return universeOf(home, name, spec.universe_exit ?? 'close');
}

/**
 * A universe's members and membership gate from its files under `home`: what a backtest loads,
 * and what a sweep's worker thread rebuilds (a gate holds functions, which do not cross threads).
 */
export function universeOf(
  home: string,
  name: string,
  exit: 'close' | 'hold',
): { symbols: string[]; membership: UniverseMembership } {
  const selection = name === 'core' || name === 'extended' ? name : 'file';
  const membership = readMembership(selection === 'file' ? resolve(home, name) : universeDir(home));
  const symbols = memberSymbols(membership, selection);
  if (symbols.length === 0) {
    throw new DataError('DATA_NOT_FOUND', `universe ${name} has no members on any date`, {
      hint: "build it over the run's dates (momentic universe build --from D --to D), or loosen config/universe filters",
      context: { key: 'universe', value: name },
    });
  }
  return { symbols, membership: membershipGate(membership, selection, exit) };
}

/**
 * The run with its open dates set to its data's: from the first session every symbol has data
 * for to the last one (the intersection of their ranges; for a universe, the union).
 */
export function withDataRange(run: RunConfig, data: Pick<RunData, 'series' | 'symbols'>): RunConfig {
  if (run.data.start !== null && run.data.end !== null) return run;
  const ranges = data.series.map((s) =>
    s.length === 0 ? undefined : { from: tsToDate(s.ts[0] as number), to: tsToDate(s.ts[s.length - 1] as number) },
  );
  const known = ranges.filter((r) => r !== undefined);
  // A universe's members list and delist along the way: its range is the union of theirs (the
  // engine admits each symbol only while a member); a symbol list needs every symbol throughout.
  const isUnion = run.data.universe !== null;
  const start =
    run.data.start ??
    known.map((r) => r.from).reduce((a, b) => (isUnion ? (a < b ? a : b) : a > b ? a : b), isUnion ? '9999-12-31' : '');
  const end =
    run.data.end ??
    known.map((r) => r.to).reduce((a, b) => (isUnion ? (a > b ? a : b) : a < b ? a : b), isUnion ? '' : '9999-12-31');
  if (known.length === 0 || start > end) {
    const list = data.symbols.map(
      (s, i) => `${s} ${ranges[i] === undefined ? 'none' : `${ranges[i].from}..${ranges[i].to}`}`,
    );
    throw new UsageError('USAGE_INVALID_RANGE', `the symbols' data have no sessions in common (${list.join(', ')})`, {
      hint: 'pick symbols whose data overlap, or give --start and --end inside one of them (momentic data ls)',
      context: { flag: '--symbols', value: data.symbols.join(',') },
    });
  }
  return { ...run, data: { ...run.data, start, end } };
}

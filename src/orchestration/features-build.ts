import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { computeFeatures } from '../analytics/features/index.js';
import { periodsPerYear } from '../backtest/record-builder.js';
import { buildPair, type HedgeMode } from '../analytics/pairs.js';
import { PROCESSED_COLUMNS, processedColumns } from '../analytics/processed-columns.js';
import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { sha256File, writeFileAtomic } from '../data/atomic.js';
import { writeParquetTable } from '../data/parquet-table.js';
import { readProcessedManifest } from '../data/processed-manifest.js';
import { fileSymbol, zonePaths } from '../data/paths.js';
import { FilesBarStore, type BarStore } from '../data/bar-store.js';
import type { DatasetEntry } from '../data/manifest.js';
import { columnsOf, formatNumber, formatTime, isDaily } from '../data/schema.js';
import { noDataText, workspaceSymbols } from './symbol-check.js';

export type FeatureSet = 'default' | 'full';

export interface FeaturesBuildOptions {
  readonly home: string;
  /** Symbols to build (default: every raw dataset of the timeframe). */
  readonly symbols?: readonly string[];
  readonly timeframe?: Timeframe;
  readonly set?: FeatureSet;
  readonly pairs?: readonly { readonly long: string; readonly short: string }[];
  readonly hedgeMode?: HedgeMode;
  readonly pairWindow?: number;
  /** Raw symbol used as the benchmark of cross-asset features. */
  readonly benchmark?: string;
  /** Rebuild even when inputs and definitions are unchanged. */
  readonly force?: boolean;
  readonly logger?: Logger;
  readonly onSymbolDone?: (symbol: string) => void;
  /** Where the raw bars are read (config `data.store`; default the workspace's raw zone). */
  readonly bars?: BarStore;
}

export interface SymbolBuild {
  readonly symbol: string;
  readonly status: 'built' | 'unchanged';
  readonly rows: number;
  readonly processed: string;
  readonly features: string;
  readonly featureHash: string;
  readonly featureColumns: number;
}

export interface PairBuild {
  readonly pair: string;
  readonly rows: number;
  readonly file: string;
  readonly hedgeMode: HedgeMode;
}

const cell = (x: number): string => (Number.isNaN(x) ? '' : formatNumber(x));

/** Identity of a raw dataset's content: the hash of its files' hashes (from the raw manifest). */
function inputHash(e: DatasetEntry | undefined, benchmarkHash: string): string {
  const parts =
    e === undefined
      ? []
      : Object.entries(e.files)
          .map(([f, x]) => `${f}:${x.sha256}`)
          .sort();
  return createHash('sha256').update(parts.join('\n')).update(`\nbenchmark:${benchmarkHash}`).digest('hex');
}

function columnsFrom(s: BarSeries): {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
} {
  return { ts: s.ts, open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume };
}

/** The benchmark close aligned to `ts` (NaN where the benchmark has no bar). */
function align(ts: Float64Array, bench: BarSeries | undefined): Float64Array | undefined {
  if (bench === undefined) return undefined;
  const byTs = new Map<number, number>();
  for (let i = 0; i < bench.length; i++) byTs.set(bench.ts[i] as number, bench.close[i] as number);
  return ts.map((t) => byTs.get(t) ?? Number.NaN);
}

/**
 * Builds the processed zone from the raw zone: per symbol the seed-001 processed CSV (raw columns
 * plus DESIGN.md's feature columns) and the feature table of the chosen set as Parquet with its
 * feature-set hash; per pair the pairs CSV. Symbols whose raw data, benchmark and feature
 * definitions are unchanged since the last build are skipped.
 */
export async function buildFeatures(o: FeaturesBuildOptions): Promise<{ symbols: SymbolBuild[]; pairs: PairBuild[] }> {
  const tf = o.timeframe ?? '1d';
  const set = o.set ?? 'default';
  const store = o.bars ?? new FilesBarStore(o.home);
  const recorded = new Map((await store.list()).filter((e) => e.timeframe === tf).map((e) => [e.symbol, e]));
  const entryOf = (symbol: string): DatasetEntry | undefined => recorded.get(symbol);
  const zone = zonePaths(o.home).processed;
  const symbols = o.symbols ?? [...recorded.keys()];
  // Every input is checked before anything is written: a mistyped symbol or pair leg must not
  // leave the processed zone half rebuilt.
  const inputs = [...symbols, ...(o.pairs ?? []).flatMap((p) => [p.long, p.short])];
  if (o.benchmark !== undefined) inputs.push(o.benchmark);
  const absent: string[] = [];
  for (const s of new Set(inputs)) if (!(await store.has(s, tf))) absent.push(s);
  if (absent.length > 0) {
    throw new DataError(
      'DATA_NOT_FOUND',
      noDataText(absent, workspaceSymbols(o.home), `no ${tf} bars in the raw zone`),
      {
        hint: `check the spelling (momentic data ls lists the datasets), or fetch or import it first (momentic data fetch --symbols ${absent.join(',')} / momentic data import --symbol ${absent[0] ?? 'S'})`,
        context: { value: absent.join(',') },
      },
    );
  }
  const load = async (symbol: string): Promise<BarSeries> => {
    const s = await store.read(symbol, tf);
    if (s === undefined || s.length === 0) {
      throw new DataError('DATA_NOT_FOUND', `no ${tf} bars for ${symbol} in the raw zone`, {
        hint: `fetch or import it first (momentic data fetch --symbols ${symbol} / momentic data import --symbol ${symbol})`,
        context: { value: symbol },
      });
    }
    return s;
  };
  const bench = o.benchmark === undefined ? undefined : await load(o.benchmark);
  const benchHash = o.benchmark === undefined ? 'none' : inputHash(entryOf(o.benchmark), 'none');
  const manifest = readProcessedManifest(zone);
  const results: SymbolBuild[] = [];
  for (const symbol of symbols) {
    const series = await load(symbol);
    const cols = columnsFrom(series);
    const benchmarkClose = align(series.ts, bench);
    // Volatilities are annualized with the bars a year has on the symbol's calendar, as backtest
    // metrics are: 252 sessions (365 days for 24/7) times the bars of a session for intraday.
    const perYear = periodsPerYear(tf, [entryOf(symbol)?.calendar ?? 'XNYS']);
    const features = computeFeatures(
      { ...cols, periodsPerYear: perYear, ...(benchmarkClose === undefined ? {} : { benchmarkClose }) },
      set,
    );
    const key = `${tf}/${fileSymbol(symbol)}`;
    const processedFile = isDaily(tf)
      ? join(zone, `${fileSymbol(symbol)}.csv`)
      : join(zone, tf, `${fileSymbol(symbol)}.csv`);
    const featuresFile = join(zone, 'features', tf, `${fileSymbol(symbol)}.parquet`);
    const input = inputHash(entryOf(symbol), benchHash);
    const prev = manifest.datasets[key];
    if (
      o.force !== true &&
      prev !== undefined &&
      prev.input_sha256 === input &&
      prev.feature_hash === features.hash &&
      prev.feature_set === set &&
      prev.periods_per_year === perYear &&
      existsSync(processedFile) &&
      existsSync(featuresFile)
    ) {
      results.push({
        symbol,
        status: 'unchanged',
        rows: prev.rows,
        processed: processedFile,
        features: featuresFile,
        featureHash: features.hash,
        featureColumns: features.columns.length,
      });
      o.onSymbolDone?.(symbol);
      continue;
    }
    const proc = processedColumns(cols);
    writeFileAtomic(processedFile, processedLines(tf, series, proc));
    await writeParquetTable(featuresFile, {
      symbol,
      timeColumn: isDaily(tf) ? 'date' : 'timestamp',
      ts: series.ts,
      columns: features.columns,
      values: features.values,
      metadata: {
        feature_set: set,
        feature_hash: features.hash,
        feature_columns: features.columns.join(','),
        periods_per_year: String(perYear),
      },
    });
    manifest.datasets[key] = {
      symbol,
      timeframe: tf,
      input_sha256: input,
      feature_set: set,
      feature_hash: features.hash,
      periods_per_year: perYear,
      rows: series.length,
      files: {
        [relative(zone, processedFile)]: { sha256: await sha256File(processedFile) },
        [relative(zone, featuresFile)]: { sha256: await sha256File(featuresFile) },
      },
      updated_at: new Date().toISOString(),
    };
    writeFileAtomic(join(zone, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    results.push({
      symbol,
      status: 'built',
      rows: series.length,
      processed: processedFile,
      features: featuresFile,
      featureHash: features.hash,
      featureColumns: features.columns.length,
    });
    o.logger?.debug({ symbol, rows: series.length, featureHash: features.hash }, 'features built');
    o.onSymbolDone?.(symbol);
  }
  const pairs: PairBuild[] = [];
  for (const p of o.pairs ?? []) pairs.push(await buildPairFile(o, tf, zone, await load(p.long), await load(p.short)));
  return { symbols: results, pairs };
}

function* processedLines(tf: Timeframe, s: BarSeries, proc: readonly Float64Array[]): Generator<string> {
  yield `${[...columnsOf(tf), ...PROCESSED_COLUMNS].join(',')}\n`;
  let chunk = '';
  for (let i = 0; i < s.length; i++) {
    chunk += `${s.symbol},${formatTime(tf, s.ts[i] as number)},${formatNumber(s.open[i] as number)},${formatNumber(s.high[i] as number)},${formatNumber(s.low[i] as number)},${formatNumber(s.close[i] as number)},${formatNumber(s.volume[i] as number)}`;
    for (const c of proc) chunk += `,${cell(c[i] as number)}`;
    chunk += '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

async function buildPairFile(
  o: FeaturesBuildOptions,
  tf: Timeframe,
  zone: string,
  long: BarSeries,
  short: BarSeries,
): Promise<PairBuild> {
  const shortAt = new Map<number, number>();
  for (let i = 0; i < short.length; i++) shortAt.set(short.ts[i] as number, short.close[i] as number);
  const ts: number[] = [];
  const cl: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < long.length; i++) {
    const s = shortAt.get(long.ts[i] as number);
    if (s === undefined) continue;
    ts.push(long.ts[i] as number);
    cl.push(long.close[i] as number);
    cs.push(s);
  }
  const w = o.pairWindow ?? 60;
  const mode = o.hedgeMode ?? 'rolling';
  const p = buildPair(
    { ts: Float64Array.from(ts), closeLong: Float64Array.from(cl), closeShort: Float64Array.from(cs) },
    { window: w, momentum: w, hedgeMode: mode },
  );
  const timeCol = isDaily(tf) ? 'date' : 'timestamp';
  const lines = [`${timeCol},close_long,close_short,ret_long,ret_short,beta,spread,zscore_${w},mom_${w},hedge_mode`];
  for (let i = 0; i < ts.length; i++) {
    lines.push(
      [
        formatTime(tf, ts[i] as number),
        formatNumber(cl[i] as number),
        formatNumber(cs[i] as number),
        cell(p.retLong[i] as number),
        cell(p.retShort[i] as number),
        cell(p.beta[i] as number),
        cell(p.spread[i] as number),
        cell(p.zscore[i] as number),
        cell(p.mom[i] as number),
        mode,
      ].join(','),
    );
  }
  const file = join(zone, 'pairs', `${fileSymbol(long.symbol)}_${fileSymbol(short.symbol)}.csv`);
  writeFileAtomic(file, `${lines.join('\n')}\n`);
  return { pair: `${long.symbol}:${short.symbol}`, rows: ts.length, file, hedgeMode: mode };
}

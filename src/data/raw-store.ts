import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BarSeries, type Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError, isMomenticError } from '../core/errors.js';
import { sha256File } from './atomic.js';
import { appendCsvBars, readCsvBars, writeCsvBars } from './csv-bars.js';
import { merge, yearSlice, type Merge } from './raw-merge.js';
import { readManifest, updateManifest, type DatasetEntry, type FileEntry, type SourceRange } from './manifest.js';
import { readParquetYears, writeParquetBars } from './parquet-bars.js';
import { fileSymbol, rawCsvPath, rawParquetDir, rawParquetPath, zonePaths, type BarFormat } from './paths.js';
import { formatTime, SCHEMA_VERSION } from './schema.js';

export interface WriteSource {
  readonly provider: string;
  /** Calendar code of the instrument, recorded for gap checks. */
  readonly calendar: string;
  readonly file?: string;
  readonly fetchedAt?: number;
}

export interface WriteResult {
  readonly added: number;
  readonly unchanged: number;
  readonly replaced: number;
  /** Rows in the dataset after the write. */
  readonly rows: number;
  /** Backup of the replaced files, when history was rewritten with force. */
  readonly backup?: string;
}

/**
 * The raw zone: canonical bars per symbol and timeframe, immutable once written. New rows are
 * appended (or inserted where missing); rows that would change existing values are refused
 * unless `force`, and then the old files are backed up first. Every write updates the zone's
 * manifest (hashes, rows, ranges, which provider served which range).
 */
export class RawStore {
  readonly home: string;
  readonly format: BarFormat;
  readonly dir: string;

  constructor(home: string, format: BarFormat = 'csv') {
    this.home = home;
    this.format = format;
    this.dir = zonePaths(home).raw;
  }

  static key(tf: Timeframe, symbol: string): string {
    return `${tf}/${fileSymbol(symbol)}`;
  }

  /** The format a dataset is stored in, if it exists. */
  storedFormat(symbol: string, tf: Timeframe): BarFormat | undefined {
    if (existsSync(rawCsvPath(this.home, tf, symbol))) return 'csv';
    const dir = rawParquetDir(this.home, tf, symbol);
    if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.parquet'))) return 'parquet';
    return undefined;
  }

  entry(symbol: string, tf: Timeframe): DatasetEntry | undefined {
    return readManifest(this.dir, 'raw').datasets[RawStore.key(tf, symbol)];
  }

  list(): DatasetEntry[] {
    return Object.values(readManifest(this.dir, 'raw').datasets);
  }

  /** All bars of a dataset, or undefined when it does not exist. */
  async read(symbol: string, tf: Timeframe): Promise<BarSeries | undefined> {
    const format = this.storedFormat(symbol, tf);
    if (format === 'csv') return readCsvBars(rawCsvPath(this.home, tf, symbol), tf).series;
    if (format === 'parquet') return readParquetYears(this.#yearFiles(symbol, tf), tf);
    return undefined;
  }

  #yearFiles(symbol: string, tf: Timeframe): string[] {
    const dir = rawParquetDir(this.home, tf, symbol);
    return readdirSync(dir)
      .filter((f) => /^\d{4}\.parquet$/.test(f))
      .sort()
      .map((f) => join(dir, f));
  }

  /** Writes bars (ascending, as objects or columns) into the dataset; see the class comment. */
  async write(
    symbol: string,
    tf: Timeframe,
    incoming: readonly Bar[] | BarSeries,
    source: WriteSource,
    options: { force?: boolean } = {},
  ): Promise<WriteResult> {
    const stored = this.storedFormat(symbol, tf);
    if (stored !== undefined && stored !== this.format) {
      throw new DataError('DATA_INVALID', `${symbol} ${tf} is stored as ${stored}, not ${this.format}`, {
        hint: `use --format ${stored} for this symbol (or move its files away to start over in ${this.format})`,
        context: { value: symbol },
      });
    }
    const series = incoming instanceof BarSeries ? incoming : BarSeries.fromBars(symbol, incoming);
    const m = merge(await this.read(symbol, tf), series);
    if (m.replaced > 0 && options.force !== true) {
      throw new DataError(
        'DATA_INVALID',
        `${m.replaced} incoming ${symbol} ${tf} rows differ from rows already in the raw zone (first at ${formatTime(tf, m.firstReplacedTs as number)}); raw data is immutable`,
        {
          hint: 'rerun with --force to replace them (the old files are backed up under data/raw/.backup/)',
          context: {
            value: symbol,
            file: relative(
              this.home,
              stored === 'parquet' ? rawParquetDir(this.home, tf, symbol) : rawCsvPath(this.home, tf, symbol),
            ),
          },
        },
      );
    }
    if (m.added === 0 && m.replaced === 0) {
      return { added: 0, unchanged: m.unchanged, replaced: 0, rows: m.existing };
    }
    try {
      return await this.#commit(symbol, tf, m, source);
    } catch (e) {
      if (isMomenticError(e)) throw e;
      throw new DataError(
        'DATA_WRITE_FAILED',
        `cannot write ${symbol} ${tf} to ${relative(this.home, this.dir) || '.'}: ${(e as Error).message}`,
        {
          hint: 'check free disk space and the permissions of the workspace folder, then rerun (writes are atomic: nothing was half-written)',
          context: { file: relative(this.home, this.dir) },
          cause: e,
        },
      );
    }
  }

  async #commit(symbol: string, tf: Timeframe, m: Merge, source: WriteSource): Promise<WriteResult> {
    const stamp = new Date(source.fetchedAt ?? Date.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    let backup: string | undefined;
    const touched: string[] = [];
    if (this.format === 'csv') {
      const file = rawCsvPath(this.home, tf, symbol);
      if (m.appendOnly) appendCsvBars(file, tf, m.merged.slice(m.existing));
      else {
        if (m.replaced > 0) backup = this.#backup(file, tf, `${fileSymbol(symbol)}-${stamp}.csv`);
        writeCsvBars(file, tf, m.merged);
      }
      touched.push(file);
    } else {
      for (const year of [...m.changedYears].sort()) {
        const file = rawParquetPath(this.home, tf, symbol, year);
        if (m.replacedYears.has(year) && existsSync(file))
          backup = this.#backup(file, tf, `${fileSymbol(symbol)}-${year}-${stamp}.parquet`);
        await writeParquetBars(file, tf, yearSlice(m.merged, year));
        touched.push(file);
      }
    }
    await this.#record(symbol, tf, m, source, touched);
    return {
      added: m.added,
      unchanged: m.unchanged,
      replaced: m.replaced,
      rows: m.merged.length,
      ...(backup === undefined ? {} : { backup }),
    };
  }

  #backup(file: string, tf: Timeframe, name: string): string {
    const dir = join(zonePaths(this.home).backup, tf);
    mkdirSync(dir, { recursive: true });
    const to = join(dir, name);
    copyFileSync(file, to);
    return to;
  }

  async #record(
    symbol: string,
    tf: Timeframe,
    m: Merge,
    source: WriteSource,
    touched: readonly string[],
  ): Promise<void> {
    const key = RawStore.key(tf, symbol);
    const prev = readManifest(this.dir, 'raw').datasets[key];
    const files: Record<string, FileEntry> = { ...(prev?.files ?? {}) };
    for (const file of touched) {
      const rel = relative(this.dir, file);
      const series = this.format === 'csv' ? m.merged : yearSlice(m.merged, Number(rel.slice(-12, -8)));
      files[rel] = {
        sha256: await sha256File(file),
        rows: series.length,
        first: formatTime(tf, series.ts[0] as number),
        last: formatTime(tf, series.ts[series.length - 1] as number),
      };
    }
    const range: SourceRange = {
      provider: source.provider,
      first: formatTime(tf, m.written.first),
      last: formatTime(tf, m.written.last),
      rows: m.written.rows,
      fetched_at: new Date(source.fetchedAt ?? Date.now()).toISOString(),
      ...(source.file === undefined ? {} : { file: source.file }),
    };
    updateManifest(this.dir, 'raw', key, {
      symbol,
      timeframe: tf,
      format: this.format,
      calendar: source.calendar,
      schema_version: SCHEMA_VERSION,
      rows: m.merged.length,
      first: formatTime(tf, m.merged.ts[0] as number),
      last: formatTime(tf, m.merged.ts[m.merged.length - 1] as number),
      files,
      sources: [...(prev?.sources ?? []), range],
      updated_at: new Date().toISOString(),
    });
  }
}

import type { Hash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BarSeries, type Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError, isMomenticError } from '../core/errors.js';
import { commitTemp, hashFile, sha256File } from './atomic.js';
import { appendCsvBars, writeCsvTemp } from './csv-bars.js';
import {
  readManifest,
  setPending,
  totalsOf,
  updateManifest,
  type DatasetEntry,
  type FileEntry,
  type Manifest,
  type SourceRange,
} from './manifest.js';
import { writeParquetTemp } from './parquet-bars.js';
import { fileSymbol, rawCsvPath, rawParquetDir, rawParquetPath, zonePaths, type BarFormat } from './paths.js';
import { merge, yearSlice, type Merge } from './raw-merge.js';
import { readDataset, type CheckedFile } from './raw-files.js';
import { diskFiles, missingFileError, unregisteredError } from './raw-integrity.js';
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

/** A dataset read and checked against the manifest. */
export interface CheckedDataset {
  readonly series: BarSeries;
  /** Its record as the files on disk bear it out (a pending one where a rewrite's record did not land). */
  readonly entry: DatasetEntry | undefined;
  readonly files: readonly CheckedFile[];
}

const stampOf = (ts: number): string =>
  new Date(ts)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const slash = (p: string): string => p.split(sep).join('/');

/**
 * The raw zone: canonical bars per symbol and timeframe, immutable once written. New rows are
 * appended (or inserted where missing); rows that would change existing values are refused
 * unless `force`, and then the old files are backed up first. Every write updates the zone's
 * manifest (hashes, rows, ranges, which provider served which range), and every read checks the
 * files against it (raw-integrity.ts).
 *
 * A write survives being killed at any point. An append records the file's new length with its
 * hash, so bytes after the recorded length (an append cut short, or one whose record did not
 * land) are ignored by readers and replaced by the next append. A rewrite (a new file, rows
 * inserted or replaced, a Parquet year) writes temp files, records the dataset as it will be
 * under `pending`, moves the files into place, then records it for good: files found matching
 * the pending record are taken as written.
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

  /** The format a dataset is stored in, if it has files. */
  storedFormat(symbol: string, tf: Timeframe): BarFormat | undefined {
    return diskFiles(this.home, tf, symbol).format;
  }

  /** The zone's manifest (DATA_MANIFEST when it cannot be read). */
  manifest(): Manifest {
    return readManifest(this.dir, 'raw');
  }

  entry(symbol: string, tf: Timeframe): DatasetEntry | undefined {
    return this.manifest().datasets[RawStore.key(tf, symbol)];
  }

  list(): DatasetEntry[] {
    return Object.values(this.manifest().datasets);
  }

  /** Whether the dataset exists: recorded in the manifest, or with files on disk. */
  has(symbol: string, tf: Timeframe): boolean {
    return this.entry(symbol, tf) !== undefined || this.storedFormat(symbol, tf) !== undefined;
  }

  /**
   * All bars of a dataset, or undefined when it does not exist. The files must be the ones the
   * manifest records, byte for byte (each file's sha256 is computed as it is read): a file the
   * manifest does not list, a listed file that is gone, or one changed since it was written is a
   * DATA_MANIFEST error naming it, never data read as if nothing happened.
   */
  async read(symbol: string, tf: Timeframe): Promise<BarSeries | undefined> {
    return (await this.readChecked(symbol, tf))?.series;
  }

  /**
   * `read` with the record the files bear out. With `allowChanged` (a forced rewrite), a file
   * that matches no record is read whole (its `record` is then absent).
   */
  async readChecked(
    symbol: string,
    tf: Timeframe,
    options: { readonly allowChanged?: boolean } = {},
  ): Promise<CheckedDataset | undefined> {
    const key = RawStore.key(tf, symbol);
    const m = this.manifest();
    const entry = m.datasets[key];
    const pending = m.pending?.[key];
    const disk = diskFiles(this.home, tf, symbol);
    const unregistered = disk.files.filter((f) => entry?.files[f] === undefined && pending?.files[f] === undefined);
    if (unregistered.length > 0) throw unregisteredError(this.home, unregistered[0] as string, unregistered.length - 1);
    const gone = Object.keys(entry?.files ?? {}).find((f) => !disk.files.includes(f));
    if (gone !== undefined) throw missingFileError(gone, symbol);
    if (disk.format === undefined) return undefined;
    const read = await readDataset(
      this.home,
      tf,
      symbol,
      disk.format,
      disk.files.map((rel) => ({
        rel,
        ...(entry?.files[rel] === undefined ? {} : { committed: entry.files[rel] }),
        ...(pending?.files[rel] === undefined ? {} : { pending: pending.files[rel] }),
      })),
      options,
    );
    return { series: read.series, entry: effectiveEntry(entry, pending, read.files), files: read.files };
  }

  /**
   * Checks a dataset as `read` does, before a write that must not start on a damaged zone; with
   * `force`, as a forced write does (a file edited by hand is then replaced, not refused).
   */
  async check(symbol: string, tf: Timeframe, options: { force?: boolean } = {}): Promise<void> {
    await this.readChecked(symbol, tf, { allowChanged: options.force === true });
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
    const checked = await this.readChecked(symbol, tf, { allowChanged: options.force === true });
    const series = incoming instanceof BarSeries ? incoming : BarSeries.fromBars(symbol, incoming);
    const m = merge(checked?.series, series);
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
    // Files edited by hand (read only under --force) are rewritten from the merged rows, their
    // edited copy kept in the backup like replaced rows are.
    const edited = (checked?.files ?? []).filter((f) => f.record === undefined).map((f) => f.rel);
    if (m.added === 0 && m.replaced === 0 && edited.length === 0) {
      return { added: 0, unchanged: m.unchanged, replaced: 0, rows: m.existing };
    }
    try {
      return await this.#commit(
        symbol,
        tf,
        edited.length > 0 ? { ...m, appendOnly: false } : m,
        source,
        checked,
        edited,
      );
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

  async #commit(
    symbol: string,
    tf: Timeframe,
    m: Merge,
    source: WriteSource,
    checked: CheckedDataset | undefined,
    edited: readonly string[],
  ): Promise<WriteResult> {
    const stamp = stampOf(source.fetchedAt ?? Date.now());
    const key = RawStore.key(tf, symbol);
    const prev = checked?.entry;
    const files: Record<string, FileEntry> = {};
    for (const f of checked?.files ?? []) if (f.record !== undefined) files[f.rel] = f.record;
    let backup: string | undefined;
    /** Temp files to move into place once the dataset is recorded as pending: [temp, file]. */
    const staged: [string, string][] = [];
    const facts = (rows: BarSeries, sha256: string, bytes: number): FileEntry => ({
      sha256,
      bytes,
      rows: rows.length,
      first: formatTime(tf, rows.ts[0] as number),
      last: formatTime(tf, rows.ts[rows.length - 1] as number),
    });
    if (this.format === 'csv') {
      const file = rawCsvPath(this.home, tf, symbol);
      const rel = this.#rel(file);
      const was = checked?.files.find((f) => f.rel === rel);
      if (m.appendOnly && was?.record !== undefined) {
        // In place: the recorded bytes stay, the new rows go after them, hashed as they are
        // written (the hash of the recorded bytes continued, the text never built whole).
        const keep = was.record.bytes ?? was.size;
        const hash: Hash = was.hasher ?? (await hashFile(file, keep));
        const bytes = appendCsvBars(file, tf, m.merged.slice(m.existing), { keep, hash });
        files[rel] = facts(m.merged, hash.digest('hex'), keep + bytes);
      } else {
        if (existsSync(file) && (m.replaced > 0 || edited.length > 0))
          backup = this.#backup(file, tf, `${fileSymbol(symbol)}-${stamp}.csv`);
        const tmp = writeCsvTemp(file, tf, m.merged);
        files[rel] = facts(m.merged, await sha256File(tmp), statSync(tmp).size);
        staged.push([tmp, file]);
      }
    } else {
      const editedYears = edited.map((rel) => Number(rel.slice(-12, -8)));
      const replacedYears = new Set([...m.replacedYears, ...editedYears]);
      const changedYears = new Set([...m.changedYears, ...replacedYears]);
      for (const year of [...changedYears].sort()) {
        const file = rawParquetPath(this.home, tf, symbol, year);
        if (replacedYears.has(year) && existsSync(file))
          backup = this.#backup(file, tf, `${fileSymbol(symbol)}-${year}-${stamp}.parquet`);
        const rows = yearSlice(m.merged, year);
        const tmp = await writeParquetTemp(file, tf, rows);
        files[this.#rel(file)] = facts(rows, await sha256File(tmp), statSync(tmp).size);
        staged.push([tmp, file]);
      }
    }
    const entry = this.#entry(symbol, tf, m, source, prev, files);
    if (staged.length > 0) {
      setPending(this.dir, 'raw', key, entry);
      for (const [tmp, file] of staged) commitTemp(tmp, file);
    }
    updateManifest(this.dir, 'raw', key, entry);
    return {
      added: m.added,
      unchanged: m.unchanged,
      replaced: m.replaced,
      rows: m.merged.length,
      ...(backup === undefined ? {} : { backup }),
    };
  }

  #rel(file: string): string {
    return slash(relative(this.dir, file));
  }

  #backup(file: string, tf: Timeframe, name: string): string {
    const dir = join(zonePaths(this.home).backup, tf);
    mkdirSync(dir, { recursive: true });
    const to = join(dir, name);
    copyFileSync(file, to);
    return to;
  }

  /** The dataset's record after the write: its files, totals, and the range this write added to its lineage. */
  #entry(
    symbol: string,
    tf: Timeframe,
    m: Merge,
    source: WriteSource,
    prev: DatasetEntry | undefined,
    files: Record<string, FileEntry>,
  ): DatasetEntry {
    const written = m.written;
    // A forced rewrite of an edited file that brought no new or different rows adds no lineage.
    const range: SourceRange[] =
      written.rows === 0
        ? []
        : [
            {
              provider: source.provider,
              first: formatTime(tf, written.first),
              last: formatTime(tf, written.last),
              rows: written.rows,
              fetched_at: new Date(source.fetchedAt ?? Date.now()).toISOString(),
              ...(source.file === undefined ? {} : { file: source.file }),
            },
          ];
    return {
      symbol,
      timeframe: tf,
      format: this.format,
      calendar: source.calendar,
      schema_version: SCHEMA_VERSION,
      ...totalsOf(files),
      files,
      sources: [...(prev?.sources ?? []), ...range],
      updated_at: new Date().toISOString(),
    };
  }
}

/**
 * The record the files bear out: the committed one, or, where files matched an interrupted
 * rewrite's pending record, that one with each file's matched record.
 */
function effectiveEntry(
  entry: DatasetEntry | undefined,
  pending: DatasetEntry | undefined,
  files: readonly CheckedFile[],
): DatasetEntry | undefined {
  if (pending === undefined || !files.some((f) => f.source === 'pending')) return entry;
  const records: Record<string, FileEntry> = {};
  for (const f of files) {
    const r = f.record ?? entry?.files[f.rel];
    if (r !== undefined) records[f.rel] = r;
  }
  return { ...pending, files: records, ...totalsOf(records) };
}

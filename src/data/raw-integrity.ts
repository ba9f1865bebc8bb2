import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TIMEFRAMES, type Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { manifestPath, type Manifest } from './manifest.js';
import { fileSymbol, rawCsvPath, rawParquetDir, symbolOfFile, zonePaths, type BarFormat } from './paths.js';

/**
 * What the raw zone holds on disk, and the errors for a zone whose manifest disagrees with it.
 * The manifest is the zone's register: a file it does not list, a file it lists that is gone, or
 * a file whose bytes no longer hash to the recorded sha256 is never read as if nothing happened.
 * Every such error names the file and `momentic data repair`.
 */

/** A dataset's files on disk: `{tf}/{SYMBOL}.csv`, or `{tf}/{SYMBOL}/{YEAR}.parquet` (paths relative to data/raw). */
export interface DiskDataset {
  readonly key: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly format: BarFormat;
  readonly files: readonly string[];
}

const YEAR_FILE = /^\d{4}\.parquet$/;

/** Path relative to data/raw, with `/` separators (as the manifest keys files). */
const zoneRel = (home: string, file: string): string => relative(zonePaths(home).raw, file).split(sep).join('/');

/** The files of one dataset on disk (none when it has none). */
export function diskFiles(home: string, tf: Timeframe, symbol: string): { format?: BarFormat; files: string[] } {
  const csv = rawCsvPath(home, tf, symbol);
  if (existsSync(csv)) return { format: 'csv', files: [zoneRel(home, csv)] };
  const dir = rawParquetDir(home, tf, symbol);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { files: [] };
  const years = readdirSync(dir).filter((f) => YEAR_FILE.test(f));
  if (years.length === 0) return { files: [] };
  return { format: 'parquet', files: years.sort().map((f) => zoneRel(home, join(dir, f))) };
}

/** Every dataset with files in data/raw (dot files, temp files and .backup/ are not data). */
export function scanRawZone(home: string): DiskDataset[] {
  const raw = zonePaths(home).raw;
  const out: DiskDataset[] = [];
  for (const tf of TIMEFRAMES) {
    const dir = join(raw, tf);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      const isDir = statSync(full).isDirectory();
      if (!isDir && !name.endsWith('.csv')) continue;
      const symbol = symbolOfFile(isDir ? name : name.slice(0, -4));
      const found = diskFiles(home, tf, symbol);
      if (found.format === undefined) continue;
      if ((found.format === 'csv') === isDir) continue; // both forms present: listed once, under the csv
      out.push({ key: `${tf}/${fileSymbol(symbol)}`, symbol, timeframe: tf, format: found.format, files: found.files });
    }
  }
  return out;
}

/** Home-relative path of a file of data/raw, for messages. */
export function rawShown(rel: string): string {
  return `data/raw/${rel}`;
}

const MANIFEST_SHOWN = 'data/raw/manifest.json';

/** A file of data/raw that the manifest does not list (or the manifest is missing altogether). */
export function unregisteredError(home: string, rel: string, others = 0): DataError {
  const hasManifest = existsSync(manifestPath(zonePaths(home).raw));
  const more = others > 0 ? ` (and ${others} more file${others > 1 ? 's' : ''})` : '';
  return hasManifest
    ? new DataError(
        'DATA_MANIFEST',
        `${rawShown(rel)}${more} is not registered in ${MANIFEST_SHOWN}: momentic did not write it, or its record was lost`,
        {
          hint: 'momentic data repair registers it after checking it reads as canonical bars (or move the file out of data/raw)',
          context: { file: rawShown(rel) },
        },
      )
    : new DataError(
        'DATA_MANIFEST',
        `${MANIFEST_SHOWN} is missing, so ${rawShown(rel)}${more} is not registered: data it does not list is never read`,
        {
          hint: 'momentic data repair rebuilds the manifest from the files in data/raw',
          context: { file: MANIFEST_SHOWN },
        },
      );
}

/** A file the manifest lists that is no longer on disk. */
export function missingFileError(rel: string, symbol: string): DataError {
  return new DataError(
    'DATA_MANIFEST',
    `${rawShown(rel)} is listed in ${MANIFEST_SHOWN} but does not exist (deleted or moved)`,
    {
      hint: `restore the file, or re-fetch or re-import ${symbol} (momentic data repair drops the record of what is gone)`,
      context: { file: rawShown(rel) },
    },
  );
}

/** A file whose content no longer hashes to its recorded sha256. */
export function changedFileError(rel: string, symbol: string, recorded: string, actual: string): DataError {
  return new DataError(
    'DATA_MANIFEST',
    `${rawShown(rel)} does not match its record in ${MANIFEST_SHOWN} (sha256 ${actual.slice(0, 12)}, recorded ${recorded.slice(0, 12)}): it was edited or damaged after momentic wrote it`,
    {
      hint: `restore it: re-fetch or re-import ${symbol} with --force (the edited file is backed up first); or, to keep the edit, momentic data repair --accept-edits`,
      context: { file: rawShown(rel) },
    },
  );
}

/**
 * The first disagreement between the manifest and the files of the datasets `on disk` and
 * `recorded` (existence only; hashes are checked where files are read), as an error; undefined
 * when they agree.
 */
export function registryError(home: string, manifest: Manifest, disk: readonly DiskDataset[]): DataError | undefined {
  const unregistered: string[] = [];
  for (const d of disk) {
    const recorded = manifest.datasets[d.key]?.files ?? {};
    const pending = manifest.pending?.[d.key]?.files ?? {};
    for (const f of d.files) if (recorded[f] === undefined && pending[f] === undefined) unregistered.push(f);
  }
  if (unregistered.length > 0) return unregisteredError(home, unregistered[0] as string, unregistered.length - 1);
  const onDisk = new Set(disk.flatMap((d) => d.files));
  for (const e of Object.values(manifest.datasets)) {
    for (const f of Object.keys(e.files)) if (!onDisk.has(f)) return missingFileError(f, e.symbol);
  }
  return undefined;
}

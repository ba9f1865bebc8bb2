import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';
import { SCHEMA_VERSION } from './schema.js';

/** Lineage of one provider's contribution to a dataset. */
export interface SourceRange {
  readonly provider: string;
  /** First and last bar time written from this fetch or import (ISO). */
  readonly first: string;
  readonly last: string;
  readonly rows: number;
  readonly fetched_at: string;
  /** Imported file, when the source was a file. */
  readonly file?: string;
}

export interface FileEntry {
  /** sha256 (hex) of the file's first `bytes` bytes: the content the record vouches for. */
  readonly sha256: string;
  /**
   * Length of that content. Bytes after it are an append that was cut short or whose record did
   * not land (the process was killed): readers ignore them and the next append replaces them.
   * Absent in records written before it was kept: the whole file.
   */
  readonly bytes?: number;
  readonly rows: number;
  readonly first: string;
  readonly last: string;
}

/** One dataset: a symbol at a timeframe, in one or more files. */
export interface DatasetEntry {
  readonly symbol: string;
  readonly timeframe: string;
  readonly format: 'csv' | 'parquet';
  readonly calendar: string;
  readonly schema_version: number;
  readonly rows: number;
  readonly first: string;
  readonly last: string;
  /** Files by path relative to the zone folder. */
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly sources: readonly SourceRange[];
  readonly updated_at: string;
}

export interface Manifest {
  readonly zone: string;
  readonly schema_version: number;
  /** Datasets by `{timeframe}/{SYMBOL}`. */
  readonly datasets: Readonly<Record<string, DatasetEntry>>;
  /**
   * Datasets being rewritten, as they will be once their new files are moved into place: written
   * just before the moves and removed just after. A process killed in between leaves files that
   * match these records rather than `datasets`; readers take them as written.
   */
  readonly pending?: Readonly<Record<string, DatasetEntry>>;
}

/** A dataset's rows and range from its files' records. */
export function totalsOf(files: Readonly<Record<string, FileEntry>>): Pick<DatasetEntry, 'rows' | 'first' | 'last'> {
  const all = Object.values(files);
  return {
    rows: all.reduce((n, f) => n + f.rows, 0),
    first: all.map((f) => f.first).reduce((a, b) => (a < b ? a : b)),
    last: all.map((f) => f.last).reduce((a, b) => (a > b ? a : b)),
  };
}

export function manifestPath(zoneDir: string): string {
  return join(zoneDir, 'manifest.json');
}

/** Whether `m` has the shape of a manifest: datasets whose files each carry a sha256. */
function isManifest(m: unknown): m is Manifest {
  if (typeof m !== 'object' || m === null) return false;
  const { datasets, pending = {} } = m as { datasets?: unknown; pending?: unknown };
  const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isMap(datasets) || !isMap(pending)) return false;
  return [...Object.values(datasets), ...Object.values(pending)].every((d) => {
    const files = (d as { files?: unknown } | null)?.files;
    return (
      typeof (d as { symbol?: unknown }).symbol === 'string' &&
      typeof files === 'object' &&
      files !== null &&
      Object.values(files).every((f) => typeof (f as { sha256?: unknown } | null)?.sha256 === 'string')
    );
  });
}

/** The error for a manifest that cannot be read; `momentic data repair` rebuilds it from the files. */
export function unreadableManifest(file: string, why: string): DataError {
  return new DataError('DATA_MANIFEST', `${file} is not a valid manifest: ${why}`, {
    hint: "momentic data repair rebuilds it from the zone's files (it keeps the damaged one in the zone's .backup/ folder)",
    context: { file },
  });
}

/** The zone's manifest; an empty one when the file does not exist, DATA_MANIFEST when it is unreadable. */
export function readManifest(zoneDir: string, zone: string): Manifest {
  const file = manifestPath(zoneDir);
  if (!existsSync(file)) return { zone, schema_version: SCHEMA_VERSION, datasets: {} };
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw unreadableManifest(file, (e as Error).message);
  }
  if (!isManifest(m)) throw unreadableManifest(file, 'it has no datasets with files and their sha256');
  return m;
}

const sortedKeys = <T>(o: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

function writeManifest(
  zoneDir: string,
  zone: string,
  datasets: Record<string, DatasetEntry>,
  pending: Record<string, DatasetEntry>,
): void {
  const body = {
    zone,
    schema_version: SCHEMA_VERSION,
    datasets: sortedKeys(datasets),
    ...(Object.keys(pending).length === 0 ? {} : { pending: sortedKeys(pending) }),
  };
  writeFileAtomic(manifestPath(zoneDir), `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * Replaces one dataset's entry (or removes it with `undefined`) and clears its pending record,
 * writing the manifest atomically.
 */
export function updateManifest(zoneDir: string, zone: string, key: string, entry: DatasetEntry | undefined): void {
  const m = readManifest(zoneDir, zone);
  const datasets = { ...m.datasets };
  const pending = { ...m.pending };
  if (entry === undefined) delete datasets[key];
  else datasets[key] = entry;
  delete pending[key];
  writeManifest(zoneDir, zone, datasets, pending);
}

/** Records what a dataset will be once the files being written for it are moved into place. */
export function setPending(zoneDir: string, zone: string, key: string, entry: DatasetEntry): void {
  const m = readManifest(zoneDir, zone);
  writeManifest(zoneDir, zone, { ...m.datasets }, { ...m.pending, [key]: entry });
}

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
  readonly sha256: string;
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
}

export function manifestPath(zoneDir: string): string {
  return join(zoneDir, 'manifest.json');
}

export function readManifest(zoneDir: string, zone: string): Manifest {
  const file = manifestPath(zoneDir);
  if (!existsSync(file)) return { zone, schema_version: SCHEMA_VERSION, datasets: {} };
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (typeof m !== 'object' || m === null || typeof m.datasets !== 'object') throw new Error('no datasets');
    return m;
  } catch (e) {
    throw new DataError('DATA_INVALID', `${file} is not a valid manifest: ${(e as Error).message}`, {
      hint: 'restore it from version control or delete it and re-import (it is rebuilt on write)',
      context: { file },
    });
  }
}

/** Replaces one dataset's entry (or removes it with `undefined`), writing the manifest atomically. */
export function updateManifest(zoneDir: string, zone: string, key: string, entry: DatasetEntry | undefined): void {
  const m = readManifest(zoneDir, zone);
  const datasets = { ...m.datasets };
  if (entry === undefined) delete datasets[key];
  else datasets[key] = entry;
  const sorted = Object.fromEntries(Object.entries(datasets).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileAtomic(
    manifestPath(zoneDir),
    `${JSON.stringify({ zone, schema_version: SCHEMA_VERSION, datasets: sorted }, null, 2)}\n`,
  );
}

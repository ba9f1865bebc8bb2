import type { Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { isMomenticError } from '../core/errors.js';
import { sha256File } from './atomic.js';
import { readCsvBars } from './csv-bars.js';
import type { FileEntry } from './manifest.js';
import { readParquetYears } from './parquet-bars.js';
import { zonePaths, type BarFormat } from './paths.js';
import { changedFileError } from './raw-integrity.js';

/** A file of a dataset with the records that may vouch for it (path relative to data/raw). */
export interface FileCandidates {
  readonly rel: string;
  /** Its record in the manifest's datasets. */
  readonly committed?: FileEntry;
  /** Its record in the manifest's pending rewrite, if one was interrupted. */
  readonly pending?: FileEntry;
}

/** A file as read: the record it matched (none for a changed file read under `allowChanged`). */
export interface CheckedFile {
  readonly rel: string;
  readonly record?: FileEntry;
  readonly source?: 'committed' | 'pending';
  /** The file's size on disk (more than `record.bytes` after an append that did not land). */
  readonly size: number;
  /** sha256 of the record's bytes, unfinished, when the parse computed it (a CSV): an append continues it. */
  readonly hasher?: Hash;
}

export interface DatasetRead {
  readonly series: BarSeries;
  readonly files: readonly CheckedFile[];
}

/**
 * Reads a dataset's files, each checked against the record that vouches for it: its committed
 * record, or the pending one of a rewrite whose record did not land. A CSV is hashed in the same
 * pass as its parse, up to the bytes its record covers; a file that matches no record is a
 * DATA_MANIFEST error naming it, unless `allowChanged` (a forced rewrite reads it whole).
 */
export async function readDataset(
  home: string,
  tf: Timeframe,
  symbol: string,
  format: BarFormat,
  files: readonly FileCandidates[],
  options: { readonly allowChanged?: boolean } = {},
): Promise<DatasetRead> {
  const abs = (rel: string): string => join(zonePaths(home).raw, rel);
  const changed = (f: FileCandidates, actual: string): never => {
    const want = (f.committed ?? f.pending) as FileEntry;
    throw changedFileError(f.rel, symbol, want.sha256, actual);
  };
  if (format === 'csv') {
    const f = files[0] as FileCandidates;
    const file = abs(f.rel);
    const size = statSync(file).size;
    const first = (f.committed ?? f.pending) as FileEntry;
    let parsed: ReturnType<typeof readCsvBars> | undefined;
    let parseError: unknown;
    try {
      parsed = readCsvBars(file, tf, { sha256: true, ...(first.bytes === undefined ? {} : { limit: first.bytes }) });
    } catch (e) {
      if (!isMomenticError(e)) throw e;
      parseError = e;
    }
    if (parsed !== undefined && parsed.sha256 === first.sha256) {
      const source = f.committed === undefined ? 'pending' : 'committed';
      return {
        series: parsed.series,
        files: [
          {
            rel: f.rel,
            record: first,
            source,
            size,
            ...(parsed.hasher === undefined ? {} : { hasher: parsed.hasher }),
          },
        ],
      };
    }
    const actual = parsed?.sha256 ?? (await sha256File(file, first.bytes));
    // Bytes momentic wrote that no longer parse: the parse error says why.
    if (parseError !== undefined && actual === first.sha256) throw parseError;
    const other = f.committed === undefined ? undefined : f.pending;
    if (other !== undefined && (await sha256File(file, other.bytes)) === other.sha256) {
      const again = readCsvBars(file, tf, {
        sha256: true,
        ...(other.bytes === undefined ? {} : { limit: other.bytes }),
      });
      return {
        series: again.series,
        files: [
          {
            rel: f.rel,
            record: other,
            source: 'pending',
            size,
            ...(again.hasher === undefined ? {} : { hasher: again.hasher }),
          },
        ],
      };
    }
    if (options.allowChanged !== true) changed(f, actual);
    return { series: readCsvBars(file, tf).series, files: [{ rel: f.rel, size }] };
  }
  const checked: CheckedFile[] = [];
  for (const f of files) {
    const file = abs(f.rel);
    const actual = await sha256File(file);
    const size = statSync(file).size;
    if (f.committed?.sha256 === actual) checked.push({ rel: f.rel, record: f.committed, source: 'committed', size });
    else if (f.pending?.sha256 === actual) checked.push({ rel: f.rel, record: f.pending, source: 'pending', size });
    else if (options.allowChanged === true) checked.push({ rel: f.rel, size });
    else changed(f, actual);
  }
  return {
    series: await readParquetYears(
      files.map((f) => abs(f.rel)),
      tf,
    ),
    files: checked,
  };
}

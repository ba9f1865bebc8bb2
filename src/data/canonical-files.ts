import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { sha256File } from './atomic.js';
import { csvHeader, csvLines } from './csv-bars.js';
import type { DatasetEntry, FileEntry } from './manifest.js';
import { writeParquetTemp } from './parquet-bars.js';
import { fileSymbol, type BarFormat } from './paths.js';
import { yearSlice } from './raw-merge.js';
import { formatTime } from './schema.js';

/** Rows hashed per piece of CSV text: the text of millions of rows is never built whole. */
const PIECE_ROWS = 50_000;

/** The years a series spans, ascending (UTC years of its bar times, as the Parquet year files split them). */
export function yearsOf(series: BarSeries): number[] {
  const years = new Set<number>();
  for (let i = 0; i < series.length; i++) years.add(new Date(series.ts[i] as number).getUTCFullYear());
  return [...years].sort((a, b) => a - b);
}

function facts(tf: Timeframe, rows: BarSeries, sha256: string, bytes: number): FileEntry {
  return {
    sha256,
    bytes,
    rows: rows.length,
    first: formatTime(tf, rows.ts[0] as number),
    last: formatTime(tf, rows.ts[rows.length - 1] as number),
  };
}

/**
 * The manifest records of the raw files momentic writes for `series` (paths relative to
 * data/raw), computed without touching the workspace: the canonical CSV hashed as it is
 * formatted, Parquet year files written to a scratch folder by the same writer and hashed. Bars
 * held elsewhere (the PostgreSQL bar store) are the files' bars exactly when these records equal
 * the files' own.
 */
export async function canonicalFiles(
  tf: Timeframe,
  series: BarSeries,
  format: BarFormat,
): Promise<Record<string, FileEntry>> {
  if (series.length === 0) return {};
  const name = fileSymbol(series.symbol);
  if (format === 'csv') {
    const hash = createHash('sha256');
    let bytes = 0;
    const add = (text: string): void => {
      hash.update(text);
      bytes += Buffer.byteLength(text);
    };
    add(csvHeader(tf));
    for (let i = 0; i < series.length; i += PIECE_ROWS)
      add(csvLines(tf, series, i, Math.min(series.length, i + PIECE_ROWS)));
    return { [`${tf}/${name}.csv`]: facts(tf, series, hash.digest('hex'), bytes) };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'momentic-hash-'));
  try {
    const out: Record<string, FileEntry> = {};
    for (const year of yearsOf(series)) {
      const rows = yearSlice(series, year);
      const tmp = await writeParquetTemp(join(scratch, `${year}.parquet`), tf, rows);
      out[`${tf}/${name}/${year}.parquet`] = facts(tf, rows, await sha256File(tmp), statSync(tmp).size);
      rmSync(tmp, { force: true });
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The first file whose content hash differs between two sets of records (or that only one of
 * them has), or undefined when they vouch for the same bytes. Row counts and ranges follow from
 * the hash, so only `sha256` (and the file set) is compared.
 */
export function firstDifference(
  want: Readonly<Record<string, FileEntry>>,
  got: Readonly<Record<string, FileEntry>>,
): { file: string; want?: string; got?: string } | undefined {
  for (const file of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
    const w = want[file]?.sha256;
    const g = got[file]?.sha256;
    if (w !== g) return { file, ...(w === undefined ? {} : { want: w }), ...(g === undefined ? {} : { got: g }) };
  }
  return undefined;
}

/** Whether two dataset records vouch for the same files, byte for byte. */
export function sameFiles(a: DatasetEntry | undefined, b: DatasetEntry | undefined): boolean {
  return a !== undefined && b !== undefined && firstDifference(a.files, b.files) === undefined;
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { isMomenticError } from '../core/errors.js';
import { sha256File } from './atomic.js';
import { readCsvBars } from './csv-bars.js';
import { readManifest, manifestPath, totalsOf, type DatasetEntry, type FileEntry, type Manifest } from './manifest.js';
import { readParquetYears } from './parquet-bars.js';
import { zonePaths, type BarFormat } from './paths.js';
import { rawShown, scanRawZone } from './raw-integrity.js';
import { formatTime, SCHEMA_VERSION } from './schema.js';

/**
 * The raw zone's part of `momentic data repair`: its manifest rebuilt from the files, every
 * recorded sha256 checked. A file that matches its record keeps it; a file on disk without one
 * is registered once it reads as canonical bars; a recorded file that is gone loses its record
 * (the data is gone either way); a file whose bytes changed keeps its old record (so every
 * reader keeps refusing it) unless the user accepts the edit. Lineage that only the manifest
 * knew (which provider served which range) is kept where a record survives and marked
 * `repair` where it had to be rebuilt.
 */

export const RawFileStatus = {
  /** Recorded, and its bytes hash to the record. */
  Ok: 'ok',
  /** Matches the pending record of a rewrite whose record did not land: recorded as written. */
  Completed: 'completed',
  /** On disk without a record: registered from its content. */
  Registered: 'registered',
  /** Its bytes no longer hash to its record: the record is kept (refused by every reader). */
  Changed: 'changed',
  /** Changed, and re-recorded from its content on request (`--accept-edits`). */
  Accepted: 'accepted',
  /** Recorded, not on disk: the record is dropped. */
  Missing: 'missing',
  /** On disk without a record, and not canonical bars: left alone, not registered. */
  Unreadable: 'unreadable',
} as const;
export type RawFileStatus = (typeof RawFileStatus)[keyof typeof RawFileStatus];

/** Statuses the user must act on (the command exits 3). */
export const RAW_PROBLEMS: ReadonlySet<RawFileStatus> = new Set(['changed', 'missing', 'unreadable']);

export interface RawFileReport {
  /** Home-relative path (`data/raw/1d/ORCL.csv`). */
  readonly file: string;
  /** Dataset key (`1d/ORCL`). */
  readonly dataset: string;
  readonly status: RawFileStatus;
  readonly sha256?: string;
  readonly recordedSha256?: string;
  /** Why a file is unreadable. */
  readonly reason?: string;
}

/** How a zone's manifest was found: fine, absent (created), out of step (rebuilt) or not readable (damaged). */
export type ManifestState = 'ok' | 'absent' | 'created' | 'rebuilt' | 'damaged';

export interface RawRepairPlan {
  readonly manifest: ManifestState;
  readonly files: readonly RawFileReport[];
  /** The manifest text to write (undefined: nothing to write). */
  readonly text?: string;
  /** The damaged manifest's bytes, to keep before it is replaced. */
  readonly damaged?: Buffer;
}

interface Facts extends FileEntry {
  readonly bytes: number;
  readonly series: BarSeries;
}

/** A file's content as it is now: its facts when it reads as canonical bars of `symbol`, else why not. */
type Content = { readonly sha256: string; readonly facts?: Facts; readonly reason?: string };

async function contentOf(
  home: string,
  tf: Timeframe,
  symbol: string,
  format: BarFormat,
  rel: string,
): Promise<Content> {
  const file = join(zonePaths(home).raw, rel);
  try {
    let series: BarSeries;
    let bytes: number;
    if (format === 'csv') {
      const r = readCsvBars(file, tf);
      series = r.series;
      // A torn last line is not part of the content: the next append cuts it.
      bytes = r.bytes;
    } else {
      series = await readParquetYears([file], tf);
      bytes = statSync(file).size;
    }
    const sha256 = await sha256File(file, bytes);
    if (series.length === 0) return { sha256, reason: 'it holds no bars' };
    if (series.symbol.toUpperCase() !== symbol.toUpperCase())
      return { sha256, reason: `it holds bars of ${series.symbol}, not ${symbol}` };
    return {
      sha256,
      facts: {
        sha256,
        bytes,
        rows: series.length,
        first: formatTime(tf, series.ts[0] as number),
        last: formatTime(tf, series.ts[series.length - 1] as number),
        series,
      },
    };
  } catch (e) {
    if (!isMomenticError(e)) throw e;
    return { sha256: await sha256File(file), reason: e.message };
  }
}

/** Whether the file's first `record.bytes` bytes (all of it for an older record) hash to the record. */
async function bears(home: string, rel: string, record: FileEntry | undefined): Promise<boolean> {
  if (record === undefined) return false;
  const file = join(zonePaths(home).raw, rel);
  if (record.bytes !== undefined && statSync(file).size < record.bytes) return false;
  return (await sha256File(file, record.bytes)) === record.sha256;
}

/** 24/7 when any bar falls on a Saturday or Sunday (UTC), else the workspace's market. */
function calendarOf(series: readonly BarSeries[], market: string): string {
  for (const s of series)
    for (let i = 0; i < s.length; i++) {
      const day = new Date(s.ts[i] as number).getUTCDay();
      if (day === 0 || day === 6) return '24/7';
    }
  return market;
}

const record = (f: Facts): FileEntry => ({
  sha256: f.sha256,
  bytes: f.bytes,
  rows: f.rows,
  first: f.first,
  last: f.last,
});

export interface RawRepairOptions {
  readonly acceptEdits?: boolean;
  /** Calendar of rebuilt datasets whose bars never fall on a weekend (default XNYS). */
  readonly market?: string;
  readonly now?: number;
}

/** Works out the raw zone's rebuilt manifest and what happened to every file (writes nothing). */
export async function planRawRepair(home: string, o: RawRepairOptions = {}): Promise<RawRepairPlan> {
  const dir = zonePaths(home).raw;
  const file = manifestPath(dir);
  let prev: Manifest | undefined;
  let state: ManifestState = 'ok';
  if (!existsSync(file)) state = 'absent';
  else {
    try {
      prev = readManifest(dir, 'raw');
    } catch (e) {
      if (!isMomenticError(e)) throw e;
      state = 'damaged';
    }
  }
  const disk = new Map(scanRawZone(home).map((d) => [d.key, d]));
  const pendingOf = (key: string): DatasetEntry | undefined => prev?.pending?.[key];
  // A pending record is settled by the rebuild either way: the manifest is written without it.
  let dirty = Object.keys(prev?.pending ?? {}).length > 0;
  const keys = [...new Set([...disk.keys(), ...Object.keys(prev?.datasets ?? {})])].sort();
  const reports: RawFileReport[] = [];
  const datasets: Record<string, DatasetEntry> = {};
  const now = new Date(o.now ?? Date.now()).toISOString();
  for (const key of keys) {
    const entry = prev?.datasets[key];
    const found = disk.get(key);
    const dir = zonePaths(home).raw;
    const symbol = entry?.symbol ?? (found?.symbol as string);
    const tf = (entry?.timeframe ?? found?.timeframe) as Timeframe;
    const format = found?.format ?? entry?.format ?? 'csv';
    const recorded = entry?.files ?? {};
    const names = [...new Set([...(found?.files ?? []), ...Object.keys(recorded)])].sort();
    const files: Record<string, FileEntry> = {};
    const fresh: BarSeries[] = [];
    let changedEntry = false;
    for (const rel of names) {
      const was = recorded[rel];
      const report = { file: rawShown(rel), dataset: key } as const;
      if (!(found?.files ?? []).includes(rel)) {
        reports.push({ ...report, status: 'missing', ...(was === undefined ? {} : { recordedSha256: was.sha256 }) });
        changedEntry = true;
        continue;
      }
      const pend = pendingOf(key)?.files[rel];
      if (await bears(home, rel, was)) {
        const size = statSync(join(dir, rel)).size;
        const tail = was?.bytes === undefined ? 0 : size - was.bytes;
        reports.push({
          ...report,
          status: 'ok',
          sha256: (was as FileEntry).sha256,
          recordedSha256: (was as FileEntry).sha256,
          ...(tail > 0
            ? {
                reason: `${tail} bytes after its recorded end are an interrupted append, ignored (the next write replaces them)`,
              }
            : {}),
        });
        files[rel] = was as FileEntry;
        continue;
      }
      if (await bears(home, rel, pend)) {
        // A rewrite whose files were moved into place before its record landed.
        reports.push({ ...report, status: 'completed', sha256: (pend as FileEntry).sha256 });
        files[rel] = pend as FileEntry;
        changedEntry = true;
        continue;
      }
      const now_ = await contentOf(home, tf, symbol, format, rel);
      if (was !== undefined && (o.acceptEdits !== true || now_.facts === undefined)) {
        reports.push({
          ...report,
          status: 'changed',
          sha256: now_.sha256,
          recordedSha256: was.sha256,
          ...(now_.reason === undefined ? {} : { reason: now_.reason }),
        });
        files[rel] = was;
        continue;
      }
      if (now_.facts === undefined) {
        reports.push({ ...report, status: 'unreadable', sha256: now_.sha256, reason: now_.reason ?? 'unreadable' });
        continue;
      }
      reports.push({
        ...report,
        status: was === undefined ? 'registered' : 'accepted',
        sha256: now_.sha256,
        ...(was === undefined ? {} : { recordedSha256: was.sha256 }),
      });
      files[rel] = record(now_.facts);
      fresh.push(now_.facts.series);
      changedEntry = true;
    }
    if (Object.keys(files).length === 0) {
      if (entry !== undefined) dirty = true;
      continue;
    }
    if (entry !== undefined && !changedEntry) {
      datasets[key] = entry;
      continue;
    }
    dirty = true;
    const totals = totalsOf(files);
    const known = pendingOf(key) ?? entry;
    datasets[key] = {
      symbol,
      timeframe: tf,
      format,
      calendar: known?.calendar ?? calendarOf(fresh, o.market ?? 'XNYS'),
      schema_version: known?.schema_version ?? SCHEMA_VERSION,
      ...totals,
      files,
      sources: known?.sources ?? [{ provider: 'repair', ...totals, fetched_at: now }],
      updated_at: now,
    };
  }
  const hasData = Object.keys(datasets).length > 0;
  const write = state === 'damaged' || dirty || (state === 'absent' && hasData);
  const manifest: ManifestState =
    state === 'absent' ? (hasData ? 'created' : 'absent') : state === 'damaged' ? 'damaged' : dirty ? 'rebuilt' : 'ok';
  const text = `${JSON.stringify({ zone: 'raw', schema_version: SCHEMA_VERSION, datasets }, null, 2)}\n`;
  return {
    manifest,
    files: reports,
    ...(write ? { text } : {}),
    ...(state === 'damaged' ? { damaged: readFileSync(join(dir, 'manifest.json')) } : {}),
  };
}

import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { DataError, isMomenticError } from '../core/errors.js';
import type { BarSeries } from '../core/bar.js';
import { commitTemp, sha256File } from '../data/atomic.js';
import { firstDifference, sameFiles, yearsOf } from '../data/canonical-files.js';
import { writeCsvTemp } from '../data/csv-bars.js';
import { setPending, updateManifest, type DatasetEntry } from '../data/manifest.js';
import { writeParquetTemp } from '../data/parquet-bars.js';
import { fileSymbol, rawCsvPath, rawParquetPath, zonePaths } from '../data/paths.js';
import type { PgBarStore } from '../data/pg-bar-store.js';
import { diskFiles } from '../data/raw-integrity.js';
import { merge, yearSlice } from '../data/raw-merge.js';
import { RawStore } from '../data/raw-store.js';
import { noDataText } from './symbol-check.js';

/** Which datasets a push or pull moves: all, or those of these symbols and/or this timeframe. */
export interface SyncFilter {
  readonly symbols?: readonly string[];
  readonly timeframe?: Timeframe;
}

/** What happened to one dataset. `failed` ones carry the error; the others were moved or already there. */
export interface SyncOutcome {
  readonly symbol: string;
  readonly timeframe: string;
  readonly status: 'added' | 'updated' | 'unchanged' | 'failed';
  /** Bars in the dataset after the sync (0 when it failed). */
  readonly rows: number;
  /** Bars written by this sync (inserted into the store, or into the workspace's files). */
  readonly written: number;
  readonly error?: unknown;
}

export interface SyncOptions extends SyncFilter {
  readonly home: string;
  readonly store: PgBarStore;
  /** Replace the target's bars where they differ from the source's (raw data is otherwise immutable). */
  readonly force?: boolean;
  /** Called once the datasets are known, then after each one. */
  readonly onStart?: (total: number) => void;
  readonly onDataset?: (o: SyncOutcome) => void;
}

function pick(entries: readonly DatasetEntry[], f: SyncFilter, where: string): DatasetEntry[] {
  const chosen = entries.filter(
    (e) => (f.timeframe === undefined || e.timeframe === f.timeframe) && (f.symbols?.includes(e.symbol) ?? true),
  );
  const missing = (f.symbols ?? []).filter((s) => !chosen.some((e) => e.symbol === s));
  if (missing.length > 0) {
    const tf = f.timeframe === undefined ? '' : ` ${f.timeframe}`;
    throw new DataError(
      'DATA_NOT_FOUND',
      `${noDataText(missing, [...new Set(entries.map((e) => e.symbol))], `no${tf} bars`)} in ${where}`,
      {
        hint: 'check the spelling and the timeframe (momentic data ls lists the workspace; --json of push and pull lists what moved)',
        context: { flag: '--symbols', value: missing.join(',') },
      },
    );
  }
  return chosen;
}

/** Runs `one` over every dataset; a dataset that fails is reported and the rest still move, a database out of reach stops all. */
async function each(
  entries: readonly DatasetEntry[],
  o: SyncOptions,
  one: (e: DatasetEntry) => Promise<Omit<SyncOutcome, 'symbol' | 'timeframe'>>,
): Promise<SyncOutcome[]> {
  o.onStart?.(entries.length);
  const out: SyncOutcome[] = [];
  for (const e of entries) {
    let outcome: SyncOutcome;
    try {
      outcome = { symbol: e.symbol, timeframe: e.timeframe, ...(await one(e)) };
    } catch (error) {
      if (!isMomenticError(error) || error.kind !== 'data') throw error;
      outcome = { symbol: e.symbol, timeframe: e.timeframe, status: 'failed', rows: 0, written: 0, error };
    }
    out.push(outcome);
    o.onDataset?.(outcome);
  }
  return out;
}

/**
 * `momentic data push`: the workspace's raw datasets into the PostgreSQL bar store, each read
 * as every run reads it (files checked against the manifest) and stored only when the store's
 * bars then hash to the files' records. A dataset the store already holds as is adds nothing.
 */
export async function pushBars(o: SyncOptions): Promise<SyncOutcome[]> {
  const raw = new RawStore(o.home);
  const entries = pick(raw.list(), o, `the workspace (${zonePaths(o.home).raw})`);
  return each(entries, o, async (e) => {
    const tf = e.timeframe as Timeframe;
    const read = await new RawStore(o.home, e.format).readChecked(e.symbol, tf);
    if (read?.entry === undefined) {
      throw new DataError('DATA_NOT_FOUND', `${e.symbol} ${tf} is recorded in the manifest but has no files`, {
        hint: 'momentic data repair drops the record of what is gone; re-fetch or re-import the symbol',
        context: { value: `${tf}/${e.symbol}` },
      });
    }
    const r = await o.store.push(read.entry, read.series, o.force === true ? { force: true } : {});
    return { status: r.status, rows: r.rows, written: r.inserted };
  });
}

/**
 * `momentic data pull`: the store's datasets into the workspace's raw zone, as the files its
 * manifest records: each file is written by momentic's own writer beside its place, checked
 * against the record's sha256, then moved in (as an interrupted rewrite, via the manifest's
 * pending record), and the store's record becomes the workspace's. A workspace dataset with bars
 * the store does not hold, or other values, is refused unless `force` (its files backed up).
 */
export async function pullBars(o: SyncOptions): Promise<SyncOutcome[]> {
  const entries = pick(await o.store.list(), o, `the bar store ${o.store.where}`);
  return each(entries, o, async (e) => {
    const tf = e.timeframe as Timeframe;
    const local = new RawStore(o.home, e.format);
    const mine = local.entry(e.symbol, tf);
    if (sameFiles(mine, e) && (await local.readChecked(e.symbol, tf)) !== undefined)
      return { status: 'unchanged', rows: e.rows, written: 0 };
    const theirs = await o.store.readChecked(e.symbol, tf);
    if (theirs === undefined)
      throw new DataError('DATA_NOT_FOUND', `${e.symbol} ${tf} left the bar store while pulling`, {});
    const held = local.storedFormat(e.symbol, tf);
    if (held !== undefined) {
      const checked = await local.readChecked(e.symbol, tf, { allowChanged: o.force === true });
      const m = merge(checked?.series, theirs.series);
      const extra = m.merged.length - theirs.series.length;
      if (o.force !== true && (held !== e.format || m.replaced > 0 || extra > 0)) {
        const why =
          held !== e.format
            ? `is stored as ${held} here, as ${e.format} in the store`
            : m.replaced > 0
              ? `has ${m.replaced} bars whose values differ from the store's`
              : `has ${extra} bars the store does not hold`;
        throw new DataError('DATA_INVALID', `${e.symbol} ${tf} in this workspace ${why}; raw data is immutable`, {
          hint: `push it first (momentic data push --symbols ${e.symbol}) or rerun the pull with --force to replace it (its files are backed up under data/raw/.backup/)`,
          context: { value: `${tf}/${e.symbol}` },
        });
      }
      backup(o.home, tf, e.symbol, Object.keys(checked?.entry?.files ?? mine?.files ?? {}));
    }
    await writeDataset(o.home, e, theirs.series);
    return {
      status: held === undefined ? 'added' : 'updated',
      rows: theirs.series.length,
      written: theirs.series.length,
    };
  });
}

/** Copies a dataset's files (paths relative to data/raw) to data/raw/.backup/{tf}/ with a time stamp. */
function backup(home: string, tf: Timeframe, symbol: string, files: readonly string[]): void {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const dir = join(zonePaths(home).backup, tf);
  for (const rel of files) {
    const from = join(zonePaths(home).raw, rel);
    if (!existsSync(from)) continue;
    mkdirSync(dir, { recursive: true });
    const to = join(dir, `${fileSymbol(symbol)}-${rel.split('/').pop() ?? ''}-${stamp}`);
    copyFileSync(from, to);
  }
}

/** Writes the store's bars as the files of `e`, each checked against its record before it is moved in. */
async function writeDataset(home: string, e: DatasetEntry, series: BarSeries): Promise<void> {
  const tf = e.timeframe as Timeframe;
  const staged: [string, string, string][] = [];
  try {
    if (e.format === 'csv') {
      const file = rawCsvPath(home, tf, e.symbol);
      staged.push([writeCsvTemp(file, tf, series), file, `${tf}/${fileSymbol(e.symbol)}.csv`]);
    } else {
      for (const year of yearsOf(series)) {
        const file = rawParquetPath(home, tf, e.symbol, year);
        staged.push([
          await writeParquetTemp(file, tf, yearSlice(series, year)),
          file,
          `${tf}/${fileSymbol(e.symbol)}/${year}.parquet`,
        ]);
      }
    }
    const written: Record<string, { sha256: string }> = {};
    for (const [tmp, , rel] of staged) written[rel] = { sha256: await sha256File(tmp, e.files[rel]?.bytes) };
    const diff = firstDifference(
      e.files,
      Object.fromEntries(Object.entries(written).map(([rel, f]) => [rel, { ...f, rows: 0, first: '', last: '' }])),
    );
    if (diff !== undefined) {
      throw new DataError(
        'DATA_MANIFEST',
        `the bar store's ${e.symbol} ${tf} bars do not give the files its manifest records (data/raw/${diff.file}: ${diff.got ?? 'not written'}, recorded ${diff.want ?? 'none'})`,
        {
          hint: `push the dataset again from a workspace that holds it (momentic data push --symbols ${e.symbol} --force); nothing was written here`,
          context: { file: `data/raw/${diff.file}` },
        },
      );
    }
  } catch (error) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw error;
  }
  const dir = zonePaths(home).raw;
  const key = RawStore.key(tf, e.symbol);
  setPending(dir, 'raw', key, e);
  for (const [tmp, file] of staged) commitTemp(tmp, file);
  // Files of the dataset the store's record does not list (another format or year, replaced
  // under --force and backed up) would be unregistered files that stop every read.
  for (const rel of diskFiles(home, tf, e.symbol).files) if (e.files[rel] === undefined) rmSync(join(dir, rel));
  updateManifest(dir, 'raw', key, e);
}

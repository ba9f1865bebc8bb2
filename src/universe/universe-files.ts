/**
 * The universe's files in `data/processed/universe/`: one `{date}.csv` per session (every
 * symbol, included or not, with the reason it was left out), `membership.parquet` (the same
 * rows as one time series, for queries across dates) and `manifest.json` (the build's
 * configuration and the hash of every input, so a universe is reproducible from its inputs).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import type { IsoDate } from '../core/dates.js';
import { writeFileAtomic, tempPathFor, commitTemp } from '../data/atomic.js';
import { splitCsv } from '../data/csv-split.js';
import { sqlString, withConnection } from '../data/duckdb.js';
import type { UniverseRow } from './universe-build.js';

export const UNIVERSE_COLUMNS = [
  'symbol',
  'included',
  'tier',
  'score',
  'adv_usd',
  'spread_bps',
  'price',
  'volatility',
  'vol_bucket',
  'reason',
] as const;

export const universeDir = (home: string): string => join(home, 'data', 'processed', 'universe');

const num = (v: number, digits: number): string => (Number.isFinite(v) ? String(Number(v.toFixed(digits))) : '');

function rowCells(r: UniverseRow): string[] {
  return [
    r.symbol,
    String(r.included),
    r.tier,
    num(r.score, 6),
    num(r.advUsd, 2),
    num(r.spreadBps, 4),
    num(r.price, 4),
    num(r.volatility, 6),
    r.volBucket,
    r.reasons.join(';'),
  ];
}

export function universeCsv(rows: readonly UniverseRow[]): string {
  return [UNIVERSE_COLUMNS.join(','), ...rows.map((r) => rowCells(r).join(','))].join('\n') + '\n';
}

/** Writes each date's CSV; returns the paths written. */
export function writeUniverseCsvs(home: string, days: readonly (readonly UniverseRow[])[]): string[] {
  const dir = universeDir(home);
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const rows of days) {
    const date = rows[0]?.date;
    if (date === undefined) continue;
    const file = join(dir, `${date}.csv`);
    writeFileAtomic(file, universeCsv(rows));
    out.push(file);
  }
  return out;
}

/**
 * Writes the membership time series of every date CSV in the folder (so builds of separate
 * ranges add up) as `membership.parquet`: date, symbol, the CSV's columns, `reason` as text.
 */
export async function writeMembershipParquet(home: string): Promise<string> {
  const dir = universeDir(home);
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.csv$/.test(f))
    .sort();
  const file = join(dir, 'membership.parquet');
  const long = tempPathFor(join(dir, 'membership.csv'));
  const lines = [['date', ...UNIVERSE_COLUMNS].join(',')];
  for (const f of files) {
    const date = f.slice(0, 10);
    const text = readFileSync(join(dir, f), 'utf8');
    for (const line of text.split('\n').slice(1)) if (line !== '') lines.push(`${date},${line}`);
  }
  writeFileAtomic(long, lines.join('\n') + '\n');
  const tmp = tempPathFor(file);
  try {
    const types =
      "{'date': 'DATE', 'symbol': 'VARCHAR', 'included': 'BOOLEAN', 'tier': 'VARCHAR', 'score': 'DOUBLE', " +
      "'adv_usd': 'DOUBLE', 'spread_bps': 'DOUBLE', 'price': 'DOUBLE', 'volatility': 'DOUBLE', " +
      "'vol_bucket': 'VARCHAR', 'reason': 'VARCHAR'}";
    await withConnection(async (con) => {
      await con.run(
        `COPY (SELECT * FROM read_csv(${sqlString(long)}, header = true, columns = ${types}) ORDER BY date, symbol) ` +
          `TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    });
    commitTemp(tmp, file);
  } finally {
    rmSync(long, { force: true });
    rmSync(tmp, { force: true });
  }
  return file;
}

/** Point-in-time membership: the included symbols and their tier, by date. */
export interface Membership {
  readonly dates: readonly IsoDate[];
  /** Tier of each included symbol, by date. */
  readonly byDate: ReadonlyMap<IsoDate, ReadonlyMap<string, 'core' | 'extended'>>;
}

/**
 * Reads the date CSVs of a universe folder (or one CSV file of `date,symbol[,tier]` rows: a
 * user's own membership list) into point-in-time membership.
 */
export function readMembership(path: string): Membership {
  let entries: string[];
  try {
    entries = path.endsWith('.csv')
      ? [path]
      : readdirSync(path)
          .filter((f) => /^\d{4}-\d{2}-\d{2}\.csv$/.test(f))
          .map((f) => join(path, f));
  } catch (e) {
    throw new DataError('DATA_NOT_FOUND', `cannot read the universe at ${path}: ${(e as Error).message}`, {
      hint: 'build it first: momentic universe build --from D --to D',
      context: { file: path },
    });
  }
  if (entries.length === 0) {
    throw new DataError('DATA_NOT_FOUND', `no universe files in ${path}`, {
      hint: 'build it first: momentic universe build --from D --to D',
      context: { file: path },
    });
  }
  const byDate = new Map<IsoDate, Map<string, 'core' | 'extended'>>();
  for (const file of entries.sort()) {
    const rows = splitCsv(readFileSync(file, 'utf8'));
    const header = rows[0]?.cells ?? [];
    const at = (c: string): number => header.indexOf(c);
    const fileDate = /(\d{4}-\d{2}-\d{2})\.csv$/.exec(file)?.[1];
    const isDateFile = at('date') < 0 && fileDate !== undefined;
    if (at('symbol') < 0 || (!isDateFile && at('date') < 0)) {
      throw new DataError('DATA_INVALID', `${file} lacks a symbol${isDateFile ? '' : ' or date'} column`, {
        hint: 'a membership file has the columns date,symbol[,tier]; a universe build writes {date}.csv files',
        context: { file, line: 1 },
      });
    }
    for (const row of rows.slice(1)) {
      const cell = (c: string): string => (at(c) < 0 ? '' : (row.cells[at(c)] ?? ''));
      const date = (isDateFile ? fileDate : cell('date')) as IsoDate;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        throw new DataError('DATA_INVALID', `${file}:${row.line}: date "${date}" is not YYYY-MM-DD`, {
          hint: 'write dates as YYYY-MM-DD',
          context: { file, line: row.line, column: 'date' },
        });
      }
      let day = byDate.get(date);
      if (day === undefined) byDate.set(date, (day = new Map()));
      // An excluded row still makes its date a built one: a symbol out that day has left (its
      // position is closed on its last member session), not merely "not yet known".
      if (at('included') >= 0 && cell('included') !== 'true') continue;
      day.set(cell('symbol'), cell('tier') === 'extended' ? 'extended' : 'core');
    }
    if (isDateFile && !byDate.has(fileDate as IsoDate)) byDate.set(fileDate as IsoDate, new Map());
  }
  return { dates: [...byDate.keys()].sort(), byDate };
}

/**
 * Independent readers for hand checks of golden runs: the raw daily bars a run read (the
 * workspace's data/raw/1d/{SYMBOL}.csv, or a ../shared/data file) and the rows of a result CSV by
 * column name. They parse the text files directly, not through the library's readers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA } from './paths.js';

export interface RawBars {
  readonly date: readonly string[];
  readonly open: readonly number[];
  readonly close: readonly number[];
  /** Row of a date (throws when absent). */
  row(date: string): number;
}

function bars(date: string[], open: number[], close: number[], what: string): RawBars {
  const index = new Map(date.map((d, i) => [d, i]));
  return {
    date,
    open,
    close,
    row(d) {
      const i = index.get(d);
      if (i === undefined) throw new Error(`${what} has no row for ${d}`);
      return i;
    },
  };
}

/** The workspace's raw daily file `symbol,date,open,high,low,close,volume`. */
export function workspaceBars(home: string, symbol: string): RawBars {
  const rows = readFileSync(join(home, 'data', 'raw', '1d', `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  return bars(
    rows.map((r) => r[1] as string),
    rows.map((r) => Number(r[2])),
    rows.map((r) => Number(r[5])),
    `${symbol}.csv`,
  );
}

/** A ../shared/data daily file `Date,Open,High,Low,Close,Adj Close,Volume`. */
export function sharedBars(file: string): RawBars {
  const rows = readFileSync(join(SHARED_DATA, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  return bars(
    rows.map((r) => r[0] as string),
    rows.map((r) => Number(r[1])),
    rows.map((r) => Number(r[4])),
    file,
  );
}

/** The data rows of a result CSV (header first) as objects keyed by column name. */
export function records(rows: readonly string[][]): Record<string, string>[] {
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

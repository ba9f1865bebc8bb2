/**
 * Canonical bar files in Parquet (DESIGN.md, "data/raw/{timeframe}/{SYMBOL}/{YEAR}.parquet"),
 * written and read through the embedded DuckDB. Columns are the canonical schema:
 * `symbol VARCHAR, date DATE` (daily) or `symbol VARCHAR, timestamp TIMESTAMP` (intraday, UTC
 * bar start, no zone attached), then `open, high, low, close, volume DOUBLE`, rows in time
 * order, ZSTD compression. The same series always gives byte-identical files.
 * @see https://duckdb.org/docs/stable/data/parquet/overview
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { commitTemp, tempPathFor } from './atomic.js';
import { appendDoubleColumns, DoubleColumns, readDoubleColumns, sqlString, withConnection } from './duckdb.js';
import { columnsOf, isDaily } from './schema.js';

export { closeDuckDb } from './duckdb.js';

const MS_PER_DAY = 86_400_000;
const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Canonical column types, as DuckDB names them, in file order. */
function typesOf(tf: Timeframe): readonly string[] {
  return ['VARCHAR', isDaily(tf) ? 'DATE' : 'TIMESTAMP', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'];
}

function invalid(file: string, message: string, context: { row?: number; column?: string } = {}): DataError {
  return new DataError('DATA_INVALID', `${file}: ${message}`, {
    hint: 'canonical raw files are written by momentic only; restore it from the backup or re-fetch the symbol with --force',
    context: { file, ...context },
  });
}

/** Times must be whole milliseconds, and whole days for daily bars, or the file would round them. */
function checkTimes(file: string, tf: Timeframe, series: BarSeries): void {
  const daily = isDaily(tf);
  const ts = series.ts;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    if (!Number.isSafeInteger(t) || (daily && t % MS_PER_DAY !== 0)) {
      throw new DataError(
        'DATA_INVALID',
        `bar ${i} of ${series.symbol} has time ${t}, not a whole ${daily ? 'day' : 'millisecond'}`,
        {
          hint: 'daily bars carry the session date at 00:00 UTC (dateToTs); intraday bars an epoch-ms bar start',
          context: { file, row: i, column: 'ts' },
        },
      );
    }
  }
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes one canonical Parquet file atomically: the rows go through the Appender into a temp
 * table, DuckDB's COPY writes a temp file beside `file`, which is fsynced and renamed over it.
 */
export async function writeParquetBars(file: string, tf: Timeframe, series: BarSeries): Promise<void> {
  commitTemp(await writeParquetTemp(file, tf, series), file);
}

/** `writeParquetBars` up to the synced temp file beside `file`; returns its path for the caller to move into place. */
export async function writeParquetTemp(file: string, tf: Timeframe, series: BarSeries): Promise<string> {
  checkTimes(file, tf, series);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const time = isDaily(tf)
    ? 'CAST(epoch_ms(CAST(ts AS BIGINT)) AS DATE) AS "date"'
    : 'epoch_ms(CAST(ts AS BIGINT)) AS "timestamp"';
  try {
    await withConnection(async (con) => {
      const cols = [series.ts, series.open, series.high, series.low, series.close, series.volume];
      await appendDoubleColumns(con, 'bars_in', ['ts', ...VALUE_COLUMNS], cols);
      // A table scan keeps insertion order (preserve_insertion_order is on by default).
      await con.run(
        `COPY (SELECT CAST(${sqlString(series.symbol)} AS VARCHAR) AS symbol, ${time}, open, high, low, close, volume FROM bars_in) ` +
          `TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await con.run('DROP TABLE bars_in');
    });
    fsyncFile(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return tmp;
}

interface FileInfo {
  readonly rows: number;
  readonly symbol: string;
}

/** Checks a file's columns against the canonical schema and counts its rows. */
async function inspect(con: DuckDBConnection, file: string, tf: Timeframe): Promise<FileInfo> {
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no such data file ${file}`, {
      hint: 'fetch or import the symbol first (momentic data fetch / data import)',
      context: { file },
    });
  }
  let names: string[];
  let types: string[];
  try {
    const probe = await con.runAndReadAll('SELECT * FROM read_parquet($1) LIMIT 0', [file]);
    names = probe.columnNames();
    types = probe.columnTypes().map((t) => t.toString());
  } catch (e) {
    throw invalid(file, `not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  }
  const wantNames = columnsOf(tf);
  const wantTypes = typesOf(tf);
  for (let i = 0; i < Math.max(names.length, wantNames.length); i++) {
    const name = names[i];
    const want = wantNames[i];
    if (want === undefined) throw invalid(file, `unexpected extra column "${name}"`, { column: name as string });
    if (name !== want) {
      const found = name === undefined ? 'is missing' : `found "${name}"`;
      throw invalid(file, `column ${i + 1} should be "${want}", ${found}`, { column: want });
    }
    if (types[i] !== wantTypes[i]) {
      throw invalid(file, `column "${want}" has type ${types[i]}, expected ${wantTypes[i]}`, { column: want });
    }
  }
  return symbolOf(con, file);
}

/**
 * The file's one symbol and its row count, from the row-group statistics (footer only) when
 * every row group has them and they agree; otherwise from a scan of the symbol column.
 */
async function symbolOf(con: DuckDBConnection, file: string): Promise<FileInfo> {
  const meta = await con.runAndReadAll(
    'SELECT coalesce(sum(row_group_num_rows), 0)::DOUBLE, count(*)::DOUBLE, count(stats_min_value)::DOUBLE, ' +
      'count(stats_null_count)::DOUBLE, coalesce(sum(stats_null_count), 0)::DOUBLE, min(stats_min_value), max(stats_max_value) ' +
      "FROM parquet_metadata($1) WHERE path_in_schema = 'symbol'",
    [file],
  );
  const [rows, groups, withMin, withNulls, nulls, first, last] = meta.getRows()[0] as [
    number,
    number,
    number,
    number,
    number,
    string | null,
    string | null,
  ];
  if (withMin === groups && withNulls === groups && nulls === 0 && first === last) return { rows, symbol: first ?? '' };
  const scan = await con.runAndReadAll(
    'SELECT count(*)::DOUBLE, count(symbol)::DOUBLE, min(symbol), max(symbol) FROM read_parquet($1)',
    [file],
  );
  const [all, named, lo, hi] = scan.getRows()[0] as [number, number, string | null, string | null];
  if (named !== all) throw invalid(file, 'the symbol column has empty cells', { column: 'symbol' });
  if (lo !== hi) throw invalid(file, `holds several symbols (${lo} .. ${hi}), expected one`, { column: 'symbol' });
  return { rows: all, symbol: lo ?? '' };
}

/** Reads one canonical Parquet file (rows in time order). */
export function readParquetBars(file: string, tf: Timeframe): Promise<BarSeries> {
  return readParquetYears([file], tf);
}

/**
 * Reads several year files of one symbol and concatenates them in the order given; the times
 * must keep increasing across files. Each file's footer is checked first, then one DuckDB scan
 * over all files (which keeps the list order) fills preallocated Float64Arrays chunk by chunk.
 */
export async function readParquetYears(files: readonly string[], tf: Timeframe): Promise<BarSeries> {
  const timeColumn = columnsOf(tf)[1] as string;
  const names = [timeColumn, ...VALUE_COLUMNS];
  const timeExpr = isDaily(tf) ? 'epoch_ms(CAST("date" AS TIMESTAMP))' : 'epoch_ms("timestamp")';
  const list = files.map(sqlString).join(', ');
  const sql = `SELECT CAST(${timeExpr} AS DOUBLE), open, high, low, close, volume FROM read_parquet([${list}])`;
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice !== undefined) throw invalid(twice, 'is listed twice');
  return withConnection(async (con) => {
    const starts: number[] = [];
    let total = 0;
    let symbol = '';
    for (const f of files) {
      const info = await inspect(con, f, tf);
      if (info.rows > 0 && symbol !== '' && info.symbol !== symbol) {
        throw invalid(f, `holds symbol ${info.symbol}, the files before it ${symbol}`, { column: 'symbol' });
      }
      if (info.rows > 0) symbol = info.symbol;
      starts.push(total);
      total += info.rows;
    }
    const cols = new DoubleColumns(6, total);
    /** The file holding global row `row` (the last one starting at or before it). */
    const fileAt = (row: number): number => {
      let k = 0;
      while (k + 1 < files.length && (starts[k + 1] as number) <= row) k++;
      return k;
    };
    const where = (row: number): [string, number] => {
      const k = fileAt(row);
      return [files[k] as string, row - (starts[k] as number) + 1];
    };
    if (total > 0) {
      await readDoubleColumns(con, sql, [], cols, (c, row) => {
        const [f, r] = where(row);
        throw invalid(f, `empty cell in row ${r}`, { row: r, column: names[c] as string });
      });
    }
    if (cols.length !== total)
      throw invalid(
        files.join(', '),
        `gave ${cols.length} rows, the footers promised ${total}; was a file replaced while being read?`,
      );
    const ts = cols.view(0);
    for (let i = 1; i < total; i++) {
      if (!((ts[i] as number) > (ts[i - 1] as number))) {
        const [f, r] = where(i);
        const why = r === 1 ? 'its first row is not after the previous file' : `row ${r} is not after the row before`;
        throw invalid(f, `${why} (times must strictly increase)`, { row: r, column: timeColumn });
      }
    }
    return new BarSeries(symbol, {
      ts: cols.column(0),
      open: cols.column(1),
      high: cols.column(2),
      low: cols.column(3),
      close: cols.column(4),
      volume: cols.column(5),
    });
  });
}

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BarSeries } from '../../src/core/bar.js';
import { DataError } from '../../src/core/errors.js';
import { readCsvBars, writeCsvBars } from '../../src/data/csv-bars.js';
import { closeDuckDb, readParquetBars, readParquetYears, writeParquetBars } from '../../src/data/parquet-bars.js';
import { dateToTs } from '../../src/data/schema.js';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

function plain(s: BarSeries): Record<string, unknown> {
  return { symbol: s.symbol, ...Object.fromEntries(COLUMNS.map((c) => [c, Array.from(s[c])])) };
}

const f64 = (xs: readonly number[]): Float64Array => Float64Array.from(xs);

/** Daily bars with awkward values: 17-digit fractions, tiny prices, volumes up to 1e20, a pre-1970 date. */
const daily = new BarSeries('BRK.A', {
  ts: f64(['1965-03-01', '1999-12-31', '2024-01-02', '2024-02-29'].map(dateToTs)),
  open: f64([0.1 + 0.2, 187.15, 622000.5, 1e-8]),
  high: f64([0.31, 188.44, 623456.25, 2e-8]),
  low: f64([0.29, 183.885, 611000, 0.5e-8]),
  close: f64([0.3, 185.64, 622999.99, 1.5e-8]),
  volume: f64([2 ** 53 - 1, 82_488_700, 1e20, 0.123456789]),
});

/** One-minute bars across a year end and far into 2024; the symbol holds a quote for SQL escaping. */
const minutes = new BarSeries("O'X/USD", {
  ts: f64(
    ['2023-12-31T23:58:00Z', '2023-12-31T23:59:00Z', '2024-01-01T00:00:00Z', '2024-03-10T14:30:00Z'].map(Date.parse),
  ),
  open: f64([42000.01, 42001.5, 41999.99, 69000.123456]),
  high: f64([42010, 42002.75, 42000.5, 69001]),
  low: f64([41990.5, 41995.25, 41980, 68999.5]),
  close: f64([42001.5, 41999.99, 41990.01, 69000.5]),
  volume: f64([0.00012345, 12.5, 1234567890123.25, 0]),
});

/** Random-walk minutes (prices in cents, integer volumes) spanning several Parquet row groups. */
function walk(rows: number, start: number): BarSeries {
  let x = 12345;
  const rnd = (): number => (x = (x * 1_103_515_245 + 12345) % 2_147_483_648) / 2_147_483_648;
  const cols = COLUMNS.map(() => new Float64Array(rows));
  let price = 100;
  for (let i = 0; i < rows; i++) {
    const close = Math.round(price * (1 + (rnd() - 0.5) / 500) * 100) / 100;
    cols[0]![i] = start + i * 60_000;
    cols[1]![i] = price;
    cols[2]![i] = Math.max(price, close) + 0.01;
    cols[3]![i] = Math.min(price, close) - 0.01;
    cols[4]![i] = close;
    cols[5]![i] = Math.floor(rnd() * 1e6);
    price = close;
  }
  const [ts, open, high, low, close, volume] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return new BarSeries('BTCUSD', { ts, open, high, low, close, volume });
}

let dir: string;
/** An independent DuckDB for inspecting and crafting files. */
let db: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'momentic-parquet-'));
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(async () => {
  con.closeSync();
  db.closeSync();
  await closeDuckDb();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let cases = 0;
/** A new folder (not yet created) for one test. */
const fresh = (): string => join(dir, `case-${++cases}`);

async function rows(sql: string): Promise<unknown[][]> {
  return (await con.runAndReadAll(sql)).getRowsJS();
}

async function caught(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('writeParquetBars / readParquetBars', () => {
  it('round-trips daily bars exactly (fractions, tiny prices, huge volumes, dates before 1970)', async () => {
    const file = join(fresh(), '1d', 'BRK.A', '2024.parquet');
    await writeParquetBars(file, '1d', daily);
    expect(plain(await readParquetBars(file, '1d'))).toEqual(plain(daily));
  });

  it('round-trips one-minute bars exactly, across midnight and a year end', async () => {
    const file = join(fresh(), 'm.parquet');
    await writeParquetBars(file, '1m', minutes);
    expect(plain(await readParquetBars(file, '1m'))).toEqual(plain(minutes));
  });

  it('writes the canonical columns and types, ZSTD-compressed, rows in time order', async () => {
    const d = fresh();
    await writeParquetBars(join(d, 'd.parquet'), '1d', daily);
    await writeParquetBars(join(d, 'm.parquet'), '1m', minutes);
    const describe = (f: string): Promise<unknown[][]> =>
      rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${join(d, f)}'))`);
    const values = ['open', 'high', 'low', 'close', 'volume'].map((c) => [c, 'DOUBLE']);
    expect(await describe('d.parquet')).toEqual([['symbol', 'VARCHAR'], ['date', 'DATE'], ...values]);
    expect(await describe('m.parquet')).toEqual([['symbol', 'VARCHAR'], ['timestamp', 'TIMESTAMP'], ...values]);
    const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata('${join(d, 'm.parquet')}')`);
    expect(codecs).toEqual([['ZSTD']]);
    // The stored values, as DuckDB itself prints them (independent of our reader).
    expect(await rows(`SELECT symbol, CAST("date" AS VARCHAR) FROM read_parquet('${join(d, 'd.parquet')}')`)).toEqual([
      ['BRK.A', '1965-03-01'],
      ['BRK.A', '1999-12-31'],
      ['BRK.A', '2024-01-02'],
      ['BRK.A', '2024-02-29'],
    ]);
    expect(await rows(`SELECT CAST("timestamp" AS VARCHAR) FROM read_parquet('${join(d, 'm.parquet')}')`)).toEqual([
      ['2023-12-31 23:58:00'],
      ['2023-12-31 23:59:00'],
      ['2024-01-01 00:00:00'],
      ['2024-03-10 14:30:00'],
    ]);
  });

  it('writes byte-identical files for the same series, also from a restarted DuckDB', async () => {
    const d = fresh();
    const series = walk(300_000, Date.UTC(2021, 0, 1)); // three row groups of DuckDB's 122,880 rows
    await writeParquetBars(join(d, 'a.parquet'), '1m', series);
    const first = readFileSync(join(d, 'a.parquet'));
    await writeParquetBars(join(d, 'a.parquet'), '1m', series);
    await writeParquetBars(join(d, 'b.parquet'), '1m', series);
    await closeDuckDb();
    await writeParquetBars(join(d, 'c.parquet'), '1m', series);
    expect(first.length).toBeGreaterThan(1000);
    for (const f of ['a.parquet', 'b.parquet', 'c.parquet']) expect(readFileSync(join(d, f)).equals(first)).toBe(true);
    expect(
      await rows(
        `SELECT count(*)::INTEGER, count(DISTINCT row_group_id)::INTEGER FROM parquet_metadata('${join(d, 'a.parquet')}')`,
      ),
    ).toEqual([[3 * 7, 3]]);
  });

  it('leaves no temp file beside the written file', async () => {
    const d = fresh();
    await writeParquetBars(join(d, 'x.parquet'), '1m', minutes);
    await writeParquetBars(join(d, 'x.parquet'), '1m', minutes);
    expect(readdirSync(d)).toEqual(['x.parquet']);
  });

  it('keeps the existing file and removes the temp file when writing fails after the temp file was made', async () => {
    const d = fresh();
    const file = join(d, 'x.parquet');
    await writeParquetBars(file, '1d', daily);
    const before = readFileSync(file);
    const run = DuckDBConnection.prototype.run;
    let sawTemp = false;
    vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(async function (
      this: DuckDBConnection,
      sql,
      ...rest
    ) {
      const result = await run.call(this, sql, ...rest);
      if (sql.startsWith('COPY')) {
        sawTemp = readdirSync(d).some((f) => f.includes('.tmp-'));
        throw new Error('disk full (injected)');
      }
      return result;
    });
    await expect(writeParquetBars(file, '1d', daily.slice(0, 2))).rejects.toThrow('disk full');
    expect(sawTemp).toBe(true);
    expect(readdirSync(d)).toEqual(['x.parquet']);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('fails on a path under a regular file and leaves the neighbouring file intact', async () => {
    const d = fresh();
    await writeParquetBars(join(d, 'keep.parquet'), '1d', daily);
    const before = readFileSync(join(d, 'keep.parquet'));
    writeFileSync(join(d, 'plain'), 'not a folder');
    await expect(writeParquetBars(join(d, 'plain', '2024.parquet'), '1d', daily)).rejects.toThrow();
    expect(readdirSync(d).sort()).toEqual(['keep.parquet', 'plain']);
    expect(readFileSync(join(d, 'keep.parquet')).equals(before)).toBe(true);
  });

  it('rejects daily times off 00:00 UTC and fractional milliseconds without touching the file', async () => {
    const file = join(fresh(), 'd.parquet');
    const one = f64([1]);
    const bad = new BarSeries('X', {
      ts: f64([dateToTs('2024-01-02') + 3_600_000]),
      open: one,
      high: one,
      low: one,
      close: one,
      volume: one,
    });
    const e = await caught(writeParquetBars(file, '1d', bad));
    expect(e.code).toBe('DATA_INVALID');
    expect(existsSync(file)).toBe(false);
    const halfMs = new BarSeries('X', {
      ts: f64([Date.UTC(2024, 0, 2) + 0.5]),
      open: one,
      high: one,
      low: one,
      close: one,
      volume: one,
    });
    expect((await caught(writeParquetBars(file, '1m', halfMs))).context).toMatchObject({ row: 0, column: 'ts' });
    expect(existsSync(file)).toBe(false);
  });

  it('round-trips an empty series', async () => {
    const file = join(fresh(), 'e.parquet');
    await writeParquetBars(file, '1m', minutes.slice(0, 0));
    expect((await readParquetBars(file, '1m')).length).toBe(0);
  });
});

describe('readParquetYears', () => {
  it('concatenates year files in the order given', async () => {
    const d = fresh();
    const all = walk(5000, Date.UTC(2023, 11, 30)); // 2023-12-30 .. 2024-01-02
    const cut = all.indexAtOrBefore(Date.UTC(2024, 0, 1) - 1) + 1;
    await writeParquetBars(join(d, '2023.parquet'), '1m', all.slice(0, cut));
    await writeParquetBars(join(d, '2024.parquet'), '1m', all.slice(cut));
    expect(cut).toBe(2 * 1440);
    const got = await readParquetYears([join(d, '2023.parquet'), join(d, '2024.parquet')], '1m');
    expect(plain(got)).toEqual(plain(all));
  });

  it('rejects files given out of time order, naming the file that goes back in time', async () => {
    const d = fresh();
    await writeParquetBars(join(d, '2023.parquet'), '1m', walk(10, Date.UTC(2023, 5, 1)));
    await writeParquetBars(join(d, '2024.parquet'), '1m', walk(10, Date.UTC(2024, 5, 1)));
    const e = await caught(readParquetYears([join(d, '2024.parquet'), join(d, '2023.parquet')], '1m'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.context.file).toBe(join(d, '2023.parquet'));
    expect(e.message).toContain('not after the previous file');
  });

  it('rejects a file listed twice', async () => {
    const d = fresh();
    await writeParquetBars(join(d, '2023.parquet'), '1m', walk(10, Date.UTC(2023, 5, 1)));
    const e = await caught(readParquetYears([join(d, '2023.parquet'), join(d, '2023.parquet')], '1m'));
    expect(e.message).toContain('listed twice');
  });

  it('gives an empty series for no files', async () => {
    expect((await readParquetYears([], '1d')).length).toBe(0);
  });
});

describe('reading files that break the schema', () => {
  const ok = `'X' AS symbol, TIMESTAMP '2024-01-02 14:30:00' AS "timestamp", 1.5::DOUBLE AS open, 2.0::DOUBLE AS high, 1.0::DOUBLE AS low, 1.75::DOUBLE AS close, 10.0::DOUBLE AS volume`;

  async function craft(select: string): Promise<string> {
    const file = join(fresh(), 'crafted.parquet');
    mkdirSync(join(file, '..'), { recursive: true });
    await con.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
    return file;
  }

  it('names the file and the column when a column is renamed', async () => {
    const file = await craft(`SELECT ${ok.replace('AS "timestamp"', 'AS time')}`);
    const e = await caught(readParquetBars(file, '1m'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(file);
    expect(e.message).toContain('"timestamp"');
    expect(e.context).toMatchObject({ file, column: 'timestamp' });
  });

  it('names the column whose type is wrong', async () => {
    const file = await craft(`SELECT ${ok.replace('10.0::DOUBLE AS volume', '10::BIGINT AS volume')}`);
    const e = await caught(readParquetBars(file, '1m'));
    expect(e.context).toMatchObject({ file, column: 'volume' });
    expect(e.message).toContain('BIGINT');
  });

  it('rejects a daily read of an intraday file, and missing or extra columns', async () => {
    const good = await craft(`SELECT ${ok}`);
    expect((await caught(readParquetBars(good, '1d'))).context.column).toBe('date');
    const missing = await craft(`SELECT ${ok.replace(', 10.0::DOUBLE AS volume', '')}`);
    expect((await caught(readParquetBars(missing, '1m'))).context.column).toBe('volume');
    const extra = await craft(`SELECT ${ok}, 1 AS vwap`);
    expect((await caught(readParquetBars(extra, '1m'))).context.column).toBe('vwap');
  });

  it('names the row and column of an empty cell', async () => {
    const file = await craft(
      `SELECT ${ok} UNION ALL SELECT 'X', TIMESTAMP '2024-01-02 14:31:00', 1.5, 2.0, 1.0, NULL, 10.0`,
    );
    const e = await caught(readParquetBars(file, '1m'));
    expect(e.context).toMatchObject({ file, row: 2, column: 'close' });
  });

  it('rejects a file holding several symbols or an empty symbol', async () => {
    const two = await craft(
      `SELECT ${ok} UNION ALL SELECT 'Y', TIMESTAMP '2024-01-02 14:31:00', 1.5, 2.0, 1.0, 1.5, 10.0`,
    );
    const e = await caught(readParquetBars(two, '1m'));
    expect(e.context.column).toBe('symbol');
    expect(e.message).toContain('several symbols');
    const none = await craft(
      `SELECT ${ok} UNION ALL SELECT NULL, TIMESTAMP '2024-01-02 14:31:00', 1.5, 2.0, 1.0, 1.5, 10.0`,
    );
    expect((await caught(readParquetBars(none, '1m'))).message).toContain('symbol column has empty cells');
  });

  it('rejects a file that is not Parquet, and reports a missing file as not found', async () => {
    const d = fresh();
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'fake.parquet'), 'symbol,timestamp\n');
    const e = await caught(readParquetBars(join(d, 'fake.parquet'), '1m'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain('fake.parquet');
    expect((await caught(readParquetBars(join(d, 'none.parquet'), '1m'))).code).toBe('DATA_NOT_FOUND');
  });
});

describe('CSV and Parquet agree', () => {
  it.each([
    ['1d', daily],
    ['1m', minutes],
    ['1m', walk(20_000, Date.UTC(2022, 6, 1))],
  ] as const)('readers give identical %s series for the same data', async (tf, series) => {
    const d = fresh();
    writeCsvBars(join(d, 'x.csv'), tf, series);
    await writeParquetBars(join(d, 'x.parquet'), tf, series);
    const fromCsv = readCsvBars(join(d, 'x.csv'), tf).series;
    const fromParquet = await readParquetBars(join(d, 'x.parquet'), tf);
    expect(plain(fromParquet)).toEqual(plain(fromCsv));
    expect(plain(fromCsv)).toEqual(plain(series));
  });
});

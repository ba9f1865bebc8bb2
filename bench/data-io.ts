/**
 * Bar file IO benchmark: canonical CSV (src/data/csv-bars.ts) against per-year Parquet
 * (src/data/parquet-bars.ts), with DuckDB's own `read_csv` of the same CSV as a peer.
 *
 * Data: N one-minute bars (default 10,000,000) of one 24/7 symbol from 2005-01-01T00:00Z, a
 * seeded random walk with valid OHLC, prices in cents and integer volumes. 10M minutes end on
 * 2024-01-05, so the Parquet layout holds 20 year files (2005..2024, the last one short).
 *
 * Every case runs in its own child process so each peak RSS (`process.resourceUsage().maxRSS`)
 * belongs to one format only; the `generate` case is the baseline (the series alone in memory).
 *
 *   tsx bench/data-io.ts [--rows N] [--dir DIR]       all cases, table and ratios
 *   tsx bench/data-io.ts --case csv-read --dir DIR    one case (prints a RESULT line)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BarSeries } from '../src/core/bar.js';
import { readCsvBars, writeCsvBars } from '../src/data/csv-bars.js';
import { DoubleColumns, readDoubleColumns, withConnection } from '../src/data/duckdb.js';
import { closeDuckDb, readParquetYears, writeParquetBars } from '../src/data/parquet-bars.js';

const SYMBOL = 'BTCUSD';
const START = Date.UTC(2005, 0, 1);
const CASES = ['generate', 'csv-write', 'parquet-write', 'csv-read', 'parquet-read', 'duckdb-read-csv'] as const;
type Case = (typeof CASES)[number];

interface Result {
  readonly case: Case;
  readonly rows: number;
  readonly ms: number;
  readonly bytes: number;
  readonly maxRssMb: number;
  /** Sum of closes and the last time, so every reader can be checked against the generator. */
  readonly checksum: string;
}

/** Seeded random walk of 1-minute bars (xorshift32; the same bars on every run). */
export function generateBars(rows: number): BarSeries {
  let state = 0x2545f491;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  const cents = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);
  const cols = {
    ts: new Float64Array(rows),
    open: new Float64Array(rows),
    high: new Float64Array(rows),
    low: new Float64Array(rows),
    close: new Float64Array(rows),
    volume: new Float64Array(rows),
  };
  let price = 100;
  for (let i = 0; i < rows; i++) {
    const open = price;
    const close = cents(open * (1 + (rand() - 0.5) * 0.002));
    cols.ts[i] = START + i * 60_000;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = cents(Math.max(open, close) + rand() * open * 0.0005);
    cols.low[i] = cents(Math.min(open, close) - rand() * open * 0.0005);
    cols.volume[i] = Math.floor(rand() * rand() * 50_000);
    price = close;
  }
  return new BarSeries(SYMBOL, cols);
}

function checksum(s: BarSeries): string {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += (s.close[i] as number) + (s.volume[i] as number);
  return `${s.length}:${sum}:${s.ts[s.length - 1] ?? 0}`;
}

const csvFile = (dir: string): string => join(dir, 'data', 'raw', '1m', `${SYMBOL}.csv`);
const parquetDir = (dir: string): string => join(dir, 'data', 'raw', '1m', SYMBOL);

function parquetFiles(dir: string): string[] {
  return readdirSync(parquetDir(dir))
    .filter((f) => /^\d{4}\.parquet$/.test(f))
    .sort()
    .map((f) => join(parquetDir(dir), f));
}

const sizeOf = (files: readonly string[]): number => files.reduce((s, f) => s + statSync(f).size, 0);

/** Splits a series at UTC year boundaries (views, no copies). */
function byYear(s: BarSeries): { year: number; bars: BarSeries }[] {
  const out: { year: number; bars: BarSeries }[] = [];
  let from = 0;
  while (from < s.length) {
    const year = new Date(s.ts[from] as number).getUTCFullYear();
    const to = s.indexAtOrBefore(Date.UTC(year + 1, 0, 1) - 1) + 1;
    out.push({ year, bars: s.slice(from, to) });
    from = to;
  }
  return out;
}

/** The peer: DuckDB parses our CSV natively, then the columns are copied out as for Parquet. */
async function duckDbReadCsv(file: string): Promise<BarSeries> {
  const columns = `{'symbol': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'open': 'DOUBLE', 'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'}`;
  const sql = `SELECT CAST(epoch_ms("timestamp") AS DOUBLE), open, high, low, close, volume FROM read_csv($1, header = true, columns = ${columns})`;
  const cols = new DoubleColumns(6, 1 << 20);
  await withConnection((con) =>
    readDoubleColumns(con, sql, [file], cols, () => {
      throw new Error(`empty cell in ${file}`);
    }),
  );
  const [ts, open, high, low, close, volume] = [0, 1, 2, 3, 4, 5].map((c) => cols.column(c)) as Float64Array[];
  return new BarSeries(SYMBOL, { ts: ts!, open: open!, high: high!, low: low!, close: close!, volume: volume! });
}

async function runCase(c: Case, rows: number, dir: string): Promise<Result> {
  let ms = 0;
  let bytes = 0;
  let sum: string;
  const timed = async <T>(f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    ms = performance.now() - t0;
    return out;
  };
  if (c === 'generate' || c === 'csv-write' || c === 'parquet-write') {
    const series = c === 'generate' ? await timed(() => generateBars(rows)) : generateBars(rows);
    sum = checksum(series);
    if (c === 'csv-write') {
      await timed(() => writeCsvBars(csvFile(dir), '1m', series));
      bytes = sizeOf([csvFile(dir)]);
    } else if (c === 'parquet-write') {
      await timed(async () => {
        for (const { year, bars } of byYear(series)) {
          await writeParquetBars(join(parquetDir(dir), `${year}.parquet`), '1m', bars);
        }
      });
      bytes = sizeOf(parquetFiles(dir));
    }
  } else {
    const read = {
      'csv-read': () => readCsvBars(csvFile(dir), '1m').series,
      'parquet-read': () => readParquetYears(parquetFiles(dir), '1m'),
      'duckdb-read-csv': () => duckDbReadCsv(csvFile(dir)),
    }[c];
    const series = await timed(read);
    sum = checksum(series);
    bytes = c === 'parquet-read' ? sizeOf(parquetFiles(dir)) : sizeOf([csvFile(dir)]);
  }
  await closeDuckDb();
  return { case: c, rows, ms, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024, checksum: sum };
}

function spawnCase(c: Case, rows: number, dir: string): Result {
  const self = fileURLToPath(import.meta.url);
  const tsx = import.meta.resolve('tsx'); // absolute, so the bench runs from any working folder
  const child = spawnSync(
    process.execPath,
    ['--import', tsx, self, '--case', c, '--rows', String(rows), '--dir', dir],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || line === undefined) throw new Error(`bench case ${c} failed (exit ${child.status})`);
  return JSON.parse(line.slice('RESULT '.length)) as Result;
}

const fmt = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs every case in its own process and prints the table and the Parquet/CSV ratios. */
export function runDataIoBench(options: { readonly rows: number; readonly dir?: string }): void {
  const { rows } = options;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'momentic-bench-'));
  const t0 = performance.now();
  console.log(
    `== data IO: ${fmt(rows)} one-minute bars of ${SYMBOL} (24/7 from 2005-01-01), each case in a child process`,
  );
  try {
    const results = new Map<Case, Result>();
    for (const c of CASES) results.set(c, spawnCase(c, rows, dir));
    const get = (c: Case): Result => results.get(c) as Result;
    console.log(
      `${'case'.padEnd(18)}${'seconds'.padStart(9)}${'rows/s'.padStart(13)}${'file MB'.padStart(10)}${'peak RSS MB'.padStart(13)}`,
    );
    for (const r of results.values()) {
      const rate = r.case === 'generate' ? '' : fmt(r.rows / (r.ms / 1000));
      const size = r.case === 'generate' ? '' : fmt(r.bytes / 1e6, 1);
      console.log(
        `${r.case.padEnd(18)}${fmt(r.ms / 1000, 2).padStart(9)}${rate.padStart(13)}${size.padStart(10)}${fmt(r.maxRssMb).padStart(13)}`,
      );
    }
    const expected = get('generate').checksum;
    for (const r of results.values()) {
      if (r.checksum !== expected) throw new Error(`${r.case} saw different bars (${r.checksum} vs ${expected})`);
    }
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    const rate = (c: Case): number => get(c).rows / get(c).ms;
    console.log('Parquet / CSV (our readers and writers):');
    console.log(
      `  write rows/s ${ratio(rate('parquet-write'), rate('csv-write'))}, read rows/s ${ratio(rate('parquet-read'), rate('csv-read'))}`,
    );
    console.log(`  file size ${ratio(get('parquet-read').bytes, get('csv-read').bytes)}`);
    console.log(
      `  peak RSS write ${ratio(get('parquet-write').maxRssMb, get('csv-write').maxRssMb)}, read ${ratio(get('parquet-read').maxRssMb, get('csv-read').maxRssMb)}`,
    );
    console.log(
      `Peer: DuckDB read_csv of the same CSV vs our CSV reader: ${ratio(rate('duckdb-read-csv'), rate('csv-read'))} rows/s`,
    );
    console.log(`(all readers returned the generated bars; bench took ${fmt((performance.now() - t0) / 1000, 1)} s)`);
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--rows N` from the command line (default 10,000,000). */
export function rowsFlag(args: readonly string[]): number {
  const text = flag(args, '--rows') ?? '10000000';
  const rows = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${text}`);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const c = flag(args, '--case');
  const dir = flag(args, '--dir');
  if (c !== undefined) {
    if (!(CASES as readonly string[]).includes(c) || dir === undefined)
      throw new Error(`usage: --case ${CASES.join('|')} --dir DIR`);
    console.log(`RESULT ${JSON.stringify(await runCase(c as Case, rowsFlag(args), dir))}`);
  } else {
    runDataIoBench({ rows: rowsFlag(args), ...(dir === undefined ? {} : { dir }) });
  }
}

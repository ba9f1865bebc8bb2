import { BarSeries } from '../core/bar.js';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../core/enums.js';

/**
 * The PostgreSQL bar store's tables: one per timeframe (`bars_1d`, `bars_1m`, ...) keyed by
 * (symbol, ts) with ts the epoch-ms bar start (the session date at 00:00 UTC for daily bars, as
 * in BarSeries), and `bar_datasets` holding each dataset's raw-zone manifest record as text, so
 * the hashes a worker checks are the files' hashes byte for byte (jsonb would reorder keys).
 */

export const tableOf = (tf: Timeframe): string => `bars_${tf}`;

export const DATASETS_TABLE = 'bar_datasets';

export function ddl(): string[] {
  return [
    ...TIMEFRAMES.map(
      (tf) =>
        `create table if not exists ${tableOf(tf)} (symbol text not null, ts bigint not null, ` +
        'open double precision not null, high double precision not null, low double precision not null, ' +
        'close double precision not null, volume double precision not null, primary key (symbol, ts))',
    ),
    `create table if not exists ${DATASETS_TABLE} (timeframe text not null, symbol text not null, ` +
      'rows bigint not null, first_ts bigint not null, last_ts bigint not null, entry text not null, ' +
      'updated_at timestamptz not null default now(), primary key (timeframe, symbol))',
  ];
}

/** Rows per INSERT: one array parameter per column, parsed by the server far faster than row parameters. */
export const INSERT_ROWS = 50_000;

/**
 * Inserts rows [from, to) of a series; rows already there (same symbol and ts) are left as they
 * are, or with `replace` updated where a value differs (the row count is then the bars changed).
 */
export function insertSql(tf: Timeframe, replace = false): string {
  const head =
    `insert into ${tableOf(tf)} as t (symbol, ts, open, high, low, close, volume) ` +
    'select $1, * from unnest($2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[]) ' +
    'on conflict (symbol, ts) do ';
  return replace
    ? `${head}update set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume ` +
        'where (t.open, t.high, t.low, t.close, t.volume) is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)'
    : `${head}nothing`;
}

/** With `replace`: the dataset's bars whose times the series does not have. */
export function deleteOthersSql(tf: Timeframe): string {
  return `delete from ${tableOf(tf)} where symbol = $1 and not (ts = any($2::bigint[]))`;
}

export function insertParams(series: BarSeries, from: number, to: number): unknown[] {
  const part = (a: Float64Array): number[] => Array.from(a.subarray(from, to));
  return [
    series.symbol,
    part(series.ts),
    part(series.open),
    part(series.high),
    part(series.low),
    part(series.close),
    part(series.volume),
  ];
}

/** Doubles per bar in the packed read: ts, open, high, low, close, volume. */
const FIELDS = 6;
const BYTES_PER_BAR = FIELDS * 8;

/** Bars per packed block when the timeframe's bars are back to back (24/7 minute bars: ~7 days). */
const BLOCK_BARS = 10_000;

/**
 * The range's bars as blocks of bytea, each bar six big-endian doubles (`float8send`, exact) in
 * time order, one block per span of `BLOCK_BARS` bar lengths. Measured on 200,000 minute bars
 * (loaded machine): 3x one `string_agg` over the whole range (one huge message the client
 * buffers and decodes at once) and 4x six `array_agg`s; rows parsed one by one in JavaScript
 * cost an object and six number parses per bar. $2/$3 bound the bar start, inclusive.
 */
export function packedReadSql(tf: Timeframe): string {
  const span = TIMEFRAME_MS[tf] * BLOCK_BARS;
  return (
    "select string_agg(float8send(ts::float8) || float8send(open) || float8send(high) || float8send(low) || float8send(close) || float8send(volume), ''::bytea order by ts) as packed " +
    `from ${tableOf(tf)} where symbol = $1 and ts >= $2 and ts <= $3 group by ts / ${span} order by ts / ${span}`
  );
}

/** Unpacks `packedReadSql`'s blocks into the series' columns (one byte swap per block, then one pass). */
export function unpack(symbol: string, blocks: readonly Buffer[]): BarSeries {
  const n = blocks.reduce((k, b) => k + b.length / BYTES_PER_BAR, 0);
  const cols = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const { ts, open, high, low, close, volume } = cols;
  let i = 0;
  for (const packed of blocks) {
    // Network order to the machine's: swap64 works in place, then the bytes are read as doubles
    // (copied first when the Buffer does not start on an 8-byte boundary of its memory).
    const aligned = packed.byteOffset % 8 === 0 ? packed : Buffer.from(packed);
    aligned.swap64();
    const f = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.length / 8);
    for (let j = 0; j < f.length; i++, j += FIELDS) {
      ts[i] = f[j] as number;
      open[i] = f[j + 1] as number;
      high[i] = f[j + 2] as number;
      low[i] = f[j + 3] as number;
      close[i] = f[j + 4] as number;
      volume[i] = f[j + 5] as number;
    }
  }
  return new BarSeries(symbol, cols);
}

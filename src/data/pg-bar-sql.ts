import { BarSeries } from '../core/bar.js';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../core/enums.js';

/**
 * The PostgreSQL bar store's tables: one per timeframe (`bar_chunks_1d`, `bar_chunks_1m`, ...)
 * holding each dataset's bars as packed column chunks, one row per (symbol, chunk), and
 * `bar_datasets` holding each dataset's raw-zone manifest record as text, so the hashes a
 * worker checks are the files' hashes byte for byte (jsonb would reorder keys).
 *
 * A chunk holds the bars whose start (epoch ms; the session date at 00:00 UTC for daily bars, as
 * in BarSeries) falls in one span of `CHUNK_BARS` bar lengths: `chunk = floor(ts / span)`. Its
 * `packed` bytea is six columns back to back (ts, open, high, low, close, volume), each `n`
 * big-endian doubles in time order (the bytes `float8send` gives: exact). A read ships whole
 * chunks the server does not look into, as binary COPY (pg-copy-out.ts), so the rate is the
 * network's and the client's: a row per bar read at ~0.5M bars/s on the server alone, even as
 * binary COPY, and bytea as text results costs the client 4 to 6 times the CPU (hex).
 */

export const chunkTableOf = (tf: Timeframe): string => `bar_chunks_${tf}`;

/** The layout before packed chunks: one row per bar. Migrated into chunks, then dropped. */
const rowTableOf = (tf: Timeframe): string => `bars_${tf}`;

export const DATASETS_TABLE = 'bar_datasets';

/** The bar store's own schema version (the ledger's migrations are separate: the store may live in another database). */
export const VERSION_TABLE = 'bar_store_version';

/** Bars per chunk span (24/7 minute bars: ~7 days, 480 KB; daily bars: one chunk per ~27 years). */
export const CHUNK_BARS = 10_000;

/** Doubles per bar: ts, open, high, low, close, volume. */
export const FIELDS = 6;
export const BYTES_PER_BAR = FIELDS * 8;

export const spanOf = (tf: Timeframe): number => TIMEFRAME_MS[tf] * CHUNK_BARS;

export function ddl(): string[] {
  return [
    ...TIMEFRAMES.flatMap((tf) => [
      `create table if not exists ${chunkTableOf(tf)} (symbol text not null, chunk bigint not null, ` +
        'first_ts bigint not null, last_ts bigint not null, n integer not null, packed bytea not null, ' +
        'primary key (symbol, chunk))',
      // Doubles do not compress: storing without trying spares every write a failed attempt.
      `alter table ${chunkTableOf(tf)} alter column packed set storage external`,
    ]),
    `create table if not exists ${DATASETS_TABLE} (timeframe text not null, symbol text not null, ` +
      'rows bigint not null, first_ts bigint not null, last_ts bigint not null, entry text not null, ' +
      'updated_at timestamptz not null default now(), primary key (timeframe, symbol))',
    `create table if not exists ${VERSION_TABLE} (version integer not null)`,
  ];
}

/**
 * The bar store's migrations, in order; `bar_store_version` holds how many ran. Each runs in the
 * transaction that creates the tables, under its advisory lock.
 */
export const MIGRATIONS: readonly { readonly name: string; readonly statements: () => string[] }[] = [
  {
    // One row per bar became packed column chunks: the same bars, the same bytes per value.
    name: 'packed column chunks',
    statements: () =>
      TIMEFRAMES.flatMap((tf) => {
        const old = rowTableOf(tf);
        const col = (c: string): string => `string_agg(float8send(${c}), ''::bytea order by ts)`;
        const chunk = `floor(ts::numeric / ${spanOf(tf)})::bigint`;
        return [
          `do $$ begin if to_regclass('${old}') is not null then ` +
            `insert into ${chunkTableOf(tf)} (symbol, chunk, first_ts, last_ts, n, packed) ` +
            `select symbol, ${chunk}, min(ts), max(ts), count(*), ` +
            `${col('ts::float8')} || ${col('open')} || ${col('high')} || ${col('low')} || ${col('close')} || ${col('volume')} ` +
            `from ${old} group by symbol, ${chunk}; drop table ${old}; end if; end $$`,
        ];
      }),
  },
];

/**
 * A range's chunks (those whose bars may start in [start, end]), in time order, for a binary
 * COPY (which takes no parameters: the symbol is quoted by the caller's `quote`).
 */
export function chunkReadSql(tf: Timeframe, quotedSymbol: string, start: number, end: number): string {
  const from = Math.max(-8.64e15, Math.ceil(start));
  const to = Math.min(8.64e15, Math.floor(end));
  return (
    `select n, first_ts, last_ts, packed from ${chunkTableOf(tf)} ` +
    `where symbol = ${quotedSymbol} and last_ts >= ${from} and first_ts <= ${to} order by chunk`
  );
}

/** `chunkReadSql`'s binary COPY rows as chunks. */
export function chunkRows(rows: readonly (Buffer | undefined)[][]): ChunkRow[] {
  return rows.map(([n, first, last, packed]) => ({
    n: (n as Buffer).readInt32BE(0),
    first_ts: Number((first as Buffer).readBigInt64BE(0)),
    last_ts: Number((last as Buffer).readBigInt64BE(0)),
    packed: packed as Buffer,
  }));
}

export const upsertChunkSql = (tf: Timeframe): string =>
  `insert into ${chunkTableOf(tf)} (symbol, chunk, first_ts, last_ts, n, packed) values ($1, $2, $3, $4, $5, $6) ` +
  'on conflict (symbol, chunk) do update set first_ts = excluded.first_ts, last_ts = excluded.last_ts, n = excluded.n, packed = excluded.packed';

export const deleteChunksSql = (tf: Timeframe): string =>
  `delete from ${chunkTableOf(tf)} where symbol = $1 and chunk = any($2::bigint[])`;

/** A stored chunk as the client gets it. */
export interface ChunkRow {
  readonly n: number;
  readonly first_ts: number;
  readonly last_ts: number;
  readonly packed: Buffer;
}

/** Rows [from, to) of a series as one chunk's packed bytes. */
export function packChunk(series: BarSeries, from: number, to: number): Buffer {
  const n = to - from;
  const out = Buffer.allocUnsafe(n * BYTES_PER_BAR);
  const f = new Float64Array(out.buffer, out.byteOffset, n * FIELDS);
  const cols = [series.ts, series.open, series.high, series.low, series.close, series.volume];
  for (let c = 0; c < FIELDS; c++) f.set((cols[c] as Float64Array).subarray(from, to), c * n);
  // To network order, as float8send writes (and the migration wrote) them.
  out.swap64();
  return out;
}

/** A series cut into its chunks: [chunk number, from, to). */
export function chunksOf(tf: Timeframe, series: BarSeries): [number, number, number][] {
  const span = spanOf(tf);
  const out: [number, number, number][] = [];
  let from = 0;
  while (from < series.length) {
    const k = Math.floor((series.ts[from] as number) / span);
    const end = (k + 1) * span;
    let to = from + 1;
    while (to < series.length && (series.ts[to] as number) < end) to++;
    out.push([k, from, to]);
    from = to;
  }
  return out;
}

/**
 * The bars of `chunks` starting in [start, end] as a series. Each chunk must be what its row
 * says (n bars from first_ts to last_ts, in time order after the previous chunk), or the
 * store was changed behind momentic's back: `corrupt` gets why.
 */
export function unpackChunks(
  symbol: string,
  chunks: readonly ChunkRow[],
  start: number,
  end: number,
  corrupt: (why: string) => Error,
): BarSeries {
  const views: Float64Array[] = [];
  let total = 0;
  let prevLast = -Infinity;
  for (const c of chunks) {
    if (c.packed.length !== c.n * BYTES_PER_BAR) throw corrupt(`a chunk of ${c.packed.length} bytes says it holds ${c.n} bars`); // prettier-ignore
    // Network order to the machine's in place (the Buffer is this read's own), copied first when
    // it does not start on an 8-byte boundary of its memory.
    const b = c.packed.byteOffset % 8 === 0 ? c.packed : Buffer.from(c.packed);
    b.swap64();
    const f = new Float64Array(b.buffer, b.byteOffset, b.length / 8);
    if (c.n > 0 && (f[0] !== c.first_ts || f[c.n - 1] !== c.last_ts || c.first_ts <= prevLast)) {
      throw corrupt(`a chunk's bars ${f[0]}..${f[c.n - 1]} are not its recorded ${c.first_ts}..${c.last_ts}`);
    }
    prevLast = c.last_ts;
    views.push(f);
    total += c.n;
  }
  // The range cuts only the first and last chunks: find where it starts and ends in them.
  const cols = {
    ts: new Float64Array(total),
    open: new Float64Array(total),
    high: new Float64Array(total),
    low: new Float64Array(total),
    close: new Float64Array(total),
    volume: new Float64Array(total),
  };
  const order = [cols.ts, cols.open, cols.high, cols.low, cols.close, cols.volume];
  let i = 0;
  for (const f of views) {
    const n = f.length / FIELDS;
    let from = 0;
    let to = n;
    while (from < n && (f[from] as number) < start) from++;
    while (to > from && (f[to - 1] as number) > end) to--;
    for (let c = 0; c < FIELDS; c++) (order[c] as Float64Array).set(f.subarray(c * n + from, c * n + to), i);
    i += to - from;
  }
  const take = (a: Float64Array): Float64Array => (i === total ? a : a.slice(0, i));
  return new BarSeries(symbol, {
    ts: take(cols.ts),
    open: take(cols.open),
    high: take(cols.high),
    low: take(cols.low),
    close: take(cols.close),
    volume: take(cols.volume),
  });
}

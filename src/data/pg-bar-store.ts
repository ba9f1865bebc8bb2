import type { Pool, PoolClient } from 'pg';
import { BarSeries } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { ConfigError, DataError, isMomenticError, VenueError } from '../core/errors.js';
import { redactUrl } from '../core/secrets.js';
import type { BarRange, BarStore, StoredDataset } from './bar-store.js';
import { canonicalFiles, firstDifference } from './canonical-files.js';
import type { DatasetEntry } from './manifest.js';
import { copyOutBinary } from './pg-copy-out.js';
import { formatTime } from './schema.js';
import {
  chunkReadSql,
  chunksOf,
  chunkRows,
  DATASETS_TABLE,
  ddl,
  deleteChunksSql,
  MIGRATIONS,
  packChunk,
  unpackChunks,
  upsertChunkSql,
  VERSION_TABLE,
} from './pg-bar-sql.js';

/** PostgreSQL `bigint` (oid 20) arrives as text by default; epoch ms and counts fit a double exactly. */
const INT8_OID = 20;

/** Any key the advisory lock that serialises creating the tables (concurrent CREATE IF NOT EXISTS can collide). */
const DDL_LOCK = 7_301_998_551;

const ALL: BarRange = { start: -8.64e15, end: 8.64e15 };

/** The URL the bar store needs, or CONFIG_INVALID_VALUE (exit 2) naming MOMENTIC_DATABASE_URL. */
export function barStoreUrl(url: string, why: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  const shown = url === '' ? 'empty' : redactUrl(url);
  throw new ConfigError('CONFIG_INVALID_VALUE', `${why} needs a PostgreSQL database, but database.url is ${shown}`, {
    hint: 'set MOMENTIC_DATABASE_URL=postgres://user@host:5432/db (a schema other than public: add ?options=-c%20search_path%3Dname)',
    context: { key: 'database.url', ...(url === '' ? {} : { value: redactUrl(url) }) },
  });
}

/**
 * Connection-level failures (refused, unknown host, timeouts, authentication, missing database),
 * as store/db-errors.ts classifies them for the ledger: data/ sits below store/ and cannot import it.
 */
function isConnectionError(e: unknown): boolean {
  const c = String((e as { code?: unknown } | null)?.code ?? '');
  const message = e instanceof Error ? e.message : '';
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(c) ||
    c.startsWith('08') ||
    ['28P01', '28000', '3D000'].includes(c) ||
    /timeout|terminated/i.test(message)
  );
}

/** A failure to reach the database as the user reads it: VENUE_UNAVAILABLE (exit 4) for the network, else as is. */
function unreachable(url: string, e: unknown): unknown {
  if (isMomenticError(e) || !isConnectionError(e)) return e;
  return new VenueError(
    'VENUE_UNAVAILABLE',
    `cannot reach the PostgreSQL bar store at ${redactUrl(url)}: ${(e as Error).message}`,
    {
      hint: 'check that PostgreSQL runs and MOMENTIC_DATABASE_URL is right (momentic doctor checks the connection)',
      context: { key: 'database.url', value: redactUrl(url) },
      retryable: true,
      cause: e,
    },
  );
}

export interface PushResult {
  /** Bars inserted, or with `force` also changed or removed (0 when the store already held the dataset's bars). */
  readonly inserted: number;
  readonly rows: number;
  readonly status: 'added' | 'updated' | 'unchanged';
}

/**
 * The shared bar store in PostgreSQL: the raw zone's datasets as rows (pg-bar-sql.ts), each
 * with the files' manifest record. A dataset enters only as the raw zone read it (files checked
 * against their hashes, bars through the quality gates when imported or fetched), and only when
 * the bars stored after the write hash to that record (`canonicalFiles`): what a worker reads
 * here is what the files hold.
 */
export class PgBarStore implements BarStore {
  readonly kind = 'postgres' as const;
  readonly #url: string;
  readonly #pool: Pool;
  #ready: Promise<void> | undefined;

  private constructor(url: string, pool: Pool) {
    this.#url = url;
    this.#pool = pool;
  }

  static async open(url: string): Promise<PgBarStore> {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: 5_000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID
            ? (v: string) => Number(v)
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('error', () => undefined);
    return new PgBarStore(url, pool);
  }

  /** Where the store is, the password masked. */
  get where(): string {
    return redactUrl(this.#url);
  }

  async #run<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient | undefined;
    try {
      client = await this.#pool.connect();
      this.#ready ??= this.#createTables(client);
      await this.#ready;
      return await work(client);
    } catch (e) {
      if (isConnectionError(e)) this.#ready = undefined;
      throw unreachable(this.#url, e);
    } finally {
      client?.release();
    }
  }

  async #createTables(c: PoolClient): Promise<void> {
    await c.query('begin');
    try {
      await c.query('select pg_advisory_xact_lock($1)', [DDL_LOCK]);
      for (const statement of ddl()) await c.query(statement);
      const v = await c.query<{ version: number }>(`select version from ${VERSION_TABLE}`);
      const done = v.rows[0]?.version ?? 0;
      for (const m of MIGRATIONS.slice(done)) for (const statement of m.statements()) await c.query(statement);
      if (v.rows.length === 0) await c.query(`insert into ${VERSION_TABLE} (version) values ($1)`, [MIGRATIONS.length]);
      else if (done < MIGRATIONS.length) await c.query(`update ${VERSION_TABLE} set version = $1`, [MIGRATIONS.length]);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw e;
    }
  }

  async list(): Promise<DatasetEntry[]> {
    return this.#run(async (c) => {
      const r = await c.query<{ entry: string }>(`select entry from ${DATASETS_TABLE} order by timeframe, symbol`);
      return r.rows.map((row) => JSON.parse(row.entry) as DatasetEntry);
    });
  }

  async entry(symbol: string, tf: Timeframe): Promise<DatasetEntry | undefined> {
    return this.#run(async (c) => entryOf(c, symbol, tf));
  }

  async has(symbol: string, tf: Timeframe): Promise<boolean> {
    return (await this.entry(symbol, tf)) !== undefined;
  }

  async read(symbol: string, tf: Timeframe, range?: BarRange): Promise<BarSeries | undefined> {
    return (await this.readChecked(symbol, tf, range))?.series;
  }

  /**
   * A dataset's bars in [range.start, range.end] (all of them without a range) with its manifest
   * record. A whole read must give the record's row count, first and last bar, or it is a
   * DATA_MANIFEST error: rows lost or added behind the store's back are never read as the data.
   */
  async readChecked(symbol: string, tf: Timeframe, range?: BarRange): Promise<StoredDataset | undefined> {
    return this.#run(async (c) => {
      const entry = await entryOf(c, symbol, tf);
      if (entry === undefined) return undefined;
      const series = await readRange(c, symbol, tf, range ?? ALL);
      if (range === undefined) checkAgainst(entry, series, tf);
      return { series, entry };
    });
  }

  /**
   * Stores a raw-zone dataset (its checked bars and manifest record). Bars already stored stay;
   * the write commits only when the stored bars then hash to the record (so a store holding
   * other bars for the dataset is refused with DATA_INVALID unless `force`, which replaces them).
   */
  async push(entry: DatasetEntry, series: BarSeries, options: { force?: boolean } = {}): Promise<PushResult> {
    const tf = entry.timeframe as Timeframe;
    return this.#run(async (c) => {
      const had = await entryOf(c, entry.symbol, tf);
      if (
        options.force !== true &&
        had !== undefined &&
        firstDifference(had.files, entry.files) === undefined &&
        had.rows === entry.rows
      ) {
        return { inserted: 0, rows: entry.rows, status: 'unchanged' as const };
      }
      await c.query('begin');
      try {
        // One writer per dataset at a time: two workspaces pushing it wait for each other.
        await c.query('select pg_advisory_xact_lock(hashtext($1))', [`${tf}/${entry.symbol}`]);
        const held = await readRange(c, entry.symbol, tf, ALL);
        const { merged, written } = options.force === true ? replaced(held, series) : added(held, series);
        if (written > 0) await writeChunks(c, tf, held, merged);
        const inserted = written;
        const stored = await readRange(c, entry.symbol, tf, ALL);
        const diff = firstDifference(entry.files, await canonicalFiles(tf, stored, entry.format));
        if (diff !== undefined) throw differentBars(entry, stored.length, this.where);
        await c.query(
          `insert into ${DATASETS_TABLE} (timeframe, symbol, rows, first_ts, last_ts, entry) values ($1, $2, $3, $4, $5, $6) ` +
            'on conflict (timeframe, symbol) do update set rows = excluded.rows, first_ts = excluded.first_ts, ' +
            'last_ts = excluded.last_ts, entry = excluded.entry, updated_at = now()',
          [
            tf,
            entry.symbol,
            stored.length,
            stored.ts[0] ?? 0,
            stored.ts[stored.length - 1] ?? 0,
            JSON.stringify(entry),
          ],
        );
        await c.query('commit');
        const same = had !== undefined && inserted === 0 && firstDifference(had.files, entry.files) === undefined;
        return { inserted, rows: stored.length, status: had === undefined ? 'added' : same ? 'unchanged' : 'updated' };
      } catch (e) {
        await c.query('rollback').catch(() => undefined);
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function entryOf(c: PoolClient, symbol: string, tf: Timeframe): Promise<DatasetEntry | undefined> {
  const r = await c.query<{ entry: string }>(
    `select entry from ${DATASETS_TABLE} where timeframe = $1 and symbol = $2`,
    [tf, symbol],
  );
  const text = r.rows[0]?.entry;
  return text === undefined ? undefined : (JSON.parse(text) as DatasetEntry);
}

async function readRange(c: PoolClient, symbol: string, tf: Timeframe, range: BarRange): Promise<BarSeries> {
  const rows = await copyOutBinary(c, chunkReadSql(tf, c.escapeLiteral(symbol), range.start, range.end));
  return unpackChunks(symbol, chunkRows(rows), range.start, range.end, (why) => changedChunks(symbol, tf, why));
}

/** The store's bars of a dataset with the series' bars it lacks (a bar it holds stays as it is). */
function added(held: BarSeries, series: BarSeries): { merged: BarSeries; written: number } {
  const fresh: number[] = [];
  let j = 0;
  for (let i = 0; i < series.length; i++) {
    const t = series.ts[i] as number;
    while (j < held.length && (held.ts[j] as number) < t) j++;
    if (j >= held.length || held.ts[j] !== t) fresh.push(i);
  }
  if (fresh.length === 0) return { merged: held, written: 0 };
  const n = held.length + fresh.length;
  const cols = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) }; // prettier-ignore
  const names = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    const takeHeld = b >= fresh.length || (a < held.length && (held.ts[a] as number) < (series.ts[fresh[b] as number] as number)); // prettier-ignore
    const [from, at] = takeHeld ? [held, a++] : [series, fresh[b++] as number];
    for (const c of names) cols[c][k] = from[c][at] as number;
  }
  return { merged: new BarSeries(held.symbol, cols), written: fresh.length };
}

/** `force`: the series' bars replace the store's; written counts the bars added, changed or removed. */
function replaced(held: BarSeries, series: BarSeries): { merged: BarSeries; written: number } {
  const names = ['open', 'high', 'low', 'close', 'volume'] as const;
  let same = 0;
  let j = 0;
  for (let i = 0; i < series.length; i++) {
    const t = series.ts[i] as number;
    while (j < held.length && (held.ts[j] as number) < t) j++;
    if (j < held.length && held.ts[j] === t && names.every((c) => Object.is(held[c][j], series[c][i]))) same++;
  }
  return { merged: series, written: series.length - same + (held.length - countCommon(held, series)) };
}

/** Bars of `a` whose time `b` also has. */
function countCommon(a: BarSeries, b: BarSeries): number {
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a.ts[i] as number;
    const y = b.ts[j] as number;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Writes the chunks of `merged` whose bytes differ from the store's, and deletes the chunks it no longer has. */
async function writeChunks(c: PoolClient, tf: Timeframe, held: BarSeries, merged: BarSeries): Promise<void> {
  const before = new Map(chunksOf(tf, held).map(([k, from, to]) => [k, packChunk(held, from, to)]));
  for (const [k, from, to] of chunksOf(tf, merged)) {
    const packed = packChunk(merged, from, to);
    const was = before.get(k);
    before.delete(k);
    if (was?.equals(packed) === true) continue;
    await c.query(upsertChunkSql(tf), [merged.symbol, k, merged.ts[from], merged.ts[to - 1], to - from, packed]);
  }
  if (before.size > 0) await c.query(deleteChunksSql(tf), [merged.symbol, [...before.keys()]]);
}

function changedChunks(symbol: string, tf: Timeframe, why: string): DataError {
  return new DataError('DATA_MANIFEST', `the bar store's ${symbol} ${tf} bars were changed outside momentic: ${why}`, {
    hint: `push the dataset again from a workspace that holds it: momentic data push --symbols ${symbol} --timeframe ${tf} --force`,
    context: { value: `${tf}/${symbol}` },
  });
}

function checkAgainst(entry: DatasetEntry, series: BarSeries, tf: Timeframe): void {
  const files = Object.values(entry.files);
  const first = files.map((f) => f.first).sort()[0];
  const last = files
    .map((f) => f.last)
    .sort()
    .at(-1);
  const got = { rows: series.length, first: series.length === 0 ? '' : fmt(tf, series, 0), last: '' };
  if (series.length > 0) got.last = fmt(tf, series, series.length - 1);
  if (got.rows !== entry.rows || got.first !== first || got.last !== last) {
    throw new DataError(
      'DATA_MANIFEST',
      `the bar store holds ${got.rows} ${entry.symbol} ${tf} bars (${got.first}..${got.last}), its manifest ${entry.rows} (${first}..${last})`,
      {
        hint: `push the dataset again from a workspace that holds it: momentic data push --symbols ${entry.symbol} --timeframe ${tf} --force`,
        context: { value: `${tf}/${entry.symbol}` },
      },
    );
  }
}

function fmt(tf: Timeframe, s: BarSeries, i: number): string {
  return formatTime(tf, s.ts[i] as number);
}

function differentBars(entry: DatasetEntry, stored: number, where: string): DataError {
  return new DataError(
    'DATA_INVALID',
    `the bar store ${where} holds other ${entry.symbol} ${entry.timeframe} bars than this workspace (${stored} bars after the push do not hash to the raw files' ${entry.rows}); raw data is immutable`,
    {
      hint: `rerun with --force to replace the store's ${entry.symbol} ${entry.timeframe} bars with this workspace's (or momentic data pull to take the store's)`,
      context: { value: `${entry.timeframe}/${entry.symbol}` },
    },
  );
}

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { DatabaseConnection, Driver, Kysely, SqliteDatabase } from 'kysely';
import { ConfigError, isMomenticError, VenueError } from '../core/errors.js';
import { redactUrl } from '../core/secrets.js';
import { ledgerFailure } from './ledger-errors.js';
import type { LedgerTables } from './tables.js';

/** Where the ledger lives: the workspace's SQLite file, or a PostgreSQL database. */
export type LedgerTarget =
  { readonly dialect: 'sqlite'; readonly file: string } | { readonly dialect: 'postgres'; readonly url: string };

/** `{home}/state/momentic.db`, the embedded default. */
export function defaultLedgerFile(home: string): string {
  return join(home, 'state', 'momentic.db');
}

/**
 * The target of a `database.url` (config key, or `MOMENTIC_DATABASE_URL`): empty for the SQLite
 * file in the workspace, a `postgres://` or `postgresql://` URL for PostgreSQL. A schema other
 * than `public` is chosen in the URL: `?options=-c%20search_path%3Dmomentic`.
 */
export function ledgerTarget(url: string, home: string): LedgerTarget {
  if (url === '') return { dialect: 'sqlite', file: defaultLedgerFile(home) };
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  throw new ConfigError('CONFIG_INVALID_VALUE', `database.url ${redactUrl(url)} is not a PostgreSQL URL`, {
    hint: 'set MOMENTIC_DATABASE_URL to postgres://user@host:5432/db, or leave it empty for the SQLite file state/momentic.db',
    context: { key: 'database.url', value: redactUrl(url) },
  });
}

/** How the target is shown in messages and output: the file, or the URL without its password. */
export function describeTarget(t: LedgerTarget): string {
  return t.dialect === 'sqlite' ? t.file : redactUrl(t.url);
}

/** PostgreSQL `bigint` (oid 20) arrives as text by default; epoch ms and counts fit a double exactly. */
const INT8_OID = 20;

/** How long a SQLite connection waits for another writer's lock before giving up. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * A new better-sqlite3 connection to the SQLite file (created with its folder when missing),
 * without the query builder: recording a backtest writes through it directly.
 */
export async function openSqliteDatabase(file: string): Promise<BetterSqlite3.Database> {
  const { default: Database } = await import('better-sqlite3');
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // WAL lets `runs ls` read while a run writes; FULL syncs each commit, so an order persisted
    // before it is sent survives a power cut as well as a process crash.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    return sqlite;
  } catch (e) {
    sqlite?.close();
    const known = ledgerFailure({ dialect: 'sqlite', file }, e);
    if (isMomenticError(known)) throw known;
    throw new VenueError('LEDGER_UNAVAILABLE', `cannot open the ledger ${file}: ${(e as Error).message}`, {
      hint: 'check that the state/ folder of the workspace is writable (momentic doctor), or set MOMENTIC_DATABASE_URL',
      context: { file },
      cause: e,
    });
  }
}

/** Prepared statements kept per connection: the query layer's SQL texts are few and repeat. */
const KEPT_STATEMENTS = 256;

/**
 * The connection as Kysely sees it, with each SQL text prepared once: Kysely prepares every query
 * anew, and preparing was a tenth of an API request's time (GET /api/positions, three queries).
 * A statement is used by one query at a time (Kysely runs one at a time on its one connection),
 * and SQLite prepares it again by itself after a schema change.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = kept.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        kept.set(sql, statement);
        if (kept.size > KEPT_STATEMENTS) kept.delete(kept.keys().next().value as string);
      }
      return statement;
    },
  };
}

/**
 * The query layer over a SQLite connection (Kysely is loaded on first use, not with this module).
 * Its transactions begin `IMMEDIATE`, taking the file's write lock first: a deferred one that
 * reads before it writes (booking a fill reads the order) cannot wait for another process's
 * write in WAL mode, SQLite refuses it at once with SQLITE_BUSY (or SQLITE_BUSY_SNAPSHOT), where
 * an immediate one waits up to the busy timeout like any single write.
 */
export async function sqliteKysely(sqlite: BetterSqlite3.Database): Promise<Kysely<LedgerTables>> {
  const { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } = await import('kysely');
  const database = withStatementCache(sqlite);
  class ImmediateDriver extends SqliteDriver {
    override async beginTransaction(connection: DatabaseConnection): Promise<void> {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    }
  }
  class ImmediateDialect extends SqliteDialect {
    override createDriver(): Driver {
      return new ImmediateDriver({ database });
    }
  }
  return new Kysely<LedgerTables>({ dialect: new ImmediateDialect({ database }) });
}

/** A new connection to the SQLite file, through the query layer. */
export async function openSqlite(file: string): Promise<Kysely<LedgerTables>> {
  return sqliteKysely(await openSqliteDatabase(file));
}

/** A pool of connections to PostgreSQL (nothing is connected until the first query). */
export async function openPostgres(url: string): Promise<Kysely<LedgerTables>> {
  const [{ default: pg }, { Kysely, PostgresDialect }] = await Promise.all([import('pg'), import('kysely')]);
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
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return new Kysely<LedgerTables>({ dialect: new PostgresDialect({ pool }) });
}

import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { DataError, VenueError } from '../core/errors.js';
import { isConnectionError } from './db-errors.js';
import { isCorruption } from './ledger-errors.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider, type LedgerDialect } from './migrations.js';
import type { LedgerTables } from './tables.js';

export interface MigrationReport {
  /** Migrations applied by this call, in order (empty when the schema was up to date). */
  readonly applied: readonly string[];
  /** The latest migration in the database after the call. */
  readonly version: string;
}

export function unavailable(location: string, e: unknown): VenueError {
  return new VenueError('LEDGER_UNAVAILABLE', `cannot reach the ledger at ${location}: ${(e as Error).message}`, {
    hint: 'start PostgreSQL or correct MOMENTIC_DATABASE_URL (momentic doctor checks it); unset it to use state/momentic.db',
    context: { value: location },
    retryable: true,
    cause: e,
  });
}

/**
 * Runs `f` inside `BEGIN IMMEDIATE` on the SQLite connection (Kysely's SQLite dialect has one):
 * a second process opening a fresh file waits for the first one's migration, then sees it done.
 */
async function underWriteLock(
  db: Kysely<LedgerTables>,
  f: () => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  await sql`begin immediate`.execute(db);
  let out: MigrationResultSet;
  try {
    out = await f();
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
  await sql.raw(out.error === undefined ? 'commit' : 'rollback').execute(db);
  return out;
}

async function currentSchema(db: Kysely<LedgerTables>, location: string): Promise<string> {
  const r = await sql<{ s: string | null }>`select current_schema() as s`.execute(db);
  const schema = r.rows[0]?.s ?? null;
  if (schema === null) {
    throw new DataError('LEDGER_SCHEMA', `the search_path of ${location} names no schema that exists`, {
      hint: 'create the schema (CREATE SCHEMA name) or fix options=-c search_path=... in MOMENTIC_DATABASE_URL',
      context: { value: location },
    });
  }
  return schema;
}

/**
 * Brings the schema to the latest version (Kysely's Migrator, migrations in code). Running it
 * again is a no-op; concurrent callers are serialised by the migrator's lock table.
 */
export async function migrateLedger(
  db: Kysely<LedgerTables>,
  dialect: LedgerDialect,
  location: string,
): Promise<MigrationReport> {
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    // A damaged file is not unreachable: the caller's ledgerFailure names it corrupt.
    if (isCorruption(e)) throw e;
    throw unavailable(location, e);
  }
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // On PostgreSQL the migrator looks for its tables in every schema unless told which: name the
    // one the tables are created in, so a ledger in another schema of the database is not mistaken for ours.
    ...(dialect === 'postgres' ? { migrationTableSchema: await currentSchema(db, location) } : {}),
    // Kysely's SQLite lock only guards its one connection; across processes the file's write
    // lock does (below), so the migrator must not open a transaction of its own inside it.
    ...(dialect === 'sqlite' ? { disableTransactions: true } : {}),
  });
  const { error, results } =
    dialect === 'sqlite'
      ? await underWriteLock(db, () => migrator.migrateToLatest())
      : await migrator.migrateToLatest();
  if (error !== undefined) {
    if (isCorruption(error)) throw error;
    if (isConnectionError(error)) throw unavailable(location, error);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DataError(
      'LEDGER_SCHEMA',
      `the ledger at ${location} cannot be migrated${failed === undefined ? '' : ` (${failed})`}: ${(error as Error).message}`,
      {
        hint: 'a ledger written by a newer momentic needs that version; otherwise restore the database from a backup',
        context: { value: location },
        cause: error,
      },
    );
  }
  const all = await migrator.getMigrations();
  const done = all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    version: done[done.length - 1] ?? '',
  };
}

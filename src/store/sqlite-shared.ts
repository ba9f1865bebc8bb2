import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { openSqlite, openSqliteDatabase, sqliteKysely } from './connect.js';
import type { MigrationReport } from './migrate.js';
import type { LedgerTables } from './tables.js';

/**
 * One SQLite connection per file and process, shared by every LedgerStore opened on it.
 * better-sqlite3 waits for a locked file synchronously, so two connections of one process would
 * block each other for the whole busy timeout; one shared connection is serialised by Kysely.
 * The first opener migrates the file on a connection of its own under `BEGIN IMMEDIATE`, which
 * other processes wait for.
 */
interface Opened {
  readonly db: Kysely<LedgerTables>;
  /** The connection under `db`, for bulk writes made while holding `db`'s connection. */
  readonly sqlite: BetterSqlite3.Database;
  readonly migration: MigrationReport;
}

interface Entry {
  refs: number;
  readonly ready: Promise<Opened>;
}

const shared = new Map<string, Entry>();

export interface SharedSqlite {
  readonly db: Kysely<LedgerTables>;
  readonly sqlite: BetterSqlite3.Database;
  readonly migration: MigrationReport;
  release(): Promise<void>;
}

/** Whether this process has the file open as a shared ledger connection. */
export function isSharedSqliteOpen(file: string): boolean {
  return shared.has(resolve(file));
}

async function migrateFile(file: string): Promise<MigrationReport> {
  const { migrateLedger } = await import('./migrate.js');
  const own = await openSqlite(file);
  try {
    return await migrateLedger(own, 'sqlite', file);
  } finally {
    await own.destroy();
  }
}

export async function acquireSqlite(file: string): Promise<SharedSqlite> {
  const key = resolve(file);
  let entry = shared.get(key);
  const first = entry === undefined;
  if (entry === undefined) {
    const created: Entry = {
      refs: 0,
      ready: (async () => {
        const migration = await migrateFile(key);
        const sqlite = await openSqliteDatabase(key);
        return { db: await sqliteKysely(sqlite), sqlite, migration };
      })(),
    };
    created.ready.catch(() => shared.delete(key));
    shared.set(key, created);
    entry = created;
  }
  entry.refs++;
  const e = entry;
  let opened: Opened;
  try {
    opened = await e.ready;
  } catch (err) {
    e.refs--;
    throw err;
  }
  let released = false;
  return {
    db: opened.db,
    sqlite: opened.sqlite,
    migration: first ? opened.migration : { applied: [], version: opened.migration.version },
    release: async () => {
      if (released) return;
      released = true;
      if (--e.refs > 0) return;
      shared.delete(key);
      await opened.db.destroy();
    },
  };
}

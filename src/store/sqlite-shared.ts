import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { openSqlite } from './connect.js';
import { migrateLedger, type MigrationReport } from './migrate.js';
import type { LedgerTables } from './tables.js';

/**
 * One SQLite connection per file and process, shared by every LedgerStore opened on it.
 * better-sqlite3 waits for a locked file synchronously, so two connections of one process would
 * block each other for the whole busy timeout; one shared connection is serialised by Kysely.
 * The first opener migrates the file on a connection of its own under `BEGIN IMMEDIATE`, which
 * other processes wait for.
 */
interface Entry {
  refs: number;
  readonly ready: Promise<{ db: Kysely<LedgerTables>; migration: MigrationReport }>;
}

const shared = new Map<string, Entry>();

export interface SharedSqlite {
  readonly db: Kysely<LedgerTables>;
  readonly migration: MigrationReport;
  release(): Promise<void>;
}

async function migrateFile(file: string): Promise<MigrationReport> {
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
        return { db: await openSqlite(key), migration };
      })(),
    };
    created.ready.catch(() => shared.delete(key));
    shared.set(key, created);
    entry = created;
  }
  entry.refs++;
  const e = entry;
  let opened: { db: Kysely<LedgerTables>; migration: MigrationReport };
  try {
    opened = await e.ready;
  } catch (err) {
    e.refs--;
    throw err;
  }
  let released = false;
  return {
    db: opened.db,
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

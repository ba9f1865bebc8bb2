import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerTarget } from './connect.js';
import { openSqliteDatabase } from './connect.js';
import { LATEST_MIGRATION, MIGRATION_TABLE } from './schema-version.js';
import { isSharedSqliteOpen } from './sqlite-shared.js';
import { writeRunSqlite } from './sqlite-recorder.js';
import type { RunRecording } from './types.js';

/** Whether the file's applied migrations end with the one this code writes rows for. */
function isCurrentSchema(db: BetterSqlite3.Database): boolean {
  const table = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
  if (table === undefined) return false;
  const last = db.prepare(`select max(name) as name from ${MIGRATION_TABLE}`).get() as { name: string | null };
  return last.name === LATEST_MIGRATION;
}

/**
 * Records a finished run (one transaction, all or nothing) at a ledger target, opening and
 * closing the ledger around it. On a SQLite file whose schema is already current and that this
 * process does not hold open, the rows go through prepared statements on a connection of their
 * own, without loading the query builder or running the migrator; anything else (a new file, an
 * older or newer schema, PostgreSQL) goes through `openLedger`, which migrates or refuses.
 */
export async function recordRunAt(target: LedgerTarget, rec: RunRecording): Promise<void> {
  if (target.dialect === 'sqlite' && existsSync(target.file) && !isSharedSqliteOpen(target.file)) {
    const db = await openSqliteDatabase(target.file);
    try {
      if (writeRunSqlite(db, rec, isCurrentSchema)) return;
    } finally {
      db.close();
    }
  }
  const { openLedger } = await import('./ledger.js');
  const ledger = await openLedger(target);
  try {
    await ledger.recordRun(rec);
  } finally {
    await ledger.close();
  }
}

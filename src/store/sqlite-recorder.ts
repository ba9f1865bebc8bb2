import type BetterSqlite3 from 'better-sqlite3';
import { isUniqueViolation } from './db-errors.js';
import { recordingRows, runConflict, type TableRows } from './record-rows.js';
import { LATEST_MIGRATION, MIGRATION_TABLE } from './schema-version.js';
import type { RunRecording } from './types.js';

/**
 * Bound parameters per statement: about 1,000 values (a few dozen orders, or ~200 transitions)
 * per call amortizes the per-call cost of better-sqlite3, while a statement of each size is
 * prepared once per table.
 */
const PARAMS_PER_STATEMENT = 1_000;

function insertText(t: TableRows, rows: number): string {
  const run = t.runId === undefined ? '' : '@run,';
  const one = `(${run}${t.columns.map(() => '?').join(',')})`;
  const columns = `${t.runId === undefined ? '' : 'run_id,'}${t.columns.join(',')}`;
  return `insert into ${t.table} (${columns}) values ${Array(rows).fill(one).join(',')}`;
}

/**
 * Prepared inserts by connection, table and rows per statement. A run handed to the ledger worker
 * in pieces inserts each table many times with the same statement sizes; preparing a statement
 * of 1,000 bound values costs about 1 ms (the orders table's checks and keys), which over the
 * pieces of a 15,000-order run would cost more than the pieces save. A long-lived connection (a
 * server's) sees many remainder sizes, so the cache starts over past `MAX_PREPARED` statements.
 */
const MAX_PREPARED = 64;
const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statement(db: BetterSqlite3.Database, t: TableRows, rows: number): BetterSqlite3.Statement {
  let byKey = prepared.get(db);
  if (byKey === undefined) prepared.set(db, (byKey = new Map()));
  const key = `${t.table} ${rows} ${t.runId === undefined ? 0 : 1}`;
  let s = byKey.get(key);
  if (s === undefined) {
    if (byKey.size >= MAX_PREPARED) byKey.clear();
    byKey.set(key, (s = db.prepare(insertText(t, rows))));
  }
  return s;
}

/** Inserts a table's rows with prepared multi-row statements (inside the caller's transaction). */
export function insertRows(db: BetterSqlite3.Database, t: TableRows): void {
  const width = t.columns.length;
  const total = t.values.length / width;
  if (total === 0) return;
  const named = t.runId === undefined ? [] : [{ run: t.runId }];
  const perStatement = Math.max(1, Math.min(total, Math.floor(PARAMS_PER_STATEMENT / width)));
  const full = statement(db, t, perStatement);
  let row = 0;
  for (; row + perStatement <= total; row += perStatement) {
    full.run(t.values.slice(row * width, (row + perStatement) * width), ...named);
  }
  if (row < total) statement(db, t, total - row).run(t.values.slice(row * width), ...named);
}

/** Whether the file's applied migrations end with the one this code writes rows for. */
export function isCurrentSchema(db: BetterSqlite3.Database): boolean {
  const table = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
  if (table === undefined) return false;
  const last = db.prepare(`select max(name) as name from ${MIGRATION_TABLE}`).get() as { name: string | null };
  return last.name === LATEST_MIGRATION;
}

/**
 * Writes a finished run on a SQLite connection with prepared statements, in one `BEGIN
 * IMMEDIATE` transaction (all or nothing; the file's write lock is taken before anything is
 * read). `isCurrent`, when given, is asked inside the transaction whether the file's schema is
 * the one this code writes; when it is not, nothing is written and the result is false.
 */
export function writeRunSqlite(
  db: BetterSqlite3.Database,
  rec: RunRecording,
  isCurrent?: (db: BetterSqlite3.Database) => boolean,
): boolean {
  const tables = recordingRows(rec);
  try {
    return db
      .transaction(() => {
        if (isCurrent !== undefined && !isCurrent(db)) return false;
        for (const t of tables) insertRows(db, t);
        return true;
      })
      .immediate();
  } catch (e) {
    if (isUniqueViolation(e)) throw runConflict(rec.run.id);
    throw e;
  }
}

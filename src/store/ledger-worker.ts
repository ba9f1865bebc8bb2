/**
 * A worker thread that records a finished backtest on the SQLite file while the main thread
 * writes the results files (record-run.ts, `prepareRecordingAt`). Started while the run is still
 * going, it opens the file and waits. When the run's rows arrive it takes the file's write lock
 * (`BEGIN IMMEDIATE`), checks the schema is current, inserts the orders, transitions, fills,
 * positions and equity, and reports `ready`; it commits only when the main thread sends the
 * run's own row, after the results folder is complete, so the ledger never lists a run whose
 * files are not all there. An abort, a failure or the process ending before then rolls back.
 * Foreign keys are checked at the commit (the run row comes last).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteDatabase } from './connect.js';
import type { TableRows } from './record-rows.js';
import { insertRows, isCurrentSchema } from './sqlite-recorder.js';

export interface LedgerWorkerData {
  readonly file: string;
}

/** Worker to main thread. */
export type LedgerWorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'committed' }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string };

/** Main thread to worker: the run's rows, then its own row to add and commit; or an abort. */
export type LedgerWorkerCommand =
  | { readonly kind: 'rows'; readonly tables: readonly TableRows[] }
  | { readonly kind: 'commit'; readonly run: TableRows }
  | { readonly kind: 'abort' };

const port = parentPort;

function failure(e: unknown): LedgerWorkerReply {
  const code = (e as { code?: unknown } | null)?.code;
  return { kind: 'failed', message: (e as Error).message, ...(typeof code === 'string' ? { code } : {}) };
}

function rollback(db: BetterSqlite3.Database): void {
  if (db.inTransaction) db.exec('rollback');
}

/** The next command from the main thread (messages wait in the port until a listener is set). */
const command = (p: MessagePort): Promise<LedgerWorkerCommand> => new Promise((resolve) => p.once('message', resolve));

async function main(): Promise<void> {
  if (port === null) return;
  const { file } = workerData as LedgerWorkerData;
  let db: BetterSqlite3.Database;
  try {
    db = await openSqliteDatabase(file);
  } catch (e) {
    port.postMessage(failure(e));
    port.close();
    return;
  }
  const done = (reply: LedgerWorkerReply): void => {
    rollback(db);
    db.close();
    port.postMessage(reply);
    port.close();
  };
  const rows = await command(port);
  if (rows.kind !== 'rows') return done({ kind: 'failed', message: 'aborted' });
  try {
    db.exec('begin immediate');
    if (!isCurrentSchema(db)) return done({ kind: 'stale' });
    db.pragma('defer_foreign_keys = on');
    for (const t of rows.tables) insertRows(db, t);
  } catch (e) {
    return done(failure(e));
  }
  port.postMessage({ kind: 'ready' });
  const last = await command(port);
  if (last.kind !== 'commit') return done({ kind: 'failed', message: 'aborted' });
  try {
    insertRows(db, last.run);
    db.exec('commit');
    done({ kind: 'committed' });
  } catch (e) {
    done(failure(e));
  }
}

await main();

/**
 * A worker thread that records a finished backtest on the SQLite file while the main thread
 * writes the results files (record-run.ts, `prepareRecordingAt`). Started while the run is still
 * going, it opens the file and waits. When the first piece of the run's rows arrives it takes the
 * file's write lock (`BEGIN IMMEDIATE`) and checks the schema is current; it inserts each piece
 * of orders, transitions, fills, positions and equity as it comes, while the main thread builds
 * the next. It commits only when the main thread sends the run's own row, after the results
 * folder is complete, so the ledger never lists a run whose files are not all there, and replies
 * once: `committed`, `stale` or `failed`. An abort, a failure or the process ending before then
 * rolls back. Foreign keys are checked at the commit (the run row comes last).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { isMomenticError } from '../core/errors.js';
import { openSqliteDatabase } from './connect.js';
import type { TableRows } from './record-rows.js';
import { insertRows, isCurrentSchema } from './sqlite-recorder.js';

export interface LedgerWorkerData {
  readonly file: string;
}

/** Worker to main thread. */
export type LedgerWorkerReply =
  | { readonly kind: 'stale' }
  | { readonly kind: 'committed' }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string };

/** Main thread to worker: the run's rows in pieces, then its own row to add and commit; or an abort. */
export type LedgerWorkerCommand =
  | { readonly kind: 'rows'; readonly tables: readonly TableRows[] }
  | { readonly kind: 'commit'; readonly run: TableRows }
  | { readonly kind: 'abort' };

/** The driver's own failure (its code says what happened), not the wrapper opening the file put around it. */
function failure(e: unknown): LedgerWorkerReply {
  const raw = isMomenticError(e) && e.cause !== undefined ? e.cause : e;
  const code = (raw as { code?: unknown } | null)?.code;
  return { kind: 'failed', message: (raw as Error).message, ...(typeof code === 'string' ? { code } : {}) };
}

function rollback(db: BetterSqlite3.Database): void {
  if (db.inTransaction) db.exec('rollback');
}

async function serve(port: MessagePort): Promise<void> {
  const { file } = workerData as LedgerWorkerData;
  let db: BetterSqlite3.Database;
  try {
    db = await openSqliteDatabase(file);
  } catch (e) {
    port.postMessage(failure(e));
    port.close();
    return;
  }
  let state: 'waiting' | 'writing' | 'done' = 'waiting';
  const done = (reply: LedgerWorkerReply): void => {
    state = 'done';
    rollback(db);
    db.close();
    port.postMessage(reply);
    port.close();
  };
  // Commands that arrived while the file was being opened wait in the port until this listener.
  port.on('message', (c: LedgerWorkerCommand) => {
    if (state === 'done') return;
    if (c.kind === 'abort') return done({ kind: 'failed', message: 'aborted' });
    try {
      if (state === 'waiting') {
        db.exec('begin immediate');
        if (!isCurrentSchema(db)) return done({ kind: 'stale' });
        db.pragma('defer_foreign_keys = on');
        state = 'writing';
      }
      if (c.kind === 'rows') {
        for (const t of c.tables) insertRows(db, t);
        return undefined;
      }
      insertRows(db, c.run);
      db.exec('commit');
      return done({ kind: 'committed' });
    } catch (e) {
      return done(failure(e));
    }
  });
}

if (parentPort !== null) await serve(parentPort);

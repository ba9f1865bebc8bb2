/**
 * A worker thread that records a backtest on the SQLite file while the run goes on and its
 * results files are written (record-run.ts, `prepareRecordingAt`). Started before the engine runs,
 * it opens the file and waits. When the first piece of the run's rows arrives it tries to take the
 * file's write lock (`BEGIN IMMEDIATE`, without waiting) and checks the schema is current; it
 * inserts each piece of orders, transitions, fills, positions and equity as it comes. It commits
 * only when the main thread sends the run's own row, after the results folder is complete, so the
 * ledger never lists a run whose files are not all there, and replies once: `committed`, `stale`
 * or `failed`. An abort, a failure or the process ending before then rolls back. This connection
 * does not check foreign keys: the rows come from one run, built by ContentRows, which refuses a
 * fill of an order the run does not list, and the run's own row is inserted in the same
 * transaction as its orders. Other writers of the file are not kept waiting
 * by a long run: when another writer has the lock, or the run goes on past the hold time, the
 * pieces wait in memory and are inserted at the commit.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { isMomenticError } from '../core/errors.js';
import { BUSY_TIMEOUT_MS, openSqliteDatabase } from './connect.js';
import type { TableRows } from './record-rows.js';
import { insertRows, isCurrentSchema } from './sqlite-recorder.js';

export interface LedgerWorkerData {
  readonly file: string;
  /** How long the write lock may be held while the run goes on (default HOLD_WHILE_RUNNING_MS). */
  readonly holdMs?: number;
}

/** Worker to main thread. */
export type LedgerWorkerReply =
  | { readonly kind: 'stale' }
  | { readonly kind: 'committed' }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string };

/**
 * Main thread to worker: the run's rows in pieces (`last` once the run has ended), then its own
 * row to add and commit; or an abort.
 */
export type LedgerWorkerCommand =
  | { readonly kind: 'rows'; readonly tables: readonly TableRows[]; readonly last?: boolean }
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

/**
 * How long the worker may hold the file's write lock while the run is still going. A backtest
 * hands its rows on as it runs, and the lock is taken with the first piece; other writers of the
 * same file (a paper node journaling its orders, another backtest) wait for it, up to their busy
 * timeout. A run longer than this gives the lock back (rolling back what it inserted) and keeps
 * its pieces in memory until the commit instead.
 */
const HOLD_WHILE_RUNNING_MS = 2_000;

/** The worker connection's page cache, in KiB. */
const CACHE_KIB = 32 * 1024;

async function serve(port: MessagePort): Promise<void> {
  const { file, holdMs = HOLD_WHILE_RUNNING_MS } = workerData as LedgerWorkerData;
  let db: BetterSqlite3.Database;
  try {
    db = await openSqliteDatabase(file);
  } catch (e) {
    port.postMessage(failure(e));
    port.close();
    return;
  }
  // A long backtest's transaction touches ~3,000 pages of indexes keyed by client order id, in
  // random order; SQLite's default cache (2 MiB, ~500 pages) kept re-reading them: a 15,000-order
  // run inserted ~12% faster with room for all of them. The memory is the worker's, and freed with it.
  db.pragma(`cache_size = -${CACHE_KIB}`);
  // Asking the orders index for each transition's and fill's order cost about a seventh of this
  // thread's work on a 15,000-order run (60,000 lookups by client order id); the rows are checked where
  // they are built instead (see the module comment). Other connections keep checking.
  db.pragma('foreign_keys = OFF');
  // waiting: no piece yet; writing: inside the transaction; buffering: pieces kept for the commit.
  let state: 'waiting' | 'writing' | 'buffering' | 'done' = 'waiting';
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  const pieces: (readonly TableRows[])[] = [];
  const done = (reply: LedgerWorkerReply): void => {
    clearTimeout(holdTimer);
    state = 'done';
    rollback(db);
    db.close();
    port.postMessage(reply);
    port.close();
  };
  /** Takes the write lock (without waiting when `wait` is false); false when another writer has it. */
  const begin = (wait: boolean): boolean | 'stale' => {
    if (!wait) db.pragma('busy_timeout = 0');
    try {
      db.exec('begin immediate');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_BUSY' && !wait) return false;
      throw e;
    } finally {
      if (!wait) db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    if (!isCurrentSchema(db)) return 'stale';
    return true;
  };
  /** Gives the lock back while the run goes on; its pieces wait in memory for the commit. */
  const giveBack = (): void => {
    if (state !== 'writing') return;
    rollback(db);
    state = 'buffering';
  };
  // Commands that arrived while the file was being opened wait in the port until this listener.
  port.on('message', (c: LedgerWorkerCommand) => {
    if (state === 'done') return;
    if (c.kind === 'abort') return done({ kind: 'failed', message: 'aborted' });
    try {
      if (c.kind === 'rows') {
        pieces.push(c.tables);
        // The run has ended: the lock is now held until the commit, as long as the files take.
        if (c.last === true) clearTimeout(holdTimer);
        if (state === 'waiting') {
          const got = begin(false);
          if (got === 'stale') return done({ kind: 'stale' });
          state = got ? 'writing' : 'buffering';
          if (state === 'writing' && c.last !== true) holdTimer = setTimeout(giveBack, holdMs);
        }
        if (state === 'writing') for (const t of c.tables) insertRows(db, t);
        return undefined;
      }
      if (state !== 'writing') {
        const got = begin(true);
        if (got === 'stale') return done({ kind: 'stale' });
        for (const piece of pieces) for (const t of piece) insertRows(db, t);
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

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerTarget } from './connect.js';
import { openSqliteDatabase } from './connect.js';
import type { LedgerWorkerCommand, LedgerWorkerData, LedgerWorkerReply } from './ledger-worker.js';
import { runConflict, runContentRows, runRow } from './record-rows.js';
import { isSharedSqliteOpen } from './sqlite-shared.js';
import { isCurrentSchema, writeRunSqlite } from './sqlite-recorder.js';
import type { RunRecording } from './types.js';

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

/** A recording under way: its rows are being written, the run's own row is still to come. */
export interface PendingRecording {
  /** Whether a worker thread is writing the rows now (otherwise `finish` writes them all). */
  readonly isOverlapped: boolean;
  /** Adds the run's row and commits; rejects as `recordRunAt` would. */
  finish(run: RunRecording['run']): Promise<void>;
  /** Drops everything written so far (the run will not be recorded). */
  abandon(): void;
}

/** The compiled worker beside this module (absent when running from the TypeScript sources). */
const WORKER = new URL('./ledger-worker.js', import.meta.url);

function workerError(reply: Extract<LedgerWorkerReply, { kind: 'failed' }>, runId: string): Error {
  if (reply.code === 'SQLITE_CONSTRAINT_UNIQUE' || reply.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return runConflict(runId);
  return Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code });
}

/**
 * Starts recording a finished run whose own row (metrics, end time) is not known yet, so that
 * the bulk of the writing overlaps other work (the results files). On a SQLite file with a
 * current schema not held open by this process, a worker thread inserts the rows at once inside
 * a transaction that `finish` completes and commits; elsewhere `finish` records everything then,
 * through `recordRunAt`. Either way nothing is committed before `finish`. `workerUrl` is for
 * tests that run the compiled worker from the TypeScript sources.
 */
export function startRecordingAt(
  target: LedgerTarget,
  runId: string,
  content: Omit<RunRecording, 'run'>,
  options: { readonly workerUrl?: URL } = {},
): PendingRecording {
  const url = options.workerUrl ?? WORKER;
  const later: PendingRecording = {
    isOverlapped: false,
    finish: (run) => recordRunAt(target, { ...content, run }),
    abandon: () => undefined,
  };
  if (target.dialect !== 'sqlite' || !existsSync(target.file) || isSharedSqliteOpen(target.file)) return later;
  if (!existsSync(fileURLToPath(url))) return later;
  // Bad content (a reused order id, a time that is not whole ms) is refused here, before any work.
  const tables = runContentRows(runId, content);
  const data: LedgerWorkerData = { file: target.file, tables };
  const worker = new Worker(url, { workerData: data });
  const replies: LedgerWorkerReply[] = [];
  let wake: (() => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ledger worker stopped (exit code ${code})`)));
  });
  failed.catch(() => undefined);
  worker.on('message', (m: LedgerWorkerReply) => {
    replies.push(m);
    wake?.();
  });
  const next = async (): Promise<LedgerWorkerReply> => {
    while (replies.length === 0) await Promise.race([new Promise<void>((r) => (wake = r)), failed]);
    return replies.shift()!;
  };
  const send = (command: LedgerWorkerCommand): void => worker.postMessage(command);
  return {
    isOverlapped: true,
    async finish(run) {
      try {
        const row = runRow(run);
        const first = await next();
        if (first.kind === 'stale') return await recordRunAt(target, { ...content, run });
        if (first.kind === 'failed') throw workerError(first, runId);
        send({ kind: 'commit', run: row });
        const last = await next();
        if (last.kind === 'failed') throw workerError(last, runId);
      } finally {
        await worker.terminate();
      }
    },
    abandon() {
      send({ kind: 'abort' });
      void worker.terminate();
    },
  };
}

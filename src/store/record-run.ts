import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerTarget } from './connect.js';
import { openSqliteDatabase } from './connect.js';
import type { LedgerWorkerCommand, LedgerWorkerData, LedgerWorkerReply } from './ledger-worker.js';
import { guarded, ledgerFailure } from './ledger-errors.js';
import { ContentRows, runConflict, runRow } from './record-rows.js';
import { isSharedSqliteOpen } from './sqlite-shared.js';
import { isCurrentSchema, writeRunSqlite } from './sqlite-recorder.js';
import type { RunRecording } from './types.js';
import { bundleEntryUrl, IS_BUNDLED } from '../core/package-files.js';

/**
 * Records a finished run (one transaction, all or nothing) at a ledger target, opening and
 * closing the ledger around it. On a SQLite file whose schema is already current and that this
 * process does not hold open, the rows go through prepared statements on a connection of their
 * own, without loading the query builder or running the migrator; anything else (a new file, an
 * older or newer schema, PostgreSQL) goes through `openLedger`, which migrates or refuses.
 */
export async function recordRunAt(target: LedgerTarget, rec: RunRecording): Promise<void> {
  return guarded(target, () => recordRunUnguarded(target, rec));
}

async function recordRunUnguarded(target: LedgerTarget, rec: RunRecording): Promise<void> {
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

/**
 * Orders (or fills) per piece of rows handed to the worker: small enough that it starts
 * inserting within a few ms of the run's end, large enough that the messages cost little
 * (a 15,000-order run is about 60 pieces).
 */
const ROWS_PER_PIECE = 500;

/**
 * The compiled worker: the bundle's own entry when running from it, else the one beside this
 * module (absent when running from the TypeScript sources).
 */
const WORKER = IS_BUNDLED ? bundleEntryUrl('ledger-worker') : new URL('./ledger-worker.js', import.meta.url);

function workerError(
  target: LedgerTarget,
  reply: Extract<LedgerWorkerReply, { kind: 'failed' }>,
  runId: string,
): unknown {
  if (reply.code === 'SQLITE_CONSTRAINT_UNIQUE' || reply.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return runConflict(runId);
  return ledgerFailure(
    target,
    Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code }),
  );
}

/**
 * A recording fed while the run goes on: its ended orders (with their transitions) and its fills
 * are added as they become known, each in the run's order, then `finish` adds the run's row.
 */
export interface StreamingRecording extends PendingRecording {
  /** Adds orders in their final state and fills; throws on bad content (nothing is then recorded). */
  add(orders: RunRecording['orders'], fills: RunRecording['fills']): void;
}

/** Where a run will be recorded, made ready before the run ends (`prepareRecordingAt`). */
export interface RecordingSlot {
  /** Starts recording the run's orders, transitions and fills (see `startRecordingAt`). */
  start(runId: string, content: Omit<RunRecording, 'run'>): PendingRecording;
  /** Starts a recording that is fed orders and fills while the run goes on. */
  begin(runId: string, equity?: RunRecording['equity']): StreamingRecording;
  /** Gives the slot up when no run will be recorded in it (the run failed). */
  close(): void;
}

/**
 * Makes a ledger target ready to record a run that has not ended yet. On a SQLite file with a
 * current schema not held open by this process, a worker thread is started now, so that its
 * start-up (a new V8 isolate, the SQLite driver, opening the file: about as long as the engine
 * takes for a 100,000-bar daily run) is over when the run ends; an idle worker never keeps the
 * process alive. Elsewhere nothing happens until `finish`. `workerUrl` is for tests that run the
 * compiled worker from the TypeScript sources.
 */
export function prepareRecordingAt(
  target: LedgerTarget,
  options: { readonly workerUrl?: URL; readonly holdMs?: number } = {},
): RecordingSlot {
  const url = options.workerUrl ?? WORKER;
  const later: RecordingSlot = {
    start: (runId, content) => startFrom(later, runId, content),
    begin(_runId, equity) {
      const content = { orders: [] as RunRecording['orders'][number][], fills: [] as RunRecording['fills'][number][] };
      return {
        isOverlapped: false,
        add(orders, fills) {
          for (const o of orders) content.orders.push(o);
          for (const f of fills) content.fills.push(f);
        },
        finish: (run) => recordRunAt(target, { ...content, ...(equity === undefined ? {} : { equity }), run }),
        abandon: () => undefined,
      };
    },
    close: () => undefined,
  };
  if (target.dialect !== 'sqlite' || !existsSync(target.file) || isSharedSqliteOpen(target.file)) return later;
  if (!existsSync(fileURLToPath(url))) return later;
  const data: LedgerWorkerData = {
    file: target.file,
    ...(options.holdMs === undefined ? {} : { holdMs: options.holdMs }),
  };
  const worker = new Worker(url, { workerData: data });
  worker.unref();
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
  const slot: RecordingSlot = {
    start: (runId, content) => startFrom(slot, runId, content),
    begin(runId, equity) {
      worker.ref();
      // Pieces go to the worker as soon as they are full, so it inserts the first orders while
      // the run (or the rest of the rows) is still being built. Bad content (a reused order id,
      // a time that is not whole ms) throws, and the worker rolls back whatever it had.
      const rows = new ContentRows(runId, ROWS_PER_PIECE);
      const content = { orders: [] as RunRecording['orders'][number][], fills: [] as RunRecording['fills'][number][] };
      const abandon = (): void => {
        send({ kind: 'abort' });
        void worker.terminate();
      };
      return {
        isOverlapped: true,
        add(orders, fills) {
          try {
            for (const o of orders) {
              content.orders.push(o);
              const piece = rows.addOrder(o.order, o.events);
              if (piece !== undefined) send({ kind: 'rows', tables: piece });
            }
            for (const f of fills) {
              content.fills.push(f);
              const piece = rows.addFill(f);
              if (piece !== undefined) send({ kind: 'rows', tables: piece });
            }
          } catch (e) {
            abandon();
            throw e;
          }
        },
        async finish(run) {
          try {
            send({ kind: 'rows', tables: rows.finish(equity), last: true });
            send({ kind: 'commit', run: runRow(run) });
            const reply = await next();
            if (reply.kind === 'stale') {
              return await recordRunAt(target, { ...content, ...(equity === undefined ? {} : { equity }), run });
            }
            if (reply.kind === 'failed') throw workerError(target, reply, runId);
          } finally {
            await worker.terminate();
          }
        },
        abandon,
      };
    },
    close() {
      void worker.terminate();
    },
  };
  return slot;
}

/** `start` as `begin` with the whole content added at once. */
function startFrom(slot: RecordingSlot, runId: string, content: Omit<RunRecording, 'run'>): PendingRecording {
  const recording = slot.begin(runId, content.equity);
  recording.add(content.orders, content.fills);
  return recording;
}

/**
 * Starts recording a finished run whose own row (metrics, end time) is not known yet, so that
 * the bulk of the writing overlaps other work (the results files). On a SQLite file with a
 * current schema not held open by this process, a worker thread inserts the rows at once inside
 * a transaction that `finish` completes and commits; elsewhere `finish` records everything then,
 * through `recordRunAt`. Either way nothing is committed before `finish`.
 */
export function startRecordingAt(
  target: LedgerTarget,
  runId: string,
  content: Omit<RunRecording, 'run'>,
  options: { readonly workerUrl?: URL } = {},
): PendingRecording {
  return prepareRecordingAt(target, options).start(runId, content);
}

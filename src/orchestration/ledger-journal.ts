/**
 * The engine's `Ledger` port over the durable ledger (src/store): the OrderManager's synchronous
 * calls are queued and written in the order they were made, so an order's row exists before its
 * transitions and fills. Calls are written together in one transaction (`writeJournal`: one
 * commit, so one sync to disk, for all of them): those made while a write is under way, those of
 * one pass over the events at hand (a bar's orders), and those no order waits for until they
 * pause (COMMIT_QUIET_MS, COMMIT_DELAY_MS at most). `drained` waits for the queue and reports the first write that failed (the
 * session then ends: trading on without a journal is not allowed).
 */
import type { OrderStatus } from '../core/enums.js';
import { toMomenticError, type MomenticError } from '../core/errors.js';
import type { Fill, OrderRequest } from '../core/order.js';
import type { Ledger } from '../engine/ports.js';
import type { RiskEvent } from '../risk/risk-manager.js';
import type { LedgerStore } from '../store/ledger.js';
import type { JournalEntry } from '../store/types.js';

/**
 * Entries that no order waits for (acknowledgements, fills, transitions, risk events) gather
 * until none came for COMMIT_QUIET_MS, or for COMMIT_DELAY_MS at most, before they are
 * committed: a burst of them (a bar's orders answered and filled) then costs a sync to disk or
 * two rather than one per event, and the sends still going out are not held up by them. An order
 * persisted joins the batch and has it written at once.
 */
export const COMMIT_QUIET_MS = 5;
export const COMMIT_DELAY_MS = 50;

/** Entries written in one transaction, and when they are durable. */
interface Batch {
  readonly entries: JournalEntry[];
  readonly done: Promise<void>;
  resolve(): void;
  /** The pending commit delay's timer, until the batch is due. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the batch opened and when its last entry came (epoch ms). */
  readonly openedAt: number;
  lastAt: number;
}

function newBatch(): Batch {
  let resolve = (): void => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const now = Date.now();
  return { entries: [], done, resolve, timer: undefined, openedAt: now, lastAt: now };
}

export class LedgerJournal implements Ledger {
  readonly #store: LedgerStore;
  readonly #runId: string;
  #error: MomenticError | undefined;
  /** Entries not yet being written: they go in the next transaction. */
  #open: Batch | undefined;
  /** The batch being written. */
  #writing: Batch | undefined;
  #isClosed = false;
  /** The audit entries written so far (the check before the open), in order. */
  #audits: Promise<void> = Promise.resolve();
  /** Told once of the first failed write. */
  onError: ((e: MomenticError) => void) | undefined;

  constructor(store: LedgerStore, runId: string) {
    this.#store = store;
    this.#runId = runId;
  }

  /** The first write that failed, if any. */
  get error(): MomenticError | undefined {
    return this.#error;
  }

  persist(order: OrderRequest, ts: number): void {
    this.#queue({ kind: 'persist', order, ts });
  }

  markSent(clientOrderId: string, ts: number): void {
    this.#queue({ kind: 'sent', clientOrderId, ts });
  }

  transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void {
    this.#queue({
      kind: 'transition',
      clientOrderId,
      change: { status, ts, ...(reason === undefined ? {} : { reason }) },
    });
  }

  fill(f: Fill): void {
    this.#queue({
      kind: 'fill',
      fill: {
        clientOrderId: f.clientOrderId,
        symbol: f.symbol,
        side: f.side,
        qty: f.qty,
        price: f.price,
        fee: f.fee,
        ts: f.ts,
        ...(f.liquidity === undefined ? {} : { liquidity: f.liquidity }),
        ...(f.cumQty === undefined ? {} : { cumQty: f.cumQty }),
      },
    });
  }

  /** A risk denial or kill-switch transition of the session. */
  riskEvent(e: RiskEvent): void {
    if (e.kind === 'corporate_action') {
      this.#auditOpen(e);
      return;
    }
    this.#queue({
      kind: 'risk',
      event: {
        runId: this.#runId,
        ts: e.ts,
        kind: e.kind === 'denied' ? 'denial' : 'kill_switch',
        reason: e.reason,
        ...(e.check === undefined ? {} : { check: e.check }),
        ...(e.symbol === undefined ? {} : { symbol: e.symbol }),
        ...(e.clientOrderId === undefined ? {} : { clientOrderId: e.clientOrderId }),
      },
    });
  }

  /**
   * Takes no more calls: the session ended. Writes queued before it still complete; anything the
   * venue reports afterwards is left to reconciliation (which books a broker's executions once,
   * by execution id).
   */
  close(): void {
    this.#isClosed = true;
  }

  /** Resolves once every call so far is written; rejects with the first failure. */
  async drained(): Promise<void> {
    await this.#audits;
    const last = this.#open ?? this.#writing;
    if (last !== undefined) await last.done;
    if (this.#error !== undefined) throw this.#error;
  }

  /**
   * What the check before the open did (a split applied, a symbol halted) is neither a denial nor
   * a kill-switch transition: it goes to the audit log, with the session as its actor.
   */
  #auditOpen(e: RiskEvent): void {
    if (this.#error !== undefined || this.#isClosed) return;
    const entry = {
      ts: e.ts,
      actor: 'session',
      action: 'corporate_action',
      subject: e.symbol ?? this.#runId,
      detail: { run_id: this.#runId, reason: e.reason },
    };
    this.#audits = this.#audits.then(() =>
      this.#store.audit(entry).catch((err: unknown) => {
        this.#error ??= toMomenticError(err);
        this.onError?.(this.#error);
      }),
    );
  }

  #queue(entry: JournalEntry): void {
    if (this.#error !== undefined || this.#isClosed) return;
    let batch = this.#open;
    if (batch === undefined) {
      batch = this.#open = newBatch();
      // After the write under way, if any; else once the events at hand are handled (a bar's
      // orders, the answers read from the sockets at once join), or after the commit delay.
      if (this.#writing === undefined) {
        const b = batch;
        if (entry.kind === 'persist') setImmediate(() => void this.#drain());
        else b.timer = setTimeout(() => this.#whenQuiet(b), COMMIT_QUIET_MS);
      }
    } else if (entry.kind === 'persist' && batch.timer !== undefined) {
      // An order waits for this batch to be durable before it is sent: no delay.
      clearTimeout(batch.timer);
      batch.timer = undefined;
      setImmediate(() => void this.#drain());
    }
    batch.entries.push(entry);
    if (batch.timer !== undefined) batch.lastAt = Date.now();
  }

  /** Writes the batch once no entry came for the quiet time, or it is as old as the delay. */
  #whenQuiet(batch: Batch): void {
    if (batch.timer === undefined) return;
    const now = Date.now();
    const due = Math.min(batch.lastAt + COMMIT_QUIET_MS, batch.openedAt + COMMIT_DELAY_MS);
    if (now < due) batch.timer = setTimeout(() => this.#whenQuiet(batch), due - now);
    else void this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#open !== undefined && this.#writing === undefined) {
      const batch = this.#open;
      clearTimeout(batch.timer);
      batch.timer = undefined;
      this.#open = undefined;
      this.#writing = batch;
      if (this.#error === undefined) {
        try {
          await this.#store.writeJournal(this.#runId, batch.entries);
        } catch (e) {
          this.#error = toMomenticError(e);
          this.onError?.(this.#error);
        }
      }
      this.#writing = undefined;
      batch.resolve();
    }
  }
}

/**
 * The engine's `Ledger` port over the durable ledger (src/store): the OrderManager's synchronous
 * calls are queued and written one after another, in the order they were made, so an order's
 * row exists before its transitions and fills. `drained` waits for the queue and reports the
 * first write that failed (the session then ends: trading on without a journal is not allowed).
 */
import type { OrderStatus } from '../core/enums.js';
import { toMomenticError, type MomenticError } from '../core/errors.js';
import type { Fill, OrderRequest } from '../core/order.js';
import type { Ledger } from '../engine/ports.js';
import type { RiskEvent } from '../risk/risk-manager.js';
import type { LedgerStore } from '../store/ledger.js';

export class LedgerJournal implements Ledger {
  readonly #store: LedgerStore;
  readonly #runId: string;
  #chain: Promise<void> = Promise.resolve();
  #error: MomenticError | undefined;
  /** Orders persisted since the last other write, not yet being written: later ones join them. */
  #openBatch: { order: OrderRequest; ts: number }[] | undefined;
  #isClosed = false;
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
    // Orders persisted one after another (a bar's orders) share one transaction, so one sync to
    // disk, as long as their write has not started and nothing else was journaled in between.
    const open = this.#openBatch;
    if (open !== undefined) {
      open.push({ order, ts });
      return;
    }
    const batch = [{ order, ts }];
    this.#queue(() => {
      if (this.#openBatch === batch) this.#openBatch = undefined;
      return batch.length === 1
        ? this.#store.persistOrder(this.#runId, order, ts)
        : this.#store.persistOrders(this.#runId, batch);
    });
    if (this.#error === undefined) this.#openBatch = batch;
  }

  markSent(clientOrderId: string, ts: number): void {
    this.#queue(() => this.#store.markSent(this.#runId, clientOrderId, ts));
  }

  transition(clientOrderId: string, status: OrderStatus, ts: number, reason?: string): void {
    this.#queue(() =>
      this.#store.transitionOrder(this.#runId, clientOrderId, {
        status,
        ts,
        ...(reason === undefined ? {} : { reason }),
      }),
    );
  }

  fill(f: Fill): void {
    this.#queue(() =>
      this.#store.recordFill(this.#runId, {
        clientOrderId: f.clientOrderId,
        symbol: f.symbol,
        side: f.side,
        qty: f.qty,
        price: f.price,
        fee: f.fee,
        ts: f.ts,
        ...(f.liquidity === undefined ? {} : { liquidity: f.liquidity }),
      }),
    );
  }

  /** A risk denial or kill-switch transition of the session. */
  riskEvent(e: RiskEvent): void {
    this.#queue(() =>
      this.#store.recordRiskEvent({
        runId: this.#runId,
        ts: e.ts,
        kind: e.kind === 'denied' ? 'denial' : 'kill_switch',
        reason: e.reason,
        ...(e.check === undefined ? {} : { check: e.check }),
        ...(e.symbol === undefined ? {} : { symbol: e.symbol }),
        ...(e.clientOrderId === undefined ? {} : { clientOrderId: e.clientOrderId }),
      }),
    );
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
    await this.#chain;
    if (this.#error !== undefined) throw this.#error;
  }

  #queue(write: () => Promise<unknown>): void {
    if (this.#error !== undefined || this.#isClosed) return;
    // Anything journaled after a batch of orders is written after it: the batch is closed.
    this.#openBatch = undefined;
    this.#chain = this.#chain.then(async () => {
      if (this.#error !== undefined) return;
      try {
        await write();
      } catch (e) {
        this.#error = toMomenticError(e);
        this.onError?.(this.#error);
      }
    });
  }
}

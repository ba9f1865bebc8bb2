/**
 * The Ledger port over the durable ledger: the OrderManager's synchronous calls are written in
 * the order they were made, several in one transaction (those of one pass, those made while a
 * write is under way, those no order waits for until they pause), and the first failure is
 * reported once and stops every later write.
 */
import { describe, expect, it, vi } from 'vitest';
import { VenueError } from '../../src/core/errors.js';
import type { OrderRequest } from '../../src/core/order.js';
import { COMMIT_DELAY_MS, COMMIT_QUIET_MS, LedgerJournal } from '../../src/orchestration/ledger-journal.js';
import type { LedgerStore } from '../../src/store/ledger.js';
import type { JournalEntry } from '../../src/store/types.js';

const order = { clientOrderId: 'c-1', symbol: 'AAA', side: 'buy', type: 'market', qty: 1, tif: 'day' } as OrderRequest;

const label = (e: JournalEntry): string => {
  switch (e.kind) {
    case 'persist':
      return `persist ${e.order.clientOrderId}`;
    case 'sent':
      return `sent ${e.clientOrderId}`;
    case 'transition':
      return `${e.change.status} ${e.clientOrderId}`;
    case 'fill':
      return `fill ${e.fill.clientOrderId}`;
    case 'risk':
      return `risk ${e.event.kind}`;
  }
};

/**
 * A store whose transactions take longer the earlier they were asked (so an unordered queue would
 * reorder them), writing entries in order up to the one named `fail`, which throws (the ledger's
 * writeJournal contract). `log`: entries written; `batches`: the entries of each transaction.
 */
function slowStore(fail?: string): {
  store: LedgerStore;
  log: string[];
  batches: string[][];
  /** Resolves when the first transaction starts. */
  started: Promise<void>;
} {
  const log: string[] = [];
  const batches: string[][] = [];
  let start = (): void => {};
  const started = new Promise<void>((r) => {
    start = r;
  });
  let pending = 5;
  const store = {
    async writeJournal(_runId: string, entries: readonly JournalEntry[]): Promise<void> {
      batches.push(entries.map(label));
      start();
      await new Promise((r) => setTimeout(r, 2 * pending--));
      for (const e of entries) {
        if (label(e) === fail) throw new VenueError('VENUE_UNAVAILABLE', `${fail} failed`, { hint: 'retry' });
        log.push(label(e));
      }
    },
  } as unknown as LedgerStore;
  return { store, log, batches, started };
}

const o = (id: string): OrderRequest => ({ ...order, clientOrderId: id });
const fill = (id: string) =>
  ({ orderId: 'o', clientOrderId: id, symbol: 'AAA', side: 'buy', qty: 1, price: 10, fee: 0, ts: 2 }) as const;

describe('LedgerJournal', () => {
  it('writes in call order, also the calls made while a write is under way', async () => {
    const { store, log } = slowStore();
    const j = new LedgerJournal(store, 'run-1');
    j.persist(order, 1);
    j.transition('c-1', 'accepted', 1);
    await new Promise((r) => setTimeout(r, 1));
    j.markSent('c-1', 1);
    j.fill(fill('c-1'));
    j.transition('c-1', 'filled', 2);
    await j.drained();
    expect(log).toEqual(['persist c-1', 'accepted c-1', 'sent c-1', 'fill c-1', 'filled c-1']);
  });

  it('reports the first failure once and writes nothing after it', async () => {
    const { store, log } = slowStore('sent c-1');
    const j = new LedgerJournal(store, 'run-1');
    const errors: string[] = [];
    j.onError = (e) => errors.push(e.message);
    j.persist(order, 1);
    j.markSent('c-1', 1);
    j.transition('c-1', 'filled', 2);
    await expect(j.drained()).rejects.toThrow('sent c-1 failed');
    j.transition('c-1', 'cancelled', 3);
    await expect(j.drained()).rejects.toThrow('sent c-1 failed');
    expect(log).toEqual(['persist c-1']);
    expect(errors).toEqual(['sent c-1 failed']);
  });

  it('writes the calls of one pass in one transaction, and those made while it is written in the next', async () => {
    const { store, batches, started } = slowStore();
    const j = new LedgerJournal(store, 'run-1');
    j.persist(o('a'), 1);
    j.persist(o('b'), 1);
    j.persist(o('c'), 1);
    j.transition('a', 'accepted', 1);
    j.persist(o('d'), 2);
    await started;
    j.markSent('a', 2);
    j.fill(fill('b'));
    const first = j.drained();
    j.riskEvent({ ts: 3, kind: 'denied', check: 'position', symbol: 'AAA', reason: 'too big' });
    await first;
    expect(batches).toEqual([
      ['persist a', 'persist b', 'persist c', 'accepted a', 'persist d'],
      ['sent a', 'fill b', 'risk denial'],
    ]);
  });

  it('lets calls no order waits for gather until none came for a while, at most the commit delay', async () => {
    vi.useFakeTimers();
    try {
      const { store, batches } = slowStore();
      const j = new LedgerJournal(store, 'run-1');
      j.transition('a', 'accepted', 1);
      await vi.advanceTimersByTimeAsync(COMMIT_QUIET_MS - 1);
      j.fill(fill('a'));
      await vi.advanceTimersByTimeAsync(COMMIT_QUIET_MS - 1);
      expect(batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([['accepted a', 'fill a']]);
      await vi.advanceTimersByTimeAsync(20);
      // A steady stream of them is written when the first is COMMIT_DELAY_MS old.
      const step = COMMIT_QUIET_MS - 2;
      for (let t = 0; t < COMMIT_DELAY_MS; t += step) {
        j.transition(`t${t}`, 'accepted', 2);
        await vi.advanceTimersByTimeAsync(step);
      }
      expect(batches.length).toBe(2);
      expect(batches[1]?.length).toBe(Math.ceil(COMMIT_DELAY_MS / step));
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes at once when an order joins calls that were gathering', async () => {
    vi.useFakeTimers();
    try {
      const { store, batches } = slowStore();
      const j = new LedgerJournal(store, 'run-1');
      j.transition('a', 'filled', 2);
      j.persist(o('b'), 2);
      await vi.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([['filled a', 'persist b']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves drained only once the calls made before it are written', async () => {
    const { store, log, started } = slowStore();
    const j = new LedgerJournal(store, 'run-1');
    j.persist(o('a'), 1);
    const seen: string[][] = [];
    const a = j.drained().then(() => seen.push([...log]));
    await started;
    j.persist(o('b'), 2);
    const b = j.drained().then(() => seen.push([...log]));
    await Promise.all([a, b]);
    expect(seen).toEqual([['persist a'], ['persist a', 'persist b']]);
  });
});

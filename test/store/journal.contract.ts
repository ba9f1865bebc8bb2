import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/core/enums.js';
import type { OrderRequest } from '../../src/core/order.js';
import { createLedger, type LedgerStore } from '../../src/store/index.js';
import type { JournalEntry } from '../../src/store/types.js';
import { prng } from '../portfolio/support.js';
import type { Backend } from './backends.js';

const T0 = 1_700_000_000_123;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

const req = (id: string, o: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  qty: 10,
  tif: 'day',
  ...o,
});

/** A session's journal at random: orders (some persisted twice), sends, any transition, fills, risk events. */
function randomJournal(runId: string, seed: number, n: number): JournalEntry[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const orders: OrderRequest[] = [];
  const execIds: string[] = [];
  const out: JournalEntry[] = [];
  const statuses: OrderStatus[] = ['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'];
  for (let i = 0; i < n; i++) {
    const ts = T0 + i;
    const r = rand();
    if (orders.length === 0 || r < 0.3) {
      const limit = rand() < 0.3;
      const o = req(`j-${orders.length}`, {
        symbol: pick(['AAA', 'BBB', 'CCC']),
        side: rand() < 0.5 ? 'buy' : 'sell',
        qty: 1 + Math.floor(rand() * 20),
        ...(limit ? { type: 'limit' as const, limitPrice: 10 + Math.round(rand() * 1000) / 100 } : {}),
      });
      orders.push(o);
      out.push({ kind: 'persist', order: o, ts });
    } else if (r < 0.33) out.push({ kind: 'persist', order: pick(orders), ts });
    else if (r < 0.45) out.push({ kind: 'sent', clientOrderId: pick(orders).clientOrderId, ts });
    else if (r < 0.65) {
      const reason = rand() < 0.5 ? { reason: `why ${i}` } : {};
      out.push({
        kind: 'transition',
        clientOrderId: pick(orders).clientOrderId,
        change: { status: pick(statuses), ts, ...reason },
      });
    } else if (r < 0.92) {
      const o = pick(orders);
      const execId = rand() < 0.1 && execIds.length > 0 ? pick(execIds) : `x-${i}`;
      execIds.push(execId);
      out.push({
        kind: 'fill',
        fill: {
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          qty: 1 + Math.floor(rand() * 8),
          price: 50 + Math.round(rand() * 5000) / 100,
          fee: Math.round(rand() * 100) / 100,
          ts,
          ...(rand() < 0.8 ? { execId } : {}),
        },
      });
    } else {
      out.push({
        kind: 'risk',
        event: { runId, ts, kind: 'denial', check: 'position', symbol: pick(orders).symbol, reason: `denied ${i}` },
      });
    }
  }
  return out;
}

/** The same entry for another run. */
const forRun = (runId: string, e: JournalEntry): JournalEntry =>
  e.kind === 'risk' ? { ...e, event: { ...e.event, runId } } : e;

async function oneByOne(ledger: LedgerStore, runId: string, entries: readonly JournalEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.kind === 'persist') await ledger.persistOrder(runId, e.order, e.ts);
    else if (e.kind === 'sent') await ledger.markSent(runId, e.clientOrderId, e.ts);
    else if (e.kind === 'transition') await ledger.transitionOrder(runId, e.clientOrderId, e.change);
    else if (e.kind === 'fill') await ledger.recordFill(runId, e.fill);
    else await ledger.recordRiskEvent(e.event);
  }
}

/** Everything the ledger holds of a run, without the run's id. */
async function contents(ledger: LedgerStore, runId: string): Promise<unknown> {
  const orders = await ledger.listOrders({ runId, limit: 10_000 });
  const strip = <T extends { runId?: string }>(x: T): Omit<T, 'runId'> => {
    const rest: Partial<T> = { ...x };
    delete rest.runId;
    return rest as Omit<T, 'runId'>;
  };
  return {
    orders: orders.map(strip),
    events: await Promise.all(orders.map((o) => ledger.orderEvents(runId, o.clientOrderId))),
    fills: (await ledger.listFills(runId)).map(strip),
    positions: (await ledger.positions(runId)).map(strip),
    risk: (await ledger.riskEvents(runId)).map(strip),
  };
}

/** writeJournal: a session's journal in one transaction per batch (ledger.ts), against each backend. */
export function journalContract(backend: Backend): void {
  describe(`journal on ${backend.name}`, () => {
    let ledger: LedgerStore;
    let runSeq = 0;
    const newRun = async (): Promise<string> => {
      const id = `journal-${++runSeq}`;
      await ledger.startRun({ id, kind: 'live', strategy: 's', params: {}, spec: {}, startedAt: T0 });
      return id;
    };

    beforeAll(async () => {
      const db = await backend.fresh();
      ledger = await createLedger(db.config, db.home);
    });
    afterAll(async () => {
      await ledger?.close();
      await backend.cleanup();
    });

    it('leaves the ledger as the same calls made one by one would, whatever the batches', async () => {
      for (const seed of [1, 2, 3]) {
        const single = await newRun();
        const batched = await newRun();
        const entries = randomJournal(single, seed, 300);
        await oneByOne(ledger, single, entries);
        const rand = prng(seed + 100);
        for (let i = 0; i < entries.length;) {
          const size = 1 + Math.floor(rand() * 40);
          await ledger.writeJournal(
            batched,
            entries.slice(i, i + size).map((e) => forRun(batched, e)),
          );
          i += size;
        }
        const want = await contents(ledger, single);
        expect((want as { orders: unknown[] }).orders.length).toBeGreaterThan(50);
        expect(await contents(ledger, batched)).toEqual(want);
      }
    });

    it('stops at an entry that fails: those before it are written, it and those after are not, with its call error', async () => {
      const runId = await newRun();
      const conflict = ledger.writeJournal(runId, [
        { kind: 'persist', order: req('a'), ts: T0 },
        { kind: 'persist', order: req('b'), ts: T0 },
        { kind: 'sent', clientOrderId: 'a', ts: T0 + 1 },
        { kind: 'persist', order: req('b', { qty: 11 }), ts: T0 + 2 },
        { kind: 'persist', order: req('c'), ts: T0 + 2 },
      ]);
      expect(await codeOf(conflict)).toBe('LEDGER_CONFLICT');
      expect((await ledger.listOrders({ runId })).map((o) => [o.clientOrderId, o.qty, o.sent]).sort()).toEqual([
        ['a', 10, true],
        ['b', 10, false],
      ]);
      const missing = ledger.writeJournal(runId, [
        { kind: 'transition', clientOrderId: 'a', change: { status: 'accepted', ts: T0 + 3 } },
        {
          kind: 'fill',
          fill: { clientOrderId: 'nope', symbol: 'AAPL', side: 'buy', qty: 1, price: 1, fee: 0, ts: T0 + 3 },
        },
        { kind: 'transition', clientOrderId: 'b', change: { status: 'accepted', ts: T0 + 3 } },
      ]);
      expect(await codeOf(missing)).toBe('LEDGER_NOT_FOUND');
      expect((await ledger.getOrder(runId, 'a'))?.status).toBe('accepted');
      expect((await ledger.getOrder(runId, 'b'))?.status).toBe('new');
      expect(await codeOf(ledger.writeJournal(runId, [{ kind: 'sent', clientOrderId: 'nope', ts: T0 }]))).toBe(
        'LEDGER_NOT_FOUND',
      );
      expect(await codeOf(ledger.writeJournal(runId, [{ kind: 'persist', order: req('d'), ts: T0 + 0.5 }]))).toBe(
        'DATA_INVALID',
      );
      expect(await codeOf(ledger.writeJournal('no-such-run', [{ kind: 'persist', order: req('x'), ts: T0 }]))).toBe(
        'LEDGER_NOT_FOUND',
      );
      expect(await ledger.getOrder(runId, 'd')).toBeUndefined();
    });

    it('persists a bar of 600 orders in one call, each with its first event', async () => {
      const runId = await newRun();
      const orders = Array.from({ length: 600 }, (_, i) => req(`bar-${i}`, { qty: i + 1 }));
      await ledger.writeJournal(
        runId,
        orders.map((order) => ({ kind: 'persist', order, ts: T0 })),
      );
      const counts = await ledger.runCounts(runId);
      expect([counts.orders, counts.orderEvents]).toEqual([600, 600]);
      expect((await ledger.getOrder(runId, 'bar-599'))?.qty).toBe(600);
    });

    it("books a journaled fill with the venue's cumulative quantity only for what its order lacks", async () => {
      const runId = await newRun();
      const fill = (o: { qty: number; cumQty: number; execId?: string }) => ({
        kind: 'fill' as const,
        fill: { clientOrderId: 'cum', symbol: 'AAPL', side: 'buy' as const, price: 100, fee: 0, ts: T0 + 1, ...o },
      });
      await ledger.writeJournal(runId, [{ kind: 'persist', order: req('cum', { qty: 10 }), ts: T0 }]);
      // Reconciliation adopted the execution of 4 first; the session's delayed update of it adds
      // nothing, its next one (10 in all) the 6 missing.
      await ledger.recordFill(runId, fill({ qty: 4, cumQty: 4, execId: 'adopted' }).fill);
      await ledger.writeJournal(runId, [fill({ qty: 4, cumQty: 4 }), fill({ qty: 6, cumQty: 10 })]);
      expect((await ledger.listFills(runId, 'cum')).map((f) => f.qty)).toEqual([4, 6]);
      expect(await ledger.getOrder(runId, 'cum')).toMatchObject({ filledQty: 10, status: 'filled' });
      expect((await ledger.positions(runId)).map((p) => p.qty)).toEqual([10]);
    });
  });
}

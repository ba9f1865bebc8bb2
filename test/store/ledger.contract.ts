import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/core/order.js';
import { createLedger, type LedgerStore, type NewModelVersion, type RunRecording } from '../../src/store/index.js';
import { prng } from '../portfolio/support.js';
import type { Backend } from './backends.js';

/** Text that array and CSV-style encodings must escape. */
const REASON = 'risk: max positions (30), "hard" \\ {limit} NULL';

/** A time with milliseconds, so a lost millisecond shows. */
const T0 = 1_700_000_000_123;

function req(id: string, o: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: id, symbol: 'AAPL', side: 'buy', type: 'market', qty: 10, tif: 'day', ...o };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

/**
 * The ledger contract (STYLE.md: one suite for every implementation), run against SQLite and
 * the real PostgreSQL by test/store/ledger-sqlite.test.ts and ledger-postgres.test.ts.
 */
export function ledgerContract(backend: Backend): void {
  describe(`ledger on ${backend.name}`, () => {
    let ledger: LedgerStore;
    let runSeq = 0;
    /** A new running run for one test. */
    const newRun = async (strategy = 'sma-cross'): Promise<string> => {
      const id = `run-${++runSeq}`;
      await ledger.startRun({ id, kind: 'live', strategy, params: {}, spec: {}, startedAt: T0 + runSeq });
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

    describe('migrations', () => {
      it('migrate a fresh database to 0009_trial_trades; opening it again applies nothing and keeps the data', async () => {
        const db = await backend.fresh();
        const first = await createLedger(db.config, db.home);
        expect(first.migration).toEqual({
          applied: [
            '0001_initial',
            '0002_scheduler',
            '0003_pipeline',
            '0004_service',
            '0005_admin',
            '0006_models',
            '0007_sweep_queue',
            '0008_jobs',
            '0009_trial_trades',
          ],
          version: '0009_trial_trades',
        });
        await first.startRun({ id: 'kept', kind: 'paper', strategy: 's', params: {}, spec: {}, startedAt: T0 });
        await first.close();
        const second = await createLedger(db.config, db.home);
        expect(second.migration).toEqual({ applied: [], version: '0009_trial_trades' });
        expect((await second.getRun('kept'))?.kind).toBe('paper');
        await second.close();
      });

      it('two ledgers opened at once on a fresh database migrate it exactly once', async () => {
        const db = await backend.fresh();
        const both = await Promise.all([createLedger(db.config, db.home), createLedger(db.config, db.home)]);
        expect(both.map((l) => l.migration.applied.length).sort()).toEqual([0, 9]);
        expect(both.map((l) => l.migration.version)).toEqual(['0009_trial_trades', '0009_trial_trades']);
        await Promise.all(both.map((l) => l.close()));
      });

      it('refuse a database migrated by a newer version (LEDGER_SCHEMA)', async () => {
        const db = await backend.fresh();
        await (await createLedger(db.config, db.home)).close();
        await backend.exec(db, `insert into momentic_migration (name, timestamp) values ('9999_future', '2099-01-01')`);
        expect(await codeOf(createLedger(db.config, db.home))).toBe('LEDGER_SCHEMA');
      });
    });

    describe('runs', () => {
      it('round-trip params and spec JSON and times to the millisecond', async () => {
        const params = { fast: 10, slow: 0.1 + 0.2, name: 'Ünïcødé "quoted"', nested: { list: [1, null, true] } };
        const spec = { symbols: ['AAPL', 'MSFT'], start: '2015-01-02', cash: 2 ** 53 - 1, tiny: 5e-324 };
        await ledger.startRun({ id: 'json-run', kind: 'backtest', strategy: 'x', params, spec, startedAt: T0 });
        const run = await ledger.getRun('json-run');
        expect(run).toEqual({
          id: 'json-run',
          kind: 'backtest',
          strategy: 'x',
          params,
          spec,
          startedAt: T0,
          status: 'running',
        });
      });

      it('starting a run again (a restart) changes nothing; another strategy under its id is refused', async () => {
        const id = await newRun('a');
        const again = await ledger.startRun({
          id,
          kind: 'live',
          strategy: 'a',
          params: { x: 1 },
          spec: {},
          startedAt: 1,
        });
        expect(again.created).toBe(false);
        expect(again.run.startedAt).not.toBe(1);
        expect(
          await codeOf(ledger.startRun({ id, kind: 'live', strategy: 'b', params: {}, spec: {}, startedAt: T0 })),
        ).toBe('LEDGER_CONFLICT');
      });

      it('end with a status, metrics and the result folder; an unknown run is LEDGER_NOT_FOUND', async () => {
        const id = await newRun();
        const metrics = { total_return: 0.123456789012345, trades: 42, sharpe: null };
        const run = await ledger.endRun(id, { status: 'finished', finishedAt: T0 + 999, metrics, resultDir: '/r/x' });
        expect(run).toMatchObject({ status: 'finished', finishedAt: T0 + 999, metrics, resultDir: '/r/x' });
        expect(await codeOf(ledger.endRun('nope', { status: 'failed', finishedAt: T0 }))).toBe('LEDGER_NOT_FOUND');
        expect(await codeOf(ledger.runCounts('nope'))).toBe('LEDGER_NOT_FOUND');
      });

      it('list the most recently started first, up to the limit, and by kind', async () => {
        const db = await backend.fresh();
        const l = await createLedger(db.config, db.home);
        for (const [id, at, kind] of [
          ['b', 2, 'paper'],
          ['a', 1, 'backtest'],
          ['c', 3, 'backtest'],
        ] as const) {
          await l.startRun({ id, kind, strategy: 's', params: {}, spec: {}, startedAt: T0 + at });
        }
        expect((await l.listRuns()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
        expect((await l.listRuns({ limit: 2 })).map((r) => r.id)).toEqual(['c', 'b']);
        expect((await l.listRuns({ kind: 'backtest' })).map((r) => r.id)).toEqual(['c', 'a']);
        await l.close();
      });
    });

    describe('orders', () => {
      it('persist as new and unsent with a first event; every field round-trips exactly', async () => {
        const runId = await newRun();
        const order: OrderRequest = {
          ...req('bracket-1', { type: 'limit', qty: 1e-8, limitPrice: 0.1 + 0.2, stopPrice: 1 / 3 }),
          trailPercent: 2.5,
          orderClass: 'bracket',
          takeProfit: { limitPrice: 123.456789 },
          stopLoss: { stopPrice: 99.5, limitPrice: 99.25 },
          strategy: 'sma-cross',
          tag: 'entry',
        };
        const { created, order: stored } = await ledger.persistOrder(runId, order, T0);
        expect(created).toBe(true);
        expect(stored).toEqual({
          ...order,
          runId,
          status: 'new',
          filledQty: 0,
          avgPrice: NaN,
          fees: 0,
          createdAt: T0,
          updatedAt: T0,
          sent: false,
        });
        expect(await ledger.getOrder(runId, 'bracket-1')).toEqual(stored);
        expect(await ledger.orderEvents(runId, 'bracket-1')).toEqual([{ status: 'new', ts: T0 }]);
      });

      it("a run's transitions read in one pass equal each order's own, in recorded order, and no other run's", async () => {
        const runId = await newRun();
        const other = await newRun();
        await ledger.persistOrder(runId, req('a'), T0);
        await ledger.persistOrder(runId, req('b'), T0 + 1);
        await ledger.persistOrder(other, req('a'), T0 + 2);
        await ledger.transitionOrder(runId, 'a', { status: 'accepted', ts: T0 + 3 });
        await ledger.transitionOrder(runId, 'b', { status: 'rejected', ts: T0 + 4, reason: 'no cash' });
        const all = await ledger.runOrderEvents(runId);
        expect([...all.keys()]).toEqual(['a', 'b']);
        expect(all.get('a')).toEqual([
          { status: 'new', ts: T0 },
          { status: 'accepted', ts: T0 + 3 },
        ]);
        expect(all.get('b')).toEqual([
          { status: 'new', ts: T0 + 1 },
          { status: 'rejected', ts: T0 + 4, reason: 'no cash' },
        ]);
        for (const id of ['a', 'b']) expect(all.get(id)).toEqual(await ledger.orderEvents(runId, id));
        expect([...(await ledger.runOrderEvents(other)).keys()]).toEqual(['a']);
      });

      it('a retry with the same client order id, even concurrent, never doubles the order', async () => {
        const runId = await newRun();
        const first = await ledger.persistOrder(runId, req('dup'), T0);
        const retries = await Promise.all([1, 2, 3, 4].map((i) => ledger.persistOrder(runId, req('dup'), T0 + i)));
        expect(retries.map((r) => r.created)).toEqual([false, false, false, false]);
        expect(retries.every((r) => r.order.createdAt === T0)).toBe(true);
        expect(first.created).toBe(true);
        const counts = await ledger.runCounts(runId);
        expect(counts.orders).toBe(1);
        expect(counts.orderEvents).toBe(1);
        // Concurrent first inserts: one wins, the others see it.
        const race = await Promise.all([1, 2, 3].map((i) => ledger.persistOrder(runId, req('race'), T0 + i)));
        expect(race.filter((r) => r.created).length).toBe(1);
        expect((await ledger.runCounts(runId)).orders).toBe(2);
      });

      it('persist several orders in one transaction, in order, all or none', async () => {
        const runId = await newRun();
        const made = await ledger.persistOrders(runId, [
          { order: req('b-1'), ts: T0 },
          { order: req('b-2', { qty: 3 }), ts: T0 + 1 },
        ]);
        expect(made.map((m) => [m.created, m.order.clientOrderId, m.order.qty, m.order.status])).toEqual([
          [true, 'b-1', 10, 'new'],
          [true, 'b-2', 3, 'new'],
        ]);
        expect(await ledger.orderEvents(runId, 'b-2')).toEqual([{ status: 'new', ts: T0 + 1 }]);
        // A conflict in the batch leaves none of it: b-3 is not written either.
        const batch = ledger.persistOrders(runId, [
          { order: req('b-3'), ts: T0 },
          { order: req('b-1', { qty: 99 }), ts: T0 },
        ]);
        expect(await codeOf(batch)).toBe('LEDGER_CONFLICT');
        expect(await ledger.getOrder(runId, 'b-3')).toBeUndefined();
      });

      it('refuse the same client order id for a different order; another run may use it', async () => {
        const runId = await newRun();
        await ledger.persistOrder(runId, req('same'), T0);
        expect(await codeOf(ledger.persistOrder(runId, req('same', { qty: 11 }), T0))).toBe('LEDGER_CONFLICT');
        expect(await codeOf(ledger.persistOrder(runId, req('same', { side: 'sell' }), T0))).toBe('LEDGER_CONFLICT');
        const other = await newRun();
        expect((await ledger.persistOrder(other, req('same', { qty: 11 }), T0)).created).toBe(true);
        expect(await codeOf(ledger.persistOrder('no-such-run', req('x'), T0))).toBe('LEDGER_NOT_FOUND');
      });

      it('record transitions in order with their times and reasons; an ended order never changes again', async () => {
        const runId = await newRun();
        await ledger.persistOrder(runId, req('t1', { type: 'limit', limitPrice: 100 }), T0);
        const acc = await ledger.transitionOrder(runId, 't1', { status: 'accepted', ts: T0 + 1, venueOrderId: 'v-1' });
        expect(acc.applied).toBe(true);
        expect(acc.order).toMatchObject({ status: 'accepted', venueOrderId: 'v-1', updatedAt: T0 + 1 });
        expect((await ledger.transitionOrder(runId, 't1', { status: 'accepted', ts: T0 + 2 })).applied).toBe(false);
        const cancel = await ledger.transitionOrder(runId, 't1', {
          status: 'cancelled',
          ts: T0 + 3,
          reason: 'unfilled after 60 s',
        });
        expect(cancel.order).toMatchObject({ status: 'cancelled', reason: 'unfilled after 60 s', venueOrderId: 'v-1' });
        const late = await ledger.transitionOrder(runId, 't1', { status: 'filled', ts: T0 + 4 });
        expect(late.applied).toBe(false);
        expect(late.order.status).toBe('cancelled');
        expect(await ledger.orderEvents(runId, 't1')).toEqual([
          { status: 'new', ts: T0 },
          { status: 'accepted', ts: T0 + 1 },
          { status: 'cancelled', ts: T0 + 3, reason: 'unfilled after 60 s' },
        ]);
        // The lifecycle only goes forward: a late `accepted` after a partial fill is not applied.
        await ledger.persistOrder(runId, req('t2', { qty: 5 }), T0);
        await ledger.recordFill(runId, {
          clientOrderId: 't2',
          symbol: 'AAPL',
          side: 'buy',
          qty: 2,
          price: 1,
          fee: 0,
          ts: T0 + 1,
        });
        expect((await ledger.transitionOrder(runId, 't2', { status: 'accepted', ts: T0 + 2 })).applied).toBe(false);
        expect((await ledger.transitionOrder(runId, 't2', { status: 'new', ts: T0 + 2 })).applied).toBe(false);
        expect((await ledger.getOrder(runId, 't2'))?.status).toBe('partially_filled');
        expect(await codeOf(ledger.transitionOrder(runId, 'ghost', { status: 'accepted', ts: T0 }))).toBe(
          'LEDGER_NOT_FOUND',
        );
      });

      it('list by run, status and symbol, most recent first, up to the limit', async () => {
        const runId = await newRun();
        const other = await newRun();
        await ledger.persistOrder(runId, req('l1', { symbol: 'AAPL' }), T0 + 1);
        await ledger.persistOrder(runId, req('l2', { symbol: 'MSFT' }), T0 + 2);
        await ledger.persistOrder(runId, req('l3', { symbol: 'AAPL' }), T0 + 3);
        await ledger.persistOrder(other, req('l4', { symbol: 'AAPL' }), T0 + 4);
        await ledger.transitionOrder(runId, 'l3', { status: 'rejected', ts: T0 + 5, reason: 'risk: position' });
        const ids = async (f: Parameters<LedgerStore['listOrders']>[0]) =>
          (await ledger.listOrders(f)).map((o) => o.clientOrderId);
        expect(await ids({ runId })).toEqual(['l3', 'l2', 'l1']);
        expect(await ids({ runId, symbol: 'AAPL' })).toEqual(['l3', 'l1']);
        expect(await ids({ runId, status: 'new' })).toEqual(['l2', 'l1']);
        expect(await ids({ runId, limit: 1 })).toEqual(['l3']);
        expect((await ids({ symbol: 'AAPL', limit: 2 })).slice(0, 1)).toEqual(['l4']);
      });
    });

    describe('fills and positions', () => {
      it('a fill books quantity, VWAP, fees, status and position at once; a repeated execution id once', async () => {
        const runId = await newRun();
        await ledger.persistOrder(runId, req('f-buy', { qty: 10 }), T0);
        await ledger.transitionOrder(runId, 'f-buy', { status: 'accepted', ts: T0 + 1 });
        const a = await ledger.recordFill(runId, {
          clientOrderId: 'f-buy', symbol: 'AAPL', side: 'buy', qty: 4, price: 100, fee: 1, ts: T0 + 2, execId: 'x1', liquidity: 'taker',
        }); // prettier-ignore
        expect(a.booked).toBe(true);
        expect(a.order).toMatchObject({ status: 'partially_filled', filledQty: 4, avgPrice: 100, fees: 1 });
        const again = await ledger.recordFill(runId, {
          clientOrderId: 'f-buy', symbol: 'AAPL', side: 'buy', qty: 4, price: 100, fee: 1, ts: T0 + 2, execId: 'x1',
        }); // prettier-ignore
        expect(again.booked).toBe(false);
        expect(again.order.filledQty).toBe(4);
        const b = await ledger.recordFill(runId, {
          clientOrderId: 'f-buy', symbol: 'AAPL', side: 'buy', qty: 6, price: 101, fee: 1.5, ts: T0 + 3, execId: 'x2',
        }); // prettier-ignore
        // VWAP (4 x 100 + 6 x 101) / 10 = 1006 / 10 = 100.6; fees 1 + 1.5.
        expect(b.order).toMatchObject({
          status: 'filled',
          filledQty: 10,
          avgPrice: 100.6,
          fees: 2.5,
          updatedAt: T0 + 3,
        });
        expect(b.position).toEqual({
          runId, symbol: 'AAPL', qty: 10, avgPrice: 100.6, realizedPnl: 0, fees: 2.5, updatedAt: T0 + 3,
        }); // prettier-ignore
        // Selling 15 at 102 closes 10 (realizing 10 x (102 - 100.6) = 14) and opens 5 short at 102.
        await ledger.persistOrder(runId, req('f-sell', { side: 'sell', qty: 15 }), T0 + 4);
        const c = await ledger.recordFill(runId, {
          clientOrderId: 'f-sell', symbol: 'AAPL', side: 'sell', qty: 15, price: 102, fee: 0, ts: T0 + 5,
        }); // prettier-ignore
        expect(c.position.qty).toBe(-5);
        expect(c.position.avgPrice).toBe(102);
        expect(c.position.realizedPnl).toBeCloseTo(14, 9);
        expect(await ledger.orderEvents(runId, 'f-buy')).toEqual([
          { status: 'new', ts: T0 },
          { status: 'accepted', ts: T0 + 1 },
          { status: 'partially_filled', ts: T0 + 2 },
          { status: 'filled', ts: T0 + 3 },
        ]);
        const fills = await ledger.listFills(runId, 'f-buy');
        expect(fills).toEqual([
          { runId, clientOrderId: 'f-buy', execId: 'x1', symbol: 'AAPL', side: 'buy', qty: 4, price: 100, fee: 1, ts: T0 + 2, liquidity: 'taker' },
          { runId, clientOrderId: 'f-buy', execId: 'x2', symbol: 'AAPL', side: 'buy', qty: 6, price: 101, fee: 1.5, ts: T0 + 3 },
        ]); // prettier-ignore
        expect(
          await codeOf(
            ledger.recordFill(runId, {
              clientOrderId: 'ghost',
              symbol: 'X',
              side: 'buy',
              qty: 1,
              price: 1,
              fee: 0,
              ts: T0,
            }),
          ),
        ).toBe('LEDGER_NOT_FOUND');
      });

      it("a fill with the venue's cumulative quantity books only what its order lacks, whoever books first", async () => {
        const runId = await newRun();
        await ledger.persistOrder(runId, req('c-adopted', { qty: 10 }), T0);
        await ledger.persistOrder(runId, req('c-streamed', { qty: 10 }), T0);
        const fill = (id: string, o: { qty: number; cumQty: number; execId?: string }) => ({
          clientOrderId: id, symbol: 'AAPL', side: 'buy' as const, price: 100, fee: 0, ts: T0 + 1, ...o,
        }); // prettier-ignore
        // Reconciliation adopts the broker's execution of 4; the stream's delayed update of it
        // (the order at 4 in all) then adds nothing, and its next one (10 in all) adds 6.
        expect((await ledger.recordFill(runId, fill('c-adopted', { qty: 4, cumQty: 4, execId: 'e1' }))).booked).toBe(
          true,
        );
        const late = await ledger.recordFill(runId, fill('c-adopted', { qty: 4, cumQty: 4 }));
        expect(late.booked).toBe(false);
        expect(late.order.filledQty).toBe(4);
        const rest = await ledger.recordFill(runId, fill('c-adopted', { qty: 10, cumQty: 10 }));
        expect(rest.order).toMatchObject({ filledQty: 10, status: 'filled' });
        expect((await ledger.listFills(runId, 'c-adopted')).map((f) => f.qty)).toEqual([4, 6]);
        // The other way round: the stream books 4, then reconciliation's read of the execution
        // (made before the stream's write) comes with its id: nothing more.
        await ledger.recordFill(runId, fill('c-streamed', { qty: 4, cumQty: 4 }));
        const adopted = await ledger.recordFill(runId, fill('c-streamed', { qty: 4, cumQty: 4, execId: 'e2' }));
        expect(adopted.booked).toBe(false);
        expect(adopted.order.filledQty).toBe(4);
        // 10 + 4 bought in all, as the venue filled them.
        expect(adopted.position.qty).toBe(14);
      });

      it('a position written directly round-trips and a second write replaces it', async () => {
        const runId = await newRun();
        const p = {
          runId,
          symbol: 'ETH/USD',
          qty: -0.125,
          avgPrice: 3012.55,
          realizedPnl: -1 / 3,
          fees: 0.07,
          updatedAt: T0,
        };
        await ledger.upsertPosition(p);
        expect(await ledger.positions(runId)).toEqual([p]);
        const flat = { ...p, qty: 0, avgPrice: NaN, updatedAt: T0 + 1 };
        await ledger.upsertPosition(flat);
        expect(await ledger.positions(runId)).toEqual([flat]);
        expect((await ledger.loadOpenState(runId)).positions).toEqual([]);
      });

      it('positions stay equal to the sum of their fills over a random sequence', async () => {
        const runId = await newRun();
        const rand = prng(7);
        const sum = new Map<string, number>();
        for (let i = 0; i < 60; i++) {
          const symbol = ['AAA', 'BBB', 'CCC'][Math.floor(rand() * 3)] as string;
          const side = rand() < 0.5 ? 'buy' : 'sell';
          const qty = 1 + Math.floor(rand() * 20);
          await ledger.persistOrder(runId, req(`p-${i}`, { symbol, side, qty }), T0 + i);
          // One or two fills per order.
          const first = rand() < 0.5 ? qty : Math.max(1, Math.floor(qty / 2));
          for (const q of first === qty ? [qty] : [first, qty - first]) {
            const price = 50 + Math.round(rand() * 5000) / 100;
            await ledger.recordFill(runId, {
              clientOrderId: `p-${i}`,
              symbol,
              side,
              qty: q,
              price,
              fee: 0.01,
              ts: T0 + i,
            });
          }
          sum.set(symbol, (sum.get(symbol) ?? 0) + (side === 'buy' ? qty : -qty));
          expect((await ledger.getOrder(runId, `p-${i}`))?.status).toBe('filled');
        }
        const positions = await ledger.positions(runId);
        expect(Object.fromEntries(positions.map((p) => [p.symbol, p.qty]))).toEqual(Object.fromEntries(sum));
      });
    });

    describe('crash safety', () => {
      it('pendingSends and loadOpenState give a restart its unsent and open orders and its positions', async () => {
        const runId = await newRun();
        await ledger.persistOrder(runId, req('A'), T0 + 1);
        await ledger.markSent(runId, 'A', T0 + 2, 'venue-A');
        await ledger.transitionOrder(runId, 'A', { status: 'accepted', ts: T0 + 3 });
        await ledger.persistOrder(runId, req('B', { symbol: 'MSFT' }), T0 + 4);
        await ledger.persistOrder(runId, req('C'), T0 + 5);
        await ledger.transitionOrder(runId, 'C', { status: 'cancelled', ts: T0 + 6, reason: 'cancelled before send' });
        await ledger.persistOrder(runId, req('D', { symbol: 'TSLA', qty: 3 }), T0 + 7);
        await ledger.markSent(runId, 'D', T0 + 8);
        await ledger.recordFill(runId, {
          clientOrderId: 'D',
          symbol: 'TSLA',
          side: 'buy',
          qty: 3,
          price: 200,
          fee: 0,
          ts: T0 + 9,
        });
        const marked = await ledger.markSent(runId, 'A', T0 + 99, 'other');
        expect(marked).toMatchObject({ sent: true, sentAt: T0 + 2, venueOrderId: 'venue-A' });

        const check = async (l: LedgerStore) => {
          expect((await l.pendingSends(runId)).map((o) => o.clientOrderId)).toEqual(['B']);
          const state = await l.loadOpenState(runId);
          expect(state.orders.map((o) => [o.clientOrderId, o.sent])).toEqual([
            ['A', true],
            ['B', false],
          ]);
          expect(state.positions.map((p) => [p.symbol, p.qty, p.avgPrice])).toEqual([['TSLA', 3, 200]]);
        };
        await check(ledger);
        expect((await ledger.pendingSends()).some((o) => o.runId === runId && o.clientOrderId === 'B')).toBe(true);
        expect(await codeOf(ledger.loadOpenState('no-such-run'))).toBe('LEDGER_NOT_FOUND');
      });
    });

    describe('journals', () => {
      it('equity snapshots round-trip exactly; a second one at the same time replaces the first', async () => {
        const runId = await newRun();
        await ledger.recordEquity({
          runId,
          ts: T0,
          equity: 100_000.1,
          cash: 5e-7,
          grossExposure: 1 / 3,
          netExposure: -0.25,
        });
        await ledger.recordEquity({
          runId,
          ts: T0 + 60_000,
          equity: 100_001,
          cash: 1,
          grossExposure: 0,
          netExposure: 0,
        });
        await ledger.recordEquity({ runId, ts: T0, equity: 99_999.9, cash: 2, grossExposure: 0.5, netExposure: 0.5 });
        expect(await ledger.equity(runId)).toEqual([
          { runId, ts: T0, equity: 99_999.9, cash: 2, grossExposure: 0.5, netExposure: 0.5 },
          { runId, ts: T0 + 60_000, equity: 100_001, cash: 1, grossExposure: 0, netExposure: 0 },
        ]);
      });

      it('risk events and the audit log keep every field, in the order recorded', async () => {
        const runId = await newRun();
        const denial = {
          runId, ts: T0, kind: 'denial', check: 'position', symbol: 'AAPL', clientOrderId: 'o-9',
          reason: 'position 7.5% of equity > 5%', detail: { limit: 0.05, value: 0.075 },
        } as const; // prettier-ignore
        const halt = {
          runId,
          ts: T0 + 1,
          kind: 'kill_switch',
          fromState: 'ACTIVE',
          toState: 'HALTED',
          reason: 'daily drawdown 2.1%',
        } as const;
        await ledger.recordRiskEvent(denial);
        await ledger.recordRiskEvent(halt);
        expect(await ledger.riskEvents(runId)).toEqual([denial, halt]);
        await ledger.audit({ ts: T0, actor: 'cli:alice', action: 'halt', subject: runId, detail: { why: 'manual' } });
        await ledger.audit({ ts: T0 + 1, actor: 'api', action: 'resume' });
        expect((await ledger.auditLog(2)).reverse()).toEqual([
          { ts: T0, actor: 'cli:alice', action: 'halt', subject: runId, detail: { why: 'manual' } },
          { ts: T0 + 1, actor: 'api', action: 'resume' },
        ]);
      });
    });

    describe('recordRun', () => {
      const recording = (id: string): RunRecording => ({
        run: {
          id, kind: 'backtest', strategy: 'sma-cross', params: { fast: 5 }, spec: { start: '2020-01-02' },
          startedAt: T0, status: 'finished', finishedAt: T0 + 50, metrics: { trades: 1 }, resultDir: '/results/x',
        },
        orders: [
          {
            order: { ...req('b1', { qty: 2, type: 'limit', limitPrice: 1 / 3 }), status: 'filled', filledQty: 2, avgPrice: 10.5, fees: 0.2,
              createdAt: T0, updatedAt: T0 + 2, sent: true, sentAt: T0, venueOrderId: 'sim-1' },
            events: [{ status: 'new', ts: T0 }, { status: 'accepted', ts: T0 }, { status: 'partially_filled', ts: T0 + 1 }, { status: 'filled', ts: T0 + 2 }],
          },
          {
            order: { ...req('b2', { side: 'sell', qty: 1 }), status: 'rejected', filledQty: 0, avgPrice: NaN, fees: 0,
              reason: REASON, createdAt: T0 + 3, updatedAt: T0 + 3, sent: false },
            events: [{ status: 'new', ts: T0 + 3 }, { status: 'rejected', ts: T0 + 3, reason: REASON }],
          },
        ],
        fills: [
          { clientOrderId: 'b1', symbol: 'AAPL', side: 'buy', qty: 1, price: 10, fee: 0.1, ts: T0 + 1 },
          { clientOrderId: 'b1', symbol: 'AAPL', side: 'buy', qty: 1, price: 11, fee: 0.1, ts: T0 + 2 },
        ],
      }); // prettier-ignore

      it('writes a whole run, its orders, transitions, fills and positions in one transaction', async () => {
        await ledger.recordRun(recording('rec-1'));
        expect(await ledger.getRun('rec-1')).toMatchObject({
          status: 'finished',
          finishedAt: T0 + 50,
          resultDir: '/results/x',
        });
        expect(await ledger.runCounts('rec-1')).toEqual({
          orders: 2, ordersByStatus: { filled: 1, rejected: 1 }, orderEvents: 6, fills: 2, positions: 1, equitySnapshots: 0, riskEvents: 0,
        }); // prettier-ignore
        expect(await ledger.orderEvents('rec-1', 'b2')).toEqual([
          { status: 'new', ts: T0 + 3 },
          { status: 'rejected', ts: T0 + 3, reason: REASON },
        ]);
        // Two buys of 1 at 10 and 11: 2 held at an average of 10.5, fees 0.2.
        const [pos] = await ledger.positions('rec-1');
        expect(pos).toMatchObject({ symbol: 'AAPL', qty: 2, avgPrice: 10.5, fees: 0.2, updatedAt: T0 + 2 });
        expect((await ledger.getOrder('rec-1', 'b2'))?.avgPrice).toBeNaN();
        // The bulk path keeps doubles and times as exactly as the one-row path.
        const b1 = await ledger.getOrder('rec-1', 'b1');
        expect(Object.is(b1?.limitPrice, 1 / 3)).toBe(true);
        expect(b1).toMatchObject({ createdAt: T0, updatedAt: T0 + 2, sentAt: T0, sent: true, venueOrderId: 'sim-1' });
        expect((await ledger.listFills('rec-1')).map((f) => [f.price, f.ts])).toEqual([
          [10, T0 + 1],
          [11, T0 + 2],
        ]);
      });

      it('refuses a run recorded twice and leaves nothing of a recording that fails midway', async () => {
        await ledger.recordRun(recording('rec-2'));
        expect(await codeOf(ledger.recordRun(recording('rec-2')))).toBe('LEDGER_CONFLICT');
        expect((await ledger.runCounts('rec-2')).orders).toBe(2);
        const broken = recording('rec-3');
        const bad = { ...broken, fills: [...broken.fills, { ...broken.fills[0]!, clientOrderId: 'not-an-order' }] };
        await expect(ledger.recordRun(bad)).rejects.toThrow();
        expect(await ledger.getRun('rec-3')).toBeUndefined();
        expect(await ledger.listOrders({ runId: 'rec-3' })).toEqual([]);
        const twice = { ...broken, orders: [broken.orders[0]!, broken.orders[0]!] };
        expect(await codeOf(ledger.recordRun(twice))).toBe('LEDGER_CONFLICT');
      });
    });

    describe('pipeline days and steps', () => {
      const key = (step: string, position: number) => ({ pipeline: 'daily', date: '2024-06-03', step, position });

      it('keep one row per day and per step however often the day is run, counting the attempts', async () => {
        const first = await ledger.startPipelineDay('daily', '2024-06-03', T0);
        expect(first).toMatchObject({ status: 'running', attempts: 1, startedAt: T0 });
        await ledger.startPipelineStep({ ...key('fetch', 0), startedAt: T0 + 1 });
        await ledger.endPipelineStep(key('fetch', 0), { status: 'done', endedAt: T0 + 2, outputs: { added: 3 } });
        const error = { code: 'DATA_MANIFEST', message: 'ZNTX.csv changed', hint: 'restore it', exitCode: 3 };
        await ledger.startPipelineStep({ ...key('validate', 1), startedAt: T0 + 3 });
        await ledger.endPipelineStep(key('validate', 1), { status: 'failed', endedAt: T0 + 4, error });
        await ledger.endPipelineStep(key('trade', 2), { status: 'skipped', endedAt: T0 + 4, outputs: { why: 'x' } });
        await ledger.endPipelineDay('daily', '2024-06-03', {
          status: 'failed',
          endedAt: T0 + 5,
          failedStep: 'validate',
          error,
          reportDir: '/r/2024-06-03',
        });
        expect(await ledger.pipelineDay('daily', '2024-06-03')).toEqual({
          pipeline: 'daily',
          date: '2024-06-03',
          status: 'failed',
          attempts: 1,
          startedAt: T0,
          endedAt: T0 + 5,
          failedStep: 'validate',
          error,
          reportDir: '/r/2024-06-03',
        });
        expect(await ledger.pipelineSteps('daily', '2024-06-03')).toEqual([
          {
            ...key('fetch', 0),
            status: 'done',
            attempts: 1,
            startedAt: T0 + 1,
            endedAt: T0 + 2,
            outputs: { added: 3 },
          },
          { ...key('validate', 1), status: 'failed', attempts: 1, startedAt: T0 + 3, endedAt: T0 + 4, error },
          { ...key('trade', 2), status: 'skipped', attempts: 0, endedAt: T0 + 4, outputs: { why: 'x' } },
        ]);

        // The rerun: the same rows, the failed step started again, the first start of the day kept.
        const again = await ledger.startPipelineDay('daily', '2024-06-03', T0 + 10);
        expect(again).toMatchObject({ status: 'running', attempts: 2, startedAt: T0, reportDir: '/r/2024-06-03' });
        expect(again.error).toBeUndefined();
        await ledger.startPipelineStep({ ...key('validate', 1), startedAt: T0 + 11 });
        await ledger.endPipelineStep(key('validate', 1), { status: 'done', endedAt: T0 + 12, outputs: { ok: true } });
        await ledger.endPipelineDay('daily', '2024-06-03', { status: 'done', endedAt: T0 + 13 });
        const steps = await ledger.pipelineSteps('daily', '2024-06-03');
        expect(steps.map((s) => [s.step, s.status, s.attempts])).toEqual([
          ['fetch', 'done', 1],
          ['validate', 'done', 2],
          ['trade', 'skipped', 0],
        ]);
        expect(steps[1]).toMatchObject({ startedAt: T0 + 11, endedAt: T0 + 12, outputs: { ok: true } });
        expect(steps[1]?.error).toBeUndefined();
        const day = await ledger.pipelineDay('daily', '2024-06-03');
        expect(day).toMatchObject({ status: 'done', attempts: 2, endedAt: T0 + 13, reportDir: '/r/2024-06-03' });
        expect(day?.failedStep).toBeUndefined();
      });

      it('list days latest first, of one pipeline or of all', async () => {
        await ledger.startPipelineDay('daily', '2024-06-04', T0);
        await ledger.startPipelineDay('weekly', '2024-06-05', T0);
        expect((await ledger.pipelineDays('daily')).map((d) => d.date)).toEqual(['2024-06-04', '2024-06-03']);
        expect((await ledger.pipelineDays('daily', 1)).map((d) => d.date)).toEqual(['2024-06-04']);
        expect((await ledger.pipelineDays()).map((d) => `${d.pipeline}:${d.date}`)).toEqual([
          'weekly:2024-06-05',
          'daily:2024-06-04',
          'daily:2024-06-03',
        ]);
        expect(await ledger.pipelineDay('daily', '2030-01-01')).toBeUndefined();
      });

      it('refuse a step of a day that was never started', async () => {
        expect(
          await codeOf(
            ledger.startPipelineStep({
              pipeline: 'daily',
              date: '1999-01-04',
              step: 'fetch',
              position: 0,
              startedAt: T0,
            }),
          ),
        ).not.toBe('no error');
      });
    });

    describe('api tokens', () => {
      const token = (id: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => ({
        id,
        name: `holder of ${id}`,
        role,
        secretHash: 'ab'.repeat(32),
        createdAt: T0,
      });

      it('stores a token with its role and hash, and lists tokens oldest first', async () => {
        await ledger.createToken({ ...token('tok-b', 'admin'), createdAt: T0 + 5 });
        await ledger.createToken(token('tok-a', 'operator'));
        expect(await ledger.getToken('tok-b')).toEqual({ ...token('tok-b', 'admin'), createdAt: T0 + 5 });
        const ids = (await ledger.listTokens()).map((t) => t.id);
        expect(ids.indexOf('tok-a')).toBeLessThan(ids.indexOf('tok-b'));
        expect(await ledger.getToken('tok-none')).toBeUndefined();
      });

      it('refuses a second token with the same id, and a role the service does not know', async () => {
        await ledger.createToken(token('tok-dup'));
        expect(await codeOf(ledger.createToken(token('tok-dup', 'admin')))).toBe('LEDGER_CONFLICT');
        expect((await ledger.getToken('tok-dup'))?.role).toBe('viewer');
        const bad = { ...token('tok-root'), role: 'root' as 'admin' };
        expect(await codeOf(ledger.createToken(bad))).not.toBe('no error');
        expect(await ledger.getToken('tok-root')).toBeUndefined();
      });

      it('revokes a token once: the first revocation time stays, and the token stays listed', async () => {
        await ledger.createToken(token('tok-r'));
        expect((await ledger.revokeToken('tok-r', T0 + 10)).revokedAt).toBe(T0 + 10);
        expect((await ledger.revokeToken('tok-r', T0 + 20)).revokedAt).toBe(T0 + 10);
        expect((await ledger.listTokens()).some((t) => t.id === 'tok-r')).toBe(true);
        expect(await codeOf(ledger.revokeToken('tok-missing', T0))).toBe('LEDGER_NOT_FOUND');
      });

      it('records when a token was last used', async () => {
        await ledger.createToken(token('tok-u'));
        expect((await ledger.getToken('tok-u'))?.lastUsedAt).toBeUndefined();
        await ledger.touchToken('tok-u', T0 + 60_000);
        expect((await ledger.getToken('tok-u'))?.lastUsedAt).toBe(T0 + 60_000);
      });
    });

    describe('model registry', () => {
      const model = (name: string, o: Partial<NewModelVersion> = {}): NewModelVersion => ({
        name,
        kind: 'gbdt',
        artifact: '{"format":"momentic-gbdt"}',
        features: ['ret_1', 'vol_20'],
        featureHash: 'abc123',
        label: { kind: 'fixed', horizon: 5 },
        dataRange: { from: '2020-01-01', to: '2020-12-31', samples: 250 },
        cv: { method: 'cpcv', groups: 6, testGroups: 2, embargo: 0.01 },
        folds: [{ split: 0, auc: 0.61, logloss: 0.68, ic: 0.12 }],
        pathSharpes: [0.11, -0.02, 0.07],
        evaluation: { auc: 0.6, returns: [0.01, -0.005] },
        trials: 12,
        codeVersion: '1.2.3',
        createdAt: T0,
        ...o,
      });

      it('registers versions of a name as candidates, numbered 1, 2, ... with their id', async () => {
        const a = await ledger.registerModel(model('alpha'), 'tester');
        const b = await ledger.registerModel(model('alpha', { createdAt: T0 + 1 }));
        expect([a.id, a.version, a.stage, b.id, b.version]).toEqual(['alpha-v1', 1, 'candidate', 'alpha-v2', 2]);
        expect(await ledger.getModel('alpha-v1')).toEqual({
          ...model('alpha'),
          id: 'alpha-v1',
          version: 1,
          stage: 'candidate',
          stageHistory: [{ from: null, to: 'candidate', at: T0, actor: 'tester' }],
        });
        expect(await ledger.getModel('alpha-v9')).toBeUndefined();
        const listed = await ledger.listModels({ name: 'alpha' });
        expect(listed.map((m) => m.id)).toEqual(['alpha-v2', 'alpha-v1']);
        expect(listed[0]).not.toHaveProperty('artifact');
        expect(listed[0]?.pathSharpes).toEqual([0.11, -0.02, 0.07]);
      });

      it('refuses a name the registry cannot use as an id prefix', async () => {
        expect(await codeOf(ledger.registerModel(model('bad name')))).toBe('USAGE_INVALID_OPTION');
      });

      it('moves stages with history and audit; production retires the previous production version', async () => {
        await ledger.registerModel(model('beta'));
        await ledger.registerModel(model('beta', { createdAt: T0 + 1 }));
        await ledger.setModelStage('beta-v1', { to: 'production', at: T0 + 10, actor: 'ops', reason: 'gates passed' });
        const staged = await ledger.setModelStage('beta-v2', { to: 'staging', at: T0 + 20, actor: 'ops' });
        expect([staged.stage, staged.promotedAt]).toEqual(['staging', T0 + 20]);
        const prod = await ledger.setModelStage('beta-v2', {
          to: 'production',
          at: T0 + 30,
          actor: 'ops',
          detail: { gates: { auc: 0.6 } },
        });
        expect(prod.stageHistory.map((h) => `${h.from}>${h.to}@${h.at - T0}`)).toEqual([
          'null>candidate@1',
          'candidate>staging@20',
          'staging>production@30',
        ]);
        const old = await ledger.getModel('beta-v1');
        expect(old?.stage).toBe('retired');
        expect(old?.stageHistory.at(-1)).toEqual({
          from: 'production',
          to: 'retired',
          at: T0 + 30,
          actor: 'ops',
          reason: 'replaced by beta-v2',
        });
        expect((await ledger.listModels({ stage: 'production' })).map((m) => m.id)).toEqual(['beta-v2']);
        const log = (await ledger.auditLog(50)).filter((e) => e.action === 'ml.stage' && e.subject?.startsWith('beta'));
        expect(log.map((e) => `${e.subject}:${String(e.detail?.from)}>${String(e.detail?.to)}`).sort()).toEqual([
          'beta-v1:candidate>production',
          'beta-v1:production>retired',
          'beta-v2:candidate>staging',
          'beta-v2:staging>production',
        ]);
        expect(log.find((e) => e.detail?.to === 'production' && e.subject === 'beta-v2')?.detail?.gates).toEqual({
          auc: 0.6,
        });
      });

      it('names an unknown model and an unknown stage', async () => {
        expect(await codeOf(ledger.setModelStage('nope-v1', { to: 'staging', at: T0, actor: 'x' }))).toBe(
          'LEDGER_NOT_FOUND',
        );
        await ledger.registerModel(model('gamma'));
        const bad = { to: 'live' as 'staging', at: T0, actor: 'x' };
        expect(await codeOf(ledger.setModelStage('gamma-v1', bad))).toBe('USAGE_INVALID_OPTION');
      });

      it('registrations racing for a name get distinct versions', async () => {
        const got = await Promise.all([1, 2, 3].map((i) => ledger.registerModel(model('race', { createdAt: T0 + i }))));
        expect(got.map((m) => m.version).sort()).toEqual([1, 2, 3]);
      });
    });

    describe('values', () => {
      it('times are whole epoch milliseconds, kept exactly from 1969 to the year 275760', async () => {
        const runId = await newRun();
        for (const [i, ts] of [-1, 0, 8_640_000_000_000_000, 2 ** 53 - 1].entries()) {
          const { order } = await ledger.persistOrder(runId, req(`time-${i}`), ts);
          expect(order.createdAt).toBe(ts);
        }
        expect(await codeOf(ledger.persistOrder(runId, req('time-x'), T0 + 0.5))).toBe('DATA_INVALID');
        expect(await codeOf(ledger.persistOrder(runId, req('time-y'), NaN))).toBe('DATA_INVALID');
      });

      it('doubles round-trip bit for bit', async () => {
        const runId = await newRun();
        const values = [0.1 + 0.2, 1 / 3, 1e-300, 123456789.12345679, Number.MAX_VALUE, 5e-324, -0.5];
        for (const [i, v] of values.entries()) {
          await ledger.persistOrder(runId, req(`dbl-${i}`, { type: 'limit', limitPrice: v, qty: Math.abs(v) }), T0);
          const o = await ledger.getOrder(runId, `dbl-${i}`);
          expect(Object.is(o?.limitPrice, v)).toBe(true);
          expect(Object.is(o?.qty, Math.abs(v))).toBe(true);
        }
      });
    });
  });
}

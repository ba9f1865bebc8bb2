import { afterAll, describe, expect, it } from 'vitest';
import { recordingOf } from '../../src/orchestration/backtest-ledger.js';
import { createLedger } from '../../src/store/index.js';
import { flat, run } from '../backtest/support.js';
import { sqliteBackend } from '../store/backends.js';

const backend = sqliteBackend();
afterAll(() => backend.cleanup());

/**
 * Flat bars closing (and opening) at 100, 101, 102, 103, 104, volume 1,000,000. On the first bar
 * the strategy buys 10 `big` (a participation cap of 4e-6 x 1,000,000 = 4 units per bar fills it
 * 4 + 4 + 2 at the opens of bars 2, 3 and 4: 101, 102, 103) and submits `dup` twice: the second
 * use of the id is denied before the venue.
 */
function partialRun() {
  let done = false;
  return run(
    {
      onBar(ctx) {
        if (done) return;
        done = true;
        ctx.buy('AAA', 10, { clientOrderId: 'big' });
        ctx.buy('AAA', 1, { clientOrderId: 'dup' });
        ctx.buy('AAA', 2, { clientOrderId: 'dup' });
      },
    },
    { series: [flat('AAA', [100, 101, 102, 103, 104])], participation: 4e-6, runId: 'partial' },
  );
}

describe('a backtest in the ledger', () => {
  it('keeps every fill of a partly filled order, its transitions, and a reused id as ID#2 not sent', async () => {
    const record = partialRun();
    const rec = recordingOf(record, {
      spec: { strategy: 'test' },
      metrics: { trades: 0 },
      dir: 'out',
      startedAt: 1,
      finishedAt: 2,
    });
    const db = await backend.fresh();
    const ledger = await createLedger(db.config, db.home);
    try {
      await ledger.recordRun(rec);
      const fills = await ledger.listFills('partial', 'big');
      expect(fills.map((f) => [f.qty, f.price])).toEqual([
        [4, 101],
        [4, 102],
        [2, 103],
      ]);
      const big = await ledger.getOrder('partial', 'big');
      // VWAP (4 x 101 + 4 x 102 + 2 x 103) / 10 = 1018 / 10 = 101.8.
      expect(big).toMatchObject({ status: 'filled', filledQty: 10, avgPrice: 101.8, sent: true });
      expect((await ledger.orderEvents('partial', 'big')).map((e) => e.status)).toEqual([
        'new', 'accepted', 'partially_filled', 'partially_filled', 'filled',
      ]); // prettier-ignore
      const dup2 = await ledger.getOrder('partial', 'dup#2');
      expect(dup2).toMatchObject({ status: 'rejected', sent: false, qty: 2 });
      expect(dup2?.reason).toContain('already used');
      expect(dup2?.venueOrderId).toBeUndefined();
      expect(await ledger.getOrder('partial', 'dup')).toMatchObject({ qty: 1, sent: true, status: 'filled' });
      // The position is the sum of the fills: 10 + 1 units held.
      expect((await ledger.positions('partial')).map((p) => [p.symbol, p.qty])).toEqual([['AAA', 11]]);
      expect((await ledger.runCounts('partial')).orders).toBe(record.orders.length);
    } finally {
      await ledger.close();
    }
  });
});

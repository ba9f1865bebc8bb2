import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/core/order.js';
import {
  createLedger,
  OrderOutbox,
  type LedgerStore,
  type LedgerOrder,
  type SendOutcome,
} from '../../src/store/index.js';
import { sqliteBackend } from './backends.js';

const backend = sqliteBackend();
const order = (id: string): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  qty: 1,
  tif: 'day',
});

describe('OrderOutbox', () => {
  let ledger: LedgerStore;
  let clock = 1_700_000_000_000;
  const now = () => ++clock;
  beforeAll(async () => {
    const db = await backend.fresh();
    ledger = await createLedger(db.config, db.home);
    await ledger.startRun({ id: 'r', kind: 'paper', strategy: 's', params: {}, spec: {}, startedAt: clock });
  });
  afterAll(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  it('persists an order before the venue sees it, then marks it sent and accepted', async () => {
    const seen: (LedgerOrder | undefined)[] = [];
    const outbox = new OrderOutbox(ledger, {
      send: async (o) => {
        seen.push(await ledger.getOrder('r', o.clientOrderId));
        return { kind: 'accepted', venueOrderId: 'v-1' };
      },
    }, now); // prettier-ignore
    const stored = await outbox.submit('r', order('s1'));
    expect(seen[0]).toMatchObject({ status: 'new', sent: false });
    expect(stored).toMatchObject({ status: 'accepted', sent: true, venueOrderId: 'v-1' });
    expect((await ledger.orderEvents('r', 's1')).map((e) => e.status)).toEqual(['new', 'accepted']);
  });

  it('a retried submit of a sent order sends nothing', async () => {
    let sends = 0;
    const outbox = new OrderOutbox(ledger, { send: async () => (sends++, { kind: 'accepted' }) }, now);
    await outbox.submit('r', order('s2'));
    await outbox.submit('r', order('s2'));
    expect(sends).toBe(1);
  });

  it('a venue rejection ends the order with the venue’s reason', async () => {
    const outbox = new OrderOutbox(
      ledger,
      { send: async () => ({ kind: 'rejected', reason: 'insufficient buying power' }) },
      now,
    );
    const o = await outbox.submit('r', order('s3'));
    expect(o).toMatchObject({ status: 'rejected', reason: 'insufficient buying power', sent: true });
  });

  it('flush stops at a failed send and keeps it and the orders after it pending, in order', async () => {
    await ledger.persistOrder('r', order('p1'), now());
    await ledger.persistOrder('r', order('p2'), now());
    await ledger.persistOrder('r', order('p3'), now());
    const sent: string[] = [];
    const outbox = new OrderOutbox(ledger, {
      send: async (o): Promise<SendOutcome> => {
        if (o.clientOrderId === 'p2') throw new Error('connection reset');
        sent.push(o.clientOrderId);
        return { kind: 'accepted' };
      },
    }, now); // prettier-ignore
    const report = await outbox.flush('r');
    expect(report.sent).toEqual(['p1']);
    expect(report.failed?.clientOrderId).toBe('p2');
    expect(sent).toEqual(['p1']);
    expect((await ledger.pendingSends('r')).map((o) => o.clientOrderId)).toEqual(['p2', 'p3']);
  });
});

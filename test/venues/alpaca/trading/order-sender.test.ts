import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../../src/core/order.js';
import { createLedger, OrderOutbox, type LedgerStore, type OrderSender } from '../../../../src/store/index.js';
import { AlpacaOrderSender } from '../../../../src/venues/alpaca/trading/order-sender.js';
import { sqliteBackend } from '../../../store/backends.js';
import { closeAll, startTrading } from './support.js';

const backend = sqliteBackend();
const order = (id: string, fields: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  limitPrice: 50,
  qty: 1,
  tif: 'gtc',
  ...fields,
});

describe('AlpacaOrderSender through the outbox', () => {
  let ledger: LedgerStore;
  let clock = 1_700_000_000_000;
  const now = () => ++clock;
  beforeAll(async () => {
    const db = await backend.fresh();
    ledger = await createLedger(db.config, db.home);
    await ledger.startRun({ id: 'r', kind: 'live', strategy: 's', params: {}, spec: {}, startedAt: clock });
  });
  afterEach(closeAll);
  afterAll(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  it('sends, records the venue id, and counts a resend after a crash as already sent', async () => {
    const s = await startTrading({ connect: false });
    const sender: OrderSender = new AlpacaOrderSender(s.client.api);
    const outbox = new OrderOutbox(ledger, sender, now);
    const stored = await outbox.submit('r', order('s1'));
    const venueId = s.fake.venue.byClientId('s1')?.id;
    expect(stored).toMatchObject({ status: 'accepted', sent: true, venueOrderId: venueId });
    // A crash between the send and markSent: the ledger still says pending, the venue has it.
    expect(await sender.send({ ...stored, sent: false })).toEqual({ kind: 'duplicate', venueOrderId: venueId });
    expect(s.fake.venue.orders).toHaveLength(1);
  });

  it('marks a refused order rejected with the venue reason, and leaves it pending on a failure that outlives the retries', async () => {
    const s = await startTrading({ connect: false });
    const outbox = new OrderOutbox(ledger, new AlpacaOrderSender(s.client.api), now);
    expect(await outbox.submit('r', order('s2', { symbol: 'ZZZZ' }))).toMatchObject({
      status: 'rejected',
      reason: 'unknown_symbol: alpaca: asset "ZZZZ" not found',
    });
    const fail = { match: 'POST /v2/orders', kind: 'status', status: 502 } as const;
    s.fake.script(fail, fail, fail);
    await expect(outbox.submit('r', order('s3'))).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });
    expect(await ledger.getOrder('r', 's3')).toMatchObject({ status: 'new', sent: false });
    const report = await outbox.flush('r');
    expect(report.sent).toEqual(['s3']);
    expect(s.fake.venue.orders.map((o) => o.client_order_id)).toEqual(['s3']);
  });
});

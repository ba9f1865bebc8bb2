import { describe, expect, it } from 'vitest';
import type { OrderRequest, OrderState } from '../../src/core/order.js';
import type { ExecutionEvent, ExecutionListener } from '../../src/engine/ports.js';
import { markSentOnAck } from '../../src/orchestration/sent-on-ack.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

const order = (id: string): OrderState => {
  const req: OrderRequest = {
    clientOrderId: id,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    qty: 0.01,
    tif: 'gtc',
  };
  return { ...req, id, status: 'accepted', filledQty: 0, avgFillPrice: NaN, createdAt: T0, updatedAt: T0 };
};

describe('markSentOnAck', () => {
  it("marks an order sent at the session's time of the acknowledgement, not the broker's stamp", () => {
    const listeners: ExecutionListener[] = [];
    const execution = {
      subscribe: (l: ExecutionListener) => {
        listeners.push(l);
        return () => undefined;
      },
    } as unknown as Parameters<typeof markSentOnAck>[0];
    const sent: [string, number][] = [];
    let now = T0 + 250;
    markSentOnAck(execution, { markSent: (id, ts) => sent.push([id, ts]) }, { now: () => now });
    const emit = (e: ExecutionEvent): void => listeners.forEach((l) => l(e));
    // The broker's clock runs an hour ahead (its stream update carries its own stamp), then a day behind.
    emit({ kind: 'accepted', ts: T0 + HOUR, order: order('a') });
    now = T0 + 900;
    emit({ kind: 'accepted', ts: T0 - 24 * HOUR, order: order('b') });
    emit({ kind: 'cancelled', ts: T0 + HOUR, order: order('b'), reason: 'cancelled at the venue' });
    expect(sent).toEqual([
      ['a', T0 + 250],
      ['b', T0 + 900],
    ]);
  });
});

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/core/order.js';
import type { BrokerAccount, BrokerFill, BrokerOrder, BrokerPosition } from '../../src/engine/ports.js';
import { planReconcile, type BrokerBooks, type LedgerBooks } from '../../src/orchestration/reconcile.js';
import { reconcileSession } from '../../src/orchestration/reconcile-apply.js';
import { createLedger, type LedgerStore } from '../../src/store/index.js';
import type { LedgerOrder } from '../../src/store/types.js';
import { sqliteBackend } from '../store/backends.js';

const T0 = 1_700_000_000_000;

function ledgerOrder(id: string, o: Partial<LedgerOrder> = {}): LedgerOrder {
  return {
    clientOrderId: id,
    symbol: 'AAPL',
    side: 'buy',
    type: 'market',
    qty: 10,
    tif: 'day',
    runId: 'r',
    status: 'accepted',
    filledQty: 0,
    avgPrice: NaN,
    fees: 0,
    createdAt: T0,
    updatedAt: T0,
    sent: true,
    ...o,
  };
}

const brokerOrder = (id: string, o: Partial<BrokerOrder> = {}): BrokerOrder => ({
  clientOrderId: id,
  venueOrderId: `v-${id}`,
  symbol: 'AAPL',
  side: 'buy',
  qty: 10,
  status: 'accepted',
  filledQty: 0,
  ...o,
});

const fill = (execId: string, id: string, qty: number, price: number, ts = T0 + 60_000): BrokerFill => ({
  execId,
  clientOrderId: id,
  symbol: 'AAPL',
  side: 'buy',
  qty,
  price,
  fee: 0,
  ts,
});

function books(
  ledger: Partial<LedgerBooks> & { openOrders: LedgerOrder[] },
  broker: Partial<BrokerBooks>,
): [LedgerBooks, BrokerBooks] {
  const ids = new Set(ledger.openOrders.map((o) => o.clientOrderId));
  return [
    { positions: [], execIds: new Set(), isOurs: (id) => ids.has(id), ...ledger },
    { openOrders: [], orders: new Map(), fills: [], positions: [], ...broker },
  ];
}

describe('planReconcile', () => {
  it('finds nothing to do when both books agree', () => {
    const a = ledgerOrder('a');
    const plan = planReconcile(
      ...books({ openOrders: [a] }, { openOrders: [brokerOrder('a')], orders: new Map([['a', brokerOrder('a')]]) }),
    );
    expect(plan).toMatchObject({
      markSent: [],
      adoptFills: [],
      endOrders: [],
      lostOrders: [],
      unknownOrders: [],
      unexplainedFills: [],
      positionMismatches: [],
      clean: true,
    });
  });

  it('marks sent an order persisted before a crash that the broker holds', () => {
    const b = ledgerOrder('b', { status: 'new', sent: false });
    const plan = planReconcile(...books({ openOrders: [b] }, { orders: new Map([['b', brokerOrder('b')]]) }));
    expect(plan.markSent).toEqual([{ clientOrderId: 'b', venueOrderId: 'v-b' }]);
    expect(plan.clean).toBe(true);
  });

  it('leaves an order never sent and unknown to the broker to the outbox (not lost)', () => {
    const b = ledgerOrder('b', { status: 'new', sent: false });
    const plan = planReconcile(...books({ openOrders: [b] }, { orders: new Map([['b', undefined]]) }));
    expect(plan.lostOrders).toEqual([]);
    expect(plan.markSent).toEqual([]);
    expect(plan.clean).toBe(true);
  });

  it('adopts executions made while away, oldest first, and expects the position they make', () => {
    const a = ledgerOrder('a');
    const [l, b] = books(
      { openOrders: [a] },
      {
        orders: new Map([['a', brokerOrder('a', { status: 'filled', filledQty: 10 })]]),
        fills: [
          fill('e2', 'a', 6, 101, T0 + 120_000),
          fill('e1', 'a', 4, 100, T0 + 60_000),
          fill('x9', 'other', 5, 50),
        ],
        positions: [{ symbol: 'AAPL', qty: 10, avgPrice: 100.6 }],
      },
    );
    const plan = planReconcile(l, b);
    // The fill of an order that is not ours is not adopted; ours are in time order.
    expect(plan.adoptFills.map((f) => f.execId)).toEqual(['e1', 'e2']);
    expect(plan.endOrders).toEqual([]); // a filled order ends through its fills
    expect(plan.positionMismatches).toEqual([]);
    expect(plan.clean).toBe(true);
  });

  it('adopts only the executions beyond what the ledger booked live (fills without execution ids)', () => {
    const broker = {
      orders: new Map([['a', brokerOrder('a', { status: 'filled', filledQty: 10 })]]),
      fills: [fill('e1', 'a', 4, 100, T0 + 60_000), fill('e2', 'a', 6, 101, T0 + 61_000)],
    };
    const four = planReconcile(...books({ openOrders: [ledgerOrder('a', { filledQty: 4 })] }, broker));
    expect(four.adoptFills.map((f) => [f.execId, f.qty])).toEqual([['e2', 6]]);
    // Five booked: the rest of the second execution (1 of its 6 is known) is adopted.
    const five = planReconcile(...books({ openOrders: [ledgerOrder('a', { filledQty: 5 })] }, broker));
    expect(five.adoptFills.map((f) => [f.execId, f.qty, f.price])).toEqual([['e2:rest', 5, 101]]);
  });

  it("adopts each execution with its order's filled quantity through it, so a stream fill booked meanwhile is not booked again", () => {
    const broker = {
      orders: new Map([['a', brokerOrder('a', { status: 'filled', filledQty: 10 })]]),
      // Out of time order on purpose, with another order's execution between them.
      fills: [
        fill('e2', 'a', 6, 101, T0 + 61_000),
        fill('x1', 'b', 3, 50, T0 + 60_500),
        fill('e1', 'a', 4, 100, T0 + 60_000),
      ],
    };
    const none = planReconcile(...books({ openOrders: [ledgerOrder('a'), ledgerOrder('b')] }, broker));
    // a: 4 through e1, 4 + 6 = 10 through e2; b's 3 do not count towards a.
    expect(none.adoptFills.map((f) => [f.execId, f.qty, f.cumQty])).toEqual([
      ['e1', 4, 4],
      ['x1', 3, 3],
      ['e2', 6, 10],
    ]);
    const five = planReconcile(...books({ openOrders: [ledgerOrder('a', { filledQty: 5 })] }, broker));
    expect(five.adoptFills.map((f) => [f.execId, f.qty, f.cumQty])).toEqual([['e2:rest', 5, 10]]);
  });

  it('does not adopt an execution already booked', () => {
    const a = ledgerOrder('a', { status: 'filled', filledQty: 10 });
    const plan = planReconcile(
      ...books(
        { openOrders: [], execIds: new Set(['e1']), isOurs: (id) => id === 'a', positions: [position('AAPL', 10)] },
        { fills: [fill('e1', a.clientOrderId, 10, 100)], positions: [{ symbol: 'AAPL', qty: 10, avgPrice: 100 }] },
      ),
    );
    expect(plan.adoptFills).toEqual([]);
    expect(plan.clean).toBe(true);
  });

  it('ends orders the broker cancelled or expired while away', () => {
    const plan = planReconcile(
      ...books(
        { openOrders: [ledgerOrder('a'), ledgerOrder('b')] },
        {
          orders: new Map([
            ['a', brokerOrder('a', { status: 'cancelled' })],
            ['b', brokerOrder('b', { status: 'expired' })],
          ]),
        },
      ),
    );
    expect(plan.endOrders).toEqual([
      { clientOrderId: 'a', status: 'cancelled' },
      { clientOrderId: 'b', status: 'expired' },
    ]);
    expect(plan.clean).toBe(true);
  });

  it('reports what it cannot explain: lost, unknown, unexplained fills, positions', () => {
    const plan = planReconcile(
      ...books(
        { openOrders: [ledgerOrder('lost'), ledgerOrder('part')] },
        {
          orders: new Map([
            ['lost', undefined],
            ['part', brokerOrder('part', { status: 'partially_filled', filledQty: 3 })],
          ]),
          openOrders: [brokerOrder('part'), brokerOrder('manual', { symbol: 'MSFT' })],
          positions: [{ symbol: 'MSFT', qty: -5, avgPrice: 300 }],
        },
      ),
    );
    expect(plan.lostOrders).toEqual(['lost']);
    expect(plan.unknownOrders.map((o) => o.clientOrderId)).toEqual(['manual']);
    expect(plan.unexplainedFills).toEqual([{ clientOrderId: 'part', broker: 3, ledger: 0 }]);
    expect(plan.positionMismatches).toEqual([{ symbol: 'MSFT', ledger: 0, broker: -5 }]);
    expect(plan.clean).toBe(false);
  });

  it('treats float residue within the flat tolerance as agreement', () => {
    const plan = planReconcile(
      ...books(
        { openOrders: [], positions: [position('BTC/USD', 0.1 + 0.2)] },
        { positions: [{ symbol: 'BTC/USD', qty: 0.3, avgPrice: 1 }] },
      ),
    );
    expect(plan.positionMismatches).toEqual([]);
  });
});

function position(symbol: string, qty: number) {
  return { runId: 'r', symbol, qty, avgPrice: 100, realizedPnl: 0, fees: 0, updatedAt: T0 };
}

/** A broker whose books a test sets. */
class Books implements BrokerAccount {
  readonly name = 'test';
  open: BrokerOrder[] = [];
  all = new Map<string, BrokerOrder>();
  fills: BrokerFill[] = [];
  held: BrokerPosition[] = [];
  cash = async (): Promise<number> => 100_000;
  positions = async (): Promise<readonly BrokerPosition[]> => this.held;
  openOrders = async (): Promise<readonly BrokerOrder[]> => this.open;
  order = async (id: string): Promise<BrokerOrder | undefined> => this.all.get(id);
  fillsSince = async (ts: number): Promise<readonly BrokerFill[]> => this.fills.filter((f) => f.ts >= ts);
}

describe('reconcileSession on a SQLite ledger', () => {
  const backend = sqliteBackend();
  let ledger: LedgerStore;
  const request = (id: string, qty = 10): OrderRequest => ({
    clientOrderId: id,
    symbol: 'AAPL',
    side: 'buy',
    type: 'market',
    qty,
    tif: 'day',
  });
  beforeEach(async () => {
    const db = await backend.fresh();
    ledger = await createLedger(db.config, db.home);
    await ledger.startRun({ id: 'r', kind: 'live', strategy: 's', params: {}, spec: {}, startedAt: T0 });
  });
  afterAll(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  it('books what happened while away, once, and then has nothing left to do', async () => {
    // `a` was sent and accepted; `b` was persisted and the process died before marking it sent.
    await ledger.persistOrder('r', request('a'), T0);
    await ledger.markSent('r', 'a', T0, 'v-a');
    await ledger.transitionOrder('r', 'a', { status: 'accepted', ts: T0 });
    await ledger.persistOrder('r', request('b', 4), T0);
    const broker = new Books();
    broker.all.set('a', brokerOrder('a', { status: 'filled', filledQty: 10 }));
    broker.all.set('b', brokerOrder('b', { qty: 4, status: 'filled', filledQty: 4 }));
    broker.fills = [fill('e1', 'a', 10, 100, T0 + 60_000), fill('e2', 'b', 4, 110, T0 + 61_000)];
    broker.held = [{ symbol: 'AAPL', qty: 14, avgPrice: (10 * 100 + 4 * 110) / 14 }];

    const first = await reconcileSession(ledger, 'r', broker, { since: T0, now: T0 + 90_000, adopt: false });
    expect(first.canTrade).toBe(true);
    expect(first.plan.markSent.map((s) => s.clientOrderId)).toEqual(['b']);
    expect(first.plan.adoptFills.map((f) => f.execId)).toEqual(['e1', 'e2']);
    const a = await ledger.getOrder('r', 'a');
    const b = await ledger.getOrder('r', 'b');
    expect([a?.status, a?.filledQty, a?.avgPrice]).toEqual(['filled', 10, 100]);
    expect([b?.status, b?.sent, b?.venueOrderId, b?.filledQty]).toEqual(['filled', true, 'v-b', 4]);
    const [pos] = await ledger.positions('r');
    expect(pos?.qty).toBe(14);
    expect(pos?.avgPrice).toBeCloseTo(1440 / 14, 12);

    const again = await reconcileSession(ledger, 'r', broker, { since: T0, now: T0 + 120_000, adopt: false });
    expect(again.plan.adoptFills).toEqual([]);
    expect(again.plan.markSent).toEqual([]);
    expect(again.plan.clean).toBe(true);
    expect(await ledger.listFills('r')).toHaveLength(2);
  });

  it('halts entries on a position it cannot explain, and adopts it with --adopt (audited)', async () => {
    const broker = new Books();
    broker.held = [{ symbol: 'MSFT', qty: 5, avgPrice: 300 }];
    const halted = await reconcileSession(ledger, 'r', broker, { since: T0, now: T0 + 1, adopt: false });
    expect(halted.canTrade).toBe(false);
    expect(await ledger.positions('r')).toEqual([]);

    const adopted = await reconcileSession(ledger, 'r', broker, { since: T0, now: T0 + 2, adopt: true, actor: 'cli' });
    expect(adopted).toMatchObject({ canTrade: true, adopted: true });
    const [pos] = await ledger.positions('r');
    expect([pos?.symbol, pos?.qty, pos?.avgPrice]).toEqual(['MSFT', 5, 300]);
    const [entry] = await ledger.auditLog(10);
    expect([entry?.action, entry?.actor, entry?.subject]).toEqual(['reconcile.adopt', 'cli', 'r']);
    // Once adopted, the books agree.
    const after = await reconcileSession(ledger, 'r', broker, { since: T0, now: T0 + 3, adopt: false });
    expect(after.plan.clean).toBe(true);
  });
});

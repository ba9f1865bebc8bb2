/**
 * The OrderManager against a scripted venue and a fake clock: the lifecycle as a state machine
 * under random event sequences (positions = sum of fills; never two terminal states), idempotent
 * ids, persist-before-send, timeouts with the partial-fill policy, retries, TWAP and quiet windows.
 */
import { describe, expect, it } from 'vitest';
import type { Fill, OrderRequest, OrderState } from '../../src/core/order.js';
import { OrderManager, type OrderJournal, type OrderPolicies } from '../../src/engine/order-manager.js';
import { isTerminal } from '../../src/core/order-state.js';
import type {
  ExecutionClient,
  ExecutionEvent,
  ExecutionListener,
  OrderRecord,
  RejectCode,
} from '../../src/engine/ports.js';

class Clock {
  now = 0;
  #timers: { at: number; fn: () => void }[] = [];
  schedule = (ms: number, fn: () => void): void => {
    this.#timers.push({ at: this.now + ms, fn });
  };
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at);
      const t = this.#timers[0];
      if (t === undefined || t.at > end) break;
      this.#timers.shift();
      this.now = t.at;
      t.fn();
    }
    this.now = end;
  }
}

/** A venue the test drives: it records submissions and emits whatever events it is told to. */
class ScriptedVenue implements ExecutionClient {
  readonly name = 'scripted';
  readonly submitted: OrderRequest[] = [];
  readonly cancels: string[] = [];
  failures: unknown[] = [];
  #listeners: ExecutionListener[] = [];
  submit(order: OrderRequest): void {
    const f = this.failures.shift();
    if (f !== undefined) throw f;
    this.submitted.push(order);
  }
  cancel(id: string): void {
    this.cancels.push(id);
  }
  subscribe(l: ExecutionListener): () => void {
    this.#listeners.push(l);
    return () => undefined;
  }
  order(): OrderRecord | undefined {
    return undefined;
  }
  openOrders(): readonly OrderState[] {
    return [];
  }
  emit(e: ExecutionEvent): void {
    for (const l of this.#listeners) l(e);
  }
  state(req: OrderRequest, status: OrderState['status'], filledQty = 0): OrderState {
    return { ...req, id: req.clientOrderId, status, filledQty, avgFillPrice: NaN, createdAt: 0, updatedAt: 0 };
  }
  fill(req: OrderRequest, qty: number, total: number, ts = 0): void {
    const fill: Fill = {
      orderId: req.clientOrderId,
      clientOrderId: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      qty,
      price: 10,
      fee: 0,
      ts,
    };
    const kind = total >= req.qty ? 'filled' : 'partially_filled';
    this.emit({ kind, ts, order: this.state(req, kind, total), fill, slippage: 0 });
  }
  end(req: OrderRequest, kind: 'cancelled' | 'expired', ts = 0): void {
    this.emit({ kind, ts, order: this.state(req, kind), reason: kind });
  }
  reject(req: OrderRequest, ts = 0, code: RejectCode = 'invalid_order', reason = 'no'): void {
    this.emit({
      kind: 'rejected',
      ts,
      order: this.state(req, 'rejected'),
      code,
      rejection: { clientOrderId: req.clientOrderId, symbol: req.symbol, reason, source: 'venue', ts },
    });
  }
  accept(req: OrderRequest, ts = 0): void {
    this.emit({ kind: 'accepted', ts, order: this.state(req, 'accepted') });
  }
}

const req = (id: string, qty = 100, side: 'buy' | 'sell' = 'buy', symbol = 'AAA'): OrderRequest => ({
  clientOrderId: id,
  symbol,
  side,
  type: 'limit',
  limitPrice: 10,
  qty,
  tif: 'gtc',
});

function setup(
  policies: Partial<OrderPolicies> = {},
  extra: Partial<ConstructorParameters<typeof OrderManager>[0]> = {},
) {
  const clock = new Clock();
  const venue = new ScriptedVenue();
  const log: string[] = [];
  const journal: OrderJournal = {
    persist: (o) => log.push(`persist ${o.clientOrderId}`),
    markSent: (id) => log.push(`sent ${id}`),
    transition: (id, s) => log.push(`${id} ${s}`),
    fill: (f) => log.push(`fill ${f.clientOrderId} ${f.qty}`),
  };
  const om = new OrderManager({
    client: venue,
    now: () => clock.now,
    schedule: clock.schedule,
    journal,
    policies: { cancelAfterMs: 0, quietOpenMs: 0, quietCloseMs: 0, ...policies },
    ...extra,
  });
  return { clock, venue, om, log };
}

/** mulberry32, for reproducible random sequences. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('OrderManager', () => {
  it('keeps positions equal to the sum of fills and never two terminal states, over random event sequences', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const { venue, om } = setup();
      const reqs: OrderRequest[] = [];
      const filled = new Map<string, number>();
      const sums = new Map<string, number>();
      for (let step = 0; step < 60; step++) {
        const x = r();
        if (x < 0.25 || reqs.length === 0) {
          const o = req(`o${step}`, 1 + Math.floor(r() * 100), r() < 0.5 ? 'buy' : 'sell', r() < 0.5 ? 'AAA' : 'BBB');
          om.submit(o);
          reqs.push(o);
          continue;
        }
        // Events for any order, legal or not: the manager must refuse the illegal ones.
        const o = reqs[Math.floor(r() * reqs.length)] as OrderRequest;
        const done = filled.get(o.clientOrderId) ?? 0;
        const before = om.order(o.clientOrderId)?.status;
        if (x < 0.6) {
          const q = Math.max(1, Math.floor(r() * (o.qty - done + 3)));
          venue.fill(o, q, done + q);
          if (before !== undefined && !isTerminal(before)) {
            filled.set(o.clientOrderId, done + q);
            sums.set(o.symbol, (sums.get(o.symbol) ?? 0) + (o.side === 'buy' ? q : -q));
          }
        } else if (x < 0.75) venue.end(o, 'cancelled');
        else if (x < 0.85) venue.end(o, 'expired');
        else if (x < 0.95) venue.reject(o);
        else venue.emit({ kind: 'accepted', ts: 0, order: venue.state(o, 'accepted') });
      }
      for (const s of ['AAA', 'BBB']) expect(om.position(s), `seed ${seed} ${s}`).toBe(sums.get(s) ?? 0);
      for (const m of om.orders) {
        const terminal = m.history.filter((h) => isTerminal(h.status));
        expect(terminal.length, `seed ${seed} ${m.request.clientOrderId}`).toBeLessThanOrEqual(1);
        if (terminal.length === 1) expect(m.history[m.history.length - 1]).toBe(terminal[0]);
      }
    }
  });

  it('persists an order before sending it, and a reused client order id never sends twice', () => {
    const { venue, om, log } = setup();
    om.submit(req('a'));
    om.submit(req('a'));
    expect(venue.submitted).toHaveLength(1);
    expect(log.slice(0, 2)).toEqual(['persist a', 'sent a']);
    venue.fill(req('a'), 100, 100);
    expect(log).toContain('fill a 100');
    expect(log[log.length - 1]).toBe('a filled');
  });

  it('resends persisted but unsent orders once after a restart', () => {
    const { venue, om } = setup();
    om.resume([req('x'), req('y'), req('x')]);
    expect(venue.submitted.map((o) => o.clientOrderId)).toEqual(['x', 'y']);
  });

  it('cancels an order unfilled after 60 s; a partial fill of 80% or more is kept, under 80% unwound at market', () => {
    const { clock, venue, om } = setup({ cancelAfterMs: 60_000 });
    om.submit(req('none'));
    om.submit(req('most'));
    om.submit(req('some'));
    venue.fill(req('most'), 80, 80);
    venue.fill(req('some'), 79, 79);
    clock.advance(59_999);
    expect(venue.cancels).toEqual([]);
    clock.advance(1);
    expect(venue.cancels).toEqual(['none', 'most', 'some']);
    expect([om.order('none')?.outcome, om.order('most')?.outcome, om.order('some')?.outcome]).toEqual([
      'timed_out',
      'accepted_partial',
      'unwound',
    ]);
    const unwind = venue.submitted.find((o) => o.clientOrderId === 'some.unwind');
    expect(unwind).toMatchObject({ side: 'sell', type: 'market', qty: 79 });
  });

  it('retries transient venue errors with doubling backoff, and gives up on permanent ones', () => {
    const errors: string[] = [];
    const { clock, venue, om } = setup({ retries: 3, retryBaseMs: 500 }, { onVenueError: (m) => errors.push(m) });
    venue.failures = [
      Object.assign(new Error('timeout'), { transient: true }),
      Object.assign(new Error('503'), { transient: true }),
    ];
    om.submit(req('t'));
    expect(venue.submitted).toHaveLength(0);
    clock.advance(499);
    expect(venue.submitted).toHaveLength(0);
    clock.advance(1); // 500 ms: second attempt fails again
    clock.advance(999);
    expect(venue.submitted).toHaveLength(0);
    clock.advance(1); // 1,000 ms later: third attempt succeeds
    expect(venue.submitted.map((o) => o.clientOrderId)).toEqual(['t']);
    venue.failures = [new Error('bad symbol')];
    om.submit(req('p'));
    expect(om.order('p')?.status).toBe('rejected');
    expect(om.order('p')?.history[1]?.reason).toBe('venue error after 1 attempt(s): bad symbol');
    expect(errors).toEqual(['bad symbol']);
  });

  it("counts a broker's later venue_unavailable rejections as venue errors, and its acceptances as the venue working", () => {
    const seen: string[] = [];
    const { venue, om } = setup(
      {},
      { onVenueError: (m) => seen.push(`error: ${m}`), onVenueOk: () => seen.push('ok') },
    );
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => req(id));
    for (const r of [a, b, c, d]) om.submit(r as OrderRequest);
    // Handing an order to a broker tells nothing yet: its answer comes later.
    expect(seen).toEqual([]);
    venue.reject(a as OrderRequest, 1, 'venue_unavailable', 'alpaca never took the order: HTTP 500');
    venue.reject(b as OrderRequest, 2, 'insufficient_buying_power', 'alpaca: insufficient buying power');
    venue.accept(c as OrderRequest, 3);
    venue.reject(d as OrderRequest, 4, 'venue_unavailable', 'alpaca never took the order: timeout');
    // A refusal on the merits is the venue working as it should: neither an error nor a reset.
    expect(seen).toEqual([
      'error: alpaca never took the order: HTTP 500',
      'ok',
      'error: alpaca never took the order: timeout',
    ]);
  });

  it('slices a parent order over time (TWAP), the last slice taking the rounding rest', () => {
    const { clock, venue, om } = setup();
    const ids = om.submitTwap(req('big', 1003), 4, 60_000);
    expect(ids).toEqual(['big.twap1', 'big.twap2', 'big.twap3', 'big.twap4']);
    expect(venue.submitted.map((o) => o.qty)).toEqual([250]);
    clock.advance(180_000);
    expect(venue.submitted.map((o) => o.qty)).toEqual([250, 250, 250, 253]);
  });

  it('refuses new entries in the first and last 5 minutes of a session, not exits', () => {
    const session = { open: 0, close: 390 * 60_000 };
    const { clock, venue, om } = setup(
      { quietOpenMs: 5 * 60_000, quietCloseMs: 5 * 60_000 },
      { session: () => session },
    );
    clock.now = 2 * 60_000;
    expect(om.submit(req('early'))).toEqual({
      ok: false,
      reason: 'no new entries in the first 5 minutes of the session',
    });
    clock.now = 6 * 60_000;
    expect(om.submit(req('ok')).ok).toBe(true);
    venue.fill(req('ok'), 100, 100);
    clock.now = 387 * 60_000;
    expect(om.submit(req('late')).ok).toBe(false);
    expect(om.submit(req('exit', 100, 'sell')).ok).toBe(true);
  });

  it('keeps a quiet window of 0 minutes open: only the configured side of the session is quiet', () => {
    const session = { open: 0, close: 390 * 60_000 };
    const { clock, om } = setup({ quietOpenMs: 5 * 60_000, quietCloseMs: 0 }, { session: () => session });
    clock.now = 390 * 60_000; // the close itself: no close window configured
    expect(om.submit(req('at-close')).ok).toBe(true);
    clock.now = 4 * 60_000;
    expect(om.submit(req('early')).ok).toBe(false);
  });
});

/**
 * `momentic live` through each fault docs/live.md names, in real child processes of the built CLI
 * against the Alpaca fakes on the real clock: one session per fault, each with its own fakes and
 * workspace, all started at once (about three minutes in all). For each: the exit code (0 when
 * the session rides the fault out, the documented one when it must stop), no stack trace for the
 * user, the fake venue's log against our ledger (every venue order ours and marked sent, no
 * client order id taken twice, the same filled quantities and positions), then what the fault
 * itself must leave behind (test/support/live-faults.ts runs them). Slow: its own file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireOrder } from '../fakes/alpaca/trading-venue.js';
import { sleep, waitFor, type BarRow } from '../support/live-session.js';
import {
  errorOf,
  expectWhole,
  firstPostId,
  ledgerOrder,
  PAIRS,
  play,
  posts,
  PRICE,
  refusals,
  venueOrders,
  warnings,
  type Outcome,
  type Scenario,
} from '../support/live-faults.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

const SCENARIOS: readonly Scenario[] = [
  {
    fault: 'market-data stream dropped across a minute',
    outcome: 'reconnects, fills the missed minute through REST and trades on; bars.csv has every minute once, in order',
    exitCode: 0,
    for: '170s',
    live: { stream_timeout: '90s' },
    during: async (s) => {
      await s.market.firstLive();
      // Down from 5 s before the next minute's bars to 3 s after: they reach no one.
      const mark = Math.ceil(Date.now() / 60_000) * 60_000;
      await sleep(mark - 5000 - Date.now());
      s.fakes.stream.refuseConnections(true);
      s.fakes.stream.dropConnections();
      await sleep(mark + 3000 - Date.now());
      s.fakes.stream.refuseConnections(false);
      await waitFor('the stream back', () => s.fakes.stream.subscribedCount() > 0, s.exited);
    },
    facts: (o) => {
      const missed = o.market.prints.find((p) => p.reached === 0);
      expect(missed, JSON.stringify(o.market.prints)).toBeDefined();
      expect(o.fakes.stream.connectionCount()).toBeGreaterThanOrEqual(2);
      expect(warnings(o, 'stream lost: reconnecting').length).toBeGreaterThan(0);
      for (const symbol of PAIRS) {
        const rows = o.bars.filter((b) => b.symbol === symbol);
        const steps = rows.slice(1).map((b, i) => b.ts - (rows[i] as BarRow).ts);
        expect(steps, `${symbol}: every minute once, in order`).toEqual(steps.map(() => 60_000));
        // The missed minute came through REST (history), between live minutes.
        const gap = rows.filter((b) => b.ts === missed?.ts);
        expect(gap.map((b) => b.delivery)).toEqual(['history']);
        expect(rows.some((b) => b.delivery === 'live' && b.ts < (missed?.ts ?? 0))).toBe(true);
      }
      // The backfilled minute crossed the slow average: traded on like a live one.
      expect(venueOrders(o.trading).length).toBeGreaterThan(0);
    },
  },
  {
    fault: 'market-data stream refuses the keys at the start',
    outcome: 'stops with VENUE_AUTH (exit 4) naming the key variables, tried once, nothing sent',
    exitCode: 4,
    for: '150s',
    before: (s) => s.fakes.stream.failAuth(),
    facts: (o) => {
      const e = errorOf(o);
      expect(e.code).toBe('VENUE_AUTH');
      expect(e.message).toContain('402 auth failed');
      expect(e.hint).toContain('APCA_API_KEY_ID');
      expect(o.fakes.stream.connectionCount()).toBe(1);
      expect(posts(o.trading)).toEqual([]);
      expect(o.run?.status).toBe('failed');
    },
  },
  {
    fault: 'market-data stream refuses the keys on a reconnection',
    outcome: 'stops with VENUE_AUTH (exit 4) without a retry loop, the kill switch HALTED, the books whole',
    exitCode: 4,
    for: '170s',
    during: async (s) => {
      await waitFor('an order at the venue', () => venueOrders(s.trading).length > 0, s.exited);
      s.fakes.stream.failAuth();
      s.fakes.stream.dropConnections();
    },
    facts: (o) => {
      expect(errorOf(o).code).toBe('VENUE_AUTH');
      expect(o.fakes.stream.connectionCount()).toBe(2);
      expect(o.run?.status).toBe('failed');
      expect(o.risk.some((r) => r.kind === 'kill_switch' && /HALTED/.test(r.reason))).toBe(true);
      // The session's files are completed all the same.
      expect(existsSync(join(o.run?.resultDir ?? '', 'metrics.json'))).toBe(true);
      expect(venueOrders(o.trading).length).toBeGreaterThan(0);
    },
  },
  {
    fault: 'order-update stream refuses the keys on a reconnection',
    outcome: 'stops with VENUE_AUTH (exit 4): orders it could no longer follow are not placed; the books whole',
    exitCode: 4,
    for: '170s',
    during: async (s) => {
      await waitFor('an order at the venue', () => venueOrders(s.trading).length > 0, s.exited);
      s.trading.stream.isRefusingAuth = true;
      s.trading.stream.drop();
    },
    facts: (o) => {
      const e = errorOf(o);
      expect(e.code).toBe('VENUE_AUTH');
      expect(e.message).toContain('trade_updates');
      expect(o.run?.status).toBe('failed');
      expect(existsSync(join(o.run?.resultDir ?? '', 'metrics.json'))).toBe(true);
    },
  },
  {
    fault: 'trading API refuses the keys',
    outcome: 'stops with VENUE_AUTH (exit 4) before any bar or order',
    exitCode: 4,
    for: '150s',
    otherAccount: true,
    facts: (o) => {
      const e = errorOf(o);
      expect(e.code).toBe('VENUE_AUTH');
      expect(e.message).toContain('trade_updates');
      expect(e.hint).toContain('APCA_API_SECRET_KEY');
      expect(posts(o.trading)).toEqual([]);
      expect(o.fakes.stream.connectionCount()).toBe(0);
      expect(o.orders).toEqual([]);
    },
  },
  {
    fault: '429 with Retry-After on an order',
    outcome: 'waits the Retry-After, then places the order once',
    exitCode: 0,
    for: '150s',
    before: (s) =>
      s.trading.script({ kind: 'status', status: 429, headers: { 'Retry-After': '3' }, match: 'POST /v2/orders' }),
    facts: (o) => {
      const id = firstPostId(o);
      const tries = posts(o.trading).filter((p) => p.id === id);
      expect(tries).toHaveLength(2);
      expect((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(3000);
      expect(venueOrders(o.trading).filter((x) => x.client_order_id === id)).toHaveLength(1);
      expect(ledgerOrder(o, id)).toMatchObject({ sent: true, status: 'filled' });
    },
  },
  {
    fault: '500 on two order attempts and on a positions read',
    outcome: 'retries each and places every order once',
    exitCode: 0,
    for: '150s',
    before: (s) =>
      s.trading.script(
        { kind: 'status', status: 500, match: 'POST /v2/orders' },
        { kind: 'status', status: 500, match: 'POST /v2/orders' },
        { kind: 'status', status: 500, match: 'GET /v2/positions' },
      ),
    facts: (o) => {
      expect(o.trading.pendingFaults()).toBe(0);
      const ids = venueOrders(o.trading).map((x) => x.client_order_id);
      expect(ids.length).toBeGreaterThan(0);
      // Two attempts answered 500 were sent again under the same id; each order landed once.
      expect(posts(o.trading)).toHaveLength(ids.length + 2);
      for (const p of posts(o.trading)) expect(ids).toContain(p.id);
      expect(warnings(o, 'alpaca: alpaca server error HTTP 500').length).toBe(3);
    },
  },
  {
    fault: '500 on every attempt of two orders',
    outcome: 'rejects both as venue_unavailable, nothing at the venue, two venue errors in a row halt the kill switch',
    exitCode: 0,
    for: '150s',
    runFile: 'risk:\n  kill_switch:\n    max_venue_errors: 2\n    stale_data_seconds: 120\n',
    before: (s) => {
      // http.retries is 5: six attempts each.
      for (let i = 0; i < 12; i++) s.trading.script({ kind: 'status', status: 500, match: 'POST /v2/orders' });
    },
    facts: (o) => {
      expect(venueOrders(o.trading)).toEqual([]);
      const ids = [...new Set(posts(o.trading).map((p) => p.id))];
      expect(ids).toHaveLength(2);
      for (const id of ids) {
        expect(posts(o.trading).filter((p) => p.id === id)).toHaveLength(6);
        const order = ledgerOrder(o, id);
        expect(order).toMatchObject({ status: 'rejected', sent: false });
        expect(order?.reason).toContain('alpaca never took the order');
      }
      const halt = o.risk.find((r) => r.kind === 'kill_switch' && /HALTED/.test(r.reason));
      expect(halt, 'the kill switch halted').toBeDefined();
      expect(halt?.reason).toContain('2 consecutive venue errors');
      expect(o.run?.status).toBe('finished');
    },
  },
  {
    fault: 'delayed acks (the order answer 4 s late, trade updates held past two reconciliations)',
    outcome: 'marks orders sent on the late answer and books each fill once, though reconciliation saw it first',
    exitCode: 0,
    for: '170s',
    live: { reconcile_every: '10s' },
    before: (s) => {
      s.trading.script({ kind: 'delay', ms: 4000, match: 'POST /v2/orders' });
      s.trading.stream.hold();
    },
    during: async (s) => {
      await waitFor('a fill at the venue', () => s.trading.venue.log.some((e) => e.kind === 'fill'), s.exited);
      const at = Date.now();
      // The broker's books are read twice while the fills' updates are held back.
      const reads = () => s.trading.requests.filter((r) => r.path === '/v2/positions' && r.at > at).length;
      await waitFor('two reconciliations after the fill', () => reads() >= 2, s.exited);
      await sleep(1000);
      s.trading.stream.release();
    },
    facts: (o) => {
      const id = firstPostId(o);
      const sentAt = ledgerOrder(o, id)?.sentAt ?? 0;
      expect(sentAt - (posts(o.trading)[0]?.at ?? 0)).toBeGreaterThanOrEqual(4000);
      expect(o.trading.stream.sent).toBeGreaterThan(0);
      for (const x of venueOrders(o.trading)) expect(ledgerOrder(o, x.client_order_id)?.status).toBe('filled');
      // No disagreement was found: new entries were never halted.
      expect(o.risk.filter((r) => r.kind === 'kill_switch')).toEqual([]);
    },
  },
  {
    fault: 'partial fills (0.004 then 0.003 of a 0.01 order)',
    outcome: 'books each partial fill once and keeps the order working',
    exitCode: 0,
    for: '170s',
    fillOnArrival: ['ETH/USD'],
    during: async (s) => {
      const btc = () => venueOrders(s.trading).some((x) => x.symbol === 'BTC/USD');
      await waitFor('a BTC/USD order at the venue', btc, s.exited);
      s.trading.trade('BTC/USD', PRICE['BTC/USD'], 0.004);
      await sleep(5000);
      s.trading.trade('BTC/USD', PRICE['BTC/USD'], 0.003);
    },
    facts: (o) => {
      const btc = venueOrders(o.trading).filter((x) => x.symbol === 'BTC/USD');
      // No second order of the pair while the first works.
      expect(btc).toHaveLength(1);
      const id = btc[0]?.client_order_id as string;
      const partials = o.fills.filter((f) => f.clientOrderId === id).map((f) => f.qty);
      expect(partials).toHaveLength(2);
      expect(partials[0]).toBeCloseTo(0.004, 12);
      expect(partials[1]).toBeCloseTo(0.003, 12);
      expect(ledgerOrder(o, id)).toMatchObject({ status: 'partially_filled', sent: true });
      expect(ledgerOrder(o, id)?.filledQty).toBeCloseTo(0.007, 12);
      expect(o.trading.venue.byClientId(id)?.status).toBe('partially_filled');
    },
  },
  {
    fault: 'rejections (403 for buying power, then a rejection after acceptance)',
    outcome: 'records both orders rejected with the reason and trades on',
    exitCode: 0,
    for: '170s',
    fillOnArrival: ['BTC/USD'],
    before: (s) => {
      // Enough for 0.01 ETH/USD (30), not for 0.01 BTC/USD (500): Alpaca answers 403.
      s.trading.venue.cash = 100;
    },
    during: async (s) => {
      const eth = (x: WireOrder): boolean => x.symbol === 'ETH/USD' && s.trading.venue.isOpen(x);
      await waitFor('an ETH/USD order working at the venue', () => s.trading.venue.orders.some(eth), s.exited);
      s.trading.venue.end(s.trading.venue.orders.find(eth) as WireOrder, 'rejected');
    },
    facts: (o) => {
      const btc = o.orders.filter((x) => x.symbol === 'BTC/USD');
      expect(btc.length).toBeGreaterThan(0);
      for (const x of btc) {
        expect(x).toMatchObject({ status: 'rejected', sent: false, reason: 'alpaca: insufficient buying power' });
        expect(refusals(o.trading).find((r) => r.clientOrderId === x.clientOrderId)?.status).toBe(403);
      }
      const [eth] = venueOrders(o.trading).filter((x) => x.symbol === 'ETH/USD');
      expect(ledgerOrder(o, eth?.client_order_id ?? '')).toMatchObject({ status: 'rejected', sent: true });
      // A refusal is not a venue error: the kill switch stays ACTIVE, the session runs to its end.
      expect(o.risk.filter((r) => r.kind === 'kill_switch')).toEqual([]);
      expect(o.run?.status).toBe('finished');
    },
  },
  {
    fault: 'duplicate client order id (the answer to an order lost, its retry refused as a duplicate)',
    outcome: 'takes the 422 as sent and follows the order the venue holds',
    exitCode: 0,
    for: '150s',
    before: (s) => s.trading.script({ kind: 'lose-answer', match: 'POST /v2/orders' }),
    facts: (o) => {
      const id = firstPostId(o);
      expect(posts(o.trading).filter((p) => p.id === id)).toHaveLength(2);
      expect(refusals(o.trading).filter((r) => r.clientOrderId === id)).toMatchObject([
        { status: 422, message: 'client_order_id must be unique' },
      ]);
      expect(venueOrders(o.trading).filter((x) => x.client_order_id === id)).toHaveLength(1);
      expect(ledgerOrder(o, id)).toMatchObject({ sent: true, status: 'filled' });
    },
  },
  {
    fault: 'malformed messages (market-data frames, trade updates, an order answer)',
    outcome: 'logs and counts each, follows the order whose answer was broken, and streams on',
    exitCode: 0,
    for: '170s',
    before: (s) =>
      s.trading.script({ kind: 'payload', body: { id: 42, status: 'who knows' }, match: 'POST /v2/orders' }),
    during: async (s) => {
      await s.market.firstLive();
      s.fakes.stream.pushRaw('{"T":"b", this is not json');
      s.fakes.stream.pushRaw('[{"T":"b","S":"BTC/USD","t":"yesterday","o":"x"}]');
      s.trading.stream.sendRaw('<html>502 Bad Gateway</html>');
      s.trading.stream.sendRaw(JSON.stringify({ stream: 'trade_updates', data: { event: 'fill', order: { id: 7 } } }));
    },
    facts: (o) => {
      expect(warnings(o, 'malformed stream message skipped')).toHaveLength(2);
      const dropped = warnings(o, 'alpaca: trade update dropped');
      expect(dropped).toHaveLength(2);
      expect(dropped[1]).toContain('"malformed":2');
      const id = firstPostId(o);
      expect(warnings(o, 'alpaca: order send failed').join('\n')).toContain(id);
      expect(ledgerOrder(o, id)).toMatchObject({ sent: true, status: 'filled' });
      // Bars after the malformed frames still reached the session.
      const injected = o.market.prints.find((p) => p.reached > 0)?.at ?? Infinity;
      expect(o.bars.some((b) => b.delivery === 'live' && b.arrivedAt > injected + 1000)).toBe(true);
    },
  },
  {
    fault: "the venue's clock an hour ahead, then jumping a day back",
    outcome: "keeps the venue's stamps on its fills, reconciles cleanly and trades on",
    exitCode: 0,
    for: '170s',
    live: { reconcile_every: '10s' },
    before: (s) => s.trading.shiftClock(HOUR),
    during: async (s) => {
      const fills = () => s.trading.venue.log.filter((e) => e.kind === 'fill').length;
      await waitFor('a fill of each pair at the venue', () => fills() >= PAIRS.length, s.exited);
      await sleep(1000);
      s.trading.shiftClock(-HOUR - DAY);
      s.notes.set('jumped back', Date.now());
    },
    facts: (o) => {
      const started = o.run?.startedAt ?? 0;
      const ended = o.run?.finishedAt ?? 0;
      const jumped = o.notes.get('jumped back') ?? Infinity;
      expect(o.fills.length).toBeGreaterThan(0);
      for (const f of o.fills) {
        // The execution's time as the venue stamped it: an hour ahead of the session's clock
        // for orders sent before the jump back, a day behind for the ones after.
        const venueFill = o.trading.venue.log.find((e) => e.kind === 'fill' && e.clientOrderId === f.clientOrderId);
        expect(Math.abs(f.ts - (venueFill?.ts ?? 0))).toBeLessThan(5);
        const sentAt = ledgerOrder(o, f.clientOrderId)?.sentAt ?? NaN;
        const skew = sentAt < jumped ? HOUR : -DAY;
        expect(Math.abs(f.ts - sentAt - skew), f.clientOrderId).toBeLessThan(10_000);
      }
      // The session's own times stay on its clock.
      for (const x of o.orders) expect(x.sentAt ?? 0).toBeGreaterThanOrEqual(started);
      for (const x of o.orders) expect(x.sentAt ?? 0).toBeLessThanOrEqual(ended);
      expect(o.risk.filter((r) => r.kind === 'kill_switch')).toEqual([]);
      // Reconciliation kept reading the broker after the jump back, and agreed.
      expect(o.trading.requests.filter((r) => r.path === '/v2/positions' && r.at > jumped).length).toBeGreaterThan(0);
    },
  },
];

const outcomes = new Map<Scenario, Outcome>();

describe('momentic live under injected faults, one session each, all at once', () => {
  beforeAll(async () => {
    const played = await Promise.all(SCENARIOS.map(async (sc) => [sc, await play(sc)] as const));
    for (const [sc, o] of played) outcomes.set(sc, o);
  }, 300_000);

  afterAll(async () => {
    for (const o of outcomes.values()) {
      await o.fakes.close();
      if (o.trading !== o.fakes.trading) await o.trading.close();
    }
  });

  for (const sc of SCENARIOS) {
    it(`${sc.fault}: ${sc.outcome}`, () => {
      const o = outcomes.get(sc) as Outcome;
      expectWhole(o, sc);
      sc.facts(o);
    });
  }
});

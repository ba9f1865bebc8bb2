/**
 * A paper session served as `momentic paper --serve` serves it (the service started in the
 * session's process with its metrics and broadcast, startSessionService), replaying index-futures
 * minute bars at full speed. WebSocket clients subscribed before the first bar, and one that joins
 * mid-session, get each channel's snapshot and then its events in order, and what they got is
 * what the session wrote: the ledger's fills and order transitions, orders.csv and equity.csv.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/backtest/csv.js';
import { startSessionService, type SessionService } from '../../src/cli/commands/session-serve.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { createLoggerSync } from '../../src/core/logger.js';
import { runPaperJob } from '../../src/orchestration/paper-job.js';
import type { SessionJobResult } from '../../src/orchestration/session-job.js';
import { createApiToken } from '../../src/server/auth/token-admin.js';
import type { WsChannel, WsPayload } from '../../src/server/ws/protocol.js';
import { createLedger } from '../../src/store/ledger.js';
import { tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { bearer } from './support.js';
import { FeedClient } from './ws-client.js';

const BARS = 6_000;
/** The run file of test/server/metrics.test.ts. */
const RUN_FILE = `strategy: intraday-mean-reversion
warmup: 200
params:
  window: 30
  entryZ: 2
  exitZ: 0.5
  allowShort: true
symbols: [FDAX]
timeframe: 1m
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`;
const CHANNELS: readonly WsChannel[] = ['equity', 'orders', 'fills', 'positions', 'risk', 'signals'];

/** A channel's snapshot items followed by its events' data, checking that the seqs run on without a gap. */
function stream<C extends WsChannel>(c: FeedClient, channel: C): WsPayload<C>[] {
  const snap = c.ofType('snapshot').find((m) => m.channel === channel);
  expect(snap, `${channel} snapshot`).toBeDefined();
  const events = c.ofType('event').filter((m) => m.channel === channel);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => snap!.seq + 1 + i));
  const snapAt = c.messages.indexOf(snap!);
  expect(events.every((e) => c.messages.indexOf(e) > snapAt)).toBe(true);
  return [...(snap!.items as WsPayload<C>[]), ...events.map((e) => e.data as WsPayload<C>)];
}

describe('a paper session served with --serve', () => {
  let home: string;
  let served: SessionService;
  let result: SessionJobResult;
  let early: FeedClient;
  let late: FeedClient | undefined;
  let operator: FeedClient;
  let tap: ((line: string) => void) | undefined;

  beforeAll(async () => {
    home = tempDir('momentic-ws-session-');
    const lines = readFileSync(join(SHARED_DATA, '2006-01-02-volume-min-001.txt'), 'utf8').split('\n');
    const file = join(home, 'fdax.txt');
    writeFileSync(file, `${lines.slice(0, BARS + 1).join('\n')}\n`);
    const runFile = join(home, 'fdax.yaml');
    writeFileSync(runFile, RUN_FILE);
    const ledger = await createLedger(DEFAULTS, home);
    const make = async (role: 'viewer' | 'operator'): Promise<string> =>
      (await createApiToken(ledger, { name: role, role, actor: 'test', now: Date.now() })).token;
    const viewer = await make('viewer');
    const op = await make('operator');
    await ledger.close();

    const logger = createLoggerSync({ level: 'info', write: (line) => tap?.(line) });
    served = await startSessionService({
      home,
      config: DEFAULTS,
      logger,
      port: 0,
      tapLog: (t) => {
        tap = t;
        return () => (tap = undefined);
      },
    });
    const url = `ws://127.0.0.1:${served.service.port}/ws`;
    early = new FeedClient(url, bearer(viewer));
    operator = new FeedClient(url);
    await Promise.all([early.opened, operator.opened]);
    early.send({ type: 'subscribe', channels: CHANNELS });
    operator.send({ type: 'auth', token: op });
    operator.send({ type: 'subscribe', channels: ['logs'] });
    await early.until(() => early.ofType('snapshot').length === CHANNELS.length, 'the snapshots');
    await operator.next('snapshot');
    // A client that joins once the session has filled a few orders.
    let joining: Promise<void> | undefined;
    const watch = setInterval(() => {
      if (joining === undefined && early.ofType('event').filter((e) => e.channel === 'fills').length >= 5) {
        late = new FeedClient(url, bearer(viewer));
        joining = late.opened.then(() => late!.send({ type: 'subscribe', channels: ['fills', 'orders'] }));
      }
    }, 1);
    try {
      result = await runPaperJob({
        home,
        config: DEFAULTS,
        cwd: home,
        flags: {
          configFile: runFile,
          source: `replay:${file}`,
          speed: 'max',
          calendar: 'hours:Europe/Berlin:08:00-22:00',
          tz: 'Europe/Berlin',
        },
        signals: false,
        logger: logger.child({ component: 'paper' }),
        onStart: (id) => logger.child({ component: 'paper' }).info({ session_id: id }, 'paper session started'),
        telemetry: served.telemetry,
        broadcast: served.broadcast,
      });
    } finally {
      clearInterval(watch);
    }
    await joining;
    // Everything published has reached the clients once each answers a ping sent after the end.
    for (const c of [early, operator, ...(late === undefined ? [] : [late])]) await c.sync('end');
  }, 180_000);
  afterAll(async () => {
    for (const c of [early, operator, late]) c?.ws.terminate();
    await served?.close();
  });

  const csvRows = (name: string): Record<string, string>[] => {
    const [head, ...rows] = parseCsv(readFileSync(join(result.dir, name), 'utf8'));
    return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
  };

  it("streams every fill the ledger booked, in booking order, from the first channel's seq on", async () => {
    const ledger = await createLedger(DEFAULTS, home);
    try {
      const fills = await ledger.listFills(result.sessionId);
      expect(fills.length).toBeGreaterThan(5);
      const got = stream(early, 'fills');
      expect(got.map((f) => [f.client_order_id, f.side, f.qty, f.price, Date.parse(f.time)])).toEqual(
        fills.map((f) => [f.clientOrderId, f.side, f.qty, f.price, f.ts]),
      );
      expect(got.every((f) => f.run_id === result.sessionId && f.symbol === 'FDAX')).toBe(true);
    } finally {
      await ledger.close();
    }
  });

  it("shows each order's transitions as the session journaled them, ending each as orders.csv and the ledger do", async () => {
    const got = stream(early, 'orders');
    const byId = new Map<string, WsPayload<'orders'>[]>();
    for (const o of got) byId.set(o.client_order_id, [...(byId.get(o.client_order_id) ?? []), o]);
    const ledger = await createLedger(DEFAULTS, home);
    const journaled = await ledger
      .listOrders({ runId: result.sessionId, limit: 1_000_000 })
      .finally(() => ledger.close());
    expect(journaled.length).toBeGreaterThan(5);
    const isJournaled = new Set(journaled.map((o) => o.clientOrderId));
    for (const o of journaled) {
      const last = byId.get(o.clientOrderId)?.at(-1);
      // What was asked, as the journal recorded it (the venue may round the quantity to its lot).
      expect([last?.symbol, last?.side, last?.qty, last?.type, last?.limit_price ?? undefined]).toEqual([
        o.symbol,
        o.side,
        o.qty,
        o.type,
        o.limitPrice,
      ]);
      expect([last?.status, last?.filled_qty], o.clientOrderId).toEqual([o.status, o.filledQty]);
      if (o.filledQty > 0) expect(last?.avg_fill_price).toBeCloseTo(o.avgPrice, 9);
    }
    // orders.csv's history is the OrderManager's record of every transition it journaled; it also
    // lists the orders refused before sending (warm-up, risk), which the ledger never saw.
    const rows = csvRows('orders.csv');
    expect(byId.size).toBe(new Set(rows.map((r) => r.client_order_id)).size);
    for (const r of rows) {
      const id = r.client_order_id as string;
      const shown = byId.get(id) ?? [];
      const history = (JSON.parse(r.history as string) as { status: string }[]).map((h) => h.status);
      // A refused order is shown once, rejected with its reason.
      const expected = isJournaled.has(id) ? history : ['rejected'];
      if (!isJournaled.has(id)) expect(r.status).toBe('rejected');
      expect(
        shown.map((x) => x.status),
        id,
      ).toEqual(expected);
      const last = shown.at(-1)!;
      expect([last.symbol, last.side, last.type]).toEqual([r.symbol, r.side, r.type]);
      expect(last.filled_qty).toBe(Number(r.filled_qty));
      if (r.status === 'rejected') expect(last.reason).toBe(r.reason);
    }
  });

  it("streams equity.csv's rows, and the positions end where the fills leave them", () => {
    const rows = csvRows('equity.csv');
    const got = stream(early, 'equity');
    // The snapshot keeps the latest 500 points; subscribed before the first bar, this client saw all.
    expect(got.length).toBe(rows.length);
    got.forEach((p, i) => {
      const r = rows[i]!;
      expect(Date.parse(p.time)).toBe(Date.parse(r.timestamp as string));
      expect(p.equity).toBeCloseTo(Number(r.equity), 4);
      expect(p.cash).toBeCloseTo(Number(r.cash), 4);
      expect(p.drawdown).toBeCloseTo(Number(r.drawdown), 9);
    });
    const net = stream(early, 'fills').reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    const positions = stream(early, 'positions');
    expect(positions.length).toBeGreaterThan(0);
    expect(positions.at(-1)!.qty).toBe(net);
    // Each change of quantity is shown: it steps between the fills' sums.
    expect(positions.every((p) => p.symbol === 'FDAX')).toBe(true);
  });

  it('joins mid-session with a snapshot that, with the events after it, is every fill and order', async () => {
    expect(late).toBeDefined();
    const all = stream(early, 'fills');
    const lateFills = stream(late!, 'fills');
    const snap = late!.ofType('snapshot').find((m) => m.channel === 'fills')!;
    // It joined mid-session: some fills were in its snapshot, some came after.
    expect(snap.items.length).toBeGreaterThanOrEqual(5);
    expect(snap.items.length).toBeLessThan(all.length);
    expect(lateFills).toEqual(all);
  });

  it('shows the kill switch ACTIVE, the signals, and the log lines to an operator', () => {
    const risk = stream(early, 'risk');
    expect(risk[0]).toMatchObject({ run_id: result.sessionId, state: 'ACTIVE', paused: false });
    const signals = stream(early, 'signals');
    expect(signals.length).toBe(csvRows('signals.csv').length);
    const logs = stream(operator, 'logs');
    expect(logs.some((l) => l.msg === 'paper session started' && l.component === 'paper' && l.level === 'info')).toBe(
      true,
    );
  });
});

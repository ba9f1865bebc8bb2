/**
 * One `momentic live` session under one injected fault (test/cli/live-faults.e2e.test.ts): its
 * own fakes and workspace, the fault set before the start or injected while it runs, then what it
 * left (exit, ledger, bars.csv) read back beside the fakes, and the checks every such session
 * passes whatever its fault: the exit code, no stack trace, the venue's log against the ledger.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openLedger } from '../../src/store/index.js';
import type { LedgerFill, LedgerOrder, LedgerPosition, LedgerRiskEvent, LedgerRun } from '../../src/store/types.js';
import { startAlpacaFakes, type AlpacaFakes } from '../fakes/alpaca/run-fakes.js';
import { startFakeTrading, type FakeTrading } from '../fakes/alpaca/trading-server.js';
import type { WireOrder } from '../fakes/alpaca/trading-venue.js';
import { tempDir } from './cli.js';
import { Market, readBarsCsv, runLive, STACK_LINE, waitFor, type BarRow, type Exit } from './live-session.js';

export const PAIRS = ['BTC/USD', 'ETH/USD'] as const;
export const PRICE = { 'BTC/USD': 50_000, 'ETH/USD': 3_000 } as const;

/** A fast sma-cross of 0.01 of each pair (see Market for the prices that make it trade). */
function runFile(live: Readonly<Record<string, string>>, extra: string): string {
  const section = { venue: 'alpaca', warmup_bars: '3', reconcile_every: '30s', ...live };
  return [
    'strategy: sma-cross',
    'params:',
    '  fast: 1',
    '  slow: 2',
    '  qty: 0.01',
    `symbols: [${PAIRS.join(', ')}]`,
    'timeframe: 1m',
    'cash: 100000',
    'live:',
    ...Object.entries(section).map(([k, v]) => `  ${k}: ${v}`),
    extra,
  ].join('\n');
}

/** One session under one fault, while it runs. */
export interface Session {
  readonly fakes: AlpacaFakes;
  /** The trading fake the session talks to (the fakes' own, or one of another account). */
  readonly trading: FakeTrading;
  readonly market: Market;
  /** Settles when the process exits. */
  readonly exited: Promise<Exit>;
  /** Wall-clock times the injection noted (when it did what). */
  readonly notes: Map<string, number>;
}

/** What a session left: its exit, the ledger's books, its bars, and the fakes to compare with. */
export interface Outcome extends Session {
  readonly exit: Exit;
  /** What the fault injection itself threw (nothing, when it went as planned). */
  readonly injection: unknown;
  readonly run: LedgerRun | undefined;
  readonly orders: readonly LedgerOrder[];
  readonly fills: readonly LedgerFill[];
  readonly positions: readonly LedgerPosition[];
  readonly risk: readonly LedgerRiskEvent[];
  readonly bars: readonly BarRow[];
}

export interface Scenario {
  readonly fault: string;
  /** What the session must do about it: the test's name. */
  readonly outcome: string;
  readonly exitCode: 0 | 4;
  readonly for: string;
  readonly live?: Readonly<Record<string, string>>;
  /** More of the run file (top-level keys). */
  readonly runFile?: string;
  /** Pairs whose market orders fill as they arrive (default both). */
  readonly fillOnArrival?: readonly string[];
  /** The trading venue knows other keys than the session's. */
  readonly otherAccount?: boolean;
  /** Faults set before the process starts. */
  readonly before?: (s: Session) => void;
  /** Faults injected while it runs, on the fakes' events. */
  readonly during?: (s: Session) => Promise<void>;
  /** What the fault must leave behind, beyond the checks every session passes. */
  readonly facts: (o: Outcome) => void;
}

export const venueOrders = (t: FakeTrading): WireOrder[] =>
  t.venue.log.flatMap((e) => (e.kind === 'order' ? [e.order] : []));
const clientIdOf = (body: string): string => (JSON.parse(body) as { client_order_id: string }).client_order_id;
/** POST /v2/orders as the venue received them: arrival time and client order id. */
export const posts = (t: FakeTrading): { at: number; id: string }[] =>
  t.requests
    .filter((r) => r.method === 'POST' && r.path === '/v2/orders')
    .map((r) => ({ at: r.at, id: clientIdOf(r.body) }));
export const refusals = (t: FakeTrading) => t.venue.log.flatMap((e) => (e.kind === 'refused' ? [e] : []));
export const firstPostId = (o: Outcome): string => posts(o.trading)[0]?.id as string;
export const ledgerOrder = (o: Outcome, id: string): LedgerOrder | undefined =>
  o.orders.find((x) => x.clientOrderId === id);
/** The error a failed command printed (with --json, on stdout). */
export const errorOf = (o: Outcome) =>
  (JSON.parse(o.exit.stdout) as { error: { code: string; message: string; hint: string } }).error;
export const warnings = (o: Outcome, msg: string): string[] =>
  o.exit.stderr.split('\n').filter((l) => l.includes(`"msg":"${msg}`));

export async function play(sc: Scenario): Promise<Outcome> {
  const fakes = await startAlpacaFakes({ cash: 100_000 });
  const trading =
    sc.otherAccount === true
      ? await startFakeTrading({ keyId: 'PKOTHER0ACCOUNT00001', secretKey: 'secret-of-another-account' })
      : fakes.trading;
  for (const symbol of PAIRS) {
    trading.setPrice(symbol, PRICE[symbol]);
    if ((sc.fillOnArrival ?? PAIRS).includes(symbol)) trading.venue.fillMarketOnArrival.add(symbol);
  }
  const home = tempDir('momentic-live-fault-');
  writeFileSync(join(home, 'live.yaml'), runFile(sc.live ?? {}, sc.runFile ?? ''));
  const market = new Market(fakes, PAIRS);
  const pending: Omit<Session, 'exited'> = { fakes, trading, market, notes: new Map() };
  sc.before?.({ ...pending, exited: new Promise(() => {}) });
  const exited = runLive(home, { ...fakes.env, MOMENTIC_VENUES__ALPACA__TRADING_URL: trading.url }, sc.for);
  const s: Session = { ...pending, exited };
  // The market prints once the session listens and has asked for its warm-up (up to the minute
  // it was in then): the first minute printed is its first live bar, never a warm-up bar again.
  const askedWarmup = (pair: string) => fakes.data.requests.some((r) => r.query.symbols?.includes(pair) === true);
  void waitFor('the warm-up requests', () => PAIRS.every(askedWarmup), exited).then(
    () => market.start(),
    () => undefined,
  );
  const injected = (sc.during?.(s) ?? Promise.resolve()).then(
    () => undefined,
    (e: unknown) => e,
  );
  const exit = await exited;
  market.stop();
  const injection = await injected;
  const ledger = await openLedger({ dialect: 'sqlite', file: join(home, 'state', 'momentic.db') });
  try {
    const [run] = await ledger.listRuns({ kind: 'live' });
    const id = run?.id ?? '';
    return {
      ...s,
      exit,
      injection,
      run,
      orders: run === undefined ? [] : await ledger.listOrders({ runId: id, limit: 10_000 }),
      fills: run === undefined ? [] : await ledger.listFills(id),
      positions: run === undefined ? [] : await ledger.positions(id),
      risk: run === undefined ? [] : (await ledger.riskEvents(id)).filter((r) => r.runId === id),
      bars: run?.resultDir === undefined ? [] : readBarsCsv(run.resultDir),
    };
  } finally {
    await ledger.close();
  }
}

/** What every session must show, whatever its fault: the exit, no stack trace, the books agree. */
export function expectWhole(o: Outcome, sc: Scenario): void {
  const tail = o.exit.stderr.split('\n').slice(-8).join('\n');
  expect(o.exit.code, `${o.exit.stdout.slice(0, 600)}\n${tail}`).toBe(sc.exitCode);
  expect(o.injection, 'the fault was injected as planned').toBeUndefined();
  expect(o.exit.stderr).not.toMatch(STACK_LINE);
  expect(o.exit.stdout).not.toMatch(STACK_LINE);
  if (sc.exitCode === 0) expect(JSON.parse(o.exit.stdout)).toMatchObject({ ended: 'for' });
  const venue = venueOrders(o.trading);
  const ids = venue.map((x) => x.client_order_id);
  expect(new Set(ids).size, `venue orders: ${ids.join(', ')}`).toBe(ids.length);
  const venueFilled = new Map<string, number>();
  for (const e of o.trading.venue.log)
    if (e.kind === 'fill') venueFilled.set(e.clientOrderId, (venueFilled.get(e.clientOrderId) ?? 0) + e.qty);
  // Every order at the venue is ours, marked sent, filled as the venue filled it.
  for (const id of ids) {
    const mine = ledgerOrder(o, id);
    expect(mine, `venue order ${id} is not in the ledger`).toBeDefined();
    expect(mine?.sent, id).toBe(true);
    expect(mine?.filledQty, id).toBeCloseTo(venueFilled.get(id) ?? 0, 12);
  }
  // Every order of ours marked sent is at the venue; every order sent came from us.
  for (const x of o.orders) if (x.sent) expect(ids, x.clientOrderId).toContain(x.clientOrderId);
  for (const p of posts(o.trading)) expect(ledgerOrder(o, p.id), p.id).toBeDefined();
  // The ledger holds the venue's positions.
  const held = new Map(o.positions.map((p) => [p.symbol.replace('/', ''), p.qty]));
  for (const [name, p] of o.trading.venue.positions) expect(held.get(name) ?? 0, name).toBeCloseTo(p.qty, 12);
  for (const [name, qty] of held) expect(o.trading.venue.positions.get(name)?.qty ?? 0, name).toBeCloseTo(qty, 12);
}

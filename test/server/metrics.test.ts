/**
 * /metrics: Prometheus text that a strict parser of the exposition format reads (and promtool,
 * when installed), with counters that move as a session trades. The session is a paper session
 * replaying index-futures minute bars at full speed, in this process, with the service's metrics
 * as its telemetry; every count is checked against what the session wrote to the ledger and to
 * its results folder.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/backtest/csv.js';
import { DEFAULTS } from '../../src/config/schema.js';
import type { Fill } from '../../src/core/order.js';
import { runPaperJob } from '../../src/orchestration/paper-job.js';
import type { SessionJobResult } from '../../src/orchestration/session-job.js';
import type { SessionTelemetry } from '../../src/orchestration/session-telemetry.js';
import { METRICS, ServiceMetrics } from '../../src/server/metrics/service-metrics.js';
import type { LedgerFill } from '../../src/store/types.js';
import { tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { parsePromText, sampleSum, sampleValue, type Family } from '../support/prom-text.js';
import { bearer, testServer, type TestServer } from './support.js';

/** promtool (PROMTOOL, else on the PATH): its checks run where it is installed. */
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const HAS_PROMTOOL = spawnSync(PROMTOOL, ['--version']).status === 0;

/** `promtool check metrics` on the text: its lint findings, one per line (it fails the test on a parse error). */
function promtoolFindings(text: string): string[] {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  // Exit 0 clean; 3 lint findings only (naming advice); anything else is a parse failure.
  expect([0, 3], r.stderr).toContain(r.status);
  return (r.stderr + r.stdout).split('\n').filter((l) => l.trim() !== '');
}

async function scrape(s: TestServer): Promise<{ text: string; families: Map<string, Family> }> {
  const r = await s.app.inject({ url: '/metrics', headers: bearer(s.tokens.viewer) });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return { text: r.body, families: parsePromText(r.body) };
}

describe('service metrics, one by one', () => {
  let now = Date.parse('2026-03-02T15:00:00Z');
  const metrics = new ServiceMetrics({ now: () => now });
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ metrics, now: () => now });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('counts orders by status and rejections by a bounded reason, fills by side', async () => {
    metrics.orderStatus('new');
    metrics.orderStatus('new');
    metrics.orderStatus('accepted');
    metrics.orderStatus('rejected', 'insufficient buying power: need 1250.5, have 1000');
    metrics.orderDenied('risk position: ORCL would be 7.5% of equity, above max_position 5%');
    metrics.orderDenied('risk kill_switch: HALTED');
    metrics.orderDenied('warm-up: no orders during the first 20 bars (this is bar 3)');
    metrics.orderDenied('client order id c-1 was already used in this run');
    metrics.orderDenied('no new entries in the first 5 minutes of the session');
    const fill = { side: 'buy' } as Fill;
    metrics.fill(fill);
    metrics.fill(fill);
    metrics.fill({ side: 'sell' } as Fill);
    const { families } = await scrape(s);
    expect(families.get(METRICS.orders)?.type).toBe('counter');
    expect(sampleValue(families, METRICS.orders, { status: 'new' })).toBe(2);
    expect(sampleValue(families, METRICS.orders, { status: 'accepted' })).toBe(1);
    expect(sampleValue(families, METRICS.orders, { status: 'rejected' })).toBe(6);
    const reasons = Object.fromEntries(
      families.get(METRICS.rejections)!.samples.map((x) => [x.labels.reason, x.value]),
    );
    expect(reasons).toEqual({
      venue: 1,
      position: 1,
      kill_switch: 1,
      warmup: 1,
      duplicate_client_order_id: 1,
      quiet_window: 1,
    });
    expect(sampleValue(families, `${METRICS.fills}`, { side: 'buy' })).toBe(2);
    expect(sampleValue(families, `${METRICS.fills}`, { side: 'sell' })).toBe(1);
  });

  it('reports equity, cash, exposure and drawdown from the high-water mark', async () => {
    metrics.account({ equity: 100_000, cash: 100_000, grossExposure: 0, netExposure: 0 });
    metrics.account({ equity: 110_000, cash: 60_000, grossExposure: 50_000, netExposure: 50_000 });
    metrics.account({ equity: 99_000, cash: 60_000, grossExposure: 45_000, netExposure: -39_000 });
    const { families } = await scrape(s);
    expect(sampleValue(families, METRICS.equity)).toBe(99_000);
    expect(sampleValue(families, METRICS.cash)).toBe(60_000);
    expect(sampleValue(families, METRICS.gross)).toBe(45_000);
    expect(sampleValue(families, METRICS.net)).toBe(-39_000);
    // 1 - 99,000 / 110,000 = 0.1
    expect(sampleValue(families, METRICS.drawdown)).toBeCloseTo(0.1, 12);
  });

  it("measures each symbol's data staleness at scrape time, from its last bar's age on arrival", async () => {
    metrics.bar('AAPL', 2_000); // arrived 2 s after its close
    metrics.bar('MSFT', 500);
    now += 3_000;
    const { families } = await scrape(s);
    expect(families.get(METRICS.staleness)?.type).toBe('gauge');
    expect(sampleValue(families, METRICS.staleness, { symbol: 'AAPL' })).toBe(5);
    expect(sampleValue(families, METRICS.staleness, { symbol: 'MSFT' })).toBe(3.5);
  });

  it('reports the kill-switch state, reconnects, heartbeat, pipeline steps and bar-to-order latency', async () => {
    metrics.killSwitch('REDUCING');
    metrics.streamReconnect('alpaca');
    metrics.streamReconnect('alpaca');
    metrics.heartbeat(now);
    metrics.pipelineStep('fetch', 42, true);
    metrics.pipelineStep('features', 3, false);
    metrics.barToOrder(0.8);
    metrics.barToOrder(12);
    metrics.wsClients('fills', 1);
    const { families } = await scrape(s);
    expect(families.get(METRICS.killSwitch)!.samples.map((x) => [x.labels.state, x.value])).toEqual([
      ['ACTIVE', 0],
      ['REDUCING', 1],
      ['HALTED', 0],
    ]);
    expect(sampleValue(families, METRICS.reconnects, { feed: 'alpaca' })).toBe(2);
    expect(sampleValue(families, METRICS.heartbeat)).toBe(now / 1000);
    expect(sampleValue(families, `${METRICS.pipelineDuration}_count`, { step: 'fetch' })).toBe(1);
    expect(sampleValue(families, `${METRICS.pipelineDuration}_sum`, { step: 'fetch' })).toBe(42);
    expect(sampleValue(families, METRICS.pipelineFailures, { step: 'features' })).toBe(1);
    expect(sampleValue(families, METRICS.pipelineFailures, { step: 'fetch' })).toBeUndefined();
    // 0.8 ms falls in the 1 ms bucket, 12 ms in the 25 ms one.
    expect(sampleValue(families, `${METRICS.barToOrder}_bucket`, { le: '0.0005' })).toBe(0);
    expect(sampleValue(families, `${METRICS.barToOrder}_bucket`, { le: '0.001' })).toBe(1);
    expect(sampleValue(families, `${METRICS.barToOrder}_bucket`, { le: '0.01' })).toBe(1);
    expect(sampleValue(families, `${METRICS.barToOrder}_bucket`, { le: '0.025' })).toBe(2);
    expect(sampleValue(families, METRICS.wsClients, { channel: 'fills' })).toBe(1);
  });

  it('times the HTTP requests it serves, by route template and status, and exports the process metrics', async () => {
    const before = (await scrape(s)).families;
    const count = (f: Map<string, Family>, labels: Record<string, string>) =>
      sampleValue(f, `${METRICS.httpDuration}_count`, labels) ?? 0;
    const runs = { method: 'GET', route: '/api/runs/:runId', status_code: '404' };
    await s.app.inject({ url: '/api/runs/nope', headers: bearer(s.tokens.viewer) });
    await s.app.inject({ url: '/api/runs/nope2', headers: bearer(s.tokens.viewer) });
    await s.app.inject({ url: '/api/runs' });
    const after = (await scrape(s)).families;
    expect(count(after, runs) - count(before, runs)).toBe(2);
    expect(
      count(after, { route: '/api/runs', status_code: '401' }) -
        count(before, { route: '/api/runs', status_code: '401' }),
    ).toBe(1);
    // The scrape before this one is counted too.
    expect(count(after, { route: '/metrics', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it.runIf(HAS_PROMTOOL)('is text that promtool parses, with no finding about our metrics', async () => {
    // prom-client's own nodejs_active_*_total gauges draw naming advice; ours must draw none.
    expect(promtoolFindings((await scrape(s)).text).filter((l) => l.includes('momentic_'))).toEqual([]);
  });
});

/**
 * The first 12,000 minute bars of the 2006 index-futures file, and the run file of
 * test/cli/paper-replay-equals-backtest.test.ts (the shipped intraday-mean-reversion parameters).
 */
const BARS = 12_000;
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

describe('metrics of a paper session as it trades', () => {
  const metrics = new ServiceMetrics({ defaultMetrics: false });
  let result: SessionJobResult;
  let s: TestServer;
  let startScrape: Map<string, Family>;
  /** Fills counter read at each tenth fill (it resolves before the next bar is taken), with that fill. */
  const samples: { fill: Fill; text: Promise<string> }[] = [];
  let fillsSeen = 0;
  let fills: LedgerFill[];

  beforeAll(async () => {
    const home = tempDir('momentic-serve-metrics-');
    const lines = readFileSync(join(SHARED_DATA, '2006-01-02-volume-min-001.txt'), 'utf8').split('\n');
    const file = join(home, 'fdax-12000.txt');
    writeFileSync(file, `${lines.slice(0, BARS + 1).join('\n')}\n`);
    const runFile = join(home, 'fdax.yaml');
    writeFileSync(runFile, RUN_FILE);
    s = await testServer({ home, metrics });
    startScrape = (await scrape(s)).families;
    // The service's metrics, with a scrape started at every tenth fill.
    const telemetry: SessionTelemetry = {
      orderStatus: (status, reason) => metrics.orderStatus(status, reason),
      orderDenied: (reason) => metrics.orderDenied(reason),
      fill: (f) => {
        metrics.fill(f);
        if (++fillsSeen % 10 === 0) samples.push({ fill: f, text: metrics.text() });
      },
      barToOrder: (ms) => metrics.barToOrder(ms),
      streamReconnect: (feed) => metrics.streamReconnect(feed),
      bar: (symbol, age) => metrics.bar(symbol, age),
      account: (a) => metrics.account(a),
      killSwitch: (state) => metrics.killSwitch(state),
      heartbeat: (ms) => metrics.heartbeat(ms),
    };
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
      telemetry,
    });
    fills = await s.ledger.listFills(result.sessionId);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const csvRows = (name: string): Record<string, string>[] => {
    const [head, ...rows] = parseCsv(readFileSync(join(result.dir, name), 'utf8'));
    return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
  };

  it('starts from nothing', () => {
    expect(sampleSum(startScrape, METRICS.orders)).toBe(0);
    expect(sampleSum(startScrape, METRICS.fills)).toBe(0);
    expect(result.bars).toBe(BARS);
    expect(fills.length).toBeGreaterThan(20);
  });

  it('counted every fill as it was booked: each sample equals the fills the ledger has up to that bar', async () => {
    expect(samples.length).toBe(Math.floor(fills.length / 10));
    const seen: number[] = [];
    for (const { fill, text } of samples) {
      const n = sampleSum(parsePromText(await text), METRICS.fills);
      expect(n).toBe(fills.filter((f) => f.ts <= fill.ts).length);
      seen.push(n);
    }
    // It moved while the session traded: every sample above the one before, the first far from the end.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
    expect(seen[0]).toBeLessThan(fills.length / 2);
  });

  it('ends with the counts the ledger and the results files hold', async () => {
    const { families } = await scrape(s);
    const orders = await s.ledger.listOrders({ runId: result.sessionId, limit: 1_000_000 });
    expect(sampleValue(families, METRICS.orders, { status: 'new' })).toBe(orders.length);
    expect(sampleValue(families, METRICS.orders, { status: 'filled' })).toBe(
      orders.filter((o) => o.status === 'filled').length,
    );
    // Rejected: journaled ones and those refused before sending (warm-up, risk), one row each in orders.csv.
    const rejected = csvRows('orders.csv').filter((r) => r.status === 'rejected').length;
    expect(sampleValue(families, METRICS.orders, { status: 'rejected' }) ?? 0).toBe(rejected);
    expect(sampleSum(families, METRICS.rejections)).toBe(rejected);
    expect(sampleValue(families, METRICS.fills, { side: 'buy' })).toBe(fills.filter((f) => f.side === 'buy').length);
    expect(sampleValue(families, METRICS.fills, { side: 'sell' })).toBe(fills.filter((f) => f.side === 'sell').length);
    // One latency per order sent, each after a live bar.
    expect(sampleValue(families, `${METRICS.barToOrder}_count`)).toBe(orders.length);
  });

  it('ends with the account of the last equity row, the kill switch ACTIVE and a heartbeat', async () => {
    const { families } = await scrape(s);
    const equity = csvRows('equity.csv');
    const last = equity.at(-1)!;
    expect(sampleValue(families, METRICS.equity)).toBe(Number(last.equity));
    expect(sampleValue(families, METRICS.cash)).toBe(Number(last.cash));
    expect(sampleValue(families, METRICS.gross)).toBe(Number(last.gross_exposure));
    expect(sampleValue(families, METRICS.net)).toBe(Number(last.net_exposure));
    expect(sampleValue(families, METRICS.drawdown)).toBeCloseTo(-Number(last.drawdown), 12);
    expect(sampleValue(families, METRICS.killSwitch, { state: 'ACTIVE' })).toBe(1);
    expect(sampleValue(families, METRICS.heartbeat)).toBeGreaterThan(Date.parse('2026-01-01') / 1000);
    expect(sampleValue(families, METRICS.staleness, { symbol: 'FDAX' })).toBeGreaterThanOrEqual(0);
  });
});

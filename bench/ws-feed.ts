/**
 * The WebSocket feed under load (part of the service case, bench/service.ts):
 *
 * 1. Burst: 200 clients subscribed to `fills` (in a child process, bench/ws-clients-child.ts) and
 *    1,000 fills published at once into the hub of a running service. Every client must get every
 *    fill, in order, with no gap in `seq`: any loss fails the case. Prints the time from the first
 *    publish to the last client's last fill (and the median client's).
 * 2. The node's bar-to-order latency with and without those clients: a paper session as `--serve`
 *    runs it (the service in its process, its metrics and broadcast), fed a batch of 50 symbols'
 *    minute bars every 100 ms, a strategy that orders on every bar, the simulated exchange filling
 *    each order on the next bar (so every batch also publishes 50 orders thrice, 50 fills, the
 *    positions and an equity point). Measured per order, from the moment its batch was due to the
 *    moment the OrderManager journaled it (so fan-out work that delays the next batch counts), and
 *    as the session's own metric (a bar's arrival to its order). Eight rounds, each the session
 *    alone then with the 200 subscribed to fills and equity (alternating, so that drift in the
 *    machine's other load falls on both alike); target: the median over rounds of the p50 and
 *    p99 ratios (with clients / without) within 10%.
 *
 * The code measured is the built one (dist/); the clients run on the other core when taskset is
 * there. Figures only; the fills' delivery is the one pass/fail.
 *
 *   tsx bench/ws-feed.ts [--rounds N]   (after npm run build; npm run bench runs it with the service case)
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bar } from '../dist/core/bar.js';
import { equity } from '../dist/core/instrument.js';
import { DEFAULTS } from '../dist/config/schema.js';
import { RUN_DEFAULTS, type RunConfig } from '../dist/config/run-config.js';
import type { FeedSink, Ledger, LiveFeed } from '../dist/engine/ports.js';
import { simulatedExchange } from '../dist/orchestration/paper-venue.js';
import { ReplayClock } from '../dist/orchestration/replay-clock.js';
import { runSession } from '../dist/orchestration/session.js';
import { SessionFiles } from '../dist/orchestration/session-files.js';
import type { SessionTelemetry } from '../dist/orchestration/session-telemetry.js';
import type { Strategy } from '../dist/strategies/api.js';
import { createApiToken } from '../dist/server/auth/token-admin.js';
import { ServiceMetrics } from '../dist/server/metrics/service-metrics.js';
import { startService } from '../dist/server/serve.js';
import { FeedHub } from '../dist/server/ws/hub.js';
import { FeedBroadcast } from '../dist/server/ws/session-publisher.js';
import { createLedger } from '../dist/store/ledger.js';
import type { ClientsCommand, ClientsReply } from './ws-clients-child.js';

const CLIENTS = 200;
const BURST = 1_000;
const SYMBOLS = 50;
const BATCH_EVERY_MS = 100;
const WARMUP_BATCHES = 20;
const MEASURED_BATCHES = 100;
/** Alternating rounds of the session alone and with the clients connected (`--rounds N`). */
const DEFAULT_ROUNDS = 8;
const MINUTE = 60_000;
/** Tuesday 2025-03-04 10:00 New York (regular hours). */
const FIRST_MINUTE = Date.UTC(2025, 2, 4, 15, 0);

const wallMs = (): number => performance.timeOrigin + performance.now();
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number);
};
const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)} ms`);

class Clients {
  readonly #child: ChildProcess;
  readonly #waiting: ((r: ClientsReply) => void)[] = [];

  constructor(cpu: number | undefined) {
    const file = fileURLToPath(new URL('./ws-clients-child.ts', import.meta.url));
    this.#child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (cpu !== undefined && this.#child.pid !== undefined) {
      try {
        execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(this.#child.pid)], { stdio: 'ignore' });
      } catch {
        // not pinned: the scheduler places it
      }
    }
    this.#child.on('message', (r: ClientsReply) => this.#waiting.shift()?.(r));
  }

  ask<K extends ClientsReply['kind']>(c: ClientsCommand): Promise<Extract<ClientsReply, { kind: K }>> {
    return new Promise((resolve) => {
      this.#waiting.push((r) => resolve(r as Extract<ClientsReply, { kind: K }>));
      this.#child.send(c);
    });
  }

  async close(): Promise<void> {
    await this.ask<'closed'>({ kind: 'close' });
    if (this.#child.exitCode === null) await new Promise((r) => this.#child.once('exit', r));
  }
}

/** Pins this process to CPU 0 when taskset is there (the clients then get CPU 1). */
function pin(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const buyEveryBar = (): Strategy => ({
  name: 'buy-each-bar',
  onBar(c, bar) {
    c.buy(bar.symbol, 1);
  },
});

interface Latencies {
  readonly due: number[];
  readonly arrival: number[];
}

/**
 * A paper session fed `SYMBOLS` bars every `BATCH_EVERY_MS`: per order, ms from its batch's due
 * time to its journaling, and the session's own bar-to-order metric.
 */
async function paced(hub: FeedHub, metrics: ServiceMetrics, home: string, label: string): Promise<Latencies> {
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const due: number[] = [];
  const arrival: number[] = [];
  let batch = -1;
  let dueAt = 0;
  const feed: LiveFeed = {
    name: 'bench',
    symbols,
    async run(sink: FeedSink, signal: AbortSignal) {
      const t0 = performance.now() + 50;
      for (let b = 0; b < WARMUP_BATCHES + MEASURED_BATCHES && !signal.aborted; b++) {
        const at = t0 + b * BATCH_EVERY_MS;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        batch = b;
        dueAt = at;
        const ts = FIRST_MINUTE + b * MINUTE;
        const arrived = Date.now();
        for (const [i, symbol] of symbols.entries()) {
          const close = 100 + ((b * 7 + i) % 13) / 10;
          const bar: Bar = { symbol, ts, open: close, high: close + 0.1, low: close - 0.1, close, volume: 1_000 };
          sink.bar(bar, arrived);
        }
        sink.closeThrough(ts + MINUTE);
      }
    },
  };
  const journal: Ledger = {
    persist() {
      if (batch >= WARMUP_BATCHES) due.push(performance.now() - dueAt);
    },
    markSent() {},
    transition() {},
    fill() {},
  };
  const telemetry: SessionTelemetry = {
    orderStatus: (s, r) => metrics.orderStatus(s, r),
    orderDenied: (r) => metrics.orderDenied(r),
    fill: (f) => metrics.fill(f),
    barToOrder: (x) => {
      metrics.barToOrder(x);
      if (batch >= WARMUP_BATCHES) arrival.push(x);
    },
    streamReconnect: (f) => metrics.streamReconnect(f),
    bar: (s, a) => metrics.bar(s, a),
    account: (a) => metrics.account(a),
    killSwitch: (s) => metrics.killSwitch(s),
    heartbeat: (w) => metrics.heartbeat(w),
  };
  const limits = {
    ...DEFAULTS.risk,
    max_trades_per_day: 1e9,
    max_positions: 1e9,
    max_position: 1,
    pause_after_losses: 1e9,
  };
  const run: RunConfig = {
    ...RUN_DEFAULTS,
    strategy: { name: 'buy-each-bar', params: {} },
    data: { ...RUN_DEFAULTS.data, symbols, timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, cash: 1e12, fees: 'none', slippage: 'none' },
    risk: { enabled: true, limits: { ...limits, max_gross_intraday: 1e9, max_gross_swing: 1e9, max_leverage: 1e9 } },
    live: { ...RUN_DEFAULTS.live, warmup_bars: 0, stale_after: '36500d' },
  };
  const clock = new ReplayClock(FIRST_MINUTE, 'max');
  await runSession({
    runId: `ws-bench-${label}`,
    run,
    strategy: buyEveryBar(),
    params: {},
    instrument: (s) => equity(s),
    clock,
    feed,
    venue: ({ portfolio, symbols: traded }) => {
      const ex = simulatedExchange(
        run,
        clock,
        (s) => equity(s),
        traded,
        () => portfolio.equity,
      );
      return { execution: ex, market: ex };
    },
    journal,
    files: new SessionFiles(join(home, label), '1m'),
    signal: new AbortController().signal,
    telemetry,
    broadcast: new FeedBroadcast(hub),
  });
  return { due, arrival };
}

export async function runWsFeedBench(ROUNDS = DEFAULT_ROUNDS): Promise<boolean> {
  const pinned = pin();
  const home = mkdtempSync(join(tmpdir(), 'momentic-ws-bench-'));
  const ledger = await createLedger(DEFAULTS, home);
  const token = (await createApiToken(ledger, { name: 'bench', role: 'viewer', actor: 'bench', now: Date.now() }))
    .token;
  await ledger.close();
  const hub = new FeedHub();
  const metrics = new ServiceMetrics({ defaultMetrics: false });
  const service = await startService({
    home,
    config: { ...DEFAULTS, serve: { ...DEFAULTS.serve, rate_limit: { max: 1e8, window: '1m' } } },
    port: 0,
    version: 'bench',
    metrics,
    feed: hub,
    hostsNode: true,
  });
  const clients = new Clients(pinned ? 1 : undefined);
  const url = `ws://127.0.0.1:${service.port}/ws`;
  console.log(
    `== ws feed: ${CLIENTS} WebSocket clients (a child process${pinned ? ', CPU 1; this process CPU 0' : ''}) on a service hosting a paper session`,
  );
  let ok = true;
  try {
    // 1. The burst.
    await clients.ask<'ready'>({ kind: 'connect', url, token, n: CLIENTS, channels: ['fills', 'equity'] });
    await clients.ask<'marked'>({ kind: 'mark' });
    const t0 = wallMs();
    for (let i = 0; i < BURST; i++) {
      hub.publish('fills', {
        run_id: 'burst',
        client_order_id: `b-${i}`,
        symbol: `S${String(i % SYMBOLS).padStart(3, '0')}`,
        side: i % 2 === 0 ? 'buy' : 'sell',
        qty: 1 + (i % 5),
        price: 100 + (i % 97) / 10,
        fee: 0.01,
        time: new Date(FIRST_MINUTE + i).toISOString(),
      });
    }
    const burst = await clients.ask<'done'>({
      kind: 'expect',
      channel: 'fills',
      count: BURST,
      prefix: 'b-',
      timeoutMs: 60_000,
    });
    const delivered = burst.doneAt.filter((x) => !Number.isNaN(x)).map((x) => x - t0);
    const whole = burst.lost === 0 && burst.disorder === 0 && burst.closed === 0 && delivered.length === CLIENTS;
    ok &&= whole;
    console.log(
      `burst: ${BURST.toLocaleString('en-US')} fills to ${CLIENTS} clients (${(BURST * CLIENTS).toLocaleString('en-US')} messages): ` +
        `all delivered in ${ms(Math.max(...delivered))} (median client ${ms(pct(delivered, 0.5))}); ` +
        `lost ${burst.lost}, out of order ${burst.disorder}, clients closed ${burst.closed}: ${whole ? 'met' : 'NOT met (a loss fails)'}`,
    );
    await clients.ask<'disconnected'>({ kind: 'disconnect' });

    // 2. The session alone and with the clients reading, in alternating rounds, so that drift in
    // the machine's other load falls on both alike; each round's ratio, and their median.
    const rounds: { alone: Latencies; watched: Latencies; events: number; gaps: number; closed: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const alone = await paced(hub, metrics, home, `alone-${r}`);
      await clients.ask<'ready'>({ kind: 'connect', url, token, n: CLIENTS, channels: ['fills', 'equity'] });
      await clients.ask<'marked'>({ kind: 'mark' });
      const watched = await paced(hub, metrics, home, `watched-${r}`);
      const stats = await clients.ask<'stats'>({ kind: 'stats' });
      await clients.ask<'disconnected'>({ kind: 'disconnect' });
      rounds.push({ alone, watched, events: stats.events, gaps: stats.gaps, closed: stats.closed });
    }
    const events = rounds.map((x) => x.events);
    console.log(
      `session (${SYMBOLS} symbols every ${BATCH_EVERY_MS} ms, ${MEASURED_BATCHES} batches measured, an order per bar), ${ROUNDS} rounds alone then watched: ` +
        `the clients got ${events.map((n) => n.toLocaleString('en-US')).join(' / ')} events, gaps ${rounds.reduce((n, x) => n + x.gaps, 0)}, closed ${rounds.reduce((n, x) => n + x.closed, 0)}`,
    );
    const median = (xs: readonly number[]): number => pct(xs, 0.5);
    const row = (name: string, of: (l: Latencies) => number[]): boolean => {
      const r50 = rounds.map((x) => pct(of(x.watched), 0.5) / pct(of(x.alone), 0.5));
      const r99 = rounds.map((x) => pct(of(x.watched), 0.99) / pct(of(x.alone), 0.99));
      const within = median(r50) <= 1.1 && median(r99) <= 1.1;
      const each = rounds.map((x) => `${ms(pct(of(x.alone), 0.5))}/${ms(pct(of(x.watched), 0.5))}`).join(', ');
      console.log(
        `${name.padEnd(34)} p50 alone/watched per round ${each} | ratio p50 ${r50.map((x) => x.toFixed(2)).join(' ')} (median ${median(r50).toFixed(2)}), p99 ${r99.map((x) => x.toFixed(2)).join(' ')} (median ${median(r99).toFixed(2)}): ${within ? 'within 10%' : 'NOT within 10%'}`,
      );
      // Every round's samples together: a p99 of one round is its 50 slowest orders, at the mercy
      // of one stall of the machine; pooled over the rounds it rests on many more.
      const alone = rounds.flatMap((x) => of(x.alone));
      const watched = rounds.flatMap((x) => of(x.watched));
      const p50 = pct(watched, 0.5) / pct(alone, 0.5);
      const p99 = pct(watched, 0.99) / pct(alone, 0.99);
      console.log(
        `${''.padEnd(34)} pooled over ${ROUNDS} rounds (${alone.length.toLocaleString('en-US')} orders each way): p50 ${ms(pct(alone, 0.5))} -> ${ms(pct(watched, 0.5))} (x${p50.toFixed(2)}), p99 ${ms(pct(alone, 0.99))} -> ${ms(pct(watched, 0.99))} (x${p99.toFixed(2)}): ${p50 <= 1.1 && p99 <= 1.1 ? 'within 10%' : 'NOT within 10%'}`,
      );
      return within;
    };
    row('batch due -> order journaled', (l) => l.due);
    row('bar arrival -> order (the metric)', (l) => l.arrival);
  } finally {
    await clients.close();
    await service.close();
    rmSync(home, { recursive: true, force: true });
  }
  return ok;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--rounds');
  const rounds = i < 0 ? DEFAULT_ROUNDS : Number(process.argv[i + 1]);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a whole number >= 1, got ${process.argv[i + 1]}`);
  process.exitCode = (await runWsFeedBench(rounds)) ? 0 : 1;
}

/**
 * One case of the live-path benchmark (bench/live-latency.ts): a real session wired as `momentic
 * live` wires it (live-job.ts): Alpaca's market-data stream parsed by AlpacaLiveFeed, the
 * session's pushed bar source, the strategy, the RiskGate with the run's limits, the
 * OrderManager, the LedgerJournal on a SQLite (or PostgreSQL) ledger with each order made
 * durable before it is sent (PersistFirstClient), "sent" journaled when Alpaca accepts, and
 * AlpacaExecutionClient's HTTP to the loopback fake, whose trade_updates come back and are
 * journaled as they would be. The fakes run in a child process (bench/live-fakes-child.ts).
 *
 * Each order is timed at five points: the fake writes the minute's frame (t0), the batch's last
 * bar reaches the session (parse), the OrderManager journals the order (strategy + risk), the
 * journal is durable and the order is handed to the venue client (persist), the fake reads its
 * POST (HTTP).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bar } from '../dist/core/bar.js';
import { WallClock } from '../dist/core/clock.js';
import { equity } from '../dist/core/instrument.js';
import { DEFAULTS, type Config } from '../dist/config/schema.js';
import { RUN_DEFAULTS, type RunConfig } from '../dist/config/run-config.js';
import type { Engine } from '../dist/engine/engine.js';
import type { ExecutionClient, FeedSink, Ledger, LiveFeed } from '../dist/engine/ports.js';
import { PersistFirstClient } from '../dist/orchestration/alpaca-session.js';
import { LedgerJournal } from '../dist/orchestration/ledger-journal.js';
import { runSession } from '../dist/orchestration/session.js';
import { SessionFiles } from '../dist/orchestration/session-files.js';
import type { Portfolio } from '../dist/portfolio/portfolio.js';
import type { Strategy } from '../dist/strategies/api.js';
import { createLedger } from '../dist/store/ledger.js';
import { AlpacaLiveFeed } from '../dist/venues/alpaca/stream/index.js';
import { AlpacaExecutionClient } from '../dist/venues/alpaca/trading/execution-client.js';
import { monotonicMs, type FakesCommand, type FakesReply } from './live-fakes-child.js';

const MINUTE = 60_000;
/** Tuesday 2025-03-04 10:00 New York. */
const FIRST_MINUTE = Date.UTC(2025, 2, 4, 15, 0);

export interface LiveCase {
  readonly name: string;
  readonly symbols: number;
  /** Batches before the measured ones (indicators warm up, the JIT too). */
  readonly warmupBatches: number;
  readonly batches: number;
  readonly strategy: () => Strategy;
  /** The close of every symbol at batch `b` (undefined: the fake's formula bars). */
  readonly closes?: (b: number) => readonly number[];
  /** `database.url`: empty for SQLite in a temporary workspace. */
  readonly ledgerUrl: string;
  /** Run the fakes under `taskset -c N` (and this process is pinned by the caller). */
  readonly fakesCpu?: number;
}

/** One order's five times (ms, CLOCK_MONOTONIC). */
export interface OrderTimes {
  readonly batch: number;
  readonly frame: number;
  readonly slice: number;
  readonly decided: number;
  readonly handed: number;
  readonly received: number;
}

export interface BatchResult {
  readonly batch: number;
  readonly orders: OrderTimes[];
  /** CPU time of this process from the frame to the batch's last fill journaled (ms). */
  readonly cpuMs: number;
}

/** The fakes' process, and its replies in order. */
class Fakes {
  readonly #child: ChildProcess;
  readonly #waiting: ((r: FakesReply) => void)[] = [];

  constructor(cpu: number | undefined) {
    const file = fileURLToPath(new URL('./live-fakes-child.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', file];
    const [cmd, ...args] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
    this.#child = spawn(cmd as string, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (r: FakesReply) => this.#waiting.shift()?.(r));
  }

  ask<K extends FakesReply['kind']>(c: FakesCommand): Promise<Extract<FakesReply, { kind: K }>> {
    return new Promise((resolve) => {
      this.#waiting.push((r) => resolve(r as Extract<FakesReply, { kind: K }>));
      this.#child.send(c);
    });
  }

  async close(): Promise<void> {
    await this.ask<'closed'>({ kind: 'close' });
    await new Promise((r) => (this.#child.exitCode === null ? this.#child.once('exit', r) : r(undefined)));
  }
}

const until = async (done: () => boolean, what: string, ms = 60_000): Promise<void> => {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > ms) throw new Error(`live bench: ${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

export async function runLiveCase(c: LiveCase): Promise<BatchResult[]> {
  const symbols = Array.from({ length: c.symbols }, (_, i) => `X${String(i).padStart(4, '0')}`);
  const fakes = new Fakes(c.fakesCpu);
  const { env } = await fakes.ask<'started'>({ kind: 'start', symbols, cash: 1e12, price: 100 });
  const home = mkdtempSync(join(tmpdir(), 'momentic-live-bench-'));
  const config: Config = {
    ...DEFAULTS,
    database: { ...DEFAULTS.database, url: c.ledgerUrl },
    venues: {
      ...DEFAULTS.venues,
      alpaca: {
        ...DEFAULTS.venues.alpaca,
        data_url: env.MOMENTIC_VENUES__ALPACA__DATA_URL as string,
        stream_url: env.MOMENTIC_VENUES__ALPACA__STREAM_URL as string,
        trading_url: env.MOMENTIC_VENUES__ALPACA__TRADING_URL as string,
        // Lifted (see the header of bench/live-latency.ts): at 200 a minute a 500-order batch
        // takes 2.5 minutes to send whatever the path costs.
        requests_per_minute: 1_000_000,
      },
    },
  };
  const ctx = { config, env };
  // Timings, by symbol (slice) and by client order id (the rest).
  const sliceAt = new Map<number, number>();
  const decided = new Map<string, { at: number; batch: number }>();
  const handed = new Map<string, number>();
  const ended = new Set<string>();
  let batch = -1;
  // The feed closes minutes on its own clock: each batch is the minute that clock is in, so the
  // bench need not wait real minutes between batches. It starts in the first batch's minute (a
  // minute it closed would drop that batch's bars as late). The minutes are the same every run
  // (a morning of regular hours), so what the strategy does does not depend on the time of day.
  const total = c.warmupBatches + c.batches;
  const first = FIRST_MINUTE;
  let feedNow = first + MINUTE + 1_000;
  // Ticking often, the feed closes the previous minute in the pause before the next batch, as it
  // does 10 s into a real minute (its grace), not when the next minute's frame comes.
  const inner = new AlpacaLiveFeed(ctx, { symbols, warmupBars: 0, clock: { now: () => feedNow }, tickMs: 10 });
  const feed: LiveFeed = {
    name: inner.name,
    symbols: inner.symbols,
    run: (sink: FeedSink, signal: AbortSignal) =>
      inner.run(
        {
          bar(bar: Bar, at: number, history?: boolean) {
            sliceAt.set(bar.ts, monotonicMs());
            sink.bar(bar, at, history);
          },
          closeThrough: (ts: number) => sink.closeThrough(ts),
        },
        signal,
      ),
  };
  const strategy = c.strategy();
  const risk = {
    ...DEFAULTS.risk,
    max_trades_per_day: 1e9,
    max_positions: 1e9,
    max_position: 1,
    pause_after_losses: 1e9,
  };
  const run: RunConfig = {
    ...RUN_DEFAULTS,
    strategy: { name: strategy.name, params: {} },
    data: { ...RUN_DEFAULTS.data, symbols, timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, cash: 1e12, fees: 'none', slippage: 'none' },
    // Limits that let the orders through (what is measured is the path, not a denial); every
    // check still runs on every order.
    risk: {
      enabled: true,
      limits: { ...risk, max_gross_intraday: 1e9, max_gross_swing: 1e9, max_leverage: 1e9 },
    },
    // The bars are of a past morning: the stale-data limit (checked on every bar all the same)
    // is set past their age.
    live: { ...RUN_DEFAULTS.live, venue: 'alpaca', warmup_bars: 0, stale_after: '36500d' },
  };
  const ledger = await createLedger(config, home);
  const runId = `live-bench-${Date.now()}`;
  await ledger.startRun({
    id: runId,
    kind: 'live',
    strategy: strategy.name,
    params: {},
    spec: {},
    startedAt: Date.now(),
  });
  const journal = new LedgerJournal(ledger, runId);
  const stop = new AbortController();
  journal.onError = () => stop.abort();
  const client = new AlpacaExecutionClient(ctx);
  await client.connect();
  // As live-job.ts: "sent" is journaled when Alpaca accepts the order, not at the hand-over.
  client.subscribe((e) => {
    if (e.kind === 'accepted') journal.markSent(e.order.clientOrderId, e.ts);
    if (e.kind === 'rejected') ended.add(e.rejection.clientOrderId);
    else if (e.kind === 'filled' || e.kind === 'cancelled') ended.add(e.order.clientOrderId);
  });
  const timed: ExecutionClient = {
    name: client.name,
    submit(o) {
      handed.set(o.clientOrderId, monotonicMs());
      client.submit(o);
    },
    cancel: (id) => client.cancel(id),
    subscribe: (l) => client.subscribe(l),
    order: (id) => client.order(id),
    openOrders: (s) => client.openOrders(s),
  };
  const journaled: Ledger = {
    persist(o, ts) {
      decided.set(o.clientOrderId, { at: monotonicMs(), batch });
      journal.persist(o, ts);
    },
    markSent: () => {},
    transition: (id, status, ts, reason) => journal.transition(id, status, ts, reason),
    fill: (f) => journal.fill(f),
  };
  let stepped = 0;
  class CountingFiles extends SessionFiles {
    override flush(engine: Engine, portfolio: Portfolio): void {
      super.flush(engine, portfolio);
      stepped = engine.barsProcessed;
    }
  }
  const session = runSession({
    runId,
    run,
    strategy,
    params: {},
    instrument: (s) => equity(s),
    clock: new WallClock(),
    feed,
    venue: () => ({
      execution: new PersistFirstClient(
        timed,
        () => journal.drained(),
        () => stop.abort(),
      ),
    }),
    journal: journaled,
    files: new CountingFiles(join(home, 'session'), '1m'),
    signal: stop.signal,
  });
  const results: BatchResult[] = [];
  try {
    await until(() => client.streamState === 'live', 'the trade_updates stream to connect');
    await fakes.ask<'subscribed'>({ kind: 'subscribed' });
    for (let b = 0; b < total; b++) {
      batch = b;
      const ts = first + b * MINUTE;
      feedNow = ts + MINUTE + 1_000;
      // A minute passes between batches: the previous batch's work is over when the next comes.
      await new Promise((r) => setTimeout(r, 50));
      const closes = c.closes?.(b);
      const cpu0 = process.cpuUsage();
      const { at: frame } = await fakes.ask<'pushed'>({
        kind: 'push',
        ts,
        bars: symbols.map((symbol, i) => (closes === undefined ? { symbol } : { symbol, close: closes[i] as number })),
      });
      await until(() => stepped >= (b + 1) * c.symbols, `batch ${b + 1} to be stepped`);
      const mine = [...decided].filter(([, d]) => d.batch === b).map(([id]) => id);
      await until(() => mine.every((id) => ended.has(id)), `the ${mine.length} orders of batch ${b + 1} to fill`);
      await client.whenIdle();
      await journal.drained();
      const cpu = process.cpuUsage(cpu0);
      const { orders: got } = await fakes.ask<'received'>({ kind: 'received' });
      const receivedAt = new Map(got);
      if (b >= c.warmupBatches) {
        results.push({
          batch: b - c.warmupBatches,
          cpuMs: (cpu.user + cpu.system) / 1000,
          orders: mine.map((id) => ({
            batch: b,
            frame,
            slice: sliceAt.get(ts) as number,
            decided: (decided.get(id) as { at: number }).at,
            handed: handed.get(id) ?? Number.NaN,
            received: receivedAt.get(id) ?? Number.NaN,
          })),
        });
      }
    }
  } finally {
    stop.abort();
    await session;
    await client.whenIdle();
    client.close();
    await journal.drained().catch(() => undefined);
    await ledger.close();
    await fakes.close();
    if (existsSync(home)) rmSync(home, { recursive: true, force: true });
  }
  return results;
}

/**
 * Live-path latency: from a minute bar's arrival on Alpaca's market-data stream to its order
 * reaching Alpaca's trading API, through everything a live session does in between: the stream
 * message parsed and checked, the session's pushed bar source, the strategy, the risk manager,
 * the OrderManager, the journal made durable in a SQLite ledger (persist before send), and the
 * HTTP request to a loopback fake of Alpaca. One process on one core (the fakes run in it too):
 * a batch of N symbols' bars arrives in one stream message, the strategy buys each symbol once per
 * bar, and each order's latency is the time from its bar's arrival to the fake receiving the POST.
 * Alpaca's own rate limit (200 requests a minute) is lifted for the bench: under it a 500-order
 * batch takes 2.5 minutes whatever the path costs.
 *
 *   tsx bench/live-latency.ts [--symbols N (default 500)] [--batches B (default 4)]
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WallClock } from '../src/core/clock.js';
import type { Bar } from '../src/core/bar.js';
import { DEFAULTS, type Config } from '../src/config/schema.js';
import { RUN_DEFAULTS, type RunConfig } from '../src/config/run-config.js';
import type { FeedSink, LiveFeed } from '../src/engine/ports.js';
import { PersistFirstClient } from '../src/orchestration/alpaca-session.js';
import { LedgerJournal } from '../src/orchestration/ledger-journal.js';
import { runSession } from '../src/orchestration/session.js';
import { SessionFiles } from '../src/orchestration/session-files.js';
import { equity } from '../src/core/instrument.js';
import type { Strategy } from '../src/strategies/api.js';
import { createLedger } from '../src/store/ledger.js';
import { AlpacaLiveFeed } from '../src/venues/alpaca/stream/index.js';
import { AlpacaExecutionClient } from '../src/venues/alpaca/trading/execution-client.js';
import { startAlpacaFakes } from '../test/fakes/alpaca/run-fakes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MINUTE = 60_000;
const TARGET_P99_MS = 50;

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;

export async function runLiveLatencyBench(o: { readonly symbols: number; readonly batches: number }): Promise<void> {
  const symbols = Array.from({ length: o.symbols }, (_, i) => `X${String(i).padStart(4, '0')}`);
  // The fake venue knows these symbols and fills market orders as they arrive.
  const fakes = await startAlpacaFakes({ cash: 1e12, assets: symbols });
  const home = mkdtempSync(join(tmpdir(), 'momentic-live-bench-'));
  const sentAt = new Map<string, number>();
  const venue = fakes.trading.venue;
  const submit = venue.submit.bind(venue);
  venue.submit = (body: Record<string, unknown>) => {
    sentAt.set(String(body.client_order_id), performance.now());
    return submit(body);
  };
  for (const s of symbols) {
    fakes.trading.setPrice(s, 100);
    venue.fillMarketOnArrival.add(s);
  }
  const config: Config = {
    ...DEFAULTS,
    venues: {
      ...DEFAULTS.venues,
      alpaca: {
        ...DEFAULTS.venues.alpaca,
        data_url: fakes.env.MOMENTIC_VENUES__ALPACA__DATA_URL as string,
        stream_url: fakes.env.MOMENTIC_VENUES__ALPACA__STREAM_URL as string,
        trading_url: fakes.env.MOMENTIC_VENUES__ALPACA__TRADING_URL as string,
        // Alpaca allows 200 requests a minute, which would space a 500-order batch over 2.5
        // minutes: lifted here, so the figure is the path's own latency.
        requests_per_minute: 1_000_000,
      },
    },
  };
  const ctx = { config, env: fakes.env };
  const arrivedAt = new Map<string, number>();
  // The feed closes minutes on its own clock: each batch is the minute that clock is in, so the
  // bench needs not wait real minutes between batches.
  let feedNow = Date.now();
  const inner = new AlpacaLiveFeed(ctx, { symbols, warmupBars: 0, clock: { now: () => feedNow } });
  // Arrival is taken where the session receives the parsed bar.
  const feed: LiveFeed = {
    name: inner.name,
    symbols: inner.symbols,
    run: (sink: FeedSink, signal: AbortSignal) =>
      inner.run(
        {
          bar(bar: Bar, at: number, history?: boolean) {
            arrivedAt.set(`${bar.symbol}@${bar.ts}`, performance.now());
            sink.bar(bar, at, history);
          },
          closeThrough: (ts: number) => sink.closeThrough(ts),
        },
        signal,
      ),
  };
  const decidedOn = new Map<string, string>();
  const decidedAt = new Map<string, number>();
  const strategy: Strategy = {
    name: 'buy-each-bar',
    onBar(c, bar) {
      const id = c.buy(bar.symbol, 1);
      if (id !== undefined) {
        decidedOn.set(id, `${bar.symbol}@${bar.ts}`);
        decidedAt.set(id, performance.now());
      }
    },
  };
  const run: RunConfig = {
    ...RUN_DEFAULTS,
    strategy: { name: 'buy-each-bar', params: {} },
    data: { ...RUN_DEFAULTS.data, symbols, timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, cash: 1e12, fees: 'none', slippage: 'none' },
    // Limits that let every order of the bench through: what is measured is the path, not a denial.
    risk: {
      enabled: true,
      limits: { ...DEFAULTS.risk, max_trades_per_day: 1e9, max_positions: 1e9, max_position: 1 },
    },
    live: { ...RUN_DEFAULTS.live, venue: 'alpaca', warmup_bars: 0, stale_after: '1h' },
  };
  const ledger = await createLedger({ database: { url: '' } }, home);
  const runId = 'live-latency-bench';
  await ledger.startRun({
    id: runId,
    kind: 'paper',
    strategy: strategy.name,
    params: {},
    spec: {},
    startedAt: Date.now(),
  });
  const journal = new LedgerJournal(ledger, runId);
  const client = new AlpacaExecutionClient(ctx);
  await client.connect();
  const stop = new AbortController();
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
        client,
        () => journal.drained(),
        () => stop.abort(),
      ),
    }),
    journal,
    files: new SessionFiles(join(home, 'session'), '1m'),
    signal: stop.signal,
  });
  await fakes.stream.whenSubscribed(1);
  const lastEnded = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  console.log(
    `== live path: bar arrival on the stream to order POST at the venue, ${o.symbols} symbols per minute batch, ${o.batches} batches (one process, loopback fakes, SQLite journal)`,
  );
  const all: number[] = [];
  for (let b = 0; b < o.batches; b++) {
    const ts = lastEnded - (o.batches - 1 - b) * MINUTE;
    feedNow = ts + MINUTE + 1_000;
    // Minute bars leave a minute between batches: the previous batch's fills and journal writes
    // are done before the next arrives, as they would be.
    await client.whenIdle();
    await journal.drained();
    await new Promise((r) => setTimeout(r, 200));
    const before = sentAt.size;
    fakes.stream.pushBars(symbols.map((symbol) => ({ symbol, ts })));
    const t0 = performance.now();
    while (sentAt.size < before + o.symbols && performance.now() - t0 < 60_000)
      await new Promise((r) => setTimeout(r, 5));
    const lat: number[] = [];
    const toDecision: number[] = [];
    for (const [id, key] of decidedOn) {
      if (!key.endsWith(`@${ts}`)) continue;
      const sent = sentAt.get(id);
      const arrived = arrivedAt.get(key);
      if (sent !== undefined && arrived !== undefined) {
        lat.push(sent - arrived);
        toDecision.push((decidedAt.get(id) as number) - arrived);
      }
    }
    lat.sort((x, y) => x - y);
    toDecision.sort((x, y) => x - y);
    if (lat.length === 0) throw new Error(`batch ${b + 1}: no order reached the venue within 60 s`);
    if (b > 0) all.push(...lat);
    console.log(
      `batch ${b + 1}${b === 0 ? ' (cold)' : '       '}  orders ${String(lat.length).padStart(4)}  p50 ${pct(lat, 0.5).toFixed(1).padStart(7)} ms  p99 ${pct(lat, 0.99).toFixed(1).padStart(7)} ms  max ${(lat.at(-1) ?? Number.NaN).toFixed(1).padStart(7)} ms  (arrival to decision p99 ${pct(toDecision, 0.99).toFixed(1)} ms)`,
    );
  }
  all.sort((x, y) => x - y);
  const p99 = pct(all, 0.99);
  console.log(
    `warm batches: p50 ${pct(all, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'})`,
  );
  stop.abort();
  await session;
  await client.whenIdle();
  client.close();
  await journal.drained().catch(() => undefined);
  await ledger.close();
  await fakes.close();
  rmSync(home, { recursive: true, force: true });
}

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const n = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLiveLatencyBench({ symbols: flag('--symbols', 500), batches: flag('--batches', 4) });
}

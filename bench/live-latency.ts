/**
 * Live-path latency: from a minute batch of bars written by Alpaca's market-data stream to each
 * order's POST read by Alpaca's trading API, through everything `momentic live` does in between
 * (bench/live-path.ts): the stream's frame parsed and checked, the session's pushed bar source,
 * the strategy, the RiskGate, the OrderManager, the journal made durable in the ledger (SQLite,
 * synchronous = FULL, one sync to disk per commit; or PostgreSQL with --ledger-url) before the
 * send, and the HTTP request to a loopback fake, whose answers and trade_updates (new, fill) come
 * back and are journaled meanwhile, as are the session's CSV files.
 *
 * Two cases of 500 symbols per batch:
 *   worst case  every symbol buys on every bar: 500 orders per batch;
 *   realistic   sma-cross (fast 5, slow 20) on random-walk closes: only the symbols that cross.
 * For each: orders per batch; p50 and p99 of frame written -> POST read, over every order of the
 * measured batches; the same for each stage (parse: frame -> the batch's last bar at the session;
 * strategy + risk: -> the order journaled; persist: -> durable and handed to the venue client;
 * HTTP: -> the fake reads the POST); and whether p99 is under the 50 ms target. The frame's time
 * is taken by the fake once it is written to the socket, the POST's once its body is read.
 *
 * The code measured is the built one (dist/, as `momentic live` runs it; `npm run bench` builds
 * it first, run `npm run build` before running this file alone). One core: the fakes run in a
 * child process (the venue's work is not ours), and on Linux with taskset this process is pinned
 * to CPU 0 (every thread, GC helpers included) and the fakes to CPU 1 (`--no-pin` leaves both to
 * the scheduler). The CPU time this process spent per batch is printed too: on a shared machine
 * it varies less than the latencies.
 *
 * Lifted: Alpaca's client-side rate limit (200 requests a minute), which would space a 500-order
 * batch over 2.5 minutes whatever the path costs, and the risk limits (orders pass; every check
 * still runs on each). The minutes are those of a fixed past morning (so sma-cross's orders do not
 * depend on the time of day), and the stale-data limit is set past their age. Not lifted: the disk
 * syncs, the HTTP requests and their answers, the trade_updates and their journal writes, the
 * session's CSV files. Between batches (50 ms here, a minute in reality) the previous minute is
 * closed and its rows written, as the feed does 10 s into a minute. The connections to the fake
 * stay open between batches: a real minute apart, an idle connection to Alpaca may be closed, and
 * the first orders of a minute then pay a TLS handshake this bench does not see.
 *
 *   tsx bench/live-latency.ts [--symbols N (500)] [--batches B (worst 5, realistic 20)]
 *                             [--case worst|realistic|both] [--ledger-url postgres://...] [--no-pin]
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Strategy } from '../dist/strategies/api.js';
import { smaCross } from '../dist/strategies/builtin/sma-cross.js';
import { runLiveCase, type BatchResult, type LiveCase, type OrderTimes } from './live-path.js';

const TARGET_P99_MS = 50;

const pct = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number);
const sortedOf = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const ms = (x: number): string => (Number.isNaN(x) ? '   n/a' : x.toFixed(1).padStart(6));

/** A seeded uniform [0, 1) (mulberry32): the same walks every run. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Closes of `n` symbols over `batches` minutes: geometric random walks from 100, 0.1% a minute. */
function randomWalks(n: number, batches: number, seed = 7): number[][] {
  const u = uniform(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const out: number[][] = [];
  let last = Array.from({ length: n }, () => 100);
  for (let b = 0; b < batches; b++) {
    last = last.map((p) => Math.round(p * Math.exp(0.001 * gauss()) * 100) / 100);
    out.push(last);
  }
  return out;
}

const buyEveryBar = (): Strategy => ({
  name: 'buy-each-bar',
  onBar(c, bar) {
    c.buy(bar.symbol, 1);
  },
});

function report(name: string, results: readonly BatchResult[]): boolean {
  const orders: OrderTimes[] = results.flatMap((r) => r.orders);
  const counts = results.map((r) => r.orders.length);
  const missing = orders.filter((o) => Number.isNaN(o.received)).length;
  const stage = (f: (o: OrderTimes) => number): string => {
    const s = sortedOf(orders.map(f));
    return `p50 ${ms(pct(s, 0.5))}  p99 ${ms(pct(s, 0.99))}`;
  };
  const total = sortedOf(orders.map((o) => o.received - o.frame));
  const cpu = sortedOf(results.map((r) => r.cpuMs));
  console.log(
    `-- ${name}: ${results.length} batches, orders per batch min ${Math.min(...counts)} / median ${pct(sortedOf(counts), 0.5)} / max ${Math.max(...counts)} (${orders.length} in all${missing > 0 ? `, ${missing} never read by the fake` : ''})`,
  );
  console.log(
    `   frame -> POST read       p50 ${ms(pct(total, 0.5))}  p99 ${ms(pct(total, 0.99))}  max ${ms(total.at(-1) ?? Number.NaN)} ms`,
  );
  console.log(`     parse                  ${stage((o) => o.slice - o.frame)} ms`);
  console.log(`     strategy + risk        ${stage((o) => o.decided - o.slice)} ms`);
  console.log(`     persist (durable)      ${stage((o) => o.handed - o.decided)} ms`);
  console.log(`     HTTP (to POST read)    ${stage((o) => o.received - o.handed)} ms`);
  console.log(
    `   CPU of this process per batch: median ${ms(pct(cpu, 0.5))} ms, max ${ms(cpu.at(-1) ?? Number.NaN)} ms`,
  );
  const p99 = pct(total, 0.99);
  const met = orders.length > 0 && missing === 0 && p99 < TARGET_P99_MS;
  console.log(`   target p99 < ${TARGET_P99_MS} ms: ${met ? 'met' : 'NOT met'}`);
  return met;
}

/** Pins this process (all its threads) to CPU 0 when taskset is there; the fakes then get CPU 1. */
function pin(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface LiveLatencyOptions {
  readonly symbols: number;
  readonly batches?: number;
  readonly cases?: 'worst' | 'realistic' | 'both';
  readonly ledgerUrl?: string;
  readonly pin?: boolean;
}

export async function runLiveLatencyBench(o: LiveLatencyOptions): Promise<void> {
  const pinned = o.pin !== false && pin();
  const ledger = o.ledgerUrl === undefined || o.ledgerUrl === '' ? 'SQLite' : 'PostgreSQL';
  console.log(
    `== live path: stream frame -> order POST read by the venue, ${o.symbols} symbols per minute batch (${ledger} journal, fakes in a child process, ${pinned ? 'this process pinned to CPU 0, the fakes to CPU 1' : 'not pinned'}; rate limit and risk limits lifted)`,
  );
  const base = { symbols: o.symbols, ledgerUrl: o.ledgerUrl ?? '', ...(pinned ? { fakesCpu: 1 } : {}) };
  const cases: LiveCase[] = [];
  if (o.cases !== 'realistic') {
    cases.push({
      ...base,
      name: 'worst case: every symbol orders every bar',
      warmupBatches: 1,
      batches: o.batches ?? 5,
      strategy: buyEveryBar,
    });
  }
  if (o.cases !== 'worst') {
    const fast = 5;
    const slow = 20;
    const warmupBatches = slow + 2;
    const batches = o.batches ?? 20;
    const walks = randomWalks(o.symbols, warmupBatches + batches);
    cases.push({
      ...base,
      name: `realistic: sma-cross ${fast}/${slow} on random walks, only the symbols that cross order`,
      warmupBatches,
      batches,
      strategy: () => smaCross.create({ fast, slow, qty: 10, allowShort: false }),
      closes: (b) => walks[b] as number[],
    });
  }
  for (const c of cases) report(c.name, await runLiveCase(c));
}

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const count = (name: string): number | undefined => {
  const v = flag(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const which = flag('--case') ?? 'both';
  if (!['worst', 'realistic', 'both'].includes(which)) throw new Error('--case must be worst, realistic or both');
  const batches = count('--batches');
  await runLiveLatencyBench({
    symbols: count('--symbols') ?? 500,
    ...(batches === undefined ? {} : { batches }),
    cases: which as 'worst' | 'realistic' | 'both',
    ledgerUrl: flag('--ledger-url') ?? '',
    pin: !process.argv.includes('--no-pin'),
  });
}

/**
 * Service benchmark: `GET /api/runs` and `GET /api/positions` at 1,000 requests/s for 30 s each
 * (autocannon, 20 connections, a fixed overall rate), against `momentic serve` running as its
 * own process on a workspace with 200 runs in the ledger and a running paper session holding 20
 * positions. The target: the rate kept, and the 99th percentile of latency under 20 ms (latency
 * corrected for coordinated omission: a late answer delays the next request, and that wait
 * counts). Prints p50, p99 and whether the target is met. Then the WebSocket feed's case
 * (bench/ws-feed.ts): a 1,000-fill burst to 200 clients, and the node's bar-to-order latency with
 * and without them.
 *
 *   tsx bench/service.ts [--seconds N] [--rate R]      (npm run bench -- --service-seconds N)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { DEFAULTS } from '../src/config/schema.js';
import { createApiToken } from '../src/server/auth/token-admin.js';
import { createLedger } from '../src/store/index.js';
import { runWsFeedBench } from './ws-feed.js';

interface AutocannonResult {
  readonly requests: { readonly total: number; readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
}
type Autocannon = (o: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const REPO = join(import.meta.dirname, '..');
const P99_LIMIT_MS = 20;
const ROUTES = ['/api/runs', '/api/positions'] as const;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String(i).padStart(2, '0')}`);

/** 200 finished backtests and one paper session still running with 20 open positions. */
async function seed(home: string): Promise<string> {
  const ledger = await createLedger(DEFAULTS, home);
  try {
    const t0 = Date.parse('2026-01-05T14:30:00Z');
    for (let i = 0; i < 200; i++) {
      const id = `bench-run-${String(i).padStart(3, '0')}`;
      const spec = { data: { symbols: SYMBOLS.slice(0, 5), start: '2015-01-01', end: '2024-12-31', timeframe: '1d' } };
      await ledger.startRun({
        id,
        kind: 'backtest',
        strategy: 'sma-cross',
        params: { fast: 10, slow: 30 },
        spec,
        startedAt: t0 + i,
      });
      await ledger.endRun(id, {
        status: 'finished',
        finishedAt: t0 + i + 5_000,
        metrics: { total_return: 0.01 * i, sharpe: 1.1, max_drawdown: -0.2, trades: 40 + i },
        resultDir: join(home, 'data', 'results', id),
      });
    }
    const session = 'bench-paper-session';
    await ledger.startRun({ id: session, kind: 'paper', strategy: 'sma-cross', params: {}, spec: {}, startedAt: t0 });
    for (const [k, symbol] of SYMBOLS.entries()) {
      const id = `o-${k}`;
      await ledger.persistOrder(
        session,
        { clientOrderId: id, symbol, side: 'buy', type: 'market', qty: 10 + k, tif: 'day' },
        t0,
      );
      await ledger.recordFill(session, {
        clientOrderId: id,
        symbol,
        side: 'buy',
        qty: 10 + k,
        price: 100 + k,
        fee: 0.5,
        ts: t0 + 60_000,
      });
    }
    return (await createApiToken(ledger, { name: 'bench', role: 'viewer', actor: 'bench', now: Date.now() })).token;
  } finally {
    await ledger.close();
  }
}

/**
 * The same load on a server that does nothing (its own process, node:http, `{}`): on a busy
 * machine the latency the target allows can be spent before any of momentic's code runs.
 */
async function harnessFloor(rate: number, seconds: number): Promise<AutocannonResult> {
  const bare = spawn(
    process.execPath,
    [
      '-e',
      "require('node:http').createServer((q, r) => { r.setHeader('content-type', 'application/json'); r.end('{}'); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); })",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<string>((resolve) => createInterface({ input: bare.stdout! }).once('line', resolve));
    const request = { url: `http://127.0.0.1:${port}/`, connections: 20, overallRate: rate };
    await autocannon({ ...request, duration: 2 });
    return await autocannon({ ...request, duration: seconds });
  } finally {
    bare.kill('SIGTERM');
  }
}

export interface ServiceBenchOptions {
  readonly seconds: number;
  readonly rate?: number;
}

export async function runServiceBench(o: ServiceBenchOptions): Promise<boolean> {
  const rate = o.rate ?? 1_000;
  const home = mkdtempSync(join(tmpdir(), 'momentic-service-bench-'));
  const config = join(home, 'bench.yaml');
  // The bench is one client: it would meet the default rate limit (1,200 a minute) at once.
  writeFileSync(config, 'serve:\n  rate_limit:\n    max: 100000000\n    window: 1m\n');
  const token = await seed(home);
  let allMet = true;
  const server = spawn(
    process.execPath,
    [
      join(REPO, 'bin', 'momentic.js'),
      '--home',
      home,
      '--config',
      config,
      '--log-level',
      'warn',
      '--json',
      'serve',
      '--port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`momentic serve exited with ${code}`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    console.log(
      `== service: ${ROUTES.join(' and ')} at ${rate.toLocaleString('en-US')} requests/s for ${o.seconds} s each (momentic serve, 200 runs, 20 positions; target p99 < ${P99_LIMIT_MS} ms)`,
    );
    const floor = await harnessFloor(rate, Math.min(o.seconds, 10));
    console.log(
      `floor: a bare node:http server answering {} at the same rate: p50 ${floor.latency.p50} ms, p99 ${floor.latency.p99} ms (what this machine's load and the load generator cost alone)`,
    );
    for (const route of ROUTES) {
      const request = {
        url: `${url}${route}`,
        headers: { authorization: `Bearer ${token}` },
        connections: 20,
        overallRate: rate,
      };
      await autocannon({ ...request, duration: 2 }); // warm-up: JIT, SQLite page cache
      const r = await autocannon({ ...request, duration: o.seconds });
      const perSecond = r.requests.total / r.duration;
      const met =
        perSecond >= rate * 0.98 &&
        r.latency.p99 < P99_LIMIT_MS &&
        r.non2xx === 0 &&
        r.errors === 0 &&
        r.timeouts === 0;
      allMet &&= met;
      console.log(
        `GET ${route.padEnd(16)} ${r.requests.total.toLocaleString('en-US')} requests in ${r.duration.toFixed(1)} s (${perSecond.toFixed(0)}/s), ` +
          `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors + r.timeouts}: ` +
          (met ? 'met' : 'NOT met'),
      );
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  }
  // The WebSocket feed: a burst to 200 clients, and the node's latency with them connected.
  return (await runWsFeedBench()) && allMet;
}

/** `--service-seconds N` of `npm run bench` (default 30). */
export function serviceSecondsFlag(argv: readonly string[]): number {
  const i = argv.indexOf('--service-seconds');
  return i < 0 ? 30 : Number(argv[i + 1]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : Number(process.argv[i + 1]);
  };
  const rate = arg('--rate');
  const met = await runServiceBench({ seconds: arg('--seconds') ?? 30, ...(rate === undefined ? {} : { rate }) });
  process.exitCode = met ? 0 : 1;
}

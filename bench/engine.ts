/**
 * Event-engine benchmark: bars per second through the whole backtest path
 * (merge by timestamp, simulated exchange, fills, portfolio marks, indicators, strategy hooks,
 * equity rows) on N synthetic symbols (default 100) x 20 years of daily bars (2000-2019, XNYS).
 *
 * Cases, each timed as the best of 3 runs after one warm-up run (the first run also pays for
 * JIT compilation):
 * - loop only: two SMAs per symbol registered with the engine, no orders (the floor);
 * - sma-cross 50/200 and 10/30: the built-in strategy, equal weights, fills at the next open.
 * Target: at least 3 million bar events per second on one core, orders included.
 *
 *   tsx bench/engine.ts [--symbols N]
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Sma } from '../src/analytics/indicators/sma.js';
import { type BarSeries } from '../src/core/bar.js';
import { runBacktest } from '../src/orchestration/node.js';
import type { Strategy } from '../src/strategies/api.js';
import { syntheticUniverse } from './synthetic-bars.js';

const START = '2000-01-01';
const END = '2020-01-01';
const TARGET = 3_000_000;

async function universe(n: number, timeframe: '1d' | '1m' = '1d', start = START, end = END): Promise<BarSeries[]> {
  return syntheticUniverse(n, timeframe, start, end);
}

/** Two SMAs per symbol, no orders: what the loop costs without order handling. */
function loopOnly(): Strategy {
  return {
    name: 'loop-only',
    init(ctx) {
      for (const s of ctx.symbols) {
        ctx.indicator(s, new Sma(10));
        ctx.indicator(s, new Sma(30));
      }
    },
    onBar() {},
  };
}

interface CaseResult {
  readonly name: string;
  readonly bars: number;
  readonly bestMs: number;
  readonly orders: number;
}

function measure(
  name: string,
  series: readonly BarSeries[],
  make: () => Strategy | string,
  params = {},
  timeframe: '1d' | '1m' = '1d',
): CaseResult {
  const once = (): { ms: number; bars: number; orders: number } => {
    const rec = runBacktest({ strategy: make(), params, series, runId: 'bench', cash: 1_000_000, timeframe });
    return { ms: rec.timings.run_ms as number, bars: rec.timings.bars as number, orders: rec.orders.length };
  };
  once();
  let best = Infinity;
  let last = { ms: 0, bars: 0, orders: 0 };
  for (let i = 0; i < 3; i++) {
    last = once();
    best = Math.min(best, last.ms);
  }
  return { name, bars: last.bars, bestMs: best, orders: last.orders };
}

const fmt = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function runEngineBench(options: { readonly symbols: number }): Promise<void> {
  const t0 = performance.now();
  const series = await universe(options.symbols);
  const bars = series.reduce((n, s) => n + s.length, 0);
  console.log(
    `== event engine: ${options.symbols} synthetic symbols x 20 years of daily bars (${fmt(bars)} bars, generated in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
  );
  const results = [
    measure('loop only (2 SMAs per symbol, no orders)', series, loopOnly),
    measure('sma-cross 50/200, equal weights', series, () => 'sma-cross', { fast: 50, slow: 200 }),
    measure('sma-cross 20/50 (default.yaml), equal weights', series, () => 'sma-cross', { fast: 20, slow: 50 }),
    measure('sma-cross 10/30, equal weights', series, () => 'sma-cross', { fast: 10, slow: 30 }),
  ];
  console.log(
    `${'case'.padEnd(44)}${'orders'.padStart(9)}${'ms'.padStart(9)}${'bars/s'.padStart(13)}${'ns/bar'.padStart(9)}`,
  );
  for (const r of results) {
    const rate = r.bars / (r.bestMs / 1000);
    console.log(
      `${r.name.padEnd(44)}${fmt(r.orders).padStart(9)}${fmt(r.bestMs, 1).padStart(9)}${fmt(rate).padStart(13)}${fmt((1e6 * r.bestMs) / r.bars, 0).padStart(9)}`,
    );
  }
  for (const r of results.slice(1)) {
    const rate = r.bars / (r.bestMs / 1000);
    console.log(
      `target >= ${fmt(TARGET)} bar events/s with orders, ${r.name}: ${rate >= TARGET ? 'met' : 'NOT met'} (${fmt(rate)})`,
    );
  }
}

/** `--symbols N` from the command line (default 100). */
export function engineSymbolsFlag(args: readonly string[]): number {
  const i = args.indexOf('--symbols');
  const text = i < 0 ? '100' : (args[i + 1] ?? '');
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--symbols must be a positive integer, got ${text}`);
  return n;
}

const MINUTE_ONLY = '--minute-only';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.argv.includes(MINUTE_ONLY)) await runEngineBench({ symbols: engineSymbolsFlag(process.argv.slice(2)) });
  await runMinuteEngineBench();
}

/**
 * Minute bars: 20 synthetic symbols x 1 year of 1-minute bars through sma-cross,
 * and the memory per bar held: growth of the JS heap plus array buffers (the series' columnar
 * Float64Arrays live outside the heap) while the series are loaded, between full collections,
 * divided by the bars held. Target: at most 100 bytes per bar. RSS growth is printed beside it:
 * it also counts heap pages the generator's temporary bars used, freed but kept by the process.
 * Without `global.gc` (no --expose-gc) this case reruns itself in a child process that has it.
 */
export async function runMinuteEngineBench(): Promise<void> {
  const gc = global.gc;
  if (gc === undefined) {
    // Memory means something only after full collections: rerun this case in a child process
    // with --expose-gc (and the same loader flags, e.g. tsx's).
    const args = [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), MINUTE_ONLY];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`the minute-bar bench failed in its child process (${child.status})`);
    return;
  }
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const series = await universe(20, '1m', '2019-01-01', '2020-01-01');
  gc();
  const after = process.memoryUsage();
  const held = after.heapUsed + after.external - before.heapUsed - before.external;
  const rss = after.rss - before.rss;
  const bars = series.reduce((n, s) => n + s.length, 0);
  console.log(
    `== event engine: 20 synthetic symbols x 1 year of 1-minute bars (${fmt(bars)} bars, generated in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
  );
  const r = measure('sma-cross 30/120 on minute bars', series, () => 'sma-cross', { fast: 30, slow: 120 }, '1m');
  const rate = r.bars / (r.bestMs / 1000);
  console.log(
    `${r.name}: ${fmt(r.orders)} orders, ${fmt(r.bestMs, 1)} ms, ${fmt(rate)} bars/s, ${fmt((1e6 * r.bestMs) / r.bars)} ns/bar`,
  );
  const perBar = held / bars;
  console.log(
    `memory per bar held: ${fmt(perBar, 1)} bytes (heap + array buffers +${fmt(held / 1e6, 1)} MB for ${fmt(bars)} bars; target <= 100: ${perBar <= 100 ? 'met' : 'NOT met'}); RSS +${fmt(rss / 1e6, 1)} MB (${fmt(rss / bars, 1)} bytes per bar)`,
  );
}

/**
 * What the time budget of a strategy file's hooks (`engine.hook_timeout_ms`) costs per call: the
 * same small strategy over 100,000 one-minute bars of one synthetic symbol, its definition
 * guarded as a strategy file's is (orchestration/strategy-guard.ts), not guarded, guarded
 * without a budget (0) and with the default one; then its `onBar` alone, called 5,000,000 times.
 * Cases take turns, each the best of several runs after one warm-up run. (The budget used to run
 * each call through a `node:vm` timeout: ~45-95 µs per call, 4.8-9.6 s for these 100,000 bars.)
 *
 *   tsx bench/hook-budget.ts
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { BarSeries } from '../src/core/bar.js';
import { runBacktest } from '../src/orchestration/node.js';
import { DEFAULT_HOOK_TIMEOUT_MS, guardDefinition } from '../src/orchestration/strategy-guard.js';
import type { StrategyContext } from '../src/strategies/api.js';
import { defineStrategy } from '../src/strategies/define.js';
import { syntheticBars } from './synthetic-bars.js';

const BARS = 100_000;

async function minuteBars(n: number): Promise<BarSeries> {
  const bars = await syntheticBars(0, 'HOOK', '1m', '2019-01-01', '2021-01-01');
  return BarSeries.fromBars('HOOK', bars.slice(0, n));
}

/** A strategy a user could write: reads each bar, trades now and then. */
const user = defineStrategy({
  name: 'hook-bench',
  params: z.object({}),
  create: () => {
    let last = 0;
    let n = 0;
    return {
      name: 'hook-bench',
      onBar(ctx, bar) {
        if (++n % 500 === 0) {
          if (bar.close > last) ctx.buy(bar.symbol, 1);
          else if (ctx.portfolio.qty(bar.symbol) > 0) ctx.sell(bar.symbol, 1);
          last = bar.close;
        }
      },
    };
  },
});

function engineRun(series: BarSeries, budgetMs: number | undefined): () => { ms: number; bars: number } {
  const def =
    budgetMs === undefined ? user : guardDefinition(user, '/bench/hook-bench.ts', './hook-bench.ts', budgetMs);
  return () => {
    const t0 = performance.now();
    const rec = runBacktest({
      strategy: def.create({}),
      params: {},
      series: [series],
      runId: 'bench',
      timeframe: '1m',
    });
    return { ms: performance.now() - t0, bars: rec.timings.bars as number };
  };
}

/** `onBar` alone, called `n` times on the same bar: the guard's own cost per call. */
function directCalls(series: BarSeries, budgetMs: number | undefined, n: number): () => { ms: number; bars: number } {
  const def =
    budgetMs === undefined ? user : guardDefinition(user, '/bench/hook-bench.ts', './hook-bench.ts', budgetMs);
  const s = def.create({});
  const bar = series.at(0);
  const ctx = { buy: () => '', sell: () => '', portfolio: { qty: () => 0 } } as unknown as StrategyContext;
  return () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) s.onBar?.(ctx, bar);
    return { ms: performance.now() - t0, bars: n };
  };
}

/** Best of `reps` runs of each case, the cases taking turns (a busy machine slows them alike). */
function bestOf(reps: number, runs: readonly (() => { ms: number; bars: number })[]): { ms: number; bars: number }[] {
  for (const r of runs) r();
  const out = runs.map(() => ({ ms: Infinity, bars: 0 }));
  for (let k = 0; k < reps; k++) {
    runs.forEach((r, i) => {
      const x = r();
      if (x.ms < (out[i] as { ms: number }).ms) out[i] = x;
    });
  }
  return out;
}

const series = await minuteBars(BARS);
const budget = DEFAULT_HOOK_TIMEOUT_MS;
const cases: [string, number | undefined][] = [
  ['not guarded (a built-in strategy)', undefined],
  ['guarded, no budget (engine.hook_timeout_ms: 0)', 0],
  [`guarded, budget ${budget} ms (the default)`, budget],
];
const report = (title: string, results: { ms: number; bars: number }[]): void => {
  console.log(title);
  const base = results[0] as { ms: number; bars: number };
  cases.forEach(([name], i) => {
    const r = results[i] as { ms: number; bars: number };
    const extra = ((r.ms - base.ms) * 1e6) / r.bars;
    console.log(
      `${name.padEnd(52)} ${r.ms.toFixed(1).padStart(9)} ms  ${((r.ms * 1e6) / r.bars).toFixed(1).padStart(8)} ns/call  ${extra.toFixed(1).padStart(8)} ns/call over not guarded`,
    );
  });
};
report(
  `== strategy file hooks, whole backtest: one synthetic symbol, ${series.length.toLocaleString('en-US')} one-minute bars (best of 7)`,
  bestOf(
    7,
    cases.map(([, ms]) => engineRun(series, ms)),
  ),
);
const CALLS = 5_000_000;
report(
  `== strategy file hooks, onBar alone: ${CALLS.toLocaleString('en-US')} calls (best of 5)`,
  bestOf(
    5,
    cases.map(([, ms]) => directCalls(series, ms, CALLS)),
  ),
);

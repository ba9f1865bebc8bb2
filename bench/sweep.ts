/**
 * Sweep benchmark: a 1000-combination grid of sma-cross (fast 2..41 x slow
 * 45..165:5) over 10 synthetic symbols x 10 years of daily bars (2010-2019), on both cores
 * (worker threads) and on one, in trials per second. Each trial is a full event-engine backtest
 * with metrics and per-bar returns recorded (resumable store), as `momentic sweep` runs them.
 *
 *   tsx bench/sweep.ts [--combos N]   (N: 1000 by default; fewer for a quick look)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../dist/config/index.js';
import { resolveSpec } from '../dist/orchestration/backtest-job.js';
import { loadRunData } from '../dist/orchestration/run-data.js';
import { parseAxis } from '../dist/orchestration/sweep/param-space.js';
import { runSweep } from '../dist/orchestration/sweep/sweep-job.js';

export async function runSweepBench(options: { readonly combos: number }): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'momentic-sweep-bench-'));
  try {
    const loaded = loadConfig({ home, env: {} });
    const { spec } = resolveSpec(home, loaded.config, {
      strategy: 'sma-cross',
      start: '2010-01-04',
      end: '2019-12-31',
    });
    const data = await loadRunData({
      home,
      config: loaded.config,
      env: {},
      spec: { ...spec, data: { ...spec.data, symbols: [] } },
    });
    const symbols = data.symbols.slice(0, 10);
    const bars = data.series
      .slice(0, 10)
      .reduce(
        (n, s) => n + s.indexAtOrBefore(Date.parse('2019-12-31')) - s.indexAtOrBefore(Date.parse('2010-01-01')),
        0,
      );
    const slows = Math.max(1, Math.round(options.combos / 40));
    const axes = [parseAxis('fast=2..41:1'), parseAxis(`slow=45..${45 + 5 * (slows - 1)}:5`)];
    const combos = axes.reduce((n, a) => n * a.values.length, 1);
    console.log(
      `== sweep: sma-cross, ${combos} combinations x ${symbols.length} synthetic symbols x 10 years daily (~${bars.toLocaleString('en-US')} bars per trial)`,
    );
    const rates: Record<number, number> = {};
    for (const workers of [availableParallelism(), 1]) {
      const r = await runSweep({
        home,
        config: loaded.config,
        env: {},
        spec: { ...spec, data: { ...spec.data, symbols } },
        axes,
        objective: 'sharpe',
        workers,
        name: `bench-${workers}`,
      });
      rates[workers] = r.ranNow / (r.trialsMs / 1000);
      console.log(
        `${String(workers).padStart(2)} worker(s): ${r.summary.total} trials run in ${(r.trialsMs / 1000).toFixed(2)} s = ${rates[workers]?.toFixed(1)} trials/s (${(((rates[workers] as number) * bars) / 1e6).toFixed(2)}M bars/s); whole sweep ${(r.elapsedMs / 1000).toFixed(2)} s with the summary (DSR ${r.summary.dsr?.toFixed(4)}, PBO ${r.summary.pbo?.pbo.toFixed(3)} over all trials) and files`,
      );
    }
    const all = availableParallelism();
    if (all > 1)
      console.log(
        `speed-up of the trials on ${all} cores vs 1: ${((rates[all] as number) / (rates[1] as number)).toFixed(2)}x`,
      );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function combosFlag(args: readonly string[]): number {
  const i = args.indexOf('--combos');
  const n = i < 0 ? 1000 : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 40) throw new Error(`--combos must be a whole number >= 40, got ${args[i + 1]}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSweepBench({ combos: combosFlag(process.argv.slice(2)) });
}

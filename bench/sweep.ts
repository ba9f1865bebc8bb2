/**
 * Sweep benchmark: a 1000-combination grid of sma-cross (fast 2..41 x slow
 * 45..165:5) over 10 synthetic symbols x 10 years of daily bars (2010-2019), on one worker (this
 * thread) and on every core (this thread and a worker process per other core), in trials per
 * second, their ratio (target: 0.9 x the cores), the CPU time per trial of this process and its worker processes (to argue the ratio
 * on a shared machine), and the share of the tail (summary, PBO over all trials, returns.csv,
 * report) in the whole sweep (target < 10%). Each trial is a full event-engine backtest with
 * metrics and per-bar returns recorded (resumable store), as `momentic sweep` runs them.
 *
 * It runs the built code (dist/: `npm run build` first), and the worker processes run plain node
 * as the product's do: they never inherit tsx from this script (process-pool.ts, childExecArgv).
 *
 *   tsx bench/sweep.ts [--combos N]   (N: 1000 by default; fewer for a quick look)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../dist/config/index.js';
import { resolveSpec } from '../dist/orchestration/backtest-job.js';
import { loadRunData } from '../dist/orchestration/run-data.js';
import { parseAxis } from '../dist/orchestration/sweep/param-space.js';
import { runSweep } from '../dist/orchestration/sweep/sweep-job.js';

/**
 * CPU time (ms, user + system) of this process's live children, the sweep's worker processes,
 * from /proc (Linux; 0 elsewhere): process.cpuUsage() counts this process only.
 */
function childrenCpuMs(): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // After "pid (comm) ": state, ppid, ..., utime (14th field of the line), stime (15th).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[1]) !== process.pid) continue;
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10; // USER_HZ = 100 on Linux
}

/** CPU time (ms) of this process's children that ended and were waited for (/proc/self/stat cutime + cstime). */
function endedChildrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}

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
    // The machine may be shared: wall-clock rates depend on the cores other processes leave us,
    // so the CPU time of the trials (this process and its worker processes) is printed beside them.
    // With the same CPU time per trial on 1 and on N workers and an idle main thread, N cores
    // free give N times the rate.
    const all = availableParallelism();
    const runs: Record<
      number,
      { rate: number; cpuPerTrial: number; tail: number; mainBusy: number; tailMainCpu: number; tailChildCpu: number }
    > = {};
    for (const workers of all > 1 ? [1, all] : [1]) {
      const c0 = process.cpuUsage();
      const ended0 = endedChildrenCpuMs();
      const e0 = performance.eventLoopUtilization();
      let trialsCpu = 0;
      let mainCpu = 0;
      let childCpu = 0;
      let mainBusy = 0;
      const r = await runSweep({
        home,
        config: loaded.config,
        env: {},
        spec: { ...spec, data: { ...spec.data, symbols } },
        axes,
        objective: 'sharpe',
        workers,
        name: `bench-${workers}`,
        onTrial: (done, total) => {
          if (done !== total || done === 0) return;
          const c = process.cpuUsage(c0);
          // The worker processes are new for each sweep: all their CPU time is this sweep's.
          mainCpu = (c.user + c.system) / 1000;
          childCpu = childrenCpuMs();
          trialsCpu = mainCpu + childCpu;
          mainBusy = performance.eventLoopUtilization(e0).utilization;
        },
      });
      // The tail's CPU time: this process's after the last trial, and the worker processes' (the
      // PBO's combinations), from their whole CPU time once they ended less what the trials took.
      const c1 = process.cpuUsage(c0);
      const tailMainCpu = (c1.user + c1.system) / 1000 - mainCpu;
      const tailChildCpu = workers > 1 ? Math.max(0, endedChildrenCpuMs() - ended0 - childCpu) : 0;
      const rate = r.ranNow / (r.trialsMs / 1000);
      const run = {
        rate,
        cpuPerTrial: trialsCpu / r.ranNow,
        tail: r.tailMs / r.elapsedMs,
        mainBusy,
        tailMainCpu,
        tailChildCpu,
      };
      runs[workers] = run;
      // N workers are this thread and N - 1 worker processes (trial-runner.ts).
      const where =
        workers === 1
          ? 'worker (this thread)'
          : `workers (this thread + ${workers - 1} worker process${workers === 2 ? '' : 'es'})`;
      console.log(
        `${String(r.workers).padStart(2)} ${where}: ${r.summary.total} trials in ${(r.trialsMs / 1000).toFixed(2)} s = ${rate.toFixed(1)} trials/s (${((rate * bars) / 1e6).toFixed(2)}M bars/s), CPU ${run.cpuPerTrial.toFixed(2)} ms/trial (${(mainCpu / r.ranNow).toFixed(2)} this process + ${(childCpu / r.ranNow).toFixed(2)} worker processes), main thread busy ${(mainBusy * 100).toFixed(0)}%; whole sweep ${(r.elapsedMs / 1000).toFixed(2)} s, of which the single-threaded tail (DSR ${r.summary.dsr?.toFixed(4)}, PBO ${r.summary.pbo?.pbo.toFixed(3)} over all trials, returns.csv, report) ${(r.tailMs / 1000).toFixed(2)} s = ${(run.tail * 100).toFixed(1)}% (target < 10%), tail CPU ${(tailMainCpu / 1000).toFixed(2)} s this process + ${(tailChildCpu / 1000).toFixed(2)} s worker processes`,
      );
    }
    // What the run would give on idle cores, from CPU times alone (the machine may be shared):
    // trials spread over the workers' cores, and the tail's longest lane (this process lays out
    // returns.csv while the worker processes score the PBO's combinations).
    const idle = (n: number): { rate: number; tail: number } | undefined => {
      const x = runs[n];
      if (x === undefined) return undefined;
      const trialsS = (combos * x.cpuPerTrial) / Math.min(n, all) / 1000;
      const tailS = Math.max(x.tailMainCpu, x.tailChildCpu / Math.max(1, n - 1)) / 1000;
      return { rate: combos / trialsS, tail: tailS / (trialsS + tailS) };
    };
    for (const n of Object.keys(runs).map(Number)) {
      const e = idle(n);
      if (e !== undefined)
        console.log(
          `on ${n} idle core${n === 1 ? '' : 's'} (from CPU time): ~${e.rate.toFixed(1)} trials/s, tail ~${(e.tail * 100).toFixed(1)}% of the sweep`,
        );
    }
    const one = runs[1];
    const many = runs[all];
    if (one !== undefined && many !== undefined && all > 1) {
      console.log(
        `speed-up of the trials on ${all} workers vs 1: ${(many.rate / one.rate).toFixed(2)}x (target >= ${(0.9 * all).toFixed(1)}x); CPU per trial ${many.cpuPerTrial.toFixed(2)} vs ${one.cpuPerTrial.toFixed(2)} ms, so ${((all * one.cpuPerTrial) / many.cpuPerTrial).toFixed(2)}x with ${all} idle cores; load average ${loadavg()[0]?.toFixed(1)} on ${all} cores`,
      );
    }
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

import type { BarSeries } from '../../core/bar.js';
import type { Instrument } from '../../core/instrument.js';
import { computeMetrics, type Metrics } from '../../backtest/metrics.js';
import { parseFees, parseSlippage } from '../../backtest/costs.js';
import type { BacktestSpec } from '../backtest-job.js';
import { runBacktest } from '../node.js';

/** What every trial of a sweep shares: the run spec without params. */
export type TrialSpec = Omit<BacktestSpec, 'params' | 'configFile'>;

export type TrialOutcome =
  | {
      readonly index: number;
      readonly ok: true;
      readonly metrics: Metrics;
      /** Simple return of each bar of the run (equity[t] / equity[t-1] - 1; the first vs initial cash). */
      readonly returns: Float64Array;
      /** The bars' timestamps (all trials of one data set share the timeline). */
      readonly ts?: Float64Array;
      /** Exit time and net P&L of each closed round trip. */
      readonly exits: Float64Array;
      readonly pnls: Float64Array;
      readonly ms: number;
    }
  | { readonly index: number; readonly ok: false; readonly error: string; readonly ms: number };

/** Runs one trial in this thread: the event engine on loaded series, metrics and per-bar returns. */
export function runTrial(
  spec: TrialSpec,
  series: readonly BarSeries[],
  instrument: (s: string) => Instrument,
  params: Readonly<Record<string, unknown>>,
  index: number,
  withTs: boolean,
  /** Bars at the start without orders (indicators warm up on them). */
  warmup?: number,
): TrialOutcome {
  const t0 = performance.now();
  try {
    const rec = runBacktest({
      strategy: spec.strategy,
      params,
      paramSource: { flag: '--param' },
      series,
      instrument,
      timeframe: spec.timeframe,
      start: spec.start,
      end: spec.end,
      cash: spec.cash,
      fill: spec.fill,
      fees: parseFees(spec.fees),
      slippage: parseSlippage(spec.slippage),
      priceRounding: 'none',
      runId: `trial-${index}`,
      seed: spec.seed,
      ...(warmup === undefined ? {} : { warmup }),
    });
    const equity = rec.equity.column('equity');
    const returns = new Float64Array(equity.length);
    let prev = rec.initialCash;
    for (let i = 0; i < equity.length; i++) {
      const e = equity[i] as number;
      returns[i] = prev > 0 ? e / prev - 1 : 0;
      prev = e;
    }
    const metrics = computeMetrics(rec);
    const closed = rec.trades.filter((t) => !t.isOpen);
    return {
      index,
      ok: true,
      metrics,
      returns,
      ...(withTs ? { ts: rec.equity.column('ts') } : {}),
      exits: Float64Array.from(closed, (t) => t.exitTs),
      pnls: Float64Array.from(closed, (t) => t.pnl),
      ms: performance.now() - t0,
    };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { index, ok: false, error, ms: performance.now() - t0 };
  }
}

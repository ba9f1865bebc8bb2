import { PERFORMANCE_KEYS, performanceMetrics } from '../../analytics/metrics/performance.js';
import { rollingSharpe } from '../../analytics/metrics/return-stats.js';
import { formatTable } from '../../core/text-table.js';
import type { CommandContext } from '../context.js';
import { fmt, num, periodsFlag, readReturns, riskFreeFlag } from '../stats-input.js';

/** The rolling Sharpe ratio's window (metrics.json's rolling_sharpe_60). */
const WINDOW = 60;

/**
 * `momentic stats metrics --returns FILE [--benchmark FILE]`: the return metrics of a
 * `date,return` file (docs/metrics.md). The benchmark is paired by date; strategy dates the
 * benchmark lacks drop out of the benchmark statistics.
 */
export async function statsMetrics(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const file = String(opts.returns);
  const s = readReturns(ctx, file, '--returns');
  const P = periodsFlag(opts) ?? 252;
  const rf = riskFreeFlag(opts);
  let benchmark: Float64Array | undefined;
  if (typeof opts.benchmark === 'string') {
    const b = readReturns(ctx, opts.benchmark, '--benchmark');
    const byTime = new Map<number, number>();
    b.ts.forEach((t, i) => byTime.set(t, b.returns[i]!));
    benchmark = Float64Array.from(s.ts, (t) => byTime.get(t) ?? NaN);
  }
  const m = performanceMetrics(
    { returns: s.returns, ts: s.ts, ...(benchmark === undefined ? {} : { benchmark }) },
    { periodsPerYear: P, riskFree: rf },
  );
  const rolling = rollingSharpe(s.returns, WINDOW, P, rf);
  const finite = Array.from(rolling).filter(Number.isFinite);
  const last = finite.length > 0 ? rolling[rolling.length - 1] : NaN;
  const n = s.returns.length;
  if (ctx.json) {
    ctx.outJson({
      file,
      benchmark_file: typeof opts.benchmark === 'string' ? opts.benchmark : null,
      start: s.dates[0] ?? null,
      end: s.dates[n - 1] ?? null,
      periods: n,
      periods_per_year: P,
      risk_free: rf,
      benchmark_pairs: m.benchmarkPairs,
      metrics: m.values,
      null_reasons: m.nullReasons,
      rolling_sharpe_60: s.dates.map((date, i) => ({ date, value: num(rolling[i]) })),
    });
    return 0;
  }
  const rows: string[][] = PERFORMANCE_KEYS.map((k) => [k, fmt(m.values[k]), m.nullReasons[k] ?? '']);
  const none = n < WINDOW ? `needs ${WINDOW} returns` : 'every window has zero variance';
  rows.push(
    ['rolling_sharpe_60 (last)', fmt(last), finite.length === 0 ? none : ''],
    ['rolling_sharpe_60 (min)', fmt(finite.length > 0 ? finite.reduce((a, b) => Math.min(a, b)) : NaN), ''],
    ['rolling_sharpe_60 (max)', fmt(finite.length > 0 ? finite.reduce((a, b) => Math.max(a, b)) : NaN), ''],
  );
  const head = `${file}: ${n} returns, ${s.dates[0]} to ${s.dates[n - 1]}, ${P} periods a year, risk-free ${rf} a period${
    benchmark === undefined ? '' : `, ${m.benchmarkPairs} paired with the benchmark`
  }`;
  ctx.out(`${head}\n${formatTable(['metric', 'value', 'note'], rows)}`);
  return 0;
}

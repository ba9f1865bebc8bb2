import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Timeframe } from '../../core/enums.js';
import { formatNumber, formatTime } from '../../data/schema.js';
import { sweepReportHtml } from '../../backtest/sweep-report.js';
import type { ParamAxis } from './param-space.js';
import type { SweepSummary } from './summary.js';
import type { SweepStore } from './sweep-store.js';

const METRIC_COLUMNS = [
  'total_return',
  'cagr',
  'sharpe',
  'sortino',
  'max_drawdown',
  'calmar',
  'trades',
  'hit_rate',
  'turnover',
  'exposure',
] as const;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** trials.csv, returns.csv, summary.json and report.html of a finished sweep. */
export async function writeSweepOutputs(
  store: SweepStore,
  summary: SweepSummary,
  definition: {
    readonly axes: readonly ParamAxis[];
    readonly strategy: string;
    readonly objective: string;
    readonly spec: { readonly data: { readonly timeframe: Timeframe } };
  },
): Promise<void> {
  const names = definition.axes.map((a) => a.name);
  const lines = [...store.lines].sort((a, b) => a.index - b.index);
  const head = ['trial', ...names, 'status', ...METRIC_COLUMNS, 'error'];
  const rows = lines.map((l) => [
    String(l.index),
    ...names.map((n) => cell(l.params[n])),
    l.ok ? 'ok' : 'failed',
    ...METRIC_COLUMNS.map((k) => cell(l.metrics?.[k])),
    cell(l.error),
  ]);
  await writeFile(join(store.dir, 'trials.csv'), [head.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');

  const { bars, matrix, ts } = store.returns();
  const ok = lines.filter((l) => l.ok && l.row !== undefined);
  const out: string[] = [['timestamp', ...ok.map((l) => `trial_${l.index}`)].join(',')];
  for (let t = 0; t < bars; t++) {
    const stamp = ts === undefined ? String(t) : formatTime(definition.spec.data.timeframe, ts[t] as number);
    out.push([stamp, ...ok.map((l) => formatNumber((matrix[l.row as number] as Float64Array)[t] as number))].join(','));
  }
  await writeFile(join(store.dir, 'returns.csv'), out.join('\n') + '\n');
  await writeFile(join(store.dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(store.dir, 'report.html'), sweepReportHtml({ ...definition, summary, lines }));
}

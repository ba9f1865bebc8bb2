import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Timeframe } from '../../core/enums.js';
import { formatNumber } from '../../data/schema.js';
import { sweepReportHtml } from '../../backtest/sweep-report.js';
import type { ParamAxis } from './param-space.js';
import type { SweepSummary } from './summary.js';
import type { SweepStore } from './sweep-store.js';
import { formatReturnCells, returnsCsvFromCells } from './returns-cells.js';
import type { SweepTally } from './sweep-tally.js';

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

/**
 * returns.csv below its header: a column per successful trial, by trial number; a row per bar.
 * The cells of the trials recorded with them (`tally`) are laid out as they are; the others'
 * returns (trials of an earlier, interrupted run, or of the queue) are formatted here.
 */
export function returnsCsvBody(store: SweepStore, timeframe: Timeframe, tally?: SweepTally): Buffer {
  const { bars, ts, matrix } = store.returns();
  const columns = [...store.lines]
    .filter((l) => l.ok && l.row !== undefined)
    .sort((a, b) => a.index - b.index)
    .map((l) => tally?.cells(l.row as number) ?? formatReturnCells(matrix[l.row as number] as Float64Array));
  return returnsCsvFromCells({ bars, ts, timeframe, columns });
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
  /** returns.csv below its header, when laid out already (`returnsCsvBody`). */
  returnsBody?: Uint8Array,
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

  const body = returnsBody ?? returnsCsvBody(store, definition.spec.data.timeframe);
  const header = ['timestamp', ...lines.filter((l) => l.ok && l.row !== undefined).map((l) => `trial_${l.index}`)];
  const file = await open(join(store.dir, 'returns.csv'), 'w');
  try {
    await file.write(`${header.join(',')}\n`);
    await file.write(body);
  } finally {
    await file.close();
  }
  await writeFile(join(store.dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(store.dir, 'report.html'), sweepReportHtml({ ...definition, summary, lines }));
}

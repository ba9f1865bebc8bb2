import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tsToDate } from '../../data/schema.js';
import { walkForwardReportHtml } from '../../backtest/walkforward-report.js';
import type { WalkForwardResult } from './walkforward-job.js';

const csvCell = (v: unknown): string => {
  const s =
    typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Where `momentic walkforward` writes a sweep's walk-forward: one folder per sweep and fold layout. */
export function walkForwardDir(
  home: string,
  sweepId: string,
  f: { readonly mode: string; readonly train: number; readonly test: number; readonly step: number },
): string {
  return join(home, 'data', 'results', 'walkforward', `${sweepId}-${f.mode}-${f.train}-${f.test}-${f.step}`);
}

/** folds.csv, oos-equity.csv, summary.json (with `extra`'s keys) and report.html in `dir`. */
export async function writeWalkForward(
  dir: string,
  r: WalkForwardResult,
  cash: number,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const d = (i: number): string => tsToDate(i);
  const head = ['fold', 'train_start', 'train_end', 'test_start', 'test_end', 'params', 'in_sample', 'oos_return'];
  const rows = r.folds.map((f) => [
    f.index,
    f.trainStartDate,
    f.trainEndDate,
    f.testStartDate,
    f.testEndDate,
    JSON.stringify(f.params),
    f.inSample,
    f.outOfSampleReturn,
  ]);
  await writeFile(join(dir, 'folds.csv'), [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n');
  const eq: string[] = ['timestamp,equity,return'];
  let e = cash;
  r.returns.forEach((x, i) => {
    e *= 1 + x;
    eq.push(`${d(r.ts[i] as number)},${e},${x}`);
  });
  await writeFile(join(dir, 'oos-equity.csv'), eq.join('\n') + '\n');
  const summary = {
    sweep_id: r.sweepId,
    objective: r.objective,
    passed: r.passed,
    gates: r.gates,
    metrics: r.metrics,
    sweep: r.sweep,
    stability: r.stability,
    folds: r.folds,
    ...extra,
  };
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, 'report.html'), walkForwardReportHtml(r, cash));
}

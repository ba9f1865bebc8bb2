import { formatTable } from '../core/text-table.js';
import type { QualityGate } from './candidates.js';
import { hasFailures, type QualityReport } from './quality.js';

/** A per-symbol quality summary for printing and JSON. */
export interface QcSummary {
  readonly symbol: string;
  readonly timeframe: string;
  readonly rows: number;
  readonly good: number;
  readonly rejected: number;
  readonly rejectedByGate: Partial<Record<QualityGate, number>>;
  readonly coverage_pct: number;
  readonly gaps: number;
  /** The first missing sessions (at most 20). */
  readonly gap_dates: readonly string[];
  readonly outliers: number;
  readonly passed: boolean;
  readonly notes: readonly string[];
}

export function summarize(q: QualityReport): QcSummary {
  return {
    symbol: q.symbol,
    timeframe: q.timeframe,
    rows: q.series.length + q.rejectedCount,
    good: q.series.length,
    rejected: q.rejectedCount,
    rejectedByGate: { ...q.rejectedByGate },
    coverage_pct: Math.round(q.coverage * 10_000) / 100,
    gaps: q.gaps.length,
    gap_dates: q.gaps.slice(0, 20),
    outliers: q.outliers.length,
    passed: !hasFailures(q),
    notes: q.notes,
  };
}

/** One table row per symbol: the QC report of `data validate` and `data import`. */
export function formatQcTable(rows: readonly QcSummary[]): string {
  const head = ['symbol', 'tf', 'rows', 'rejected', 'coverage', 'gaps', 'outliers', 'result'];
  const body = rows.map((r) => [
    r.symbol,
    r.timeframe,
    String(r.rows),
    r.rejected === 0
      ? '0'
      : `${r.rejected} (${Object.entries(r.rejectedByGate)
          .map(([g, n]) => `${g} ${n}`)
          .join(', ')})`,
    `${r.coverage_pct.toFixed(2)}%`,
    r.gaps === 0 ? '0' : `${r.gaps} (${r.gap_dates.slice(0, 3).join(', ')}${r.gaps > 3 ? ', ...' : ''})`,
    String(r.outliers),
    r.passed ? 'pass' : 'FAIL',
  ]);
  return formatTable(head, body);
}

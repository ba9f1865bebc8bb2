import type { Timeframe } from '../../core/enums.js';
import { candidateOf, QualityGate, type CandidateBar } from '../../data/candidates.js';
import { parseBinanceKlineCsv } from './dump.js';

/**
 * A Binance kline dump as candidate rows for the import's quality gates: parsed bars keep their
 * line number and text, rows the dump parser rejected carry its reason, so nothing is lost.
 */
export function binanceDumpCandidates(
  text: string,
  options: { symbol: string; timeframe: Timeframe; file?: string },
): { timeframe: Timeframe; candidates: CandidateBar[]; notes: string[] } {
  const parsed = parseBinanceKlineCsv(text, options);
  const lines = text.split(/\r?\n/);
  const rejectedRows = new Set(parsed.rejected.map((r) => r.row));
  // Data lines in order: non-empty, not a header (a first line that does not start with a digit).
  const dataRows: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '' || (i === 0 && !/^\d/.test(l.trim()))) return;
    if (!rejectedRows.has(i + 1)) dataRows.push(i + 1);
  });
  const candidates: CandidateBar[] = parsed.bars.map((b, k) => {
    const row = dataRows[k] ?? 0;
    return candidateOf(b, row, lines[row - 1] ?? '');
  });
  for (const r of parsed.rejected) {
    candidates.push({
      row: r.row,
      ts: Number.NaN,
      open: Number.NaN,
      high: Number.NaN,
      low: Number.NaN,
      close: Number.NaN,
      volume: Number.NaN,
      problems: [[QualityGate.Schema, r.reason]],
      line: r.line,
    });
  }
  candidates.sort((a, b) => a.row - b.row);
  return { timeframe: options.timeframe, candidates, notes: ['read as a Binance kline dump (12 positional columns)'] };
}

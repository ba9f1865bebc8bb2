import { DataError } from '../core/errors.js';
import { DATE_FORMATS } from './date-layout.js';
import type { ImportReport } from './import-file.js';

/** What the user does about the first rejected row, by its gate. */
function remedy(gate: string, reason: string): string {
  if (reason.startsWith('bad date')) {
    return `write the dates as YYYY-MM-DD or name their layout with --date-format (${DATE_FORMATS.join(', ')})`;
  }
  switch (gate) {
    case 'order':
      return 'sort the rows by time, oldest first';
    case 'duplicate':
      return 'keep one row per time';
    case 'ohlc':
      return 'fix the prices: high is the highest and low the lowest of each bar';
    case 'empty':
    case 'nan':
      return 'fill in the missing values, or drop those rows';
    case 'future':
      return 'fix the dates (a wrong year or day-month order?)';
    case 'calendar':
      return 'drop the rows of closed days, or pass the calendar the instrument trades on (--calendar 24/7, 24/5 or hours:ZONE:HH:MM-HH:MM)';
    case 'range':
    case 'jump':
      return 'fix the values (a unit or typing error?), or raise data.quality.max_price, max_volume or max_jump if they are real';
    default:
      return 'correct the rows';
  }
}

/**
 * The one-line error for an import (or a check with `data validate --file`) whose gates failed:
 * rejected rows (naming the row and column when there is one), or gaps. Undefined when it passed.
 */
export function importFailure(
  r: ImportReport,
  o: { file: string; symbol: string; calendar: string; dryRun: boolean },
): DataError | undefined {
  if (!r.failed) return undefined;
  const q = r.quality;
  const good = q.series.length;
  const rows = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;
  const kept = `${rows(good).replace('row', 'good row')}${o.dryRun ? '' : ' kept in data/raw'}`;
  const done = o.dryRun
    ? 'check the file again once fixed (nothing was written)'
    : r.quarantine === undefined
      ? 'import the file again once fixed'
      : `the rows and their reasons are in ${r.quarantine}; import the file again once fixed`;
  const first = q.rejected[0];
  if (first !== undefined) {
    const verb = o.dryRun ? 'rejected' : 'quarantined';
    const gates = Object.entries(q.rejectedByGate)
      .map(([g, n]) => `${g} ${n}`)
      .join(', ');
    const one = q.rejectedCount === 1 && good > 0;
    const lead =
      good === 0
        ? `every row was ${verb} (${rows(q.rejectedCount)}: ${gates}), first at row ${first.row}`
        : one
          ? `1 row ${verb} [${first.gate}]`
          : `${rows(q.rejectedCount)} ${verb} (${gates}), first at row ${first.row}`;
    return new DataError(
      'DATA_INVALID',
      `${lead}: ${first.reason}; ${good === 0 ? `nothing ${o.dryRun ? 'would be' : 'was'} imported` : kept}`,
      {
        hint: `${remedy(first.gate, first.reason)}; ${done}`,
        context: one
          ? { file: o.file, row: first.row, ...(first.column === undefined ? {} : { column: first.column }) }
          : { file: o.file },
      },
    );
  }
  if (q.gaps.length > 0) {
    const list = q.gaps.slice(0, 3).join(', ') + (q.gaps.length > 3 ? ', ...' : '');
    return new DataError('DATA_INVALID', `${q.gaps.length} ${o.calendar} sessions have no bar (${list}); ${kept}`, {
      hint: `add the missing sessions (import or fetch them), or pass --calendar (24/7, 24/5, hours:ZONE:HH:MM-HH:MM) if ${o.symbol} does not trade on ${o.calendar}`,
      context: { file: o.file },
    });
  }
  return new DataError('DATA_INVALID', `${o.file} holds no bars`, {
    hint: 'give a file with rows of bars',
    context: { file: o.file },
  });
}

import { parseDayNumber } from '../core/dates.js';
import { DataError } from '../core/errors.js';
import { splitCsv, type CsvRecord } from './csv-split.js';

/**
 * Readers of return files for `momentic stats` (docs/statistics.md, "Input files"): simple
 * returns as fractions (0.01 is 1%). Every bad cell is a DataError naming the file, the line
 * and the column; nothing is skipped.
 */

export interface ReturnSeries {
  /** Time of each row (epoch ms; a date is 00:00 UTC). */
  readonly ts: Float64Array;
  /** The date cells as written. */
  readonly dates: readonly string[];
  readonly returns: Float64Array;
  /** Name of the return column (from the header, else `return`). */
  readonly column: string;
}

export interface TrialMatrix {
  /** Trial names (header cells, else trial_1, trial_2, ...). */
  readonly names: readonly string[];
  /** Date cells of the rows, when the first column holds dates. */
  readonly dates: readonly string[] | undefined;
  /** One column of returns per trial. */
  readonly columns: readonly Float64Array[];
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A date (`YYYY-MM-DD`, as 00:00 UTC) or an ISO-8601 instant with a zone, as epoch ms. */
export function parseDateCell(text: string): number | undefined {
  const day = parseDayNumber(text);
  if (day !== undefined) return day * 86_400_000;
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** `date,return` rows, an optional header, dates strictly increasing. */
export function parseReturnsCsv(text: string, file: string): ReturnSeries {
  const records = splitCsv(text);
  // A header is a first row whose date and return cells are not a date and a number.
  const top = records[0]?.cells ?? [];
  const hasHeader = top.length > 0 && parseDateCell(top[0] ?? '') === undefined && !NUMBER.test(top[1] ?? '');
  const header = hasHeader ? records[0]!.cells : undefined;
  const named = header?.findIndex((c) => /^returns?$/i.test(c)) ?? -1;
  const col = named > 0 ? named : 1;
  const column = header?.[col] || 'return';
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length === 0) {
    throw new DataError('DATA_INVALID', `${file} holds no return rows`, {
      hint: 'write one "date,return" row per period, e.g. 2024-01-02,0.0031',
      context: { file },
    });
  }
  const ts = new Float64Array(rows.length);
  const returns = new Float64Array(rows.length);
  const dates: string[] = [];
  rows.forEach((rec, i) => {
    const t = dateCell(rec, 0, file);
    if (i > 0 && !(t > ts[i - 1]!)) {
      throw new DataError('DATA_INVALID', `date ${rec.cells[0]} is not after the previous row's`, {
        hint: 'sort the rows by date and remove duplicate dates',
        context: { file, row: rec.line, column: header?.[0] ?? 'date', value: rec.cells[0] ?? '' },
      });
    }
    ts[i] = t;
    dates.push(rec.cells[0]!);
    const r = numberCell(rec, col, column, file);
    if (r < -1) {
      throw new DataError('DATA_INVALID', `return ${r} is below -1 (a loss of more than 100%)`, {
        hint: 'returns are simple returns as fractions: -0.05 is a 5% loss',
        context: { file, row: rec.line, column, value: rec.cells[col] ?? '' },
      });
    }
    returns[i] = r;
  });
  return { ts, dates, returns, column };
}

/**
 * A trials matrix: one column per trial, one row per period; a header row of trial names
 * (optional) and a first column of dates (optional, detected from the first data row).
 */
export function parseTrialsCsv(text: string, file: string): TrialMatrix {
  const records = splitCsv(text);
  const first = records[0];
  if (first === undefined) {
    throw new DataError('DATA_INVALID', `${file} is empty`, {
      hint: 'write a header of trial names, then one row of returns per period',
      context: { file },
    });
  }
  const hasHeader = first.cells.some((c, i) => !(i === 0 && parseDateCell(c) !== undefined) && !NUMBER.test(c));
  const rows = hasHeader ? records.slice(1) : records;
  const hasDates = rows.length > 0 && parseDateCell(rows[0]!.cells[0] ?? '') !== undefined;
  const skip = hasDates ? 1 : 0;
  const width = first.cells.length;
  const names = hasHeader
    ? first.cells.slice(skip).map((c, j) => c || `trial_${j + 1}`)
    : Array.from({ length: width - skip }, (_, j) => `trial_${j + 1}`);
  if (rows.length === 0 || names.length < 2) {
    throw new DataError(
      'DATA_INVALID',
      `${file} has ${rows.length} rows of ${names.length} trials; PBO needs 2 or more of each`,
      {
        hint: 'one column per trial (header = trial names), one row of returns per period; the first column may be a date',
        context: { file },
      },
    );
  }
  const columns = names.map(() => new Float64Array(rows.length));
  const dates: string[] = [];
  rows.forEach((rec, i) => {
    if (rec.cells.length !== width) {
      throw new DataError('DATA_INVALID', `the row has ${rec.cells.length} cells, the first row has ${width}`, {
        hint: 'give every row a cell for every trial (no blanks: fill or drop the period)',
        context: { file, row: rec.line },
      });
    }
    if (hasDates) {
      dateCell(rec, 0, file);
      dates.push(rec.cells[0]!);
    }
    names.forEach((name, j) => (columns[j]![i] = numberCell(rec, j + skip, name, file)));
  });
  return { names, dates: hasDates ? dates : undefined, columns };
}

function dateCell(rec: CsvRecord, i: number, file: string): number {
  const text = rec.cells[i] ?? '';
  const t = parseDateCell(text);
  if (t === undefined) {
    throw new DataError('DATA_INVALID', `"${text}" is not a date`, {
      hint: 'write dates as YYYY-MM-DD or ISO-8601 instants with a zone (2024-01-02T14:30:00Z)',
      context: { file, row: rec.line, column: 'date', value: text },
    });
  }
  return t;
}

function numberCell(rec: CsvRecord, i: number, column: string, file: string): number {
  const text = rec.cells[i] ?? '';
  if (!NUMBER.test(text)) {
    const why = text === '' ? 'is blank' : `"${text}" is not a number`;
    throw new DataError('DATA_INVALID', `the return ${why}`, {
      hint: text.endsWith('%')
        ? 'write returns as fractions: 0.015, not 1.5%'
        : 'every return must be a plain number (a fraction: 0.01 is 1%); fill or drop the period',
      context: { file, row: rec.line, column, value: text },
    });
  }
  return Number(text);
}

import { DataError, UsageError } from '../core/errors.js';
import type { CsvRecord } from './csv-split.js';
import { DATE_FORMATS, parseDateCell } from './date-layout.js';
import { printable } from './text-sniff.js';

/** Canonical fields a user file can map, and the header names recognised for each by default. */
export const FIELD_ALIASES = {
  date: ['date', 'datetime', 'timestamp', 'time', 'day', 'opentime', 'tradedate'],
  time: ['time', 'tradetime'],
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice'],
  low: ['low', 'l', 'lowprice'],
  close: ['close', 'c', 'last', 'closeprice'],
  volume: ['volume', 'vol', 'v'],
  adj_close: ['adjclose', 'adjustedclose', 'adjcloseprice'],
  symbol: ['symbol', 'ticker'],
} as const;
export type UserField = keyof typeof FIELD_ALIASES;
export const FIELDS = Object.keys(FIELD_ALIASES) as UserField[];
const REQUIRED: readonly UserField[] = ['date', 'open', 'high', 'low', 'close', 'volume'];
const norm = (h: string): string => h.toLowerCase().replace(/[\s_\-.]/g, '');
const TIME_ONLY = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Parses `--map` text: `date=Date,close=Adj Close`. */
export function parseMapFlag(text: string): Partial<Record<UserField, string>> {
  const out: Partial<Record<UserField, string>> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim() as UserField;
    if (eq < 1 || !(key in FIELD_ALIASES)) {
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `--map entry "${pair.trim()}" is not field=Header with a known field`,
        {
          hint: `fields: ${FIELDS.join(', ')}; e.g. --map "date=Date,close=Close"`,
          context: { flag: '--map', value: pair.trim() },
        },
      );
    }
    out[key] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Options of the column mapping. */
export interface MappingOptions {
  readonly file: string;
  readonly map?: Readonly<Partial<Record<UserField, string>>>;
  readonly adjusted?: boolean;
}

/**
 * Which header feeds each canonical field: `--map` entries first, else the known header names
 * (case, spaces and punctuation ignored). Refuses a file without a header line, without a
 * required column, or with two columns of the same mapped name. May insert the Time column
 * backtrader's minute files lack in their header (into `header`).
 */
export function resolveMapping(
  header: string[],
  records: readonly CsvRecord[],
  options: MappingOptions,
  notes: string[],
  headerLine: number,
): Partial<Record<UserField, string>> {
  const byNorm = new Map(header.map((h) => [norm(h), h] as const));
  const mapping: Partial<Record<UserField, string>> = {};
  const columns = header.map((h) => printable(h, 40)).join(', ');
  // Date, Time, Open... headers over rows with one more cell whose second cell is a time
  // (backtrader's minute files): the header lacks the Time column.
  const sample = records.slice(0, 20);
  if (
    !byNorm.has('time') &&
    options.map?.time === undefined &&
    sample.length > 0 &&
    sample.every((r) => r.cells.length === header.length + 1 && TIME_ONLY.test(r.cells[1] ?? ''))
  ) {
    header.splice(1, 0, 'Time');
    byNorm.set('time', 'Time');
    notes.push('rows have one more cell than the header, a time after the date: read as a Time column');
  }
  for (const f of FIELDS) {
    const given = options.map?.[f];
    if (given !== undefined) {
      if (!header.includes(given)) {
        throw new UsageError('USAGE_INVALID_OPTION', `--map ${f}=${given}: ${options.file} has no column "${given}"`, {
          hint: `its columns are: ${columns}`,
          context: { flag: '--map', file: options.file, value: given },
        });
      }
      mapping[f] = given;
      continue;
    }
    const alias = FIELD_ALIASES[f].map((a) => byNorm.get(a)).find((h) => h !== undefined);
    if (alias !== undefined && !(f === 'time' && mapping.date === alias)) mapping[f] = alias;
  }
  if (mapping.time !== undefined && mapping.time === mapping.date) delete mapping.time;
  const missing = REQUIRED.filter((f) => mapping[f] === undefined);
  if (missing.length > 0) {
    if (looksLikeData(header)) {
      throw new DataError('DATA_INVALID', `${options.file} has no header line: its first line is data`, {
        hint: `add a header line naming the columns, e.g. Date,Open,High,Low,Close,Volume`,
        context: { file: options.file, row: headerLine },
      });
    }
    throw new DataError('DATA_INVALID', `${options.file} has no column for ${missing.join(', ')}`, {
      hint: `map them with --map, e.g. --map "${missing.map((m) => `${m}=<Header>`).join(',')}"; its columns are: ${columns}`,
      context: { file: options.file, row: headerLine, column: missing[0] as string },
    });
  }
  for (const f of FIELDS) {
    const h = mapping[f];
    const at = header.flatMap((x, i) => (x === h ? [i + 1] : []));
    if (h !== undefined && at.length > 1) {
      throw new DataError(
        'DATA_INVALID',
        `${options.file} has two columns named "${printable(h)}" (columns ${at.join(' and ')})`,
        {
          hint: `rename one of them: momentic cannot tell which holds the ${f}`,
          context: { file: options.file, row: headerLine, column: h },
        },
      );
    }
  }
  if (options.adjusted === true && mapping.adj_close === undefined) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--adjusted needs an adjusted-close column, and ${options.file} has none`,
      {
        hint: `map it with --map "adj_close=<Header>" or drop --adjusted; columns: ${columns}`,
        context: { flag: '--adjusted', file: options.file },
      },
    );
  }
  return mapping;
}

/** A first line whose first cell is a date, or whose cells are mostly numbers, is a row, not a header. */
function looksLikeData(cells: readonly string[]): boolean {
  const first = cells[0] ?? '';
  if (DATE_FORMATS.some((f) => parseDateCell(f, first, undefined, 'UTC', true) !== undefined)) return true;
  return cells.filter((c) => c !== '' && Number.isFinite(Number(c))).length * 2 > cells.length;
}

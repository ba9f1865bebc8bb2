import { DateTime } from 'luxon';
import type { Timeframe } from '../core/enums.js';
import { DataError, UsageError } from '../core/errors.js';
import { isValidZone } from '../core/zones.js';
import type { CandidateBar } from './candidates.js';
import { detectSeparator, openCsvFile } from './csv-file.js';
import { CsvSplitter, type CsvRecord } from './csv-split.js';
import { DateFormatCounter, parseDateCell, type DateFormat } from './date-layout.js';
import { tsToDate } from './schema.js';
import { printable } from './text-sniff.js';
import { FIELDS, resolveMapping, type UserField } from './user-csv-columns.js';
import { inferTimeframe, RowParser, type ParsedRow } from './user-csv-rows.js';

export { FIELD_ALIASES, parseMapFlag, type UserField } from './user-csv-columns.js';

/** Rows read before the layout (date format, decimal mark, bar size, order) is decided. */
const SAMPLE_ROWS = 2000;

export interface UserCsvOptions {
  /** Shown in errors. */
  readonly file: string;
  /** `field=Header` pairs overriding the automatic mapping. */
  readonly map?: Readonly<Partial<Record<UserField, string>>>;
  /** IANA zone of times without an offset (default UTC). */
  readonly tz?: string;
  /** Use the adjusted close, scaling open/high/low by adj_close/close. */
  readonly adjusted?: boolean;
  /** Force the timeframe; inferred from the data otherwise. */
  readonly timeframe?: Timeframe;
  /** Layout of the date cells; found from the data otherwise. */
  readonly dateFormat?: DateFormat;
  /** The symbol being read: with a symbol column, rows of another symbol are rejected. */
  readonly symbol?: string;
  /** Bytes per read when streaming a file. */
  readonly chunkBytes?: number;
  /** Read only the first `limit` bytes of a file (the part of a raw file its manifest record vouches for). */
  readonly limit?: number;
  /** A header without rows gives no candidates instead of an error (a raw file emptied by hand). */
  readonly allowEmpty?: boolean;
}

/** What was found about a file before its rows are read. */
export interface UserCsvLayout {
  readonly timeframe: Timeframe;
  /** Which source header feeds each canonical field. */
  readonly mapping: Readonly<Partial<Record<UserField, string>>>;
  /** What was inferred; grows while the rows are read. */
  readonly notes: string[];
  /** Rows run newest first (the quality gates then read them in that order, and reverse them). */
  readonly descending: boolean;
  /** Rows the file holds, estimated from its size and the first rows. */
  readonly estimatedRows: number;
}

/** A file being read: its layout, and its candidate bars in file order (iterate once). */
export interface UserCsvScan extends UserCsvLayout {
  readonly candidates: Iterable<CandidateBar>;
  /** Closes the file when the candidates are not read to the end. */
  close(): void;
}

/** A whole file read into memory, rows oldest first. */
export interface UserCsv {
  readonly timeframe: Timeframe;
  readonly candidates: CandidateBar[];
  readonly mapping: Readonly<Partial<Record<UserField, string>>>;
  readonly notes: string[];
}

interface RecordSource {
  readonly header: CsvRecord;
  readonly records: Iterator<CsvRecord>;
  readonly separator: string;
  readonly notes: readonly string[];
  readonly size: number;
  /** The records again from the start (to look at every date when the first ones are ambiguous). */
  reopen(): Iterable<CsvRecord>;
  close(): void;
}

/**
 * Opens a user's OHLCV CSV file for streaming: maps columns (by header names or `map`), finds the
 * separator, decimal mark, date layout, bar size and row order from the first rows, and yields
 * candidate bars for the quality gates without judging them. Times without an offset are read in
 * `tz`; separate date and time columns are combined.
 */
export function scanUserCsvFile(file: string, options: UserCsvOptions): UserCsvScan {
  const opened = () =>
    openCsvFile(file, {
      ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
  const f = opened();
  return scan(
    {
      header: f.header,
      records: f.records[Symbol.iterator](),
      separator: f.separator,
      notes: f.notes,
      size: f.size,
      reopen: () => opened().records,
      close: () => f.close(),
    },
    options,
  );
}

/** A whole user file as candidate bars, oldest first. */
export function readUserCsvFile(file: string, options: UserCsvOptions): UserCsv {
  return collect(scanUserCsvFile(file, options));
}

/** CSV text as candidate bars, oldest first (scanUserCsvFile for text already in memory). */
export function parseUserCsv(text: string, options: UserCsvOptions): UserCsv {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const separator = detectSeparator(body.split('\n').find((l) => l.trim() !== '') ?? '');
  const all = new CsvSplitter(separator, options.file).push(body, true);
  const header = all.shift();
  if (header === undefined) {
    throw new DataError('DATA_INVALID', `${options.file} is empty`, {
      hint: 'give a CSV with a header row and data rows',
      context: { file: options.file },
    });
  }
  const notes = separator === ',' ? [] : [`columns separated by ${separator === '\t' ? 'tabs' : `"${separator}"`}`];
  return collect(
    scan(
      { header, records: all[Symbol.iterator](), separator, notes, size: text.length, reopen: () => all, close() {} },
      options,
    ),
  );
}

function collect(s: UserCsvScan): UserCsv {
  const candidates = [...s.candidates];
  if (s.descending) candidates.reverse();
  return { timeframe: s.timeframe, candidates, mapping: s.mapping, notes: s.notes };
}

function scan(src: RecordSource, o: UserCsvOptions): UserCsvScan {
  try {
    return layoutOf(src, o);
  } catch (e) {
    src.close();
    throw e;
  }
}

function layoutOf(src: RecordSource, o: UserCsvOptions): UserCsvScan {
  const notes = [...src.notes];
  const header = [...src.header.cells];
  const sample: CsvRecord[] = [];
  while (sample.length < SAMPLE_ROWS) {
    const n = src.records.next();
    if (n.done === true) break;
    sample.push(n.value);
  }
  const mapping = resolveMapping(header, sample, o, notes, src.header.line);
  const zone = o.tz ?? 'UTC';
  if (!isValidZone(zone)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--tz "${zone}" is not a known time zone`, {
      hint: 'use an IANA zone such as America/New_York, Europe/Berlin or UTC',
      context: { flag: '--tz', value: zone },
    });
  }
  if (sample.length === 0) {
    if (o.allowEmpty === true) {
      src.close();
      return {
        timeframe: o.timeframe ?? '1d',
        mapping,
        notes,
        descending: false,
        estimatedRows: 0,
        candidates: [],
        close() {},
      };
    }
    throw new DataError('DATA_INVALID', `${o.file} has a header but no rows`, {
      hint: 'export the file again with its rows of bars; nothing was imported',
      context: { file: o.file },
    });
  }
  const decimal = src.separator === ',' ? '.' : decimalMark(sample, header, mapping);
  if (decimal === ',') notes.push('numbers use a decimal comma');
  const dateFormat = o.dateFormat ?? detectDateFormat(src, sample, header, mapping, o.file, notes, zone);
  const parser = new RowParser(
    {
      header,
      mapping,
      dateFormat,
      decimal,
      zone,
      adjusted: o.adjusted === true,
      ...symbolOfFile(sample, header, mapping, o.symbol, notes),
    },
    FIELDS,
  );
  const first = sample.map((r) => parser.parse(r));
  const timeframe = o.timeframe ?? inferTimeframe(first, o.file);
  const valid = first.filter((r) => !Number.isNaN(r.ts));
  const descending = valid.length > 2 && valid.every((r, i) => i === 0 || r.ts < (valid[i - 1] as ParsedRow).ts);
  if (descending) notes.push('rows were newest first; read in reverse order');
  const sampleChars = sample.reduce((n, r) => n + r.raw.length + 1, 0);
  const estimatedRows = Math.ceil((sample.length * Math.max(src.size, sampleChars)) / Math.max(1, sampleChars));
  let dailyTimes = false;
  const finish = (r: ParsedRow): CandidateBar => {
    if (timeframe === '1d' && !r.dateOnly && !Number.isNaN(r.ts)) {
      if (!dailyTimes) notes.push('times were given for daily bars; each bar is dated by its local date');
      dailyTimes = true;
      const l = DateTime.fromMillis(r.ts, { zone });
      r.ts = Date.UTC(l.year, l.month - 1, l.day);
    }
    return r;
  };
  const records = src.records;
  function* candidates(): Generator<CandidateBar> {
    try {
      for (const r of first) yield finish(r);
      first.length = 0;
      for (let n = records.next(); n.done !== true; n = records.next()) yield finish(parser.parse(n.value));
    } finally {
      src.close();
    }
  }
  return { timeframe, mapping, notes, descending, estimatedRows, candidates: candidates(), close: () => src.close() };
}

/**
 * The symbol the rows of a file with a symbol column must carry: `symbol` when some first row
 * says it, else the first row's (a vendor's spelling, e.g. ORCL.US, filed under `symbol`, noted).
 */
function symbolOfFile(
  sample: readonly CsvRecord[],
  header: readonly string[],
  mapping: Readonly<Partial<Record<UserField, string>>>,
  symbol: string | undefined,
  notes: string[],
): { symbol?: string } {
  if (mapping.symbol === undefined) return {};
  const at = header.indexOf(mapping.symbol);
  const cells = sample.map((r) => r.cells[at] ?? '').filter((c) => c !== '');
  if (symbol !== undefined && cells.some((c) => c.toUpperCase() === symbol.toUpperCase())) return { symbol };
  const first = cells[0];
  if (first === undefined) return symbol === undefined ? {} : { symbol };
  if (symbol !== undefined)
    notes.push(`the symbol column says ${printable(first)}; its rows are filed under ${symbol}`);
  return { symbol: first };
}

/** The date layout of the file, from its first rows, or from all of them when those are ambiguous. */
function detectDateFormat(
  src: RecordSource,
  sample: readonly CsvRecord[],
  header: readonly string[],
  mapping: Readonly<Partial<Record<UserField, string>>>,
  file: string,
  notes: string[],
  zone: string,
): DateFormat | undefined {
  const at = header.indexOf(mapping.date as string);
  const hasTime = mapping.time !== undefined;
  const counter = new DateFormatCounter(hasTime);
  for (const r of sample) counter.add(r.cells[at] ?? '');
  let found = counter.result();
  if (found.kind === 'ambiguous' && sample.length === SAMPLE_ROWS) {
    // Read on (dates only) to the first day above 12: a minute file in MM/DD/YYYY that starts
    // on January 2 needs some ten days of rows.
    const more = new DateFormatCounter(hasTime);
    for (const r of src.reopen()) {
      more.add(r.cells[at] ?? '');
      found = more.result();
      if (found.kind !== 'ambiguous') break;
    }
  }
  if (found.kind === 'ambiguous') {
    const [a, b] = found.formats as [DateFormat, DateFormat];
    throw new DataError(
      'DATA_INVALID',
      `dates such as "${printable(found.example)}" read as ${a} or ${b}, and no day above 12 in ${file} tells which`,
      {
        hint: `name the layout: --date-format ${a} or --date-format ${b}`,
        context: { file, column: mapping.date as string },
      },
    );
  }
  if (found.kind === 'none') return undefined;
  const format = found.format;
  if (!['YYYY-MM-DD', 'YYYYMMDD', 'epoch-s', 'epoch-ms'].includes(format)) {
    const cell = sample
      .map((r) => r.cells[at] ?? '')
      .find((c) => parseDateCell(format, c, hasTime ? '00:00' : undefined, zone));
    const iso =
      cell === undefined
        ? ''
        : tsToDate((parseDateCell(format, cell, hasTime ? '00:00' : undefined, 'UTC') as { ts: number }).ts);
    notes.push(`dates read as ${format}${cell === undefined ? '' : ` (${printable(cell)} is ${iso})`}`);
  }
  return format;
}

/** A decimal comma when number cells hold commas and no decimal point (files separated by ; or tabs). */
function decimalMark(
  sample: readonly CsvRecord[],
  header: readonly string[],
  mapping: Readonly<Partial<Record<UserField, string>>>,
): '.' | ',' {
  const cols = (['open', 'high', 'low', 'close', 'volume'] as const).map((f) => header.indexOf(mapping[f] as string));
  let comma = false;
  for (const r of sample) {
    for (const i of cols) {
      const c = r.cells[i] ?? '';
      if (/^[-+]?\d*\.\d+$/.test(c) && !/^[-+]?\d{1,3}(\.\d{3})+$/.test(c)) return '.';
      if (/^[-+]?[\d.]*\d,\d+$/.test(c)) comma = true;
    }
  }
  return comma ? ',' : '.';
}

import { DateTime } from 'luxon';
import type { Timeframe } from '../core/enums.js';
import { DataError, UsageError } from '../core/errors.js';
import { isValidZone, localToUtcMs } from '../core/zones.js';
import { QualityGate, parseNumberCell, type CandidateBar } from './candidates.js';
import { splitCsv, type CsvRecord } from './csv-split.js';

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
const REQUIRED: readonly UserField[] = ['date', 'open', 'high', 'low', 'close', 'volume'];

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
}

export interface UserCsv {
  readonly timeframe: Timeframe;
  readonly candidates: CandidateBar[];
  /** Which source header feeds each canonical field. */
  readonly mapping: Readonly<Partial<Record<UserField, string>>>;
  readonly notes: string[];
}

const norm = (h: string): string => h.toLowerCase().replace(/[\s_\-.]/g, '');
const TIME_ONLY = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_COMPACT = /^\d{8}$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

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
          hint: `fields: ${Object.keys(FIELD_ALIASES).join(', ')}; e.g. --map "date=Date,close=Close"`,
          context: { flag: '--map', value: pair.trim() },
        },
      );
    }
    out[key] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Reads a user's OHLCV CSV into candidate bars for the quality gates, without judging rows:
 * maps columns (by header names or `map`), combines separate date and time columns, reads
 * times without an offset in `tz`, and infers daily or intraday bars and their timeframe.
 */
export function parseUserCsv(text: string, options: UserCsvOptions): UserCsv {
  const notes: string[] = [];
  const records = splitCsv(text);
  const head = records.shift();
  if (head === undefined) {
    throw new DataError('DATA_INVALID', `${options.file} is empty`, {
      hint: 'give a CSV with a header row and data rows',
      context: { file: options.file },
    });
  }
  const header = [...head.cells];
  const mapping = resolveMapping(header, records, options, notes);
  const index = (f: UserField): number => (mapping[f] === undefined ? -1 : header.indexOf(mapping[f] as string));
  const ix = Object.fromEntries((Object.keys(FIELD_ALIASES) as UserField[]).map((f) => [f, index(f)])) as Record<
    UserField,
    number
  >;
  const zone = options.tz ?? 'UTC';
  if (!isValidZone(zone)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--tz "${zone}" is not a known time zone`, {
      hint: 'use an IANA zone such as America/New_York, Europe/Berlin or UTC',
      context: { flag: '--tz', value: zone },
    });
  }
  const rows = records.map((r) => {
    const cells = r.cells;
    const problems: (readonly [QualityGate, string])[] = [];
    if (cells.length !== header.length)
      problems.push([QualityGate.Schema, `expected ${header.length} cells, found ${cells.length}`]);
    const dateCell = cells[ix.date] ?? '';
    const timeCell = ix.time >= 0 ? (cells[ix.time] ?? '') : undefined;
    const parsed = parseTimeCells(dateCell, timeCell, zone);
    if (parsed === undefined)
      problems.push([
        dateCell.trim() === '' ? QualityGate.Empty : QualityGate.Schema,
        `bad time "${[dateCell, timeCell].filter((x) => x !== undefined).join(' ')}"`,
      ]);
    const num = (f: UserField): number => {
      const [v, p] = parseNumberCell(cells[ix[f]], mapping[f] ?? f);
      if (p !== undefined) problems.push(p);
      return v;
    };
    let open = num('open');
    let high = num('high');
    let low = num('low');
    let close = num('close');
    const volume = num('volume');
    if (options.adjusted === true && ix.adj_close >= 0) {
      const adj = num('adj_close');
      const f = adj / close;
      open *= f;
      high *= f;
      low *= f;
      close = adj;
    }
    return {
      row: r.line,
      ts: parsed?.ts ?? Number.NaN,
      dateOnly: parsed?.dateOnly ?? true,
      open,
      high,
      low,
      close,
      volume,
      problems,
      line: r.raw,
    };
  });
  const timeframe = options.timeframe ?? inferTimeframe(rows, options.file);
  if (timeframe === '1d' && rows.some((r) => !r.dateOnly && !Number.isNaN(r.ts))) {
    notes.push('times were given for daily bars; each bar is dated by its local date');
    for (const r of rows) if (!Number.isNaN(r.ts)) r.ts = localDateTs(r.ts, zone);
  }
  if (rows.length > 2 && rows.every((r, i) => i === 0 || Number.isNaN(r.ts) || r.ts < (rows[i - 1]?.ts ?? Infinity))) {
    notes.push('rows were newest first; read in reverse order');
    rows.reverse();
  }
  const candidates: CandidateBar[] = rows.map(({ dateOnly: _d, ...c }) => c);
  return { timeframe, candidates, mapping, notes };
}

function resolveMapping(
  header: string[],
  records: readonly CsvRecord[],
  options: UserCsvOptions,
  notes: string[],
): Partial<Record<UserField, string>> {
  const byNorm = new Map(header.map((h) => [norm(h), h] as const));
  const mapping: Partial<Record<UserField, string>> = {};
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
  for (const f of Object.keys(FIELD_ALIASES) as UserField[]) {
    const given = options.map?.[f];
    if (given !== undefined) {
      if (!header.includes(given)) {
        throw new UsageError('USAGE_INVALID_OPTION', `--map ${f}=${given}: ${options.file} has no column "${given}"`, {
          hint: `its columns are: ${header.join(', ')}`,
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
    throw new DataError('DATA_INVALID', `${options.file} has no column for ${missing.join(', ')}`, {
      hint: `map them with --map, e.g. --map "${missing.map((m) => `${m}=<Header>`).join(',')}"; its columns are: ${header.join(', ')}`,
      context: { file: options.file, row: 1, column: missing[0] as string },
    });
  }
  if (options.adjusted === true && mapping.adj_close === undefined) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--adjusted needs an adjusted-close column, and ${options.file} has none`,
      {
        hint: `map it with --map "adj_close=<Header>" or drop --adjusted; columns: ${header.join(', ')}`,
        context: { flag: '--adjusted', file: options.file },
      },
    );
  }
  return mapping;
}

interface ParsedTime {
  readonly ts: number;
  readonly dateOnly: boolean;
}

function parseTimeCells(date: string, time: string | undefined, zone: string): ParsedTime | undefined {
  const d = date.trim();
  if (d === '') return undefined;
  if (/^\d{10}(\d{3})?$/.test(d) && time === undefined) {
    const n = Number(d);
    return { ts: d.length === 10 ? n * 1000 : n, dateOnly: false };
  }
  const iso = DATE_COMPACT.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
  if (time === undefined && DATE_ONLY.test(iso)) {
    const ms = Date.parse(`${iso}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso ? undefined : { ts: ms, dateOnly: true };
  }
  const text = time === undefined ? iso.replace(' ', 'T') : `${iso}T${time.trim()}`;
  const m = LOCAL_TIME.exec(text);
  if (m !== null) {
    // Fast path for wall-clock times without an offset.
    const [y, mo, dd, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as number[];
    const ts = localToUtcMs(zone, y as number, mo as number, dd as number, h as number, mi as number, sec as number);
    const back = new Date(Date.UTC(y as number, (mo as number) - 1, dd as number));
    if (back.getUTCDate() !== dd || (h as number) > 23 || (mi as number) > 59 || (sec as number) > 59) return undefined;
    return { ts, dateOnly: false };
  }
  const dt = DateTime.fromISO(text, { zone, setZone: false });
  return dt.isValid ? { ts: dt.toMillis(), dateOnly: false } : undefined;
}

function localDateTs(ts: number, zone: string): number {
  const l = DateTime.fromMillis(ts, { zone });
  return Date.UTC(l.year, l.month - 1, l.day);
}

const SPACINGS: readonly [number, Timeframe][] = [
  [60_000, '1m'],
  [300_000, '5m'],
  [900_000, '15m'],
  [3_600_000, '1h'],
];

function inferTimeframe(rows: readonly { ts: number; dateOnly: boolean }[], file: string): Timeframe {
  const valid = rows.filter((r) => !Number.isNaN(r.ts));
  if (valid.every((r) => r.dateOnly)) return '1d';
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(valid.length, 2000); i++) {
    const d = (valid[i] as { ts: number }).ts - (valid[i - 1] as { ts: number }).ts;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const tf = SPACINGS.find(([ms]) => ms === common)?.[1];
  if (tf === undefined) {
    throw new UsageError(
      'USAGE_MISSING_OPTION',
      `cannot tell the bar size of ${file} (most common spacing ${common === undefined ? 'unknown' : `${common / 1000} s`})`,
      {
        hint: 'pass --timeframe 1d|1h|15m|5m|1m',
        context: { flag: '--timeframe', file },
      },
    );
  }
  return tf;
}

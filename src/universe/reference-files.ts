/**
 * Reference data files of a workspace (`data/reference/`): what the universe and the corporate
 * actions are built from. Every provider (Alpaca assets and announcements, Polygon/Massive ticker
 * details, splits and dividends, a user's events CSV, the synthetic universe) writes these three
 * files; everything downstream reads only them, so a universe is reproducible from its inputs'
 * hashes.
 *
 * - `assets.csv`: one row per symbol and `as_of` date (the day the provider reported it); the
 *   record in force on a date is the latest with `as_of <= date` (point in time).
 * - `corporate-actions.csv`: splits, cash dividends and symbol changes by ex-date.
 * - `events.csv`: scheduled events (earnings dates) a user supplies.
 *
 * Dates are ISO `YYYY-MM-DD`. Empty cells mean unknown (`market_cap`) or not applicable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { splitCsv } from '../data/csv-split.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from '../core/reference-data.js';

export const ASSET_COLUMNS = [
  'symbol',
  'as_of',
  'name',
  'exchange',
  'asset_class',
  'status',
  'tradable',
  'shortable',
  'easy_to_borrow',
  'fractionable',
  'market_cap',
  'list_date',
  'delist_date',
  'source',
] as const;

export const CORPORATE_ACTION_COLUMNS = [
  'symbol',
  'type',
  'ex_date',
  'ratio',
  'cash_amount',
  'new_symbol',
  'record_date',
  'pay_date',
  'source',
] as const;

export const EVENT_COLUMNS = ['symbol', 'date', 'event', 'time'] as const;

export {
  CorporateActionType,
  type AssetRecord,
  type CorporateAction,
  type ScheduledEvent,
} from '../core/reference-data.js';

/** A row refused with its reason (for the quarantine zone). */
export interface ReferenceRejection {
  readonly file: string;
  readonly line: number;
  readonly raw: string;
  readonly reason: string;
}

export interface ReferenceRead<T> {
  readonly records: T[];
  readonly rejected: ReferenceRejection[];
}

export function referenceDir(home: string): string {
  return join(home, 'data', 'reference');
}

export const referenceFiles = (home: string) =>
  ({
    assets: join(referenceDir(home), 'assets.csv'),
    corporateActions: join(referenceDir(home), 'corporate-actions.csv'),
    events: join(referenceDir(home), 'events.csv'),
  }) as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

class RowProblem extends Error {}

function bool(cell: string, column: string): boolean {
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  throw new RowProblem(`${column} must be true or false, not "${cell}"`);
}

function date(cell: string, column: string, optional = false): string {
  if (optional && cell === '') return '';
  if (!isIsoDate(cell)) throw new RowProblem(`${column} must be a date YYYY-MM-DD, not "${cell}"`);
  return cell;
}

function positive(cell: string, column: string, optional = false): number {
  if (optional && cell === '') return Number.NaN;
  const v = Number(cell);
  if (cell === '' || !Number.isFinite(v) || v <= 0)
    throw new RowProblem(`${column} must be a number > 0, not "${cell}"`);
  return v;
}

function symbol(cell: string): string {
  if (!/^[A-Z0-9][A-Z0-9.\-/]*$/.test(cell)) throw new RowProblem(`symbol "${cell}" is not an upper-case ticker`);
  return cell;
}

function readTable<T>(
  file: string,
  columns: readonly string[],
  parse: (cell: (c: string) => string) => T,
  required: boolean,
): ReferenceRead<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return { records: [], rejected: [] };
    throw new DataError('DATA_NOT_FOUND', `cannot read reference file ${file}: ${(e as Error).message}`, {
      hint: 'fetch reference data first (momentic universe reference), or write the file by hand',
      context: { file },
    });
  }
  const rows = splitCsv(text);
  const header = rows[0]?.cells ?? [];
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DataError('DATA_INVALID', `${file} lacks the column(s) ${missing.join(', ')}`, {
      hint: `its header must name: ${columns.join(',')}`,
      context: { file, line: 1 },
    });
  }
  const at = new Map(header.map((c, i) => [c, i] as const));
  const records: T[] = [];
  const rejected: ReferenceRejection[] = [];
  for (const row of rows.slice(1)) {
    try {
      if (row.problem !== undefined) throw new RowProblem(row.problem);
      records.push(parse((c) => row.cells[at.get(c) as number] ?? ''));
    } catch (e) {
      if (!(e instanceof RowProblem)) throw e;
      rejected.push({ file, line: row.line, raw: row.raw, reason: e.message });
    }
  }
  return { records, rejected };
}

/** `assets.csv`, sorted by symbol then `as_of`; a missing file is an error (the universe needs it). */
export function readAssets(file: string): ReferenceRead<AssetRecord> {
  const read = readTable<AssetRecord>(
    file,
    ASSET_COLUMNS,
    (c) => {
      const status = c('status');
      if (status !== 'active' && status !== 'inactive') {
        throw new RowProblem(`status must be active or inactive, not "${status}"`);
      }
      return {
        symbol: symbol(c('symbol')),
        asOf: date(c('as_of'), 'as_of'),
        name: c('name'),
        exchange: c('exchange'),
        assetClass: c('asset_class'),
        status,
        tradable: bool(c('tradable'), 'tradable'),
        shortable: bool(c('shortable'), 'shortable'),
        easyToBorrow: bool(c('easy_to_borrow'), 'easy_to_borrow'),
        fractionable: bool(c('fractionable'), 'fractionable'),
        marketCap: positive(c('market_cap'), 'market_cap', true),
        listDate: date(c('list_date'), 'list_date', true),
        delistDate: date(c('delist_date'), 'delist_date', true),
        source: c('source'),
      };
    },
    true,
  );
  read.records.sort((a, b) => (a.symbol === b.symbol ? cmp(a.asOf, b.asOf) : cmp(a.symbol, b.symbol)));
  return read;
}

/** `corporate-actions.csv`, sorted by ex-date then symbol; no file means no actions. */
export function readCorporateActions(file: string): ReferenceRead<CorporateAction> {
  const read = readTable<CorporateAction>(
    file,
    CORPORATE_ACTION_COLUMNS,
    (c) => {
      const type = c('type');
      const base = {
        symbol: symbol(c('symbol')),
        exDate: date(c('ex_date'), 'ex_date'),
        recordDate: date(c('record_date'), 'record_date', true),
        payDate: date(c('pay_date'), 'pay_date', true),
        source: c('source'),
      };
      switch (type) {
        case 'split':
          return { ...base, type, ratio: positive(c('ratio'), 'ratio'), cashAmount: Number.NaN, newSymbol: '' };
        case 'dividend':
          return {
            ...base,
            type,
            ratio: Number.NaN,
            cashAmount: positive(c('cash_amount'), 'cash_amount'),
            newSymbol: '',
          };
        case 'symbol_change':
          return { ...base, type, ratio: Number.NaN, cashAmount: Number.NaN, newSymbol: symbol(c('new_symbol')) };
        default:
          throw new RowProblem(`type must be split, dividend or symbol_change, not "${type}"`);
      }
    },
    false,
  );
  read.records.sort((a, b) => (a.exDate === b.exDate ? cmp(a.symbol, b.symbol) : cmp(a.exDate, b.exDate)));
  return read;
}

/** `events.csv`, sorted by date then symbol; no file means no events. */
export function readEvents(file: string): ReferenceRead<ScheduledEvent> {
  const read = readTable<ScheduledEvent>(
    file,
    EVENT_COLUMNS,
    (c) => {
      const time = c('time');
      if (time !== '' && time !== 'bmo' && time !== 'amc') {
        throw new RowProblem(`time must be bmo, amc or empty, not "${time}"`);
      }
      const event = c('event');
      if (event === '') throw new RowProblem('event is empty (e.g. earnings)');
      return { symbol: symbol(c('symbol')), date: date(c('date'), 'date'), event, time };
    },
    false,
  );
  read.records.sort((a, b) => (a.date === b.date ? cmp(a.symbol, b.symbol) : cmp(a.date, b.date)));
  return read;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const cell = (v: string | number | boolean): string => {
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function assetsCsv(records: readonly AssetRecord[]): string {
  const rows = records.map((r) =>
    [
      r.symbol,
      r.asOf,
      r.name,
      r.exchange,
      r.assetClass,
      r.status,
      r.tradable,
      r.shortable,
      r.easyToBorrow,
      r.fractionable,
      r.marketCap,
      r.listDate,
      r.delistDate,
      r.source,
    ]
      .map(cell)
      .join(','),
  );
  return [ASSET_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

export function corporateActionsCsv(records: readonly CorporateAction[]): string {
  const rows = records.map((r) =>
    [r.symbol, r.type, r.exDate, r.ratio, r.cashAmount, r.newSymbol, r.recordDate, r.payDate, r.source]
      .map(cell)
      .join(','),
  );
  return [CORPORATE_ACTION_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

export function eventsCsv(records: readonly ScheduledEvent[]): string {
  const rows = records.map((r) => [r.symbol, r.date, r.event, r.time].map(cell).join(','));
  return [EVENT_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/** Writes a reference file atomically (a reader never sees half a file). */
export function writeReferenceFile(file: string, text: string): void {
  writeFileAtomic(file, text);
}

/** The asset record in force on `date` (latest `as_of <= date`), from records sorted by readAssets. */
export function assetOn(records: readonly AssetRecord[], sym: string, day: string): AssetRecord | undefined {
  let found: AssetRecord | undefined;
  for (const r of records) {
    if (r.symbol !== sym) continue;
    if (r.asOf > day) break;
    found = r;
  }
  return found;
}

import type { Timeframe } from '../core/enums.js';
import { UsageError } from '../core/errors.js';
import { QualityGate, parseNumberCell, type CandidateBar, type Problem } from './candidates.js';
import type { CsvRecord } from './csv-split.js';
import { DATE_EXAMPLES, DATE_FORMATS, parseDateCell, type DateFormat } from './date-layout.js';
import { printable } from './text-sniff.js';
import type { UserField } from './user-csv-columns.js';

/** A candidate bar as read, and whether its time cell held a date only. */
export interface ParsedRow extends CandidateBar {
  ts: number;
  readonly dateOnly: boolean;
}

export interface RowLayout {
  readonly header: readonly string[];
  readonly mapping: Readonly<Partial<Record<UserField, string>>>;
  /** Date layout; undefined when no layout reads the file's dates (every date is then rejected). */
  readonly dateFormat: DateFormat | undefined;
  readonly decimal: '.' | ',';
  readonly zone: string;
  readonly adjusted: boolean;
  /** With a symbol column: the symbol every row must carry (rows of another are rejected). */
  readonly symbol?: string;
}

const norm = (h: string): string => h.toLowerCase().replace(/[\s_\-.]/g, '');
const KNOWN_LAYOUTS = DATE_FORMATS.filter((f) => !f.startsWith('epoch'))
  .map((f) => DATE_EXAMPLES[f])
  .join(', ');

/** Turns records of a user file into candidate bars, recording what is wrong with each row. */
export class RowParser {
  readonly #l: RowLayout;
  readonly #ix: Readonly<Record<UserField, number>>;
  readonly #headerNorm: readonly string[];

  constructor(layout: RowLayout, fields: readonly UserField[]) {
    this.#l = layout;
    const index = (f: UserField): number => {
      const h = layout.mapping[f];
      return h === undefined ? -1 : layout.header.indexOf(h);
    };
    this.#ix = Object.fromEntries(fields.map((f) => [f, index(f)])) as Record<UserField, number>;
    this.#headerNorm = layout.header.map(norm);
  }

  parse(r: CsvRecord): ParsedRow {
    const { header, mapping } = this.#l;
    const cells = r.cells;
    const problems: Problem[] = [];
    if (r.problem !== undefined)
      problems.push([QualityGate.Schema, `${r.problem} (a quoted cell must close on its line)`]);
    else if (this.#isHeader(cells)) {
      problems.push([QualityGate.Schema, 'the header line again (were two files joined?)']);
      return {
        row: r.line,
        ts: NaN,
        dateOnly: true,
        open: NaN,
        high: NaN,
        low: NaN,
        close: NaN,
        volume: NaN,
        problems,
        line: r.raw,
      };
    }
    if (cells.length !== header.length) {
      problems.push([QualityGate.Schema, `expected ${header.length} cells, found ${cells.length}`]);
    }
    const ix = this.#ix;
    if (ix.symbol >= 0 && this.#l.symbol !== undefined) {
      const s = cells[ix.symbol] ?? '';
      if (s.toUpperCase() !== this.#l.symbol.toUpperCase()) {
        problems.push([
          QualityGate.Schema,
          `symbol "${printable(s)}" is not ${printable(this.#l.symbol)} (import each symbol on its own)`,
          mapping.symbol as string,
        ]);
      }
    }
    const time = this.#time(cells, problems);
    let open = this.#num(cells, 'open', problems);
    let high = this.#num(cells, 'high', problems);
    let low = this.#num(cells, 'low', problems);
    let close = this.#num(cells, 'close', problems);
    const volume = this.#num(cells, 'volume', problems);
    if (this.#l.adjusted && ix.adj_close >= 0) {
      const adj = this.#num(cells, 'adj_close', problems);
      const f = adj / close;
      open *= f;
      high *= f;
      low *= f;
      close = adj;
    }
    return {
      row: r.line,
      ts: time?.ts ?? NaN,
      dateOnly: time?.dateOnly ?? true,
      open,
      high,
      low,
      close,
      volume,
      problems,
      line: r.raw,
    };
  }

  /** The header line repeated (two exports joined): compared cheaply on its first cell first. */
  #isHeader(cells: readonly string[]): boolean {
    const h = this.#headerNorm;
    if (cells.length !== h.length || norm(cells[0] ?? '') !== h[0]) return false;
    for (let i = 1; i < h.length; i++) if (norm(cells[i] as string) !== h[i]) return false;
    return true;
  }

  #num(cells: readonly string[], f: UserField, problems: Problem[]): number {
    const column = this.#l.mapping[f] ?? f;
    const [v, p] = parseNumberCell(cells[this.#ix[f]], column, this.#l.decimal);
    if (p !== undefined) problems.push([p[0], p[1], column]);
    return v;
  }

  #time(cells: readonly string[], problems: Problem[]): { ts: number; dateOnly: boolean } | undefined {
    const { mapping, dateFormat } = this.#l;
    const column = mapping.date as string;
    const date = cells[this.#ix.date] ?? '';
    const time = this.#ix.time >= 0 ? (cells[this.#ix.time] ?? '') : undefined;
    if (date === '') {
      problems.push([QualityGate.Empty, `empty ${column}`, column]);
      return undefined;
    }
    const parsed = dateFormat === undefined ? undefined : parseDateCell(dateFormat, date, time, this.#l.zone);
    if (parsed !== undefined) return parsed;
    const text = printable(time === undefined ? date : `${date} ${time}`);
    const expected =
      dateFormat === undefined
        ? `not a date in a known layout (${KNOWN_LAYOUTS}, epoch seconds or milliseconds)`
        : `expected ${dateFormat}, like ${DATE_EXAMPLES[dateFormat]}`;
    problems.push([
      QualityGate.Schema,
      `bad ${time === undefined ? 'date' : 'date or time'} "${text}": ${expected}`,
      column,
    ]);
    return undefined;
  }
}

const SPACINGS: readonly [number, Timeframe][] = [
  [60_000, '1m'],
  [300_000, '5m'],
  [900_000, '15m'],
  [3_600_000, '1h'],
  // Daily bars stamped at midnight (`2024-07-15 00:00:00`): each is dated by its local date.
  [86_400_000, '1d'],
];

/** Daily when every time is a date; else the commonest spacing of the first rows. */
export function inferTimeframe(rows: readonly { ts: number; dateOnly: boolean }[], file: string): Timeframe {
  const valid = rows.filter((r) => !Number.isNaN(r.ts));
  if (valid.every((r) => r.dateOnly)) return '1d';
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(valid.length, 2000); i++) {
    const d = Math.abs((valid[i] as { ts: number }).ts - (valid[i - 1] as { ts: number }).ts);
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

import type { Bar } from '../core/bar.js';
import { printable } from './text-sniff.js';

/**
 * A bar as read from a source before the quality gates: numbers may be NaN and the time may be
 * missing; `problems` holds what parsing already found wrong. `row` is the 1-based line number
 * in the source file (the header is line 1), or the position in a fetched stream.
 */
export interface CandidateBar {
  readonly row: number;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Parse problems as [gate, reason, column at fault]; empty when the row parsed cleanly. */
  readonly problems: readonly Problem[];
  /** The original text of the row, kept for the quarantine. */
  readonly line: string;
}

export const QualityGate = {
  Schema: 'schema',
  Empty: 'empty',
  Nan: 'nan',
  Price: 'price',
  Volume: 'volume',
  Range: 'range',
  Ohlc: 'ohlc',
  Order: 'order',
  Duplicate: 'duplicate',
  Future: 'future',
  Calendar: 'calendar',
  Jump: 'jump',
  Gap: 'gap',
  Outlier: 'outlier',
} as const;
export type QualityGate = (typeof QualityGate)[keyof typeof QualityGate];

/** A parse problem of a row: the gate it fails, why, and the source column at fault if one is. */
export type Problem = readonly [QualityGate, string] | readonly [QualityGate, string, string];

/** A clean candidate from a bar already parsed (rows from a store, a dump parser or a provider). */
export function candidateOf(bar: Omit<Bar, 'symbol'>, row: number, line = ''): CandidateBar {
  return {
    row,
    ts: bar.ts,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    problems: [],
    line,
  };
}

/** A decimal number as JavaScript reads it, without hex, binary or the words Infinity and NaN. */
const PLAIN = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Thousands grouping allowed beside each decimal mark: `1,234,567.5` or `1.234.567,5`. */
const GROUPED = { '.': /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/, ',': /^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$/ } as const;

/**
 * Parses a numeric cell: [value, problem] where problem names the gate that fails. `decimal` is
 * the file's decimal mark; the other mark is accepted only as thousands grouping in groups of three.
 */
export function parseNumberCell(
  text: string | undefined,
  column: string,
  decimal: '.' | ',' = '.',
): [number, readonly [QualityGate, string] | undefined] {
  if (text === undefined || text.trim() === '') return [Number.NaN, [QualityGate.Empty, `empty ${column}`]];
  const t = text.trim();
  if (decimal === '.' && PLAIN.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? [v, undefined] : [Number.NaN, [QualityGate.Schema, `${column} "${t}" is not a number`]];
  }
  if (/^[-+]?nan$/i.test(t) || /^[-+]?(null|none|n\/a|na|inf|infinity)$/i.test(t)) {
    return [Number.NaN, [QualityGate.Nan, `${column} is ${printable(t)}`]];
  }
  let plain = GROUPED[decimal].test(t) ? t.replace(decimal === '.' ? /,/g : /\./g, '') : t;
  if (decimal === ',') plain = plain.includes('.') ? '' : plain.replace(',', '.');
  const v = PLAIN.test(plain) ? Number(plain) : Number.NaN;
  if (!Number.isFinite(v)) return [Number.NaN, [QualityGate.Schema, `${column} "${printable(t)}" is not a number`]];
  return [v, undefined];
}

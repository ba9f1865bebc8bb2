import type { Bar } from '../core/bar.js';

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
  /** Parse problems as [gate, reason]; empty when the row parsed cleanly. */
  readonly problems: readonly (readonly [QualityGate, string])[];
  /** The original text of the row, kept for the quarantine. */
  readonly line: string;
}

export const QualityGate = {
  Schema: 'schema',
  Empty: 'empty',
  Nan: 'nan',
  Price: 'price',
  Volume: 'volume',
  Ohlc: 'ohlc',
  Order: 'order',
  Duplicate: 'duplicate',
  Calendar: 'calendar',
  Gap: 'gap',
  Outlier: 'outlier',
} as const;
export type QualityGate = (typeof QualityGate)[keyof typeof QualityGate];

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

/** Parses a numeric cell: [value, problem] where problem names the gate that fails. */
export function parseNumberCell(
  text: string | undefined,
  column: string,
): [number, readonly [QualityGate, string] | undefined] {
  if (text === undefined || text.trim() === '') return [Number.NaN, [QualityGate.Empty, `empty ${column}`]];
  const t = text.trim();
  if (/^[-+]?nan$/i.test(t) || /^(null|none|n\/a|na|inf|-inf|infinity|-infinity)$/i.test(t)) {
    return [Number.NaN, [QualityGate.Nan, `${column} is ${t}`]];
  }
  const v = Number(t);
  if (!Number.isFinite(v)) return [Number.NaN, [QualityGate.Schema, `${column} "${t}" is not a number`]];
  return [v, undefined];
}

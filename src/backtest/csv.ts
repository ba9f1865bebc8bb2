import type { Timeframe } from '../core/enums.js';
import { formatInstant, isDaily, tsToDate } from '../data/schema.js';

/**
 * Deterministic text for the results files (docs/results.md, "Formatting"): the same run gives
 * byte-identical files, which `momentic backtest --replay` relies on.
 * - Numbers: the shortest text that reads back as the same double (ECMAScript Number::toString,
 *   the same on every engine), so files are lossless; `-0` is written `0`; NaN is an empty
 *   cell; infinities are `inf` and `-inf` (as pandas reads them).
 * - Times: a date for daily runs when the instant is a session date (00:00 UTC), otherwise an
 *   ISO-8601 UTC instant (`2024-01-02T14:30:00Z`, milliseconds only when non-zero).
 * - Text cells are quoted when they hold a comma, a quote, CR or LF (RFC 4180), quotes doubled.
 * - Lines end with `\n`, the file ends with one.
 */

const MS_PER_DAY = 86_400_000;

export function formatNum(x: number): string {
  // Finite and non-zero first (NaN - NaN and inf - inf are NaN): the usual cell, one test.
  if (x - x === 0 && x !== 0) return String(x);
  if (x === 0) return '0';
  if (x !== x) return '';
  return x > 0 ? 'inf' : '-inf';
}

/** Reads a cell written by `formatNum` (empty is NaN). */
export function parseNum(text: string): number {
  if (text === '') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

export function formatTs(tf: Timeframe, ts: number): string {
  if (!Number.isFinite(ts)) return '';
  return isDaily(tf) && ts % MS_PER_DAY === 0 ? tsToDate(ts) : formatInstant(ts);
}

/** Reads a cell written by `formatTs` (a date or an ISO instant; empty is NaN). */
export function parseTs(text: string): number {
  if (text === '') return NaN;
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
}

export function csvCell(text: string): string {
  // A loop over the characters rather than a regex: cells are short and almost never quoted.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** Distinct times kept by `timeCells` before it starts over (bounded for minute bars). */
const TIME_CELLS_KEPT = 4_096;

/**
 * `formatTs` for the files of a run, remembering recent instants: rows of a run repeat the same
 * few times (every order of a bar, each transition of an order), and formatting an instant
 * allocates a Date. A daily date is cheap to spell and is not remembered, only compared with the
 * last one (a Map of every session measured slower in a whole run than spelling each).
 */
export function timeCells(tf: Timeframe): (ts: number) => string {
  const seen = new Map<number, string>();
  const daily = isDaily(tf);
  let lastTs = NaN;
  let lastText = '';
  return (ts) => {
    if (ts === lastTs) return lastText;
    let text: string | undefined;
    if (daily && ts % MS_PER_DAY === 0) text = tsToDate(ts);
    else {
      text = seen.get(ts);
      if (text === undefined) {
        if (seen.size === TIME_CELLS_KEPT) seen.clear();
        text = formatTs(tf, ts);
        seen.set(ts, text);
      }
    }
    lastTs = ts;
    lastText = text;
    return text;
  };
}

/** `"key":` as it appears inside a quoted CSV cell (quotes doubled), per key. */
const quotedKeys = new Map<string, string>();

function quotedKey(k: string): string {
  let text = quotedKeys.get(k);
  if (text === undefined) {
    text = `${JSON.stringify(k).replaceAll('"', '""')}:`;
    if (quotedKeys.size < 1_024) quotedKeys.set(k, text);
  }
  return text;
}

/** The last object's own keys, and the same sorted: a run's metas share their keys. */
let lastKeys: string[] = [];
let lastSorted: string[] = [];

function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length === lastKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== lastKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastSorted;
  }
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}

/**
 * `csvCell(canonicalJson(value, 0))`, built directly in its quoted form for the usual signal
 * meta, a flat object of numbers, strings, booleans and nulls: no copy of the object and no
 * second pass to double the quotes. Anything else (nested values, keys that JSON would order as
 * array indices) goes through canonicalJson.
 */
export function jsonCell(value: Readonly<Record<string, unknown>>): string {
  const keys = sortedKeys(value);
  let text = '"{';
  let entries = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = value[k];
    const c = k.charCodeAt(0);
    if ((c >= 48 && c <= 57) || k === '__proto__') return csvCell(canonicalJson(value, 0));
    let cell: string;
    // JSON spells a finite number as String does (-0 as 0 too).
    if (typeof v === 'number') cell = v - v === 0 ? String(v) : 'null';
    else if (typeof v === 'boolean' || v === null) cell = String(v);
    else if (typeof v === 'string') cell = JSON.stringify(v).replaceAll('"', '""');
    else if (v === undefined) continue;
    else return csvCell(canonicalJson(value, 0));
    text += `${entries++ === 0 ? '' : ','}${quotedKey(k)}${cell}`;
  }
  // A JSON object with members always holds a quote, so its cell is always quoted; `{}` is not.
  return entries === 0 ? '{}' : `${text}}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/** Header plus rows, as one string. */
export function csvText(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const parts = [csvLine(header)];
  for (const r of rows) parts.push(csvLine(r));
  return parts.join('');
}

/** Parses RFC 4180 CSV (quoted cells may hold commas, quotes and newlines) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
    i++;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * JSON with object keys sorted at every level and two-space indentation, so equal values give
 * equal bytes whatever order their keys were built in. NaN and infinities become null (JSON has
 * no spelling for them); -0 becomes 0.
 */
export function canonicalJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    sortKeys(value),
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    indent,
  );
}

/** A copy of `value` with object keys sorted at every level (typed arrays become arrays). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

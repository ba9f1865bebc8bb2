import { closeSync, existsSync, fsyncSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import { BarSeries, type Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';
import { columnsOf, formatNumber, formatTime, isDaily } from './schema.js';

const CHUNK = 8 * 1024 * 1024;

export function csvHeader(tf: Timeframe): string {
  return `${columnsOf(tf).join(',')}\n`;
}

/** Canonical CSV lines (no header) of bars with indices [from, to). */
export function csvLines(tf: Timeframe, series: BarSeries, from = 0, to = series.length): string {
  let out = '';
  const sym = series.symbol;
  const time = timeFormatter(tf);
  for (let i = from; i < to; i++) {
    out += `${sym},${time(series.ts[i] as number)},${formatNumber(series.open[i] as number)},${formatNumber(series.high[i] as number)},${formatNumber(series.low[i] as number)},${formatNumber(series.close[i] as number)},${formatNumber(series.volume[i] as number)}\n`;
  }
  return out;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats time cells, caching the date part (the same for every bar of a day). */
function timeFormatter(tf: Timeframe): (ts: number) => string {
  if (isDaily(tf)) return (ts) => formatTime(tf, ts);
  let lastDay = NaN;
  let prefix = '';
  return (ts) => {
    const day = Math.floor(ts / 86_400_000);
    const ms = ts - day * 86_400_000;
    if (ms % 1000 !== 0) return formatTime(tf, ts);
    if (day !== lastDay) {
      lastDay = day;
      prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    }
    const secs = ms / 1000;
    return `${prefix}${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}Z`;
  };
}

function* chunkedLines(tf: Timeframe, series: BarSeries): Generator<string> {
  yield csvHeader(tf);
  for (let i = 0; i < series.length; i += 50_000) yield csvLines(tf, series, i, Math.min(series.length, i + 50_000));
}

/** Writes a whole canonical CSV atomically. */
export function writeCsvBars(file: string, tf: Timeframe, series: BarSeries): void {
  writeFileAtomic(file, chunkedLines(tf, series));
}

/**
 * Appends bars (already known to come after the file's last row) with one write and an fsync.
 * A torn tail left by an interrupted earlier append is cut first. Creates the file with its
 * header when missing.
 */
export function appendCsvBars(file: string, tf: Timeframe, bars: readonly Bar[]): void {
  if (bars.length === 0) return;
  const series = BarSeries.fromBars(bars[0]?.symbol ?? '', bars);
  if (!existsSync(file)) {
    writeFileAtomic(file, csvHeader(tf) + csvLines(tf, series));
    return;
  }
  cutTornTail(file);
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, csvLines(tf, series));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes a last line without its newline (an append cut short by a crash); returns true if it did. */
export function cutTornTail(file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return false;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 4096));
    let pos = size;
    readSync(fd, buf, 0, 1, size - 1);
    if (buf[0] === 0x0a) return false;
    // Find the previous newline.
    while (pos > 0) {
      const len = Math.min(buf.length, pos);
      readSync(fd, buf, 0, len, pos - len);
      const i = buf.subarray(0, len).lastIndexOf(0x0a);
      if (i >= 0) {
        closeSync(fd);
        truncateSync(file, pos - len + i + 1);
        return true;
      }
      pos -= len;
    }
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed after truncation
    }
  }
  return false;
}

class Columns {
  ts: Float64Array = new Float64Array(1024);
  open: Float64Array = new Float64Array(1024);
  high: Float64Array = new Float64Array(1024);
  low: Float64Array = new Float64Array(1024);
  close: Float64Array = new Float64Array(1024);
  volume: Float64Array = new Float64Array(1024);
  n = 0;

  push(t: number, o: number, h: number, l: number, c: number, v: number): void {
    if (this.n === this.ts.length) this.#grow();
    const i = this.n++;
    this.ts[i] = t;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
  }

  #grow(): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }

  series(symbol: string): BarSeries {
    const n = this.n;
    return new BarSeries(symbol, {
      ts: this.ts.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume.slice(0, n),
    });
  }
}

/** Fast parser of the canonical time cell, caching the day of the last date prefix. */
function timeParser(tf: Timeframe): (cell: string) => number {
  let lastPrefix = '';
  let lastDay = 0;
  const day = (p: string): number => {
    if (p !== lastPrefix) {
      const y = +p.slice(0, 4);
      const m = +p.slice(5, 7);
      const d = +p.slice(8, 10);
      const ms = Date.UTC(y, m - 1, d);
      const check = new Date(ms);
      lastDay = p[4] === '-' && p[7] === '-' && check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? ms : NaN;
      lastPrefix = p;
    }
    return lastDay;
  };
  if (isDaily(tf)) return (cell) => (cell.length === 10 ? day(cell) : NaN);
  return (cell) => {
    if (cell.length !== 20 || cell[10] !== 'T' || cell[19] !== 'Z')
      return Number.isNaN(Date.parse(cell)) || !cell.endsWith('Z') ? NaN : Date.parse(cell);
    return (
      day(cell.slice(0, 10)) +
      +cell.slice(11, 13) * 3_600_000 +
      +cell.slice(14, 16) * 60_000 +
      +cell.slice(17, 19) * 1000
    );
  };
}

export interface CsvReadResult {
  readonly series: BarSeries;
  /** True when the file ended in a line without a newline (a torn append), which was ignored. */
  readonly hadTornTail: boolean;
}

/**
 * Reads a canonical raw CSV in chunks (files larger than a JS string work). A canonical file is
 * clean by construction, so any malformed row is a DataError naming file and line.
 */
export function readCsvBars(file: string, tf: Timeframe): CsvReadResult {
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no such data file ${file}`, {
      hint: 'fetch or import the symbol first (momentic data fetch / data import)',
      context: { file },
    });
  }
  const expected = csvHeader(tf).trimEnd();
  const parseT = timeParser(tf);
  const cols = new Columns();
  let symbol = '';
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(CHUNK);
  let rest = '';
  let line = 0;
  let hadTornTail = false;
  const bad = (why: string, column?: string): never => {
    throw new DataError('DATA_INVALID', `${file} line ${line}: ${why}`, {
      hint: 'canonical raw files are written by momentic only; restore it from the backup or re-fetch the symbol with --force',
      context: { file, row: line, ...(column === undefined ? {} : { column }) },
    });
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      const text = rest + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      // The last piece is incomplete, unless this is the end of the file; there a piece
      // without a newline is a torn append, ignored (and cut by the next append).
      const last = lines.pop() as string;
      rest = n === 0 ? '' : last;
      if (n === 0 && last !== '') hadTornTail = true;
      for (const l of lines) {
        line++;
        if (line === 1) {
          if (l.trimEnd() !== expected) bad(`header is "${l.trimEnd()}", expected "${expected}"`);
          continue;
        }
        const c = l.split(',');
        if (c.length !== 7) bad(`expected 7 cells, found ${c.length}`);
        if (symbol === '') symbol = c[0] as string;
        const t = parseT(c[1] as string);
        if (Number.isNaN(t)) bad(`bad time "${c[1]}"`, isDaily(tf) ? 'date' : 'timestamp');
        const o = +(c[2] as string);
        const h = +(c[3] as string);
        const lo = +(c[4] as string);
        const cl = +(c[5] as string);
        const v = +(c[6] as string);
        if (Number.isNaN(o + h + lo + cl + v) || c[2] === '' || c[6] === '')
          bad('a price or volume cell is not a number');
        if (cols.n > 0 && !(t > (cols.ts[cols.n - 1] as number))) bad('time is not after the previous row');
        cols.push(t, o, h, lo, cl, v);
      }
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  return { series: cols.series(symbol), hadTornTail };
}

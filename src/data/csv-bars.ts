import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import { BarSeries, type Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { writeFileAtomic, writeTempBeside } from './atomic.js';
import { DecimalScanner, parseDecimal, TimeCellParser } from './csv-scan.js';
import { columnsOf, formatNumber, formatTime, isDaily } from './schema.js';

const CHUNK = 8 * 1024 * 1024;

export function csvHeader(tf: Timeframe): string {
  return `${columnsOf(tf).join(',')}\n`;
}

/** Rows per piece of text: large enough to amortise calls, small enough to die young in the GC. */
const PIECE_ROWS = 1000;

/** Canonical CSV lines (no header) of bars with indices [from, to). */
export function csvLines(tf: Timeframe, series: BarSeries, from = 0, to = series.length): string {
  const time = timeFormatter(tf);
  if (to - from <= PIECE_ROWS) return linesOf(series, time, from, to);
  // One long `+=` chain builds a rope of millions of nodes that the GC promotes and walks
  // repeatedly (measured: 2.5 s per 1M rows, 90% GC); short pieces joined once are 5x faster.
  const pieces: string[] = [];
  for (let i = from; i < to; i += PIECE_ROWS) pieces.push(linesOf(series, time, i, Math.min(to, i + PIECE_ROWS)));
  return pieces.join('');
}

function linesOf(series: BarSeries, time: (ts: number) => string, from: number, to: number): string {
  let out = '';
  const sym = series.symbol;
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

function* chunkedLines(tf: Timeframe, series: BarSeries, header = true): Generator<string> {
  if (header) yield csvHeader(tf);
  const time = timeFormatter(tf);
  for (let i = 0; i < series.length; i += PIECE_ROWS)
    yield linesOf(series, time, i, Math.min(series.length, i + PIECE_ROWS));
}

/** Writes a whole canonical CSV atomically. */
export function writeCsvBars(file: string, tf: Timeframe, series: BarSeries): void {
  writeFileAtomic(file, chunkedLines(tf, series));
}

/** Writes a whole canonical CSV to a synced temp file beside `file` (moved into place by the caller); returns its path. */
export function writeCsvTemp(file: string, tf: Timeframe, series: BarSeries): string {
  return writeTempBeside(file, chunkedLines(tf, series));
}

/**
 * Appends bars (already known to come after the file's last row) and fsyncs: one write for up
 * to a thousand rows, pieces of that size beyond (the text of millions of rows is never built
 * whole); returns the bytes appended. Every piece written also goes through `hash`, so a caller
 * recording the file's sha256 continues its hash without building the text. A torn tail left by
 * an interrupted earlier append is cut first, or, with `keep`, everything after the first `keep`
 * bytes (the content its manifest record vouches for: an append that landed without its record
 * is dropped and written again). Creates the file with its header when missing.
 */
export function appendCsvBars(
  file: string,
  tf: Timeframe,
  bars: readonly Bar[] | BarSeries,
  options: { readonly keep?: number; readonly hash?: Hash } = {},
): number {
  if (bars.length === 0) return 0;
  const series = bars instanceof BarSeries ? bars : BarSeries.fromBars(bars[0]?.symbol ?? '', bars);
  let bytes = 0;
  const counted = function* (pieces: Iterable<string>): Generator<Buffer> {
    for (const piece of pieces) {
      const b = Buffer.from(piece, 'utf8');
      options.hash?.update(b);
      bytes += b.length;
      yield b;
    }
  };
  if (!existsSync(file)) {
    writeFileAtomic(file, counted(chunkedLines(tf, series)));
    return bytes;
  }
  if (options.keep === undefined) cutTornTail(file);
  else if (statSync(file).size > options.keep) truncateSync(file, options.keep);
  const fd = openSync(file, 'a');
  try {
    for (const b of counted(chunkedLines(tf, series, false)))
      for (let at = 0; at < b.length;) at += writeSync(fd, b, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes;
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
  ts: Float64Array = new Float64Array(0);
  open: Float64Array = new Float64Array(0);
  high: Float64Array = new Float64Array(0);
  low: Float64Array = new Float64Array(0);
  close: Float64Array = new Float64Array(0);
  volume: Float64Array = new Float64Array(0);
  n = 0;

  get capacity(): number {
    return this.ts.length;
  }

  /** Appends one row; the caller makes room first (`resize`). */
  push(t: number, o: number, h: number, l: number, c: number, v: number): void {
    const i = this.n++;
    this.ts[i] = t;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
  }

  resize(capacity: number): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.ts = g(this.ts);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }

  /** The filled rows; shares the arrays when at most a quarter of them is spare, else copies. */
  series(symbol: string): BarSeries {
    const n = this.n;
    const trim =
      n * 4 >= this.ts.length * 3 ? (a: Float64Array) => a.subarray(0, n) : (a: Float64Array) => a.slice(0, n);
    return new BarSeries(symbol, {
      ts: trim(this.ts),
      open: trim(this.open),
      high: trim(this.high),
      low: trim(this.low),
      close: trim(this.close),
      volume: trim(this.volume),
    });
  }
}

export interface CsvReadResult {
  readonly series: BarSeries;
  /** True when the file ended in a line without a newline (a torn append), which was ignored. */
  readonly hadTornTail: boolean;
  /** Bytes of the complete lines read (the torn tail excluded). */
  readonly bytes: number;
  /** sha256 (hex) of the bytes read, when asked for (computed in the same pass as the parse). */
  readonly sha256?: string;
  /** The hash of the bytes read, not finished: a writer appending to the file continues it. */
  readonly hasher?: Hash;
}

export interface CsvReadOptions {
  /** Hash the bytes read (sha256, hasher). */
  readonly sha256?: boolean;
  /** Read only the first `limit` bytes (the part a manifest record vouches for). */
  readonly limit?: number;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * Reads a canonical raw CSV in chunks of bytes (files larger than a JS string work), parsing
 * cells in place (see csv-scan.ts). A canonical file is clean by construction, so any malformed
 * row is a DataError naming file and line.
 */
export function readCsvBars(file: string, tf: Timeframe, options: CsvReadOptions = {}): CsvReadResult {
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no such data file ${file}`, {
      hint: 'fetch or import the symbol first (momentic data fetch / data import)',
      context: { file },
    });
  }
  const size = Math.min(statSync(file).size, options.limit ?? Infinity);
  const expected = csvHeader(tf).trimEnd();
  const times = new TimeCellParser(tf);
  const cols = new Columns();
  const commas = new Int32Array(6);
  let symbol = '';
  let line = 0;
  let seen = 0;
  const bad = (why: string, column?: string): never => {
    throw new DataError('DATA_INVALID', `${file} line ${line}: ${why}`, {
      hint: 'canonical raw files are written by momentic only; restore it from the backup or re-fetch the symbol with --force',
      context: { file, row: line, ...(column === undefined ? {} : { column }) },
    });
  };
  const header = (b: Buffer, s: number, e: number): void => {
    line++;
    const text = b.toString('utf8', s, e).trimEnd();
    if (text !== expected) bad(`header is "${text}", expected "${expected}"`);
  };
  const row = (b: Buffer, s: number, e: number, n: number): void => {
    if (n !== 6) {
      line++;
      bad(`expected 7 cells, found ${n + 1}`);
    }
    const c1 = commas[1] as number;
    const c2 = commas[2] as number;
    const c3 = commas[3] as number;
    const c4 = commas[4] as number;
    const c5 = commas[5] as number;
    add(
      b,
      s,
      commas[0] as number,
      c1,
      parseDecimal(b, c1 + 1, c2),
      parseDecimal(b, c2 + 1, c3),
      parseDecimal(b, c3 + 1, c4),
      parseDecimal(b, c4 + 1, c5),
      parseDecimal(b, c5 + 1, e),
      e,
    );
  };
  /** One parsed row: its symbol and time cells [s, c0) and (c0, c1), its numbers, its end e. */
  const add = (
    b: Buffer,
    s: number,
    c0: number,
    c1: number,
    o: number,
    h: number,
    lo: number,
    cl: number,
    v: number,
    e: number,
  ): void => {
    line++;
    if (symbol === '') symbol = b.toString('utf8', s, c0);
    const t = times.parse(b, c0 + 1, c1);
    if (Number.isNaN(t)) bad(`bad time "${b.toString('utf8', c0 + 1, c1)}"`, isDaily(tf) ? 'date' : 'timestamp');
    if (Number.isNaN(o + h + lo + cl + v)) bad('a price or volume cell is not a number');
    if (cols.n > 0 && !(t > (cols.ts[cols.n - 1] as number))) bad('time is not after the previous row');
    // Size the columns from the bytes per row seen so far rather than doubling them: 10M rows
    // peaked at 1.0 GB RSS with doubling (capacity and copies up to 4x the data).
    seen += e - s + 1;
    if (cols.n === cols.capacity) cols.resize(Math.max(cols.n + 1024, Math.ceil(((cols.n + 1) * size * 1.05) / seen)));
    cols.push(t, o, h, lo, cl, v);
  };
  const dec = new DecimalScanner();
  /**
   * The usual line in one pass: symbol and time cells, then five plain decimals each read up to
   * its comma (the last up to the newline). Returns the next line's start, or -1 when the line is
   * anything else (a torn tail, a malformed row, an unusual number): the exact path takes it.
   */
  const fast = (b: Buffer, pos: number, to: number): number => {
    let i = pos;
    while (i < to && b[i] !== COMMA && b[i] !== NEWLINE) i++;
    if (i >= to || b[i] !== COMMA) return -1;
    const c0 = i++;
    while (i < to && b[i] !== COMMA && b[i] !== NEWLINE) i++;
    if (i >= to || b[i] !== COMMA) return -1;
    const c1 = i;
    const o = dec.scan(b, c1 + 1, to, COMMA);
    if (dec.end < 0) return -1;
    const h = dec.scan(b, dec.end + 1, to, COMMA);
    if (dec.end < 0) return -1;
    const lo = dec.scan(b, dec.end + 1, to, COMMA);
    if (dec.end < 0) return -1;
    const cl = dec.scan(b, dec.end + 1, to, COMMA);
    if (dec.end < 0) return -1;
    const v = dec.scan(b, dec.end + 1, to, NEWLINE);
    const e = dec.end;
    if (e < 0) return -1;
    add(b, pos, c0, c1, o, h, lo, cl, v, e);
    return e + 1;
  };
  const lines = (b: Buffer, from: number, to: number): number => {
    let pos = from;
    if (line === 0) {
      const nl = b.indexOf(NEWLINE, pos);
      if (nl < 0 || nl >= to) return pos;
      header(b, pos, nl);
      pos = nl + 1;
    }
    for (;;) {
      const next = fast(b, pos, to);
      if (next >= 0) {
        pos = next;
        continue;
      }
      // The exact path: the line's commas and its end, then each cell parsed on its own.
      let n = 0;
      let i = pos;
      for (; i < to; i++) {
        const c = b[i] as number;
        if (c === NEWLINE) break;
        if (c === COMMA) {
          if (n < 6) commas[n] = i;
          n++;
        }
      }
      if (i >= to) return pos;
      row(b, pos, i, n);
      pos = i + 1;
    }
  };
  const hash = options.sha256 === true ? createHash('sha256') : undefined;
  const tail = forEachChunk(file, lines, size, hash);
  return {
    series: cols.series(symbol),
    hadTornTail: tail > 0,
    bytes: size - tail,
    ...(hash === undefined ? {} : { hasher: hash.copy(), sha256: hash.digest('hex') }),
  };
}

/**
 * Calls `onLines(bytes, start, end)` on the bytes of `file` read so far, which handles the
 * complete lines in [start, end) and returns where the incomplete rest begins; reads CHUNK bytes
 * at a time (one read for a file smaller than that: a run reads many small daily files, and an
 * 8 MiB buffer each is external memory that triggers collections); returns the length of the
 * piece without a newline the file ends in, if any (a torn append: ignored here, cut by the next
 * append). Reads the first `size` bytes only; every byte read goes through `hash`.
 */
function forEachChunk(
  file: string,
  onLines: (b: Buffer, start: number, end: number) => number,
  size: number,
  hash?: Hash,
): number {
  const fd = openSync(file, 'r');
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size + 1)));
  let filled = 0;
  let left = size;
  try {
    for (;;) {
      const n = readSync(fd, buf, filled, Math.min(buf.length - filled, left), null);
      left -= n;
      hash?.update(buf.subarray(filled, filled + n));
      filled += n;
      const pos = onLines(buf, 0, filled);
      if (n === 0) return filled - pos;
      // Keep the incomplete last line for the next read; grow when one line fills the buffer.
      if (pos === 0 && filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      } else {
        buf.copyWithin(0, pos, filled);
        filled -= pos;
      }
    }
  } finally {
    closeSync(fd);
  }
}

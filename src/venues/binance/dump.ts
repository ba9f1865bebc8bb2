/**
 * Binance public kline dumps (data.binance.vision): monthly `BTCUSDT-1d-2024-01.csv` and daily
 * `ETHUSDT-1h-2024-01-15.csv` files, shipped zipped; this reads the extracted CSV. Rows have the
 * 12 positional columns of `/api/v3/klines`, usually without a header (newer files may have one).
 * SPOT dumps from 2025-01-01 on stamp open/close times in MICROseconds instead of milliseconds;
 * each row's unit is told apart by magnitude.
 * @see https://github.com/binance/binance-public-data (README: "timestamps for SPOT Data from
 *   January 1st 2025 onwards will be in microseconds"; issues #386, #387)
 */
import type { Bar } from '../../core/bar.js';
import { parseDayNumber } from '../../core/dates.js';
import { TIMEFRAME_MS, type Timeframe } from '../../core/enums.js';
import { DataError } from '../../core/errors.js';
import { barFromKline, klineProblem } from './mapper.js';
import { BINANCE_DECIMAL, BINANCE_KLINE_FIELDS, type BinanceKline } from './schemas.js';

/**
 * Epoch times at or above this are microseconds: 1e14 ms is the year 5138, while 1e14 µs is
 * 1973-03-03, so no real kline time is ambiguous.
 */
export const MICROSECOND_THRESHOLD = 1e14;

export interface DumpName {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** `YYYY-MM` for a monthly file, `YYYY-MM-DD` for a daily one. */
  readonly period: string;
}

export interface DumpRejection {
  /** 1-based line number in the file (a header line counts as row 1). */
  readonly row: number;
  readonly reason: string;
  readonly line: string;
}

export interface DumpParse {
  readonly bars: Bar[];
  readonly rejected: DumpRejection[];
}

export interface DumpOptions {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The dump's file name; when it follows Binance's naming, rows outside its period are rejected. */
  readonly file?: string;
}

const DUMP_NAME = /^([A-Z0-9]+)-(1d|1h|15m|5m|1m)-(\d{4}-\d{2}(?:-\d{2})?)\.(?:csv|zip)$/;
const INTEGER = /^\d+$/;

/** Symbol, timeframe and period of a dump file name (folders are ignored); undefined otherwise. */
export function inferDumpName(fileName: string): DumpName | undefined {
  const base = fileName.split(/[\\/]/).at(-1) ?? '';
  const m = DUMP_NAME.exec(base);
  if (m === null) return undefined;
  const period = m[3] as string;
  if (parseDayNumber(period.length === 7 ? `${period}-01` : period) === undefined) return undefined;
  return { symbol: m[1] as string, timeframe: m[2] as Timeframe, period };
}

/** Epoch ms from a dump time cell in ms or µs; undefined when not an integer. */
export function dumpTimeToMs(cell: string): number | undefined {
  if (!INTEGER.test(cell)) return undefined;
  const n = Number(cell);
  if (!Number.isSafeInteger(n)) return undefined;
  return n >= MICROSECOND_THRESHOLD ? Math.floor(n / 1000) : n;
}

/**
 * Bars of one extracted dump CSV. Every bad row is rejected with its line number and reason;
 * good rows are kept. Rows must be in strictly increasing time on the timeframe's grid.
 */
export function parseBinanceKlineCsv(text: string, options: DumpOptions): DumpParse {
  const { symbol, timeframe } = options;
  const window = options.file === undefined ? undefined : periodWindow(options);
  const bars: Bar[] = [];
  const rejected: DumpRejection[] = [];
  const lines = text.split(/\r?\n/);
  let prevOpen = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (i === 0 && isHeader(cells)) continue;
    const parsed = parseRow(cells, timeframe);
    if (typeof parsed === 'string') {
      rejected.push({ row: i + 1, reason: parsed, line });
      continue;
    }
    let reason: string | undefined;
    if (parsed.openTime <= prevOpen) reason = `open time ${iso(parsed.openTime)} is not after the previous row's`;
    else if (window !== undefined && (parsed.openTime < window.from || parsed.openTime >= window.to)) {
      reason = `open time ${iso(parsed.openTime)} is outside the file's period ${window.period}`;
    } else reason = klineProblem(parsed);
    if (reason !== undefined) {
      rejected.push({ row: i + 1, reason, line });
      continue;
    }
    prevOpen = parsed.openTime;
    bars.push(barFromKline(parsed, symbol, timeframe));
  }
  return { bars, rejected };
}

/** A header row: the first cell is a column name such as `open_time`, not a number. */
function isHeader(cells: readonly string[]): boolean {
  return /^open[ _]?time$/i.test(cells[0] ?? '');
}

function parseRow(cells: readonly string[], timeframe: Timeframe): BinanceKline | string {
  const step = TIMEFRAME_MS[timeframe];
  const n = BINANCE_KLINE_FIELDS.length;
  if (cells.length !== n) return `expected ${n} columns, got ${cells.length}`;
  const openTime = dumpTimeToMs(cells[0] as string);
  if (openTime === undefined) return `openTime "${cells[0]}" is not an integer epoch time`;
  const closeTime = dumpTimeToMs(cells[6] as string);
  if (closeTime === undefined) return `closeTime "${cells[6]}" is not an integer epoch time`;
  if (openTime % step !== 0) return `open time ${iso(openTime)} is not the start of a ${timeframe} kline`;
  if (closeTime <= openTime) return `closeTime ${iso(closeTime)} is not after openTime ${iso(openTime)}`;
  const num: number[] = [];
  for (const j of [1, 2, 3, 4, 5, 7, 9, 10]) {
    const cell = cells[j] as string;
    if (!BINANCE_DECIMAL.test(cell)) return `${BINANCE_KLINE_FIELDS[j]} "${cell}" is not a non-negative number`;
    num.push(Number(cell));
  }
  const trades = cells[8] as string;
  if (!INTEGER.test(trades)) return `trades "${trades}" is not a non-negative integer`;
  const [open, high, low, close, volume, quoteVolume, takerBuyBase, takerBuyQuote] = num as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    openTime,
    open,
    high,
    low,
    close,
    volume,
    closeTime,
    quoteVolume,
    trades: Number(trades),
    takerBuyBase,
    takerBuyQuote,
  };
}

/** [from, to) of the period a dump file's name declares; a DataError if it names another series. */
function periodWindow(
  options: DumpOptions,
): { readonly from: number; readonly to: number; readonly period: string } | undefined {
  const file = options.file as string;
  const name = inferDumpName(file);
  if (name === undefined) return undefined;
  if (name.timeframe !== options.timeframe || name.symbol !== options.symbol.replace(/[/\-_]/g, '').toUpperCase()) {
    throw new DataError(
      'DATA_INVALID',
      `dump ${file} holds ${name.symbol} ${name.timeframe} klines, not ${options.symbol} ${options.timeframe}`,
      {
        hint: `import it as --symbol ${name.symbol} --timeframe ${name.timeframe}, or pick the matching file`,
        context: { file },
      },
    );
  }
  const [y, m, d] = name.period.split('-').map(Number) as [number, number, number | undefined];
  const from = d === undefined ? Date.UTC(y, m - 1, 1) : Date.UTC(y, m - 1, d);
  const to = d === undefined ? Date.UTC(y, m, 1) : from + 86_400_000;
  return { from, to, period: name.period };
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

/**
 * Byte-level cell parsers for canonical CSV rows (hot path of readCsvBars): no string per cell
 * unless a cell is unusual, in which case the parse falls back to the exact string path.
 */
import type { Timeframe } from '../core/enums.js';
import { isDaily } from './schema.js';

/** 10^k for k = 0..22: exactly representable doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const DIGIT_0 = 0x30;
const DOT = 0x2e;
const MINUS = 0x2d;
const COLON = 0x3a;

/**
 * Parses bytes [s, e) as `Number(text)` does. Plain decimals of at most 15 digits take the fast
 * path: the digits m are an exact integer (< 2^53) and 10^k is exact, so the one IEEE division
 * m / 10^k is correctly rounded, i.e. the same double Number() returns (Clinger's fast path).
 * Anything else (exponents, 16+ digits, spaces, signs other than a leading '-') uses Number().
 * Empty input returns NaN (Number('') would be 0).
 * @see W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990.
 */
export function parseDecimal(b: Buffer, s: number, e: number): number {
  if (s >= e) return NaN;
  const x = plain.read(b, s, e);
  return plain.end === e ? x : Number(b.toString('latin1', s, e));
}

const MS_PER_DAY = 86_400_000;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month m (1-12) of year y, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  return m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : (MONTH_DAYS[m - 1] as number);
}

/** Days since 1970-01-01 of a valid date (H. Hinnant's days_from_civil; the inverse of civilFromDays). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Plain decimals read straight from bytes (Clinger's fast path, see parseDecimal). `scan` is
 * parseDecimal fused with the search for the cell's end: it reads a plain decimal from s up to
 * the byte `stop` (a comma or a newline, before `to`) in one pass, the same value parseDecimal
 * gives for those bytes, and sets `end` to the stop byte's index. For anything else (no digits,
 * more than 15, another byte before the stop, no stop before `to`) it sets `end` to -1 and
 * returns NaN: the caller takes the exact path for that line.
 */
export class DecimalScanner {
  end = -1;

  scan(b: Buffer, s: number, to: number, stop: number): number {
    const x = this.read(b, s, to);
    if (this.end < 0 || this.end >= to || b[this.end] !== stop) {
      this.end = -1;
      return NaN;
    }
    return x;
  }

  /**
   * The plain decimal (an optional leading '-', digits, at most one '.') from s, read up to the
   * first other byte or `to`, where `end` is set; NaN and `end` -1 without a digit or past 15.
   */
  read(b: Buffer, s: number, to: number): number {
    let i = s;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let m = 0;
    let digits = 0;
    let dot = -1;
    for (; i < to; i++) {
      const c = b[i] as number;
      const d = c - DIGIT_0;
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
        digits++;
      } else if (c === DOT && dot < 0) {
        dot = i;
      } else break;
    }
    if (digits === 0 || digits > 15) {
      this.end = -1;
      return NaN;
    }
    this.end = i;
    const x = dot < 0 ? m : m / (POW10[i - dot - 1] as number);
    return negative ? -x : x;
  }
}

/** parseDecimal's reader (one per module: parsing is synchronous). */
const plain = new DecimalScanner();

/** Two ASCII digits at i, or NaN. */
function two(b: Buffer, i: number): number {
  const hi = (b[i] as number) - DIGIT_0;
  const lo = (b[i + 1] as number) - DIGIT_0;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : NaN;
}

/**
 * Parser of canonical time cells straight from bytes: `YYYY-MM-DD` (daily) or
 * `YYYY-MM-DDTHH:MM:SSZ` (intraday), caching the day of the last date seen. Other intraday forms
 * (milliseconds, no seconds) go through Date.parse and must end in Z. Returns NaN when invalid.
 */
export class TimeCellParser {
  readonly #daily: boolean;
  #lastKey = -1;
  #lastDay = NaN;

  constructor(tf: Timeframe) {
    this.#daily = isDaily(tf);
  }

  parse(b: Buffer, s: number, e: number): number {
    if (this.#daily) return e - s === 10 ? this.#day(b, s) : NaN;
    if (e - s !== 20 || b[s + 10] !== 0x54 || b[s + 19] !== 0x5a || b[s + 13] !== COLON || b[s + 16] !== COLON) {
      const cell = b.toString('latin1', s, e);
      const ms = Date.parse(cell);
      return Number.isNaN(ms) || !cell.endsWith('Z') ? NaN : ms;
    }
    const h = two(b, s + 11);
    const min = two(b, s + 14);
    const sec = two(b, s + 17);
    if (!(h < 24 && min < 60 && sec < 60)) return NaN;
    return this.#day(b, s) + h * 3_600_000 + min * 60_000 + sec * 1000;
  }

  /**
   * Epoch ms of the `YYYY-MM-DD` at s, or NaN when it is not a real date. Every row of a daily
   * file is a new date, so the day number is computed by arithmetic (H. Hinnant's
   * days_from_civil) rather than through a Date per row; years below 100 stay invalid, as
   * Date.UTC reads them as 19xx.
   */
  #day(b: Buffer, s: number): number {
    if (b[s + 4] !== MINUS || b[s + 7] !== MINUS) return NaN;
    const y = two(b, s) * 100 + two(b, s + 2);
    const m = two(b, s + 5);
    const d = two(b, s + 8);
    const key = y * 10_000 + m * 100 + d;
    if (Number.isNaN(key)) return NaN;
    if (key !== this.#lastKey) {
      this.#lastDay =
        y >= 100 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m) ? daysFromCivil(y, m, d) * MS_PER_DAY : NaN;
      this.#lastKey = key;
    }
    return this.#lastDay;
  }
}

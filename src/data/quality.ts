import { BarSeries, type Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import type { TradingCalendar } from '../calendar/types.js';
import { QualityGate, type CandidateBar } from './candidates.js';
import { grow, newColumns } from './bar-columns.js';
import { findGaps, findOutliers, type Outlier, type OutlierOptions } from './quality-series.js';
import { isDaily, tsToDate } from './schema.js';

export type { Outlier } from './quality-series.js';

export interface Rejection {
  readonly row: number;
  readonly gate: QualityGate;
  readonly reason: string;
  readonly line: string;
  /** The source column at fault, when one is. */
  readonly column?: string;
}

/** Values no market prints: beyond them a row is quarantined (config `data.quality`). */
export interface QualityLimits {
  /** Highest price accepted (`data.quality.max_price`). */
  readonly maxPrice: number;
  /** Highest volume accepted (`data.quality.max_volume`). */
  readonly maxVolume: number;
  /** Largest factor between a close and the previous kept close (`data.quality.max_jump`). */
  readonly maxJump: number;
}

/**
 * 1e9 leaves room for prices in currencies of small units (BTC in KRW is ~1.4e8) and catches
 * sentinels such as 2^31-1 and 1e308; 1e18 above any real volume (a meme coin's daily volume is
 * ~1e14 tokens) catches 2^64-1; no listed price moves 1000-fold between two bars.
 */
export const DEFAULT_LIMITS: QualityLimits = { maxPrice: 1e9, maxVolume: 1e18, maxJump: 1000 };

type Field = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';

export interface QualityOptions extends OutlierOptions {
  readonly limits?: QualityLimits;
  /** Names of the source columns, for the rejections (default the canonical names). */
  readonly columns?: Partial<Record<Field, string>>;
  /** The rows come newest first: their order is checked that way, and the kept bars reversed. */
  readonly descending?: boolean;
  /** Bars starting after this instant are rejected (imports pass now + 1 day; generated data may run ahead). */
  readonly notAfter?: number;
  /** Called with every rejection, in input order (e.g. to stream them to the quarantine). */
  readonly onReject?: (r: Rejection) => void;
  /** Rejections kept in the result (all of them reach onReject); default all. */
  readonly keepRejections?: number;
  /** Expected number of good rows, to size the columns once. */
  readonly expectedRows?: number;
}

/** The outcome of the gates over a source: the good bars as columns and what was wrong. */
export interface QualityReport {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The good bars, oldest first. */
  readonly series: BarSeries;
  /** Source row of each good bar. */
  readonly rows: Float64Array;
  /** Rejected rows in input order (the first `keepRejections` of them). */
  readonly rejected: Rejection[];
  readonly rejectedCount: number;
  readonly rejectedByGate: Partial<Record<QualityGate, number>>;
  /** Sessions between the first and last good bar with no bar (for intraday: session days with no bar). */
  readonly gaps: string[];
  /** Sessions the range should hold, and the share present (0..1; 0 when no bar was kept). */
  readonly expectedSessions: number;
  readonly coverage: number;
  readonly outliers: Outlier[];
  /** Gap checks skipped for dates outside the calendar's range. */
  readonly notes: string[];
}

/** checkQuality's report, with the good bars also as objects. */
export interface QualityResult extends QualityReport {
  readonly good: Bar[];
}

/** Gate failed, reason and source column (if one is at fault). */
type Verdict = [QualityGate, string, string | undefined];
const fmtNum = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * The quality gates of seed 003, row by row as the rows stream in: parse problems (schema, empty,
 * NaN), prices > 0, volume >= 0, values within the limits, OHLC consistency, strictly increasing
 * time (duplicates and out-of-order rows), no future bar, bars on sessions, and no absurd jump from
 * the previous kept close; then, on the rows kept, gaps against the calendar and outliers (flagged,
 * kept). A row fails at its first failing gate; good rows are never dropped. Memory: the good
 * bars as typed columns (~56 bytes a bar) and the kept rejections.
 */
export class QualityChecker {
  readonly #symbol: string;
  readonly #tf: Timeframe;
  readonly #calendar: TradingCalendar | undefined;
  readonly #o: QualityOptions;
  readonly #limits: QualityLimits;
  readonly #col: Record<Field, string>;
  readonly #dir: 1 | -1;
  readonly #notAfter: number;
  #cols = newColumns(0);
  #n = 0;
  readonly #rejected: Rejection[] = [];
  #rejectedCount = 0;
  readonly #byGate: Partial<Record<QualityGate, number>> = {};

  constructor(symbol: string, tf: Timeframe, calendar: TradingCalendar | undefined, options: QualityOptions = {}) {
    this.#symbol = symbol;
    this.#tf = tf;
    this.#calendar = calendar;
    this.#o = options;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#col = {
      time: isDaily(tf) ? 'date' : 'timestamp',
      open: 'open',
      high: 'high',
      low: 'low',
      close: 'close',
      volume: 'volume',
      ...options.columns,
    };
    this.#dir = options.descending === true ? -1 : 1;
    this.#notAfter = options.notAfter ?? Infinity;
    this.#cols = newColumns(Math.max(1024, options.expectedRows ?? 0));
  }

  /** Runs one row through the gates; true when it was kept. */
  push(c: CandidateBar): boolean {
    const why = c.problems.length > 0 ? this.#problem(c) : this.#judge(c);
    if (why === undefined) {
      this.#keep(c);
      return true;
    }
    const r: Rejection = {
      row: c.row,
      gate: why[0],
      reason: why[1],
      line: c.line,
      ...(why[2] === undefined ? {} : { column: why[2] }),
    };
    this.#rejectedCount++;
    this.#byGate[r.gate] = (this.#byGate[r.gate] ?? 0) + 1;
    if (this.#rejected.length < (this.#o.keepRejections ?? Infinity)) this.#rejected.push(r);
    this.#o.onReject?.(r);
    return false;
  }

  #problem(c: CandidateBar): Verdict {
    const first = c.problems[0] as CandidateBar['problems'][number];
    return [first[0], c.problems.map((p) => p[1]).join('; '), first[2]];
  }

  #judge(c: CandidateBar): Verdict | undefined {
    const { open, high, low, close, volume, ts } = c;
    const col = this.#col;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      const bad = (['open', 'high', 'low', 'close'] as const).find((f) => !(c[f] > 0)) as Field;
      return [
        QualityGate.Price,
        `prices must be > 0 (open ${open}, high ${high}, low ${low}, close ${close})`,
        col[bad],
      ];
    }
    if (!(volume >= 0)) return [QualityGate.Volume, `volume ${volume} is negative`, col.volume];
    const { maxPrice, maxVolume, maxJump } = this.#limits;
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      if (c[f] > maxPrice)
        return [QualityGate.Range, `${f} ${c[f]} is above data.quality.max_price (${maxPrice})`, col[f]];
    }
    if (volume > maxVolume) {
      return [QualityGate.Range, `volume ${volume} is above data.quality.max_volume (${maxVolume})`, col.volume];
    }
    if (high < Math.max(open, close) || low > Math.min(open, close) || high < low) {
      return [
        QualityGate.Ohlc,
        `inconsistent OHLC: high ${high} must be >= open, close and low; low ${low} must be <= open and close`,
        high < Math.max(open, close) || high < low ? col.high : col.low,
      ];
    }
    const daily = isDaily(this.#tf);
    const n = this.#n;
    const cols = this.#cols;
    if (n > 0) {
      const prevTs = cols.ts[n - 1] as number;
      if ((ts - prevTs) * this.#dir <= 0) {
        const at = this.#find(ts);
        if (at >= 0) {
          return [QualityGate.Duplicate, `duplicate time ${fmt(ts, daily)} (first at row ${cols.row[at]})`, col.time];
        }
        const word = this.#dir === 1 ? 'before' : 'after';
        const tail = this.#dir === 1 ? '' : ' (the file runs newest first)';
        return [
          QualityGate.Order,
          `time ${fmt(ts, daily)} is ${word} the previous row's ${fmt(prevTs, daily)}${tail}`,
          col.time,
        ];
      }
    }
    if (ts > this.#notAfter) {
      return [QualityGate.Future, `${fmt(ts, daily)} is in the future (after ${fmt(this.#notAfter, daily)})`, col.time];
    }
    const cal = this.#calendar;
    if (cal !== undefined && daily) {
      const date = tsToDate(ts);
      if (date >= cal.firstDate && date <= cal.lastDate && !cal.isTradingDay(date)) {
        const why = cal.closures(date, date)[0]?.name ?? 'weekend';
        return [QualityGate.Calendar, `${date} is not a ${cal.name} session (${why})`, col.time];
      }
    }
    if (n > 0) {
      const prev = cols.close[n - 1] as number;
      const ratio = close / prev;
      if (ratio > maxJump || ratio < 1 / maxJump) {
        const size = ratio > 1 ? `${fmtNum(ratio)} times` : `1/${fmtNum(1 / ratio)} of`;
        return [
          QualityGate.Jump,
          `close ${close} is ${size} the previous close ${prev} (row ${cols.row[n - 1]}); data.quality.max_jump is ${maxJump}`,
          col.close,
        ];
      }
    }
    return undefined;
  }

  /** Index of a kept bar at `ts` (kept times are monotonic in the file's direction), or -1. */
  #find(ts: number): number {
    const t = this.#cols.ts;
    let lo = 0;
    let hi = this.#n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = ((t[mid] as number) - ts) * this.#dir;
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #keep(c: CandidateBar): void {
    if (this.#n === this.#cols.ts.length) this.#cols = grow(this.#cols, this.#n, Math.ceil(this.#n * 1.5));
    const i = this.#n++;
    const k = this.#cols;
    k.ts[i] = c.ts;
    k.open[i] = c.open;
    k.high[i] = c.high;
    k.low[i] = c.low;
    k.close[i] = c.close;
    k.volume[i] = c.volume;
    k.row[i] = c.row;
  }

  /** The report: good bars oldest first, gaps, coverage and outliers. */
  finish(): QualityReport {
    const n = this.#n;
    // Share the arrays when at most a quarter of them is spare, else copy them down to size.
    const k = n * 4 >= this.#cols.ts.length * 3 ? this.#cols : grow(this.#cols, n, n);
    const cut = (a: Float64Array): Float64Array => {
      const s = a.subarray(0, n);
      return this.#dir === -1 ? s.reverse() : s;
    };
    const cols = {
      ts: cut(k.ts),
      open: cut(k.open),
      high: cut(k.high),
      low: cut(k.low),
      close: cut(k.close),
      volume: cut(k.volume),
    };
    const rows = cut(k.row);
    const notes: string[] = [];
    const { gaps, expected } = findGaps(cols.ts, isDaily(this.#tf), this.#calendar, notes);
    return {
      symbol: this.#symbol,
      timeframe: this.#tf,
      series: new BarSeries(this.#symbol, cols),
      rows,
      rejected: this.#rejected,
      rejectedCount: this.#rejectedCount,
      rejectedByGate: this.#byGate,
      gaps,
      expectedSessions: expected,
      coverage: expected === 0 ? (n === 0 ? 0 : 1) : (expected - gaps.length) / expected,
      outliers: findOutliers(cols.ts, cols.close, rows, this.#o),
      notes,
    };
  }
}

function fmt(ts: number, daily: boolean): string {
  return daily ? tsToDate(ts) : new Date(ts).toISOString();
}

/** The limits from the config's `data.quality` section. */
export function qualityLimits(q: { max_price: number; max_volume: number; max_jump: number }): QualityLimits {
  return { maxPrice: q.max_price, maxVolume: q.max_volume, maxJump: q.max_jump };
}

/** Runs candidates through the gates at once (fetched pages, tests): checkQuality on an array. */
export function checkQuality(
  symbol: string,
  timeframe: Timeframe,
  candidates: readonly CandidateBar[],
  calendar: TradingCalendar | undefined,
  options: QualityOptions = {},
): QualityResult {
  const checker = new QualityChecker(symbol, timeframe, calendar, { expectedRows: candidates.length, ...options });
  for (const c of candidates) checker.push(c);
  const report = checker.finish();
  const good: Bar[] = [];
  for (let i = 0; i < report.series.length; i++) good.push(report.series.at(i));
  return { ...report, good };
}

/** A gate failed: any rejected row, any gap, or no bar at all. Outliers alone do not fail. */
export function hasFailures(r: QualityReport): boolean {
  return r.rejectedCount > 0 || r.gaps.length > 0 || r.series.length === 0;
}

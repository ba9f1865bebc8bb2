import type { Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import type { TradingCalendar } from '../calendar/types.js';
import { QualityGate, type CandidateBar } from './candidates.js';
import { isDaily, tsToDate } from './schema.js';

export interface Rejection {
  readonly row: number;
  readonly gate: QualityGate;
  readonly reason: string;
  readonly line: string;
}

export interface Outlier {
  readonly row: number;
  readonly ts: number;
  /** Close-to-close log return that tripped the gate. */
  readonly logReturn: number;
  readonly reason: string;
}

export interface QualityOptions {
  /** Flag |log return| above this many trailing standard deviations (past returns only). */
  readonly outlierSigmas?: number;
  /** ... and above this absolute log return. */
  readonly outlierMinMove?: number;
  /** Trailing returns used for the standard deviation. */
  readonly outlierWindow?: number;
}

export interface QualityResult {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly good: Bar[];
  readonly rejected: Rejection[];
  /** Sessions between the first and last good bar with no bar (for intraday: session days with no bar). */
  readonly gaps: string[];
  /** Sessions the range should hold, and the share present (0..1). */
  readonly expectedSessions: number;
  readonly coverage: number;
  readonly outliers: Outlier[];
  /** Gap checks skipped for dates outside the calendar's range. */
  readonly notes: string[];
}

/**
 * The quality gates of seed 003, in order: parse problems (schema, empty, NaN), prices > 0,
 * volume >= 0, OHLC consistency, strictly increasing time (duplicates and out-of-order rows),
 * bars on non-sessions; then, on the rows kept, gaps against the calendar and outliers
 * (flagged, kept). A row fails at its first failing gate; good rows are never dropped.
 */
export function checkQuality(
  symbol: string,
  timeframe: Timeframe,
  candidates: readonly CandidateBar[],
  calendar: TradingCalendar | undefined,
  options: QualityOptions = {},
): QualityResult {
  const good: Bar[] = [];
  const goodRows: number[] = [];
  const rejected: Rejection[] = [];
  const rowOfTs = new Map<number, number>();
  const notes: string[] = [];
  const daily = isDaily(timeframe);
  for (const c of candidates) {
    const reject = (gate: QualityGate, reason: string): void => {
      rejected.push({ row: c.row, gate, reason, line: c.line });
    };
    const first = c.problems[0];
    if (first !== undefined) {
      reject(first[0], c.problems.map((p) => p[1]).join('; '));
      continue;
    }
    const { open, high, low, close, volume, ts } = c;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      reject(QualityGate.Price, `prices must be > 0 (open ${open}, high ${high}, low ${low}, close ${close})`);
      continue;
    }
    if (!(volume >= 0)) {
      reject(QualityGate.Volume, `volume ${volume} is negative`);
      continue;
    }
    if (high < Math.max(open, close) || low > Math.min(open, close) || high < low) {
      reject(
        QualityGate.Ohlc,
        `inconsistent OHLC: high ${high} must be >= open, close and low; low ${low} must be <= open and close`,
      );
      continue;
    }
    const prevTs = good.length === 0 ? -Infinity : (good[good.length - 1] as Bar).ts;
    const seenRow = rowOfTs.get(ts);
    if (seenRow !== undefined) {
      reject(QualityGate.Duplicate, `duplicate time ${fmt(ts, daily)} (first at row ${seenRow})`);
      continue;
    }
    if (ts < prevTs) {
      reject(QualityGate.Order, `time ${fmt(ts, daily)} is before the previous row's ${fmt(prevTs, daily)}`);
      continue;
    }
    if (calendar !== undefined && daily && inRange(calendar, ts)) {
      const date = tsToDate(ts);
      if (!calendar.isTradingDay(date)) {
        const why = calendar.closures(date, date)[0]?.name ?? 'weekend';
        reject(QualityGate.Calendar, `${date} is not a ${calendar.name} session (${why})`);
        continue;
      }
    }
    rowOfTs.set(ts, c.row);
    good.push({ symbol, ts, open, high, low, close, volume });
    goodRows.push(c.row);
  }
  const { gaps, expected } = findGaps(good, daily, calendar, notes);
  const present = expected - gaps.length;
  return {
    symbol,
    timeframe,
    good,
    rejected,
    gaps,
    expectedSessions: expected,
    coverage: expected === 0 ? 1 : present / expected,
    outliers: findOutliers(good, goodRows, options),
    notes,
  };
}

function fmt(ts: number, daily: boolean): string {
  return daily ? tsToDate(ts) : new Date(ts).toISOString();
}

function inRange(calendar: TradingCalendar, ts: number): boolean {
  const d = tsToDate(ts);
  return d >= calendar.firstDate && d <= calendar.lastDate;
}

function findGaps(
  good: readonly Bar[],
  daily: boolean,
  calendar: TradingCalendar | undefined,
  notes: string[],
): { gaps: string[]; expected: number } {
  if (calendar === undefined || good.length === 0) return { gaps: [], expected: 0 };
  // Intraday bars count toward the session day they fall in.
  const dates = new Set<string>();
  for (const b of good) {
    const d = daily ? tsToDate(b.ts) : calendar.sessionDate(b.ts);
    if (d !== undefined) dates.add(d);
  }
  let from = tsToDate((good[0] as Bar).ts);
  let to = tsToDate((good[good.length - 1] as Bar).ts);
  if (from < calendar.firstDate) {
    notes.push(`gap check starts at ${calendar.firstDate}, where the ${calendar.name} calendar begins`);
    from = calendar.firstDate;
  }
  if (to > calendar.lastDate) {
    notes.push(`gap check ends at ${calendar.lastDate}, where the ${calendar.name} calendar ends`);
    to = calendar.lastDate;
  }
  if (from > to) return { gaps: [], expected: 0 };
  const sessions = calendar.sessionDates(from, to);
  return { gaps: sessions.filter((s) => !dates.has(s)), expected: sessions.length };
}

/** Flags (never drops) bars whose close-to-close move is extreme against the trailing volatility. */
function findOutliers(good: readonly Bar[], rows: readonly number[], options: QualityOptions): Outlier[] {
  const k = options.outlierSigmas ?? 8;
  const minMove = options.outlierMinMove ?? 0.1;
  const window = options.outlierWindow ?? 60;
  const out: Outlier[] = [];
  const rets: number[] = [];
  let sum = 0;
  let sumSq = 0;
  for (let i = 1; i < good.length; i++) {
    const r = Math.log((good[i] as Bar).close / (good[i - 1] as Bar).close);
    const n = rets.length;
    if (n >= 20) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
      if (Math.abs(r) > minMove && Math.abs(r - mean) > k * sd) {
        out.push({
          row: rows[i] as number,
          ts: (good[i] as Bar).ts,
          logReturn: r,
          reason: `close-to-close move of ${(100 * (Math.exp(r) - 1)).toFixed(1)}% is ${(Math.abs(r - mean) / sd).toFixed(1)} trailing standard deviations`,
        });
      }
    }
    rets.push(r);
    sum += r;
    sumSq += r * r;
    if (rets.length > window) {
      const old = rets.shift() as number;
      sum -= old;
      sumSq -= old * old;
    }
  }
  return out;
}

/** A gate failed: any rejected row or any gap. Outliers alone do not fail. */
export function hasFailures(r: QualityResult): boolean {
  return r.rejected.length > 0 || r.gaps.length > 0;
}

import type { TradingCalendar } from '../calendar/types.js';
import { tsToDate } from './schema.js';

/** A close-to-close move flagged (never dropped) by the outlier check. */
export interface Outlier {
  readonly row: number;
  readonly ts: number;
  /** Close-to-close log return that tripped the gate. */
  readonly logReturn: number;
  readonly reason: string;
}

export interface OutlierOptions {
  /** Flag |log return| above this many trailing standard deviations (past returns only). */
  readonly outlierSigmas?: number;
  /** ... and above this absolute log return. */
  readonly outlierMinMove?: number;
  /** Trailing returns used for the standard deviation. */
  readonly outlierWindow?: number;
}

/**
 * Sessions of the calendar between the first and the last bar without a bar (intraday bars count
 * toward the session day they fall in), and how many sessions the range holds. `ts` is ascending.
 */
export function findGaps(
  ts: Float64Array,
  daily: boolean,
  calendar: TradingCalendar | undefined,
  notes: string[],
): { gaps: string[]; expected: number } {
  if (calendar === undefined || ts.length === 0) return { gaps: [], expected: 0 };
  const dates = new Set<string>();
  let last: string | undefined;
  for (let i = 0; i < ts.length; i++) {
    const d = daily ? tsToDate(ts[i] as number) : calendar.sessionDate(ts[i] as number);
    if (d !== undefined && d !== last) dates.add(d);
    last = d;
  }
  let from = tsToDate(ts[0] as number);
  let to = tsToDate(ts[ts.length - 1] as number);
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
export function findOutliers(
  ts: Float64Array,
  close: Float64Array,
  rows: Float64Array,
  options: OutlierOptions,
): Outlier[] {
  const k = options.outlierSigmas ?? 8;
  const minMove = options.outlierMinMove ?? 0.1;
  const window = options.outlierWindow ?? 60;
  const out: Outlier[] = [];
  const rets: number[] = [];
  let sum = 0;
  let sumSq = 0;
  for (let i = 1; i < close.length; i++) {
    const r = Math.log((close[i] as number) / (close[i - 1] as number));
    const n = rets.length;
    if (n >= 20) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
      if (Math.abs(r) > minMove && Math.abs(r - mean) > k * sd) {
        out.push({
          row: rows[i] as number,
          ts: ts[i] as number,
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

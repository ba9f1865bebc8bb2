/**
 * The end of a sweep, cut into pieces a worker thread can take: returns.csv's rows (a few million
 * numbers to format for a large sweep). The pieces read the returns from shared memory, so the
 * workers that ran the trials format the file while the pool's owner computes the PBO.
 */
import type { Timeframe } from '../../core/enums.js';
import { formatNumber, formatTime } from '../../data/schema.js';

export interface ReturnsRowsJob {
  /** Every successful trial's per-bar returns, `bars` per row (store row order; shared memory). */
  readonly matrix: Float64Array;
  readonly bars: number;
  /** The store rows of the file's columns, left to right. */
  readonly rows: readonly number[];
  /** The bars' timestamps; absent: the bar number. */
  readonly ts?: Float64Array;
  readonly timeframe: Timeframe;
  /** Bars [from, to) of the file. */
  readonly from: number;
  readonly to: number;
}

/** returns.csv's lines for bars [from, to), each ending in a newline. */
export function returnsCsvRows(job: ReturnsRowsJob): string {
  const { matrix, bars, rows, ts, timeframe } = job;
  const out: string[] = [];
  const cells: string[] = new Array<string>(rows.length + 1);
  for (let t = job.from; t < job.to; t++) {
    cells[0] = ts === undefined ? String(t) : formatTime(timeframe, ts[t] as number);
    for (let c = 0; c < rows.length; c++) cells[c + 1] = formatNumber(matrix[(rows[c] as number) * bars + t] as number);
    out.push(cells.join(','));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/**
 * A sweep's bars in shared memory: the pool's owner copies each series' columns once into a
 * SharedArrayBuffer, and every worker thread builds its series over the same memory (a
 * structured clone of a SharedArrayBuffer passes a reference, not the bytes). No worker re-reads
 * or re-parses the data files, and N workers hold one copy of the bars, not N.
 */
import { createHash } from 'node:crypto';
import { BarSeries } from '../../core/bar.js';
import type { PositionEvent } from '../../engine/engine-options.js';
import type { RunData } from '../run-data.js';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** One series: its six columns back to back in one shared buffer, `length` values each. */
export interface SharedSeries {
  readonly symbol: string;
  readonly length: number;
  readonly buffer: SharedArrayBuffer;
}

export interface SharedBars {
  /** What the bars are (see `dataKey`): a worker keeps the series it built under it. */
  readonly key: string;
  readonly series: readonly SharedSeries[];
  readonly benchmark?: SharedSeries;
  /** Splits and dividends booked on positions under the run's `data.prices` (small: cloned). */
  readonly positionEvents: readonly PositionEvent[];
}

/**
 * The identity of a run's bars: the content hashes of its data files and its symbols (and
 * benchmark). Two runs over the same files share a worker's cached series; an edited file gets
 * another key. Bars that came from no file (none recorded) are hashed themselves.
 */
export function dataKey(data: Pick<RunData, 'dataFiles' | 'symbols' | 'series' | 'benchmark' | 'prices'>): string {
  const h = createHash('sha256');
  // The same files give other series under another `data.prices` (adjusted or not).
  h.update(JSON.stringify([data.dataFiles, data.symbols, data.benchmark?.symbol ?? null, data.prices]));
  if (data.dataFiles.length === 0) {
    for (const s of [...data.series, ...(data.benchmark === undefined ? [] : [data.benchmark])])
      for (const c of COLUMNS) h.update(new Uint8Array(s[c].buffer, s[c].byteOffset, s[c].byteLength));
  }
  return h.digest('hex');
}

function share(s: BarSeries): SharedSeries {
  const n = s.ts.length;
  const buffer = new SharedArrayBuffer(COLUMNS.length * n * 8);
  COLUMNS.forEach((c, k) => new Float64Array(buffer, k * n * 8, n).set(s[c]));
  return { symbol: s.symbol, length: n, buffer };
}

function unshare(s: SharedSeries): BarSeries {
  const col = (k: number): Float64Array => new Float64Array(s.buffer, k * s.length * 8, s.length);
  return new BarSeries(s.symbol, {
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
  });
}

/** The run's series (and benchmark) copied once into shared memory. */
export function shareBars(data: Pick<RunData, 'series' | 'benchmark' | 'positionEvents'>, key: string): SharedBars {
  return {
    key,
    series: data.series.map(share),
    positionEvents: data.positionEvents,
    ...(data.benchmark === undefined ? {} : { benchmark: share(data.benchmark) }),
  };
}

/** Series over the shared memory (no copy). */
export function sharedSeries(bars: SharedBars): {
  series: BarSeries[];
  positionEvents: readonly PositionEvent[];
  benchmark?: BarSeries;
} {
  return {
    series: bars.series.map(unshare),
    positionEvents: bars.positionEvents,
    ...(bars.benchmark === undefined ? {} : { benchmark: unshare(bars.benchmark) }),
  };
}

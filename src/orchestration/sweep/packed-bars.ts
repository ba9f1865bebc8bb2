/**
 * A sweep's bars packed for its worker processes: the pool's owner copies each series' columns
 * once into one buffer per series, sent to each worker process once (process-pool.ts, `init`),
 * and the worker builds its series over that buffer. No worker re-reads or re-parses the data
 * files; each holds one copy of the bars (a few MB for a thousand symbol-years of daily bars).
 */
import { createHash } from 'node:crypto';
import { BarSeries } from '../../core/bar.js';
import type { PositionEvent } from '../../engine/engine-options.js';
import type { RunData } from '../run-data.js';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** One series: its six columns back to back in one buffer, `length` values each. */
export interface PackedSeries {
  readonly symbol: string;
  readonly length: number;
  readonly buffer: ArrayBuffer;
}

export interface PackedBars {
  /** What the bars are (see `dataKey`): a worker keeps the series it built under it. */
  readonly key: string;
  readonly series: readonly PackedSeries[];
  readonly benchmark?: PackedSeries;
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

function pack(s: BarSeries): PackedSeries {
  const n = s.ts.length;
  const buffer = new ArrayBuffer(COLUMNS.length * n * 8);
  COLUMNS.forEach((c, k) => new Float64Array(buffer, k * n * 8, n).set(s[c]));
  return { symbol: s.symbol, length: n, buffer };
}

function unpack(s: PackedSeries): BarSeries {
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

/** The run's series (and benchmark) copied once into a buffer each. */
export function packBars(data: Pick<RunData, 'series' | 'benchmark' | 'positionEvents'>, key: string): PackedBars {
  return {
    key,
    series: data.series.map(pack),
    positionEvents: data.positionEvents,
    ...(data.benchmark === undefined ? {} : { benchmark: pack(data.benchmark) }),
  };
}

/** Series over the packed buffers (no copy). */
export function unpackBars(bars: PackedBars): {
  series: BarSeries[];
  positionEvents: readonly PositionEvent[];
  benchmark?: BarSeries;
} {
  return {
    series: bars.series.map(unpack),
    positionEvents: bars.positionEvents,
    ...(bars.benchmark === undefined ? {} : { benchmark: unpack(bars.benchmark) }),
  };
}

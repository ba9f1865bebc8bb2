import { BarSeries } from '../core/bar.js';

/** The outcome of merging incoming bars into a stored dataset. */
export interface Merge {
  readonly merged: BarSeries;
  /** Rows of the stored dataset before the write. */
  readonly existing: number;
  readonly added: number;
  readonly replaced: number;
  readonly unchanged: number;
  /** Every new row comes after the stored ones and none is replaced: the file can be appended to. */
  readonly appendOnly: boolean;
  readonly firstReplacedTs: number | undefined;
  /** Range and count of the rows written (added or replaced). */
  readonly written: { readonly first: number; readonly last: number; readonly rows: number };
  readonly changedYears: ReadonlySet<number>;
  readonly replacedYears: ReadonlySet<number>;
}

/** UTC year of a time, remembering the last year's bounds (bars come in time order). */
function yearCounter(): (ts: number) => number {
  let from = Infinity;
  let to = -Infinity;
  let year = 0;
  return (ts) => {
    if (ts < from || ts >= to) {
      year = new Date(ts).getUTCFullYear();
      from = Date.UTC(year, 0, 1);
      to = Date.UTC(year + 1, 0, 1);
    }
    return year;
  };
}

/**
 * Existing rows merged with incoming ones (both ascending); incoming wins on conflicts. Works on
 * columns so that imports of millions of rows need no object per bar; when nothing is stored
 * the incoming series is the result as is.
 */
export function merge(existing: BarSeries | undefined, incoming: BarSeries): Merge {
  const e = existing?.length ?? 0;
  const n = incoming.length;
  const changedYears = new Set<number>();
  const replacedYears = new Set<number>();
  const yearOf = yearCounter();
  if (e === 0 || existing === undefined) {
    // One look-up per year: jump to the first bar of the next one.
    for (let i = 0; i < n;) {
      const year = yearOf(incoming.ts[i] as number);
      changedYears.add(year);
      i = incoming.indexAtOrBefore(Date.UTC(year + 1, 0, 1) - 1) + 1;
    }
    return {
      merged: incoming,
      existing: 0,
      added: n,
      replaced: 0,
      unchanged: 0,
      appendOnly: true,
      firstReplacedTs: undefined,
      written: { first: incoming.ts[0] as number, last: incoming.ts[n - 1] as number, rows: n },
      changedYears,
      replacedYears,
    };
  }
  const cap = e + n;
  const cols = {
    ts: new Float64Array(cap),
    open: new Float64Array(cap),
    high: new Float64Array(cap),
    low: new Float64Array(cap),
    close: new Float64Array(cap),
    volume: new Float64Array(cap),
  };
  const put = (k: number, s: BarSeries, i: number): void => {
    cols.ts[k] = s.ts[i] as number;
    cols.open[k] = s.open[i] as number;
    cols.high[k] = s.high[i] as number;
    cols.low[k] = s.low[i] as number;
    cols.close[k] = s.close[i] as number;
    cols.volume[k] = s.volume[i] as number;
  };
  let added = 0;
  let replaced = 0;
  let unchanged = 0;
  let firstReplacedTs: number | undefined;
  let first = Infinity;
  let last = -Infinity;
  let lastYear = NaN;
  const wrote = (ts: number): void => {
    if (ts < first) first = ts;
    if (ts > last) last = ts;
    const year = yearOf(ts);
    if (year !== lastYear) changedYears.add(year);
    lastYear = year;
  };
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < e || j < n) {
    const et = i < e ? (existing.ts[i] as number) : Infinity;
    const nt = j < n ? (incoming.ts[j] as number) : Infinity;
    if (et < nt) put(k++, existing, i++);
    else if (nt < et) {
      put(k++, incoming, j++);
      added++;
      wrote(nt);
    } else {
      const same =
        existing.open[i] === incoming.open[j] &&
        existing.high[i] === incoming.high[j] &&
        existing.low[i] === incoming.low[j] &&
        existing.close[i] === incoming.close[j] &&
        existing.volume[i] === incoming.volume[j];
      if (same) unchanged++;
      else {
        replaced++;
        firstReplacedTs ??= nt;
        replacedYears.add(yearOf(nt));
        wrote(nt);
      }
      put(k++, incoming, j++);
      i++;
    }
  }
  const trim = (a: Float64Array): Float64Array => a.subarray(0, k);
  const merged = new BarSeries(incoming.symbol, {
    ts: trim(cols.ts),
    open: trim(cols.open),
    high: trim(cols.high),
    low: trim(cols.low),
    close: trim(cols.close),
    volume: trim(cols.volume),
  });
  const lastStored = existing.ts[e - 1] as number;
  return {
    merged,
    existing: e,
    added,
    replaced,
    unchanged,
    appendOnly: replaced === 0 && (added === 0 || first > lastStored),
    firstReplacedTs,
    written: { first, last, rows: added + replaced },
    changedYears,
    replacedYears,
  };
}

/** Rows of `s` in one UTC year (the series is ascending). */
export function yearSlice(s: BarSeries, year: number): BarSeries {
  const from = s.indexAtOrBefore(Date.UTC(year, 0, 1) - 1) + 1;
  const to = s.indexAtOrBefore(Date.UTC(year + 1, 0, 1) - 1) + 1;
  return s.slice(from, to);
}

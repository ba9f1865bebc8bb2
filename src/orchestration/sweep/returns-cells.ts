/**
 * returns.csv built from each trial's cells, formatted where and when the trial ran: a column
 * per trial and a row per bar means the file can only be laid out once every trial is in, but
 * formatting its numbers (most of the cost: a few million shortest round-trip decimals for a
 * large sweep) need not wait. Each trial's returns are formatted as its outcome is made (in its
 * worker process), as ASCII bytes with each cell's length; at the end the cells are only copied
 * into place, row by row.
 */
import type { Timeframe } from '../../core/enums.js';
import { formatNumber, formatTime } from '../../data/schema.js';

/** One trial's returns as text: the cells back to back (ASCII) and each one's length. */
export interface ReturnCells {
  readonly text: Uint8Array;
  readonly lengths: Uint8Array;
}

/** The cells of one trial's per-bar returns. */
export function formatReturnCells(returns: Float64Array): ReturnCells {
  const cells = new Array<string>(returns.length);
  const lengths = new Uint8Array(returns.length);
  for (let t = 0; t < returns.length; t++) {
    const s = formatNumber(returns[t] as number);
    cells[t] = s;
    lengths[t] = s.length; // a double's shortest form is at most 24 characters
  }
  return { text: Buffer.from(cells.join(''), 'latin1'), lengths };
}

/**
 * returns.csv below its header: for each bar, its time (the bar number without timestamps), then
 * each column's cell, comma-separated, each line ending in a newline.
 */
export function returnsCsvFromCells(o: {
  readonly bars: number;
  readonly ts: Float64Array | undefined;
  readonly timeframe: Timeframe;
  /** The file's columns, left to right. */
  readonly columns: readonly ReturnCells[];
}): Buffer {
  const { bars, ts, columns } = o;
  const first = new Array<string>(bars);
  const at = new Float64Array(bars);
  let total = 0;
  for (let t = 0; t < bars; t++) {
    const s = ts === undefined ? String(t) : formatTime(o.timeframe, ts[t] as number);
    first[t] = s;
    at[t] = s.length + 1; // the newline
  }
  for (const c of columns) {
    if (c.lengths.length !== bars)
      throw new Error(`returns.csv: a column of ${c.lengths.length} cells, expected ${bars}`);
    for (let t = 0; t < bars; t++) at[t] = (at[t] as number) + 1 + (c.lengths[t] as number);
  }
  // Row starts, then each row's write position as its cells go in, column by column.
  for (let t = 0; t < bars; t++) {
    const len = at[t] as number;
    at[t] = total;
    total += len;
  }
  const out = Buffer.allocUnsafe(total);
  for (let t = 0; t < bars; t++) {
    const w = at[t] as number;
    at[t] = w + out.write(first[t] as string, w, 'latin1');
  }
  for (const c of columns) {
    const { text, lengths } = c;
    let p = 0;
    for (let t = 0; t < bars; t++) {
      let w = at[t] as number;
      out[w++] = 44; // ','
      const end = p + (lengths[t] as number);
      while (p < end) out[w++] = text[p++] as number;
      at[t] = w;
    }
  }
  for (let t = 0; t < bars; t++) out[at[t] as number] = 10; // '\n'
  return out;
}

/**
 * A session's bars.csv read back (session-files.ts writes it): every bar the strategy saw, live
 * or history (warm-up, a gap's backfill), as series per symbol, so the session can be replayed
 * through the backtester on exactly what it traded on (a drift report). A damaged row is named by
 * file and line: a replay on bars that are not the session's would report drift that is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BarSeries, type Bar } from '../core/bar.js';
import { DataError } from '../core/errors.js';
import { parseNum, parseTs } from '../backtest/csv.js';
import { BARS_CSV_COLUMNS } from './session-files.js';

export interface SessionBars {
  readonly series: readonly BarSeries[];
  readonly live: number;
  readonly history: number;
  /** The last warm-up bar's time (history delivered before the first live bar); -Infinity without. */
  readonly warmupThrough: number;
}

const ROW_EXAMPLE = 'AAPL,2026-12-07T14:31:00Z,190.1,190.4,190,190.2,1200,2026-12-07T14:32:00.120Z,live';

function damaged(file: string, line: number, what: string): DataError {
  return new DataError('DATA_INVALID', `bars.csv row at line ${line}: ${what}`, {
    hint: `the session wrote this file; restore it, or fix the row to ${BARS_CSV_COLUMNS.join(',')} (e.g. ${ROW_EXAMPLE})`,
    context: { file, row: line },
  });
}

/**
 * The bars of a session's bars.csv, each symbol's sorted by time (identical repeats dropped).
 * A minute delivered again as history with other prices is a resumed session's warm-up fetching
 * a minute the venue revised after streaming it: the first delivery is what the session traded
 * on, and is kept. Any other pair of different bars of one minute is damage: an error.
 */
export function readSessionBars(file: string): SessionBars {
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `${file} does not exist: the session's bars cannot be replayed`, {
      hint: 'a paper or live session writes bars.csv as it goes; restore the file from a backup of the session folder',
      context: { file },
    });
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0]?.replace(/\r$/, '');
  if (header !== BARS_CSV_COLUMNS.join(',')) {
    throw damaged(file, 1, `header "${header ?? ''}" is not "${BARS_CSV_COLUMNS.join(',')}"`);
  }
  const bySymbol = new Map<string, (Omit<Bar, 'symbol'> & { readonly isHistory: boolean })[]>();
  let live = 0;
  let history = 0;
  let warmupThrough = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const cells = lines[i]!.replace(/\r$/, '').split(',');
    if (cells.length !== BARS_CSV_COLUMNS.length) {
      throw damaged(file, line, `${cells.length} cells, expected ${BARS_CSV_COLUMNS.length}`);
    }
    const [symbol, time, ...rest] = cells as [string, string, ...string[]];
    if (symbol === '') throw damaged(file, line, 'the symbol is empty');
    const ts = parseTs(time);
    if (!Number.isFinite(ts)) throw damaged(file, line, `timestamp "${time}" is not an ISO-8601 time or a date`);
    const values: number[] = [];
    for (let c = 0; c < 5; c++) {
      const x = rest[c] === '' ? NaN : parseNum(rest[c]!);
      if (!Number.isFinite(x)) throw damaged(file, line, `${BARS_CSV_COLUMNS[c + 2]} "${rest[c]}" is not a number`);
      values.push(x);
    }
    const delivery = rest[6];
    if (delivery === 'live') live++;
    else if (delivery === 'history') {
      history++;
      // History before the first live bar is the warm-up, on which the session placed no order.
      if (live === 0 && ts > warmupThrough) warmupThrough = ts;
    } else throw damaged(file, line, `delivery "${delivery}" is neither live nor history`);
    const [open, high, low, close, volume] = values as [number, number, number, number, number];
    const list = bySymbol.get(symbol);
    const bar = { ts, open, high, low, close, volume, isHistory: delivery === 'history' };
    if (list === undefined) bySymbol.set(symbol, [bar]);
    else list.push(bar);
  }
  const series = [...bySymbol.keys()].sort().map((symbol) => {
    const bars = bySymbol.get(symbol)!.sort((a, b) => a.ts - b.ts);
    const kept: Omit<Bar, 'symbol'>[] = [];
    for (const b of bars) {
      const last = kept[kept.length - 1];
      if (last === undefined || last.ts !== b.ts) kept.push(b);
      else if (
        !b.isHistory &&
        (last.open !== b.open || last.high !== b.high || last.low !== b.low || last.close !== b.close)
      ) {
        // The session took one of them; which one is not recorded, so the replay cannot be exact.
        throw new DataError(
          'DATA_INVALID',
          `${file} holds two different ${symbol} bars at ${new Date(b.ts).toISOString()}`,
          {
            hint: 'the session wrote each bar once; restore the file from a backup of the session folder',
            context: { file, value: symbol },
          },
        );
      }
    }
    return BarSeries.fromBars(symbol, kept);
  });
  return { series, live, history, warmupThrough };
}

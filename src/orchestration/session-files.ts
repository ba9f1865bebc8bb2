/**
 * A session's results folder written as the session goes (docs/live.md, "Paper sessions"):
 * equity.csv, orders.csv, trades.csv and signals.csv get their rows as they happen, in the
 * backtest's own format (results-files.ts), plus bars.csv (every bar the strategy saw, with the
 * wall-clock time it arrived). Each bar's rows reach the operating system before the next bar is
 * taken (one write per file, no buffer held in the process), so a session killed at any moment
 * loses no row it had recorded. At the end the results writer rewrites the folder whole (metrics,
 * report, and the rows of orders still open), exactly as a backtest's. A resumed session appends
 * after what its earlier runs wrote (`after`; session-resume.ts).
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar } from '../core/bar.js';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { csvCell, csvLine, formatNum, timeCells } from '../backtest/csv.js';
import {
  EQUITY_CSV_COLUMNS,
  ORDERS_CSV_COLUMNS,
  SIGNALS_CSV_COLUMNS,
  TRADES_CSV_COLUMNS,
  equityRows,
  orderRows,
  signalRows,
  tradeRows,
} from '../backtest/results-files.js';
import { RESULT_FILES } from '../backtest/results-writer.js';
import type { Engine } from '../engine/engine.js';
import type { Portfolio } from '../portfolio/portfolio.js';

export const SESSION_FILES = {
  bars: 'bars.csv',
  /** The run file as given, byte for byte, so the session can be replayed (a drift report). */
  runFile: 'run.yaml',
  /** The resolved run, its source and its times, written before the first bar. */
  session: 'session.json',
} as const;

/** `delivery`: `live`, or `history` for warm-up and backfilled bars (fetched after their time). */
export const BARS_CSV_COLUMNS = [
  'symbol',
  'timestamp',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'arrived_at',
  'delivery',
] as const;

/** One file opened for appending; every `write` goes straight to the operating system. */
class AppendFile {
  readonly #fd: number;
  readonly path: string;

  constructor(path: string, header: string) {
    this.path = path;
    const isNew = !existsSync(path);
    this.#fd = openSync(path, 'a');
    if (isNew) this.write(header);
  }

  write(text: string): void {
    if (text === '') return;
    try {
      writeSync(this.#fd, text);
    } catch (e) {
      throw new DataError('DATA_WRITE_FAILED', `cannot append to ${this.path}: ${(e as Error).message}`, {
        hint: 'check that the results folder is writable and the disk has space; rows written so far are intact',
        context: { file: this.path },
        cause: e,
      });
    }
  }

  close(): void {
    closeSync(this.#fd);
  }
}

const joined = (rows: Iterable<string>): string => {
  let text = '';
  for (const r of rows) text += r;
  return text;
};

export class SessionFiles {
  readonly dir: string;
  readonly #tf: Timeframe;
  readonly #time: (ts: number) => string;
  readonly #bars: AppendFile;
  readonly #equity: AppendFile;
  readonly #orders: AppendFile;
  readonly #trades: AppendFile;
  readonly #signals: AppendFile;
  #pendingBars = '';
  #equityRows = 0;
  #ordersNext = 0;
  #tradesDone = 0;
  #signalsDone = 0;
  #isClosed = false;
  readonly #after: number;

  /**
   * `after`: a resumed session's folder already holds rows through bar `through` (equity and
   * signals of the bars it sees again as warm-up are not written twice) and `trades` round trips
   * (which its portfolio books again first, from the fills).
   */
  constructor(dir: string, timeframe: Timeframe, after?: { readonly through: number; readonly trades: number }) {
    this.#after = after?.through ?? -Infinity;
    this.#tradesDone = after?.trades ?? 0;
    this.dir = dir;
    this.#tf = timeframe;
    this.#time = timeCells(timeframe);
    mkdirSync(dir, { recursive: true });
    this.#bars = new AppendFile(join(dir, SESSION_FILES.bars), csvLine(BARS_CSV_COLUMNS));
    this.#equity = new AppendFile(join(dir, RESULT_FILES.equity), csvLine(EQUITY_CSV_COLUMNS));
    this.#orders = new AppendFile(join(dir, RESULT_FILES.orders), csvLine(ORDERS_CSV_COLUMNS));
    this.#trades = new AppendFile(join(dir, RESULT_FILES.trades), csvLine(TRADES_CSV_COLUMNS));
    this.#signals = new AppendFile(join(dir, RESULT_FILES.signals), csvLine(SIGNALS_CSV_COLUMNS));
  }

  /** Writes a file of the folder whole (the run file, session.json). */
  put(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  /** A bar the session received, with its wall-clock arrival; written with the step it feeds. */
  bar(b: Bar, arrivedAt: number, history: boolean): void {
    this.#pendingBars +=
      `${csvCell(b.symbol)},${this.#time(b.ts)},${formatNum(b.open)},${formatNum(b.high)},${formatNum(b.low)},` +
      `${formatNum(b.close)},${formatNum(b.volume)},${new Date(arrivedAt).toISOString()},${history ? 'history' : 'live'}\n`;
  }

  /**
   * Appends what the engine recorded since the last call: the bars received, equity rows, signals,
   * closed round trips and orders that ended (in creation order: an order is written once every
   * order created before it has ended, as a backtest lists them).
   */
  flush(engine: Engine, portfolio: Portfolio): void {
    if (this.#isClosed) return;
    const tf = this.#tf;
    this.#bars.write(this.#pendingBars);
    this.#pendingBars = '';
    const curve = portfolio.curve;
    const after = this.#after;
    if (after !== -Infinity) {
      const ts = curve.column('ts');
      while (this.#equityRows < ts.length && ts[this.#equityRows]! <= after) this.#equityRows++;
    }
    if (curve.length > this.#equityRows) {
      this.#equity.write(joined(equityRows(tf, curve, this.#equityRows)));
      this.#equityRows = curve.length;
    }
    const signals = engine.signals;
    while (this.#signalsDone < signals.length && signals[this.#signalsDone]!.ts <= after) this.#signalsDone++;
    if (signals.length > this.#signalsDone) {
      this.#signals.write(joined(signalRows(tf, signals, this.#signalsDone)));
      this.#signalsDone = signals.length;
    }
    const trades = portfolio.trades;
    if (trades.length > this.#tradesDone) {
      this.#trades.write(joined(tradeRows(tf, trades.slice(this.#tradesDone))));
      this.#tradesDone = trades.length;
    }
    const ended = engine.orders.recordsFrom(this.#ordersNext, true);
    if (ended.records.length > 0) this.#orders.write(joined(orderRows(tf, ended.records)));
    this.#ordersNext = ended.next;
  }

  /** Closes the appended files (before the results writer replaces them with the complete ones). */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#bars.write(this.#pendingBars);
    this.#pendingBars = '';
    for (const f of [this.#bars, this.#equity, this.#orders, this.#trades, this.#signals]) f.close();
  }
}

import type { Timeframe } from '../core/enums.js';
import { TERMINAL_ORDER_STATUSES } from '../core/enums.js';
import type { OrderRecord } from '../engine/ports.js';
import { EQUITY_CSV_COLUMNS, type EquityCurve, type Trade } from '../portfolio/index.js';
import { csvCell, csvLine, formatNum, jsonCell, timeCells } from './csv.js';
import type { RunRecord, SignalRecord } from './run-record.js';

/**
 * The text of each CSV file of a run folder (DESIGN.md, "File contracts"; every column is
 * described in docs/results.md). Pure functions of the record, so the same record gives the
 * same bytes. Each yields the file in pieces of whole lines (about PIECE_CHARS characters),
 * encoded, hashed and written as they come (results-writer.ts): a long run's orders.csv is tens
 * of megabytes, never built as one string nor as an array of row arrays. Cells that are numbers
 * or times never need quoting (csv.ts).
 */

export { EQUITY_CSV_COLUMNS };

export const TRADES_CSV_COLUMNS = [
  'symbol',
  'direction',
  'entry_time',
  'entry_price',
  'exit_time',
  'exit_price',
  'qty',
  'pnl',
  'return',
  'fees',
  'borrow',
  'bars_held',
  'status',
] as const;

export const ORDERS_CSV_COLUMNS = [
  'client_order_id',
  'order_id',
  'parent_id',
  'order_class',
  'symbol',
  'side',
  'type',
  'tif',
  'qty',
  'limit_price',
  'stop_price',
  'trail_amount',
  'trail_percent',
  'status',
  'filled_qty',
  'avg_fill_price',
  'fees',
  'submitted_at',
  'final_at',
  'reason',
  'strategy',
  'tag',
  'history',
] as const;

export const SIGNALS_CSV_COLUMNS = [
  'timestamp',
  'strategy',
  'symbol',
  'direction',
  'target_weight',
  'confidence',
  'meta',
] as const;

export const ROLLING_CSV_COLUMNS = ['timestamp', 'rolling_sharpe_60'] as const;
export const BENCHMARK_CSV_COLUMNS = ['timestamp', 'symbol', 'close'] as const;
export const PRICES_CSV_COLUMNS = ['symbol', 'timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Characters of lines gathered before a piece is handed on: a piece per line would cost a
 * generator round trip per line, mostly in code that has not been optimised yet (a run writes
 * each file once).
 */
const PIECE_CHARS = 8 * 1024;

/** How many symbols the report draws a price chart for (and prices.csv keeps): the first ones of the run. */
export const CHARTED_SYMBOLS = 4;

/** `time`: a run's shared `timeCells(tf)` (its files repeat the same instants). */
export function* equityCsv(tf: Timeframe, curve: EquityCurve, time = timeCells(tf)): Generator<string> {
  yield csvLine(EQUITY_CSV_COLUMNS);
  yield* equityRows(tf, curve, 0, time);
}

/** The rows of equity.csv from row `from` on (a session appends them as the bars close). */
export function* equityRows(tf: Timeframe, curve: EquityCurve, from: number, time = timeCells(tf)): Generator<string> {
  const ts = curve.column('ts');
  const equity = curve.column('equity');
  const cash = curve.column('cash');
  const gross = curve.column('grossExposure');
  const net = curve.column('netExposure');
  const drawdown = curve.column('drawdown');
  // Rows out of the market repeat the previous row's numbers: their text is reused.
  const e = new RepeatCells();
  const c = new RepeatCells();
  const g = new RepeatCells();
  const n = new RepeatCells();
  const d = new RepeatCells();
  let chunk = '';
  for (let i = from; i < ts.length; i++) {
    chunk += `${time(ts[i]!)},${e.text(equity[i]!)},${c.text(cash[i]!)},${g.text(gross[i]!)},${n.text(net[i]!)},${d.text(drawdown[i]!)}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export function* tradesCsv(tf: Timeframe, trades: readonly Trade[], time = timeCells(tf)): Generator<string> {
  yield csvLine(TRADES_CSV_COLUMNS);
  yield* tradeRows(tf, trades, time);
}

/** The rows of trades.csv for these round trips (no header). */
export function* tradeRows(tf: Timeframe, trades: readonly Trade[], time = timeCells(tf)): Generator<string> {
  let chunk = '';
  for (const t of trades) {
    chunk +=
      `${csvCell(t.symbol)},${csvCell(t.direction)},${time(t.entryTs)},${formatNum(t.entryPrice)},` +
      `${time(t.exitTs)},${formatNum(t.exitPrice)},${formatNum(t.qty)},${formatNum(t.pnl)},` +
      `${formatNum(t.return)},${formatNum(t.fees)},${formatNum(t.borrow)},${formatNum(t.barsHeld)},` +
      `${t.isOpen ? 'open' : 'closed'}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** `formatNum` of a column whose value often repeats the previous row's: the text is reused. */
class RepeatCells {
  #x = NaN;
  #text = '';

  text(x: number): string {
    if (x !== this.#x) {
      this.#x = x;
      this.#text = formatNum(x);
    }
    return this.#text;
  }
}

const opt = (x: number | undefined): string => (x === undefined ? '' : formatNum(x));
const optText = (x: string | undefined): string => (x === undefined ? '' : csvCell(x));

/** The reason an order ended (rejection, cancel, expiry): its own, or the last one in its history. */
export function orderReason(o: OrderRecord): string {
  if (o.reason !== undefined) return o.reason;
  for (let i = o.history.length - 1; i >= 0; i--) {
    const r = o.history[i]!.reason;
    if (r !== undefined) return r;
  }
  return '';
}

/**
 * The history cell: `csvCell` of the JSON of `[{status, time, reason?}...]` as JSON.stringify
 * spells it (keys in that order), built directly in its quoted form (every quote doubled) without
 * an object per transition. Statuses and time cells hold no quote, comma or line break.
 */
function historyCell(history: OrderRecord['history'], time: (ts: number) => string): string {
  if (history.length === 0) return '[]';
  let cell = '"[';
  for (let i = 0; i < history.length; i++) {
    const h = history[i]!;
    cell += `${i === 0 ? '' : ','}{""status"":""${h.status}"",""time"":""${time(h.ts)}""`;
    cell += h.reason === undefined ? '}' : `,""reason"":${JSON.stringify(h.reason).replaceAll('"', '""')}}`;
  }
  return `${cell}]"`;
}

/** Whether two order histories hold the same transitions (status, time and reason each). */
function sameHistory(a: OrderRecord['history'], b: OrderRecord['history']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.status !== y.status || x.ts !== y.ts || x.reason !== y.reason) return false;
  }
  return true;
}

export function* ordersCsv(tf: Timeframe, orders: readonly OrderRecord[], time = timeCells(tf)): Generator<string> {
  yield csvLine(ORDERS_CSV_COLUMNS);
  yield* orderRows(tf, orders, time);
}

/** The rows of orders.csv for these orders (no header). */
export function* orderRows(tf: Timeframe, orders: readonly OrderRecord[], time = timeCells(tf)): Generator<string> {
  // Orders placed on the same bar usually went through the same transitions at the same times:
  // the previous order's history cell is reused when its history is the same.
  let prevHistory: OrderRecord['history'] = [];
  let prevCell = '[]';
  let chunk = '';
  for (const o of orders) {
    if (!sameHistory(o.history, prevHistory)) {
      prevCell = historyCell(o.history, time);
      prevHistory = o.history;
    }
    const last = o.history[o.history.length - 1];
    const isFinal = TERMINAL_ORDER_STATUSES.has(o.status);
    chunk +=
      `${csvCell(o.clientOrderId)},${csvCell(o.id)},${optText(o.parentId)},${csvCell(o.orderClass ?? 'simple')},` +
      `${csvCell(o.symbol)},${csvCell(o.side)},${csvCell(o.type)},${csvCell(o.tif)},${formatNum(o.qty)},` +
      `${opt(o.limitPrice)},${opt(o.stopPrice)},${opt(o.trailAmount)},${opt(o.trailPercent)},${csvCell(o.status)},` +
      `${formatNum(o.filledQty)},${formatNum(o.avgFillPrice)},${formatNum(o.fees)},${time(o.createdAt)},` +
      `${isFinal ? time(last?.ts ?? o.updatedAt) : ''},${csvCell(orderReason(o))},${optText(o.strategy)},` +
      `${optText(o.tag)},${prevCell}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export function* signalsCsv(tf: Timeframe, signals: readonly SignalRecord[], time = timeCells(tf)): Generator<string> {
  yield csvLine(SIGNALS_CSV_COLUMNS);
  yield* signalRows(tf, signals, 0, time);
}

/** The rows of signals.csv from signal `from` on (no header). */
export function* signalRows(
  tf: Timeframe,
  signals: readonly SignalRecord[],
  from: number,
  time = timeCells(tf),
): Generator<string> {
  let chunk = '';
  for (let i = from; i < signals.length; i++) {
    const s = signals[i]!;
    chunk +=
      `${time(s.ts)},${csvCell(s.strategy)},${csvCell(s.symbol)},${csvCell(s.direction)},` +
      `${formatNum(s.targetWeight)},${formatNum(s.confidence)},${jsonCell(s.meta)}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export function* rollingCsv(
  tf: Timeframe,
  ts: ArrayLike<number>,
  rolling: ArrayLike<number>,
  time = timeCells(tf),
): Generator<string> {
  yield csvLine(ROLLING_CSV_COLUMNS);
  let chunk = '';
  for (let i = 0; i < ts.length; i++) {
    chunk += `${time(ts[i]!)},${formatNum(rolling[i]!)}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export function* benchmarkCsv(
  tf: Timeframe,
  ts: ArrayLike<number>,
  symbol: string,
  close: ArrayLike<number>,
  time = timeCells(tf),
): Generator<string> {
  const cell = csvCell(symbol);
  yield csvLine(BENCHMARK_CSV_COLUMNS);
  let chunk = '';
  for (let i = 0; i < ts.length; i++) {
    chunk += `${time(ts[i]!)},${cell},${formatNum(close[i] ?? NaN)}\n`;
    if (chunk.length >= PIECE_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** The symbols with a price chart: the run's first CHARTED_SYMBOLS symbols that have bars. */
export function chartedSymbols(record: Pick<RunRecord, 'symbols' | 'prices'>): string[] {
  return record.symbols.filter((s) => record.prices.has(s)).slice(0, CHARTED_SYMBOLS);
}

export function* pricesCsv(
  tf: Timeframe,
  record: Pick<RunRecord, 'symbols' | 'prices'>,
  time = timeCells(tf),
): Generator<string> {
  yield csvLine(PRICES_CSV_COLUMNS);
  for (const s of chartedSymbols(record)) {
    const b = record.prices.get(s)!;
    const cell = csvCell(s);
    let chunk = '';
    for (let i = 0; i < b.length; i++) {
      chunk +=
        `${cell},${time(b.ts[i]!)},${formatNum(b.open[i]!)},${formatNum(b.high[i]!)},` +
        `${formatNum(b.low[i]!)},${formatNum(b.close[i]!)},${formatNum(b.volume[i]!)}\n`;
      if (chunk.length >= PIECE_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
}

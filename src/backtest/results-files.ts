import type { Timeframe } from '../core/enums.js';
import { TERMINAL_ORDER_STATUSES } from '../core/enums.js';
import type { OrderRecord } from '../engine/ports.js';
import { EQUITY_CSV_COLUMNS, type EquityCurve, type Trade } from '../portfolio/index.js';
import { csvCell, csvLine, formatNum, jsonCell, timeCells } from './csv.js';
import type { RunRecord, SignalRecord } from './run-record.js';

/**
 * The text of each CSV file of a run folder (DESIGN.md, "File contracts"; every column is
 * described in docs/results.md). Pure functions of the record, so the same record gives the
 * same bytes. Each yields the file line by line, encoded, hashed and written as the lines come
 * (results-writer.ts): a long run's orders.csv is tens of megabytes, never built as one string
 * nor as an array of row arrays. Cells that are numbers or times never need quoting (csv.ts).
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

/** How many symbols the report draws a price chart for (and prices.csv keeps): the first ones of the run. */
export const CHARTED_SYMBOLS = 4;

export function* equityCsv(tf: Timeframe, curve: EquityCurve): Generator<string> {
  yield csvLine(EQUITY_CSV_COLUMNS);
  yield* equityRows(tf, curve, 0);
}

/** The rows of equity.csv from row `from` on (a session appends them as the bars close). */
export function* equityRows(tf: Timeframe, curve: EquityCurve, from: number): Generator<string> {
  const time = timeCells(tf);
  const ts = curve.column('ts');
  const equity = curve.column('equity');
  const cash = curve.column('cash');
  const gross = curve.column('grossExposure');
  const net = curve.column('netExposure');
  const drawdown = curve.column('drawdown');
  for (let i = from; i < ts.length; i++) {
    yield `${time(ts[i]!)},${formatNum(equity[i]!)},${formatNum(cash[i]!)},${formatNum(gross[i]!)},${formatNum(net[i]!)},${formatNum(drawdown[i]!)}\n`;
  }
}

export function* tradesCsv(tf: Timeframe, trades: readonly Trade[]): Generator<string> {
  yield csvLine(TRADES_CSV_COLUMNS);
  yield* tradeRows(tf, trades);
}

/** The rows of trades.csv for these round trips (no header). */
export function* tradeRows(tf: Timeframe, trades: readonly Trade[]): Generator<string> {
  const time = timeCells(tf);
  for (const t of trades) {
    yield (
      `${csvCell(t.symbol)},${csvCell(t.direction)},${time(t.entryTs)},${formatNum(t.entryPrice)},` +
      `${time(t.exitTs)},${formatNum(t.exitPrice)},${formatNum(t.qty)},${formatNum(t.pnl)},` +
      `${formatNum(t.return)},${formatNum(t.fees)},${formatNum(t.borrow)},${formatNum(t.barsHeld)},` +
      `${t.isOpen ? 'open' : 'closed'}\n`
    );
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

export function* ordersCsv(tf: Timeframe, orders: readonly OrderRecord[]): Generator<string> {
  yield csvLine(ORDERS_CSV_COLUMNS);
  yield* orderRows(tf, orders);
}

/** The rows of orders.csv for these orders (no header). */
export function* orderRows(tf: Timeframe, orders: readonly OrderRecord[]): Generator<string> {
  const time = timeCells(tf);
  for (const o of orders) {
    const last = o.history[o.history.length - 1];
    const isFinal = TERMINAL_ORDER_STATUSES.has(o.status);
    yield (
      `${csvCell(o.clientOrderId)},${csvCell(o.id)},${optText(o.parentId)},${csvCell(o.orderClass ?? 'simple')},` +
      `${csvCell(o.symbol)},${csvCell(o.side)},${csvCell(o.type)},${csvCell(o.tif)},${formatNum(o.qty)},` +
      `${opt(o.limitPrice)},${opt(o.stopPrice)},${opt(o.trailAmount)},${opt(o.trailPercent)},${csvCell(o.status)},` +
      `${formatNum(o.filledQty)},${formatNum(o.avgFillPrice)},${formatNum(o.fees)},${time(o.createdAt)},` +
      `${isFinal ? time(last?.ts ?? o.updatedAt) : ''},${csvCell(orderReason(o))},${optText(o.strategy)},` +
      `${optText(o.tag)},${historyCell(o.history, time)}\n`
    );
  }
}

export function* signalsCsv(tf: Timeframe, signals: readonly SignalRecord[]): Generator<string> {
  yield csvLine(SIGNALS_CSV_COLUMNS);
  yield* signalRows(tf, signals, 0);
}

/** The rows of signals.csv from signal `from` on (no header). */
export function* signalRows(tf: Timeframe, signals: readonly SignalRecord[], from: number): Generator<string> {
  const time = timeCells(tf);
  for (let i = from; i < signals.length; i++) {
    const s = signals[i]!;
    yield (
      `${time(s.ts)},${csvCell(s.strategy)},${csvCell(s.symbol)},${csvCell(s.direction)},` +
      `${formatNum(s.targetWeight)},${formatNum(s.confidence)},${jsonCell(s.meta)}\n`
    );
  }
}

export function* rollingCsv(tf: Timeframe, ts: ArrayLike<number>, rolling: ArrayLike<number>): Generator<string> {
  const time = timeCells(tf);
  yield csvLine(ROLLING_CSV_COLUMNS);
  for (let i = 0; i < ts.length; i++) {
    yield `${time(ts[i]!)},${formatNum(rolling[i]!)}\n`;
  }
}

export function* benchmarkCsv(
  tf: Timeframe,
  ts: ArrayLike<number>,
  symbol: string,
  close: ArrayLike<number>,
): Generator<string> {
  const time = timeCells(tf);
  const cell = csvCell(symbol);
  yield csvLine(BENCHMARK_CSV_COLUMNS);
  for (let i = 0; i < ts.length; i++) {
    yield `${time(ts[i]!)},${cell},${formatNum(close[i] ?? NaN)}\n`;
  }
}

/** The symbols with a price chart: the run's first CHARTED_SYMBOLS symbols that have bars. */
export function chartedSymbols(record: Pick<RunRecord, 'symbols' | 'prices'>): string[] {
  return record.symbols.filter((s) => record.prices.has(s)).slice(0, CHARTED_SYMBOLS);
}

export function* pricesCsv(tf: Timeframe, record: Pick<RunRecord, 'symbols' | 'prices'>): Generator<string> {
  const time = timeCells(tf);
  yield csvLine(PRICES_CSV_COLUMNS);
  for (const s of chartedSymbols(record)) {
    const b = record.prices.get(s)!;
    const cell = csvCell(s);
    for (let i = 0; i < b.length; i++) {
      yield (
        `${cell},${time(b.ts[i]!)},${formatNum(b.open[i]!)},${formatNum(b.high[i]!)},` +
        `${formatNum(b.low[i]!)},${formatNum(b.close[i]!)},${formatNum(b.volume[i]!)}\n`
      );
    }
  }
}

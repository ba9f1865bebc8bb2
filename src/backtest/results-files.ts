import type { Timeframe } from '../core/enums.js';
import { TERMINAL_ORDER_STATUSES } from '../core/enums.js';
import type { OrderRecord } from '../engine/ports.js';
import { EQUITY_CSV_COLUMNS, type EquityCurve, type Trade } from '../portfolio/index.js';
import { canonicalJson, csvText, formatNum, formatTs } from './csv.js';
import type { RunRecord, SignalRecord } from './run-record.js';

/**
 * The text of each CSV file of a run folder (DESIGN.md, "File contracts"; every column is
 * described in docs/results.md). Pure functions of the record, so the same record gives the
 * same bytes.
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

export function equityCsv(tf: Timeframe, curve: EquityCurve): string {
  const rows: string[][] = [];
  for (const p of curve) {
    rows.push([
      formatTs(tf, p.ts),
      formatNum(p.equity),
      formatNum(p.cash),
      formatNum(p.grossExposure),
      formatNum(p.netExposure),
      formatNum(p.drawdown),
    ]);
  }
  return csvText(EQUITY_CSV_COLUMNS, rows);
}

export function tradesCsv(tf: Timeframe, trades: readonly Trade[]): string {
  return csvText(
    TRADES_CSV_COLUMNS,
    trades.map((t) => [
      t.symbol,
      t.direction,
      formatTs(tf, t.entryTs),
      formatNum(t.entryPrice),
      formatTs(tf, t.exitTs),
      formatNum(t.exitPrice),
      formatNum(t.qty),
      formatNum(t.pnl),
      formatNum(t.return),
      formatNum(t.fees),
      formatNum(t.borrow),
      formatNum(t.barsHeld),
      t.isOpen ? 'open' : 'closed',
    ]),
  );
}

const opt = (x: number | undefined): string => (x === undefined ? '' : formatNum(x));
const optText = (x: string | undefined): string => x ?? '';

/** The reason an order ended (rejection, cancel, expiry): its own, or the last one in its history. */
export function orderReason(o: OrderRecord): string {
  if (o.reason !== undefined) return o.reason;
  for (let i = o.history.length - 1; i >= 0; i--) {
    const r = o.history[i]!.reason;
    if (r !== undefined) return r;
  }
  return '';
}

export function ordersCsv(tf: Timeframe, orders: readonly OrderRecord[]): string {
  return csvText(
    ORDERS_CSV_COLUMNS,
    orders.map((o) => {
      const last = o.history[o.history.length - 1];
      const isFinal = TERMINAL_ORDER_STATUSES.has(o.status);
      return [
        o.clientOrderId,
        o.id,
        optText(o.parentId),
        o.orderClass ?? 'simple',
        o.symbol,
        o.side,
        o.type,
        o.tif,
        formatNum(o.qty),
        opt(o.limitPrice),
        opt(o.stopPrice),
        opt(o.trailAmount),
        opt(o.trailPercent),
        o.status,
        formatNum(o.filledQty),
        formatNum(o.avgFillPrice),
        formatNum(o.fees),
        formatTs(tf, o.createdAt),
        isFinal ? formatTs(tf, last?.ts ?? o.updatedAt) : '',
        orderReason(o),
        optText(o.strategy),
        optText(o.tag),
        JSON.stringify(
          o.history.map((h) => ({
            status: h.status,
            time: formatTs(tf, h.ts),
            ...(h.reason === undefined ? {} : { reason: h.reason }),
          })),
        ),
      ];
    }),
  );
}

export function signalsCsv(tf: Timeframe, signals: readonly SignalRecord[]): string {
  return csvText(
    SIGNALS_CSV_COLUMNS,
    signals.map((s) => [
      formatTs(tf, s.ts),
      s.strategy,
      s.symbol,
      s.direction,
      formatNum(s.targetWeight),
      formatNum(s.confidence),
      canonicalJson(s.meta, 0),
    ]),
  );
}

export function rollingCsv(tf: Timeframe, ts: ArrayLike<number>, rolling: ArrayLike<number>): string {
  const rows: string[][] = [];
  for (let i = 0; i < ts.length; i++) rows.push([formatTs(tf, ts[i]!), formatNum(rolling[i]!)]);
  return csvText(ROLLING_CSV_COLUMNS, rows);
}

export function benchmarkCsv(tf: Timeframe, ts: ArrayLike<number>, symbol: string, close: ArrayLike<number>): string {
  const rows: string[][] = [];
  for (let i = 0; i < ts.length; i++) rows.push([formatTs(tf, ts[i]!), symbol, formatNum(close[i] ?? NaN)]);
  return csvText(BENCHMARK_CSV_COLUMNS, rows);
}

/** The symbols with a price chart: the run's first CHARTED_SYMBOLS symbols that have bars. */
export function chartedSymbols(record: Pick<RunRecord, 'symbols' | 'prices'>): string[] {
  return record.symbols.filter((s) => record.prices.has(s)).slice(0, CHARTED_SYMBOLS);
}

export function pricesCsv(tf: Timeframe, record: Pick<RunRecord, 'symbols' | 'prices'>): string {
  const rows: string[][] = [];
  for (const s of chartedSymbols(record)) {
    const b = record.prices.get(s)!;
    for (let i = 0; i < b.length; i++) {
      rows.push([
        s,
        formatTs(tf, b.ts[i]!),
        formatNum(b.open[i]!),
        formatNum(b.high[i]!),
        formatNum(b.low[i]!),
        formatNum(b.close[i]!),
        formatNum(b.volume[i]!),
      ]);
    }
  }
  return csvText(PRICES_CSV_COLUMNS, rows);
}

/**
 * The CSV files of a results folder as JSON rows: each column with its JSON type, taken from the
 * column lists the writers use (docs/results.md), so a column added there is served here. Numbers
 * are numbers (an empty cell, NaN or an infinity: null), JSON cells (`history`, `meta`, `params`)
 * parsed, times the file's own text (a session date or an ISO instant), empty text null.
 */
import { z } from 'zod';
import {
  EQUITY_CSV_COLUMNS,
  ORDERS_CSV_COLUMNS,
  SIGNALS_CSV_COLUMNS,
  TRADES_CSV_COLUMNS,
} from '../../backtest/results-files.js';

export interface CsvTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly numeric: ReadonlySet<string>;
  readonly json: ReadonlySet<string>;
}

const table = (file: string, columns: readonly string[], numeric: readonly string[], json: readonly string[] = []) => ({
  file,
  columns,
  numeric: new Set(numeric),
  json: new Set(json),
});

/** The run folder's files served page by page, by the route's name for them. */
export const RUN_TABLES = {
  equity: table('equity.csv', EQUITY_CSV_COLUMNS, EQUITY_CSV_COLUMNS.slice(1)),
  trades: table('trades.csv', TRADES_CSV_COLUMNS, [
    'entry_price',
    'exit_price',
    'qty',
    'pnl',
    'return',
    'fees',
    'borrow',
    'bars_held',
  ]),
  orders: table(
    'orders.csv',
    ORDERS_CSV_COLUMNS,
    ['qty', 'limit_price', 'stop_price', 'trail_amount', 'trail_percent', 'filled_qty', 'avg_fill_price', 'fees'],
    ['history'],
  ),
  signals: table('signals.csv', SIGNALS_CSV_COLUMNS, ['target_weight', 'confidence'], ['meta']),
} as const satisfies Record<string, CsvTable>;

/** A walk-forward folder's files (orchestration/walkforward/outputs.ts). */
export const WALKFORWARD_TABLES = {
  folds: table(
    'folds.csv',
    ['fold', 'train_start', 'train_end', 'test_start', 'test_end', 'params', 'in_sample', 'oos_return'],
    ['fold', 'in_sample', 'oos_return'],
    ['params'],
  ),
  equity: table('oos-equity.csv', ['timestamp', 'equity', 'return'], ['equity', 'return']),
} as const satisfies Record<string, CsvTable>;

/** The zod shape of one row of `t`. */
export function rowSchema(t: CsvTable) {
  return z.object(
    Object.fromEntries(
      t.columns.map((c) => [
        c,
        t.numeric.has(c) ? z.number().nullable() : t.json.has(c) ? z.unknown() : z.string().nullable(),
      ]),
    ),
  );
}

/** One row of cells as its JSON object. */
export function toRow(t: CsvTable, cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  t.columns.forEach((c, i) => {
    const cell = cells[i] ?? '';
    if (t.numeric.has(c)) {
      const x = cell === '' ? NaN : Number(cell);
      out[c] = Number.isFinite(x) ? x : null;
    } else if (t.json.has(c)) {
      out[c] = cell === '' ? null : (JSON.parse(cell) as unknown);
    } else {
      out[c] = cell === '' ? null : cell;
    }
  });
  return out;
}

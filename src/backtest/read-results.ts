import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { BarSeries, type Bar } from '../core/bar.js';
import type { OrderClass, OrderStatus, OrderType, Side, TimeInForce, Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { OrderRecord, OrderTransition } from '../engine/ports.js';
import { EquityCurve, type Trade, type TradeDirection } from '../portfolio/index.js';
import { parseCsv, parseNum, parseTs } from './csv.js';
import type { Metrics } from './metrics.js';
import { renderReport } from './report.js';
import {
  BENCHMARK_CSV_COLUMNS,
  EQUITY_CSV_COLUMNS,
  ORDERS_CSV_COLUMNS,
  PRICES_CSV_COLUMNS,
  SIGNALS_CSV_COLUMNS,
  TRADES_CSV_COLUMNS,
} from './results-files.js';
import { RESULTS_MANIFEST_VERSION, type ResultsManifest } from './results-manifest.js';
import { RESULT_FILES } from './results-writer.js';
import type { RunRecord, SignalRecord } from './run-record.js';

/**
 * Reads a run folder back (for `momentic report RUN_ID`, which rebuilds report.html without
 * rerunning). The files are lossless for what the report and the metrics use; what they do not
 * hold comes back empty: trades' bar indices (`entryBar`, `exitBar`) are NaN, and `prices` has
 * the charted symbols only (prices.csv).
 */

export interface RunResults {
  readonly record: RunRecord;
  readonly metrics: Metrics;
  readonly manifest: ResultsManifest;
}

type Row = Readonly<Record<string, string>>;

function readText(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `${file} does not exist`, {
      hint: 'check the run id (`ls data/results`); a run folder is complete only when the backtest finished',
      context: { file },
    });
  }
  return readFileSync(file, 'utf8');
}

/** Rows of a results CSV as objects, after checking its header. */
export function readCsv(dir: string, name: string, columns: readonly string[]): Row[] {
  const [header, ...rows] = parseCsv(readText(dir, name));
  const file = join(dir, name);
  if (header === undefined || header.join(',') !== columns.join(',')) {
    throw new DataError(
      'DATA_INVALID',
      `${file} has header "${header?.join(',') ?? ''}", expected "${columns.join(',')}"`,
      {
        hint: 'the results files must not be edited; rerun the backtest to rewrite them',
        context: { file, row: 1 },
      },
    );
  }
  return rows.map((cells, i) => {
    if (cells.length !== columns.length) {
      throw new DataError(
        'DATA_INVALID',
        `${file} row ${i + 2} has ${cells.length} cells, expected ${columns.length}`,
        {
          hint: 'the results files must not be edited; rerun the backtest to rewrite them',
          context: { file, row: i + 2 },
        },
      );
    }
    return Object.fromEntries(columns.map((c, k) => [c, cells[k]!]));
  });
}

function readJson<T>(dir: string, name: string): T {
  const file = join(dir, name);
  try {
    return JSON.parse(readText(dir, name)) as T;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'the results files must not be edited; rerun the backtest to rewrite them',
      context: { file },
    });
  }
}

const opt = <K extends string>(key: K, text: string | undefined): { [P in K]?: string } =>
  (text === undefined || text === '' ? {} : { [key]: text }) as { [P in K]?: string };
const optNum = <K extends string>(key: K, text: string | undefined): { [P in K]?: number } =>
  (text === undefined || text === '' ? {} : { [key]: parseNum(text) }) as { [P in K]?: number };

/** A round trip as trades.csv writes it (its bar indices are not in the file: NaN). */
export function toTrade(r: Row): Trade {
  return {
    symbol: r['symbol']!,
    direction: r['direction'] as TradeDirection,
    qty: parseNum(r['qty']!),
    entryTs: parseTs(r['entry_time']!),
    entryPrice: parseNum(r['entry_price']!),
    entryBar: NaN,
    exitTs: parseTs(r['exit_time']!),
    exitPrice: parseNum(r['exit_price']!),
    exitBar: NaN,
    pnl: parseNum(r['pnl']!),
    return: parseNum(r['return']!),
    fees: parseNum(r['fees']!),
    borrow: parseNum(r['borrow']!),
    barsHeld: parseNum(r['bars_held']!),
    isOpen: r['status'] === 'open',
  };
}

/** An order as orders.csv writes it. */
export function toOrder(r: Row): OrderRecord {
  const history = (JSON.parse(r['history']!) as { status: OrderStatus; time: string; reason?: string }[]).map(
    (h): OrderTransition => ({
      status: h.status,
      ts: parseTs(h.time),
      ...(h.reason === undefined ? {} : { reason: h.reason }),
    }),
  );
  const createdAt = parseTs(r['submitted_at']!);
  return {
    clientOrderId: r['client_order_id']!,
    id: r['order_id']!,
    symbol: r['symbol']!,
    side: r['side'] as Side,
    type: r['type'] as OrderType,
    qty: parseNum(r['qty']!),
    tif: r['tif'] as TimeInForce,
    orderClass: r['order_class'] as OrderClass,
    status: r['status'] as OrderStatus,
    filledQty: parseNum(r['filled_qty']!),
    avgFillPrice: parseNum(r['avg_fill_price']!),
    fees: parseNum(r['fees']!),
    createdAt,
    updatedAt: history[history.length - 1]?.ts ?? createdAt,
    history,
    ...opt('parentId', r['parent_id']),
    ...opt('reason', r['reason']),
    ...opt('strategy', r['strategy']),
    ...opt('tag', r['tag']),
    ...optNum('limitPrice', r['limit_price']),
    ...optNum('stopPrice', r['stop_price']),
    ...optNum('trailAmount', r['trail_amount']),
    ...optNum('trailPercent', r['trail_percent']),
  };
}

/** A signal as signals.csv writes it. */
export function toSignal(r: Row): SignalRecord {
  return {
    ts: parseTs(r['timestamp']!),
    strategy: r['strategy']!,
    symbol: r['symbol']!,
    direction: r['direction'] as SignalRecord['direction'],
    targetWeight: parseNum(r['target_weight']!),
    confidence: parseNum(r['confidence']!),
    meta: JSON.parse(r['meta']!) as Record<string, unknown>,
  };
}

function readPrices(dir: string): Map<string, BarSeries> {
  const bySymbol = new Map<string, Omit<Bar, 'symbol'>[]>();
  for (const r of readCsv(dir, RESULT_FILES.prices, PRICES_CSV_COLUMNS)) {
    const s = r['symbol']!;
    let bars = bySymbol.get(s);
    if (bars === undefined) bySymbol.set(s, (bars = []));
    bars.push({
      ts: parseTs(r['timestamp']!),
      open: parseNum(r['open']!),
      high: parseNum(r['high']!),
      low: parseNum(r['low']!),
      close: parseNum(r['close']!),
      volume: parseNum(r['volume']!),
    });
  }
  return new Map([...bySymbol].map(([s, bars]) => [s, BarSeries.fromBars(s, bars)]));
}

export function readResults(dir: string): RunResults {
  const manifest = readJson<ResultsManifest>(dir, RESULT_FILES.manifest);
  if (manifest.manifest_version !== RESULTS_MANIFEST_VERSION) {
    const file = join(dir, RESULT_FILES.manifest);
    throw new DataError(
      'DATA_INVALID',
      `${file} has manifest_version ${String(manifest.manifest_version)}, expected ${RESULTS_MANIFEST_VERSION}`,
      {
        hint: 'rerun the backtest with this version of momentic to rewrite the run folder',
        context: { file, key: 'manifest_version' },
      },
    );
  }
  const metrics = readJson<Metrics>(dir, RESULT_FILES.metrics);
  const equity = new EquityCurve(manifest.initial_cash);
  for (const r of readCsv(dir, RESULT_FILES.equity, EQUITY_CSV_COLUMNS)) {
    equity.push(
      parseTs(r['timestamp']!),
      parseNum(r['equity']!),
      parseNum(r['cash']!),
      parseNum(r['gross_exposure']!),
      parseNum(r['net_exposure']!),
    );
  }
  let benchmark: RunRecord['benchmark'];
  if (manifest.benchmark !== null) {
    const rows = readCsv(dir, RESULT_FILES.benchmark, BENCHMARK_CSV_COLUMNS);
    benchmark = { symbol: manifest.benchmark, close: Float64Array.from(rows, (r) => parseNum(r['close']!)) };
  }
  const record: RunRecord = {
    runId: manifest.run_id,
    strategy: manifest.strategy,
    params: manifest.params,
    config: manifest.config,
    symbols: manifest.symbols,
    timeframe: manifest.timeframe as Timeframe,
    start: manifest.start,
    end: manifest.end,
    initialCash: manifest.initial_cash,
    periodsPerYear: manifest.periods_per_year,
    equity,
    trades: readCsv(dir, RESULT_FILES.trades, TRADES_CSV_COLUMNS).map(toTrade),
    orders: readCsv(dir, RESULT_FILES.orders, ORDERS_CSV_COLUMNS).map(toOrder),
    signals: readCsv(dir, RESULT_FILES.signals, SIGNALS_CSV_COLUMNS).map(toSignal),
    prices: readPrices(dir),
    ...(benchmark === undefined ? {} : { benchmark }),
    dataFiles: manifest.data_files,
    ...(manifest.seed === null ? {} : { seed: manifest.seed }),
    codeVersion: manifest.code_version,
    timings: manifest.timings,
  };
  return { record, metrics, manifest };
}

/** Output files whose sha256 no longer matches the manifest (edited or damaged), by name. */
export function changedOutputs(dir: string, manifest: ResultsManifest): string[] {
  return Object.entries(manifest.outputs)
    .filter(([name, sha]) => {
      const file = join(dir, name);
      return !existsSync(file) || createHash('sha256').update(readFileSync(file)).digest('hex') !== sha;
    })
    .map(([name]) => name);
}

/** Rebuilds report.html from the files of a run folder (`momentic report RUN_ID`); returns its path. */
export function rebuildReport(dir: string): string {
  const { record, metrics } = readResults(dir);
  const file = join(dir, RESULT_FILES.report);
  writeFileAtomic(file, renderReport(record, metrics));
  return file;
}

/**
 * The results folder of a resumed session (a live session killed and started again): what the
 * runs before the restart wrote as they went is kept, and the resumed run carries on after it.
 * `readPriorResults` reads those rows back before the session starts (cutting a row a crash
 * left half-written); the session's files then append only what comes after the last bar the
 * earlier runs recorded (session-files.ts); and `mergeResumed` makes the final record (and so the
 * rewritten files, the metrics and the report) the whole session's, not only its last part.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../core/bar.js';
import type { Fill, OrderRequest } from '../core/order.js';
import { isTerminal } from '../core/order-state.js';
import type { Logger } from '../core/logger.js';
import { formatTime } from '../data/schema.js';
import { parseNum, parseTs } from '../backtest/csv.js';
import { readCsv, toOrder, toSignal, toTrade } from '../backtest/read-results.js';
import {
  EQUITY_CSV_COLUMNS,
  ORDERS_CSV_COLUMNS,
  SIGNALS_CSV_COLUMNS,
  TRADES_CSV_COLUMNS,
} from '../backtest/results-files.js';
import { RESULT_FILES } from '../backtest/results-writer.js';
import type { RunRecord, SignalRecord } from '../backtest/run-record.js';
import type { OrderRecord } from '../engine/ports.js';
import { EquityCurve, type Trade } from '../portfolio/index.js';
import type { LedgerOrder, OrderEvent } from '../store/types.js';
import { readSessionBars } from './session-bars.js';
import { SESSION_FILES } from './session-files.js';

/** What the runs before a restart recorded in the session's folder. */
export interface PriorResults {
  /** The last bar they recorded (its equity row); -Infinity when none. Later rows are the resumed run's. */
  readonly through: number;
  readonly equity: readonly (readonly [ts: number, equity: number, cash: number, gross: number, net: number])[];
  readonly signals: readonly SignalRecord[];
  /** Orders that had ended, as orders.csv lists them. */
  readonly orders: readonly OrderRecord[];
  /**
   * Round trips closed before the restart, as trades.csv holds them: the resumed portfolio books
   * them again from the fills (first, in the same order), without their bar counts.
   */
  readonly trades: readonly Trade[];
}

const APPENDED = [
  SESSION_FILES.bars,
  RESULT_FILES.equity,
  RESULT_FILES.orders,
  RESULT_FILES.trades,
  RESULT_FILES.signals,
] as const;

/**
 * Cuts a last row a crash left half-written (no line end), so rows appended after the restart
 * start on a line of their own; the cut text is kept in `resume-fragments.txt` of the folder.
 */
function cutPartialRow(dir: string, name: string, logger: Logger | undefined): void {
  const file = join(dir, name);
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    // A row is far shorter than this tail; read only the end of a long file.
    const tail = Buffer.alloc(Math.min(size, 1 << 16));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    if (tail[tail.length - 1] === 0x0a) return;
    const nl = tail.lastIndexOf(0x0a);
    const keep = nl < 0 ? size - tail.length : size - tail.length + nl + 1;
    const fragment = tail.subarray(nl + 1).toString('utf8');
    appendFileSync(join(dir, 'resume-fragments.txt'), `${name}: ${fragment}\n`);
    ftruncateSync(fd, keep);
    logger?.warn({ file, fragment }, 'cut a half-written row a crash left; kept in resume-fragments.txt');
  } finally {
    closeSync(fd);
  }
}

/** The rows of `name` in the folder, or none when the earlier run did not get to write it. */
function rows(dir: string, name: string, columns: readonly string[]): Readonly<Record<string, string>>[] {
  return existsSync(join(dir, name)) ? readCsv(dir, name, columns) : [];
}

export function readPriorResults(dir: string, logger?: Logger): PriorResults {
  for (const name of APPENDED) cutPartialRow(dir, name, logger);
  const equity = rows(dir, RESULT_FILES.equity, EQUITY_CSV_COLUMNS).map(
    (r) =>
      [
        parseTs(r['timestamp']!),
        parseNum(r['equity']!),
        parseNum(r['cash']!),
        parseNum(r['gross_exposure']!),
        parseNum(r['net_exposure']!),
      ] as const,
  );
  return {
    through: equity.length === 0 ? -Infinity : equity[equity.length - 1]![0],
    equity,
    signals: rows(dir, RESULT_FILES.signals, SIGNALS_CSV_COLUMNS).map(toSignal),
    // A folder written whole at a clean end also lists the orders still working then: they carry
    // on (the ledger and the resumed run have them), so only the ended ones are the past's.
    orders: rows(dir, RESULT_FILES.orders, ORDERS_CSV_COLUMNS)
      .map(toOrder)
      .filter((x) => isTerminal(x.status)),
    trades: rows(dir, RESULT_FILES.trades, TRADES_CSV_COLUMNS).map(toTrade),
  };
}

/** The request of an order the ledger holds (what was sent), without the ledger's own fields. */
export function requestOf(o: LedgerOrder): OrderRequest {
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    tif: o.tif,
    ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
    ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
    ...(o.trailAmount === undefined ? {} : { trailAmount: o.trailAmount }),
    ...(o.trailPercent === undefined ? {} : { trailPercent: o.trailPercent }),
    ...(o.orderClass === undefined ? {} : { orderClass: o.orderClass }),
    ...(o.takeProfit === undefined ? {} : { takeProfit: o.takeProfit }),
    ...(o.stopLoss === undefined ? {} : { stopLoss: o.stopLoss }),
    ...(o.strategy === undefined ? {} : { strategy: o.strategy }),
    ...(o.tag === undefined ? {} : { tag: o.tag }),
  };
}

/** An order as the ledger holds it, for the orders the files cannot hold (open at the crash). */
export function ledgerOrderRecord(o: LedgerOrder, events: readonly OrderEvent[]): OrderRecord {
  return {
    ...requestOf(o),
    id: o.venueOrderId ?? o.clientOrderId,
    ...(o.parentId === undefined ? {} : { parentId: o.parentId }),
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    status: o.status,
    filledQty: o.filledQty,
    avgFillPrice: o.avgPrice,
    fees: o.fees,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    history: events.map((e) => ({
      status: e.status,
      ts: e.ts,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    })),
  };
}

/**
 * The whole session's record: the earlier runs' equity rows, signals and ended orders, then the
 * resumed run's after the last bar they recorded; orders only the ledger holds (working at the
 * crash, or persisted but never sent) in creation order among them; the round trips closed
 * before as written, then the resumed portfolio's later ones; every fill; every bar of bars.csv
 * as the prices (of a minute delivered again, revised, as warm-up: the first delivery).
 */
export function mergeResumed(
  record: RunRecord,
  prior: PriorResults,
  o: {
    readonly dir: string;
    readonly priorFills: readonly Fill[];
    /** The session's orders in the ledger that neither the earlier files nor the resumed run hold. */
    readonly ledgerOnly: readonly OrderRecord[];
  },
): RunRecord {
  const equity = new EquityCurve(record.initialCash);
  for (const [ts, e, cash, gross, net] of prior.equity) equity.push(ts, e, cash, gross, net);
  const c = record.equity;
  const ts = c.column('ts');
  for (let i = 0; i < ts.length; i++) {
    if (ts[i]! <= prior.through) continue;
    const p = c.at(i);
    equity.push(p.ts, p.equity, p.cash, p.grossExposure, p.netExposure);
  }
  const seen = new Set(prior.orders.map((x) => x.clientOrderId));
  const later = record.orders.filter((x) => !seen.has(x.clientOrderId));
  for (const x of later) seen.add(x.clientOrderId);
  const orders = [...prior.orders, ...o.ledgerOnly.filter((x) => !seen.has(x.clientOrderId)), ...later].sort(
    (a, b) => a.createdAt - b.createdAt,
  );
  const bars = readSessionBars(join(o.dir, SESSION_FILES.bars));
  const prices = new Map<string, BarSeries>();
  for (const s of bars.series) if (record.symbols.includes(s.symbol)) prices.set(s.symbol, s);
  for (const [symbol, s] of record.prices) if (!prices.has(symbol)) prices.set(symbol, s);
  const cols = equity.column('ts');
  return {
    ...record,
    start: cols.length === 0 ? record.start : formatTime(record.timeframe, cols[0]!),
    end: cols.length === 0 ? record.end : formatTime(record.timeframe, cols[cols.length - 1]!),
    equity,
    orders,
    trades: [...prior.trades, ...record.trades.slice(prior.trades.length)],
    fills: [...o.priorFills, ...(record.fills ?? [])],
    signals: [...prior.signals, ...record.signals.filter((x) => x.ts > prior.through)],
    prices,
  };
}

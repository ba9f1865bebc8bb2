/**
 * Golden run of issue 5's acceptance: sma-cross with fast = 1, slow = 15, qty = 1 on ORCL daily
 * bars (close crosses its 15-day SMA), cash 10,000, no fees, no slippage, market orders filled at
 * the next bar's open, no price rounding. Checked three ways:
 * 1. the first five round trips, read off the file by hand (below);
 * 2. every signal and round trip, against an independent loop over the raw CSV rows in exact
 *    integer arithmetic (micro-dollars; the file has 6 decimals);
 * 3. metrics and the orders hash stored in sma-cross-orcl.json, against regressions.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordersHash } from '../../src/backtest/orders-hash.js';
import type { RunRecord } from '../../src/backtest/run-record.js';
import { getCalendar } from '../../src/calendar/index.js';
import { importFile } from '../../src/data/import-file.js';
import { RawStore } from '../../src/data/raw-store.js';
import { tsToDate } from '../../src/data/schema.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { SHARED_DATA } from '../support/paths.js';

const FILE = join(SHARED_DATA, 'orcl-1995-2014.txt');
const GOLDEN = JSON.parse(readFileSync(new URL('./sma-cross-orcl.json', import.meta.url), 'utf8')) as {
  params: Record<string, unknown>;
  run: { run_id: string; cash: number };
  metrics: { total_return: number; trades: number; open_trades: number; final_equity: number; max_drawdown: number };
  orders: number;
  orders_hash: string;
};

/** A round trip as `[signal date, fill date, fill price]` in, then out. */
type Leg = readonly [string, string, number];
type RoundTrip = readonly [Leg, Leg];

/*
 * The first five round trips, read from orcl-1995-2014.txt by hand. Columns: Date,Open,High,Low,
 * Close,... A signal on day t fills at the Open of the next row.
 *
 * Trip 1. The SMA(15) is first defined on 1995-01-23 (row 15), over the closes of rows 1..15:
 *   2.117284 + 2.135803 + 2.092592 + 2.117284 + 2.179012 + 2.185185 + 2.120370 + 2.104938
 *   + 2.080247 + 2.067901 + 2.141975 + 2.135803 + 2.209877 + 2.169753 + 2.123457 = 31.981481,
 *   SMA = 2.1320987; close 2.123457 < SMA: sign negative (the first defined bar only sets it).
 * 1995-01-24: sum = 31.981481 - 2.117284 (row 1) + 2.117284 = 31.981481, SMA 2.1320987 > 2.117284: negative.
 * 1995-01-25: sum = 31.981481 - 2.135803 (row 2) + 2.160494 = 32.006172, SMA 2.1337448 < close
 *   2.160494: positive, an upward cross -> buy; next row 1995-01-26 opens at 2.154321.
 * 1995-01-26: sum = 32.006172 - 2.092592 (row 3) + 2.117284 = 32.030864, SMA 2.1353909 > close
 *   2.117284: a downward cross -> sell; next row 1995-01-27 opens at 2.123457.
 *   P&L = 2.123457 - 2.154321 = -0.030864.
 * Trip 2. 1995-02-02: SMA of rows 9..23 = 31.811728 / 15 = 2.1207819 > close 2.117284 (negative);
 *   1995-02-03: SMA of rows 10..24 = 31.904320 / 15 = 2.1269547 < close 2.172839 -> buy at the
 *   1995-02-06 open 2.172839; the next downward cross is on 1995-03-23 -> sell at the 1995-03-24
 *   open 2.361111.
 * Trips 3 to 5 likewise (fill rows: 1995-04-13 open 2.388889, 1995-04-18 open 2.324074,
 *   1995-04-28 open 2.324074, 1995-05-01 open 2.268518, 1995-05-04 open 2.361111, 1995-06-07
 *   open 2.592592).
 */
const FIRST_FIVE: readonly RoundTrip[] = [
  [
    ['1995-01-25', '1995-01-26', 2.154321],
    ['1995-01-26', '1995-01-27', 2.123457],
  ],
  [
    ['1995-02-03', '1995-02-06', 2.172839],
    ['1995-03-23', '1995-03-24', 2.361111],
  ],
  [
    ['1995-04-12', '1995-04-13', 2.388889],
    ['1995-04-17', '1995-04-18', 2.324074],
  ],
  [
    ['1995-04-27', '1995-04-28', 2.324074],
    ['1995-04-28', '1995-05-01', 2.268518],
  ],
  [
    ['1995-05-03', '1995-05-04', 2.361111],
    ['1995-06-06', '1995-06-07', 2.592592],
  ],
];

interface Reference {
  readonly signals: string[];
  readonly closed: RoundTrip[];
  readonly open: Leg | undefined;
  readonly lastClose: number;
}

/**
 * The rule computed independently from the raw rows: prices in integer micro-dollars, the SMA sum
 * recomputed from scratch on every bar, and `15 x close` compared with it exactly (a tie keeps
 * the previous sign).
 */
function reference(text: string, slow: number): Reference {
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const date = rows.map((r) => r[0] as string);
  const open = rows.map((r) => Number(r[1]));
  const micro = rows.map((r) => Math.round(Number(r[4]) * 1e6));
  const signals: string[] = [];
  const closed: RoundTrip[] = [];
  let entry: Leg | undefined;
  let sign = 0;
  for (let i = slow - 1; i < rows.length; i++) {
    let sum = 0;
    for (let j = i - slow + 1; j <= i; j++) sum += micro[j] as number;
    const d = slow * (micro[i] as number) - sum;
    const next = d > 0 ? 1 : d < 0 ? -1 : sign;
    if (sign !== 0 && next !== sign) {
      signals.push(`${date[i]} ${next > 0 ? 'long' : 'flat'}`);
      const leg: Leg | undefined =
        i + 1 < rows.length ? [date[i] as string, date[i + 1] as string, open[i + 1] as number] : undefined;
      if (next > 0) entry = leg;
      else if (entry !== undefined && leg !== undefined) {
        closed.push([entry, leg]);
        entry = undefined;
      }
    }
    sign = next;
  }
  return { signals, closed, open: entry, lastClose: Number(rows[rows.length - 1]?.[4]) };
}

describe('golden: sma-cross fast=1 slow=15 qty=1 on ORCL 1995-2014', () => {
  let rec: RunRecord;
  let ref: Reference;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'golden-orcl-'));
    const imported = await importFile({
      home,
      file: FILE,
      symbol: 'ORCL',
      calendar: getCalendar('XNYS'),
      format: 'csv',
    });
    expect(imported.qc.rejected).toBe(0);
    const series = await new RawStore(home).read('ORCL', '1d');
    expect(series?.length).toBe(5036);
    rec = runBacktest({
      strategy: 'sma-cross',
      params: GOLDEN.params,
      series: [series!],
      cash: GOLDEN.run.cash,
      fill: 'next-open',
      priceRounding: 'none',
      runId: GOLDEN.run.run_id,
    });
    ref = reference(readFileSync(FILE, 'utf8'), 15);
  });

  /** The run's closed round trips as `[signal, fill, price]` legs; signals from the orders' creation dates. */
  function trips(): RoundTrip[] {
    const closed = rec.trades.filter((t) => !t.isOpen);
    const orders = rec.orders;
    return closed.map((t, k) => {
      const buy = orders[2 * k];
      const sell = orders[2 * k + 1];
      return [
        [tsToDate(buy?.createdAt as number), tsToDate(t.entryTs), t.entryPrice],
        [tsToDate(sell?.createdAt as number), tsToDate(t.exitTs), t.exitPrice],
      ];
    });
  }

  it('trades the first five round trips verified by hand', () => {
    expect(trips().slice(0, 5)).toEqual(FIRST_FIVE);
    expect(ref.closed.slice(0, 5)).toEqual(FIRST_FIVE);
    expect((rec.trades[0]?.pnl as number) + 0.030864).toBeCloseTo(0, 12);
  });

  it('matches the independent loop on every signal and every round trip', () => {
    expect(rec.signals.map((s) => `${tsToDate(s.ts)} ${s.direction}`)).toEqual(ref.signals);
    expect(trips()).toEqual(ref.closed);
    const open = rec.trades.filter((t) => t.isOpen);
    expect(open.map((t) => [tsToDate(t.entryTs), t.entryPrice])).toEqual([[ref.open?.[1], ref.open?.[2]]]);
    const pnl = ref.closed.reduce((sum, [inn, out]) => sum + out[2] - inn[2], 0) + ref.lastClose - (ref.open?.[2] ?? 0);
    expect(rec.equity.at(rec.equity.length - 1).equity).toBeCloseTo(GOLDEN.run.cash + pnl, 9);
    expect(rec.orders.every((o) => o.status === 'filled' && o.qty === 1 && o.fees === 0)).toBe(true);
  });

  it('reproduces the stored metrics and orders hash', () => {
    const last = rec.equity.at(rec.equity.length - 1);
    const m = GOLDEN.metrics;
    expect(last.equity).toBeCloseTo(m.final_equity, 9);
    expect(last.equity / rec.initialCash - 1).toBeCloseTo(m.total_return, 12);
    expect(rec.equity.maxDrawdown).toBeCloseTo(m.max_drawdown, 12);
    expect(rec.trades.filter((t) => !t.isOpen)).toHaveLength(m.trades);
    expect(rec.trades.filter((t) => t.isOpen)).toHaveLength(m.open_trades);
    expect(rec.orders).toHaveLength(GOLDEN.orders);
    expect(ordersHash(rec.orders)).toBe(GOLDEN.orders_hash);
  });
});

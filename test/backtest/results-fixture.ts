import { BarSeries } from '../../src/core/bar.js';
import type { OrderRecord } from '../../src/engine/ports.js';
import { EquityCurve, type Trade } from '../../src/portfolio/index.js';
import type { RunRecord, SignalRecord } from '../../src/backtest/run-record.js';

/** Hand-made RunRecords for the results writer, metrics and report tests (no engine involved). */

export const DAY = 86_400_000;
export const d = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

/** Mulberry32: a small seeded PRNG, so the synthetic series are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weekdays from `start`, `n` of them, as 00:00 UTC epoch ms (daily bar convention). */
export function weekdays(start: string, n: number): number[] {
  const out: number[] = [];
  for (let t = d(start); out.length < n; t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(t);
  }
  return out;
}

export function trade(p: Partial<Trade> & Pick<Trade, 'symbol' | 'entryTs' | 'exitTs' | 'pnl'>): Trade {
  return {
    direction: 'long',
    qty: 10,
    entryPrice: 100,
    entryBar: 0,
    exitPrice: 101,
    exitBar: 1,
    return: p.pnl / 1000,
    fees: 0,
    borrow: 0,
    barsHeld: 1,
    isOpen: false,
    ...p,
  };
}

export function order(
  p: Partial<OrderRecord> & Pick<OrderRecord, 'clientOrderId' | 'symbol' | 'createdAt'>,
): OrderRecord {
  return {
    id: `sim-${p.clientOrderId}`,
    side: 'buy',
    type: 'market',
    qty: 10,
    tif: 'day',
    status: 'filled',
    filledQty: 10,
    avgFillPrice: 100,
    updatedAt: p.createdAt,
    fees: 0,
    history: [
      { status: 'new', ts: p.createdAt },
      { status: 'accepted', ts: p.createdAt },
      { status: 'filled', ts: p.createdAt + DAY },
    ],
    ...p,
  };
}

export function baseRecord(p: Partial<RunRecord> & Pick<RunRecord, 'equity'>): RunRecord {
  return {
    runId: '20240105T000000Z-abc123',
    strategy: 'sma-cross',
    params: { slow: 15, fast: 1 },
    config: { fill: 'next-open', fees: 'none' },
    symbols: ['AAPL'],
    timeframe: '1d',
    start: '2024-01-02',
    end: '2024-01-05',
    initialCash: 1000,
    periodsPerYear: 252,
    trades: [],
    orders: [],
    signals: [],
    prices: new Map(),
    dataFiles: [{ path: 'data/raw/1d/AAPL.csv', sha256: 'a'.repeat(64) }],
    seed: 7,
    codeVersion: '0.1.0+abc1234',
    timings: { total_ms: 12.5 },
    ...p,
  };
}

/** One row in every file: the exact-contents test. */
export function tinyRecord(): RunRecord {
  const equity = new EquityCurve(1000);
  equity.push(d('2024-01-02'), 1010, 510, 500, 500);
  const signal: SignalRecord = {
    ts: d('2024-01-02'),
    strategy: 'sma-cross',
    symbol: 'AAPL',
    direction: 'long',
    targetWeight: 0.5,
    confidence: 1,
    meta: { b: 2, a: 'x,y' },
  };
  return baseRecord({
    equity,
    trades: [
      trade({
        symbol: 'AAPL',
        entryTs: d('2024-01-02'),
        exitTs: d('2024-01-05'),
        qty: 4,
        exitPrice: 102.5,
        pnl: 9,
        return: 0.0225,
        fees: 1,
        barsHeld: 3,
      }),
    ],
    orders: [
      order({
        clientOrderId: 'sma-1',
        symbol: 'AAPL',
        createdAt: d('2024-01-02'),
        type: 'limit',
        limitPrice: 99.5,
        status: 'rejected',
        filledQty: 0,
        avgFillPrice: NaN,
        reason: 'needs "1,000" cash',
        strategy: 'sma-cross',
        history: [
          { status: 'new', ts: d('2024-01-02') },
          { status: 'rejected', ts: d('2024-01-02'), reason: 'needs "1,000" cash' },
        ],
      }),
    ],
    signals: [signal],
    prices: new Map([
      [
        'AAPL',
        BarSeries.fromBars('AAPL', [
          { ts: d('2024-01-02'), open: 100, high: 101, low: 99, close: 100.5, volume: 1200 },
        ]),
      ],
    ]),
  });
}

/** A random-walk bar series (seeded). */
export function walkBars(symbol: string, ts: readonly number[], rnd: () => number, start = 100): BarSeries {
  let close = start;
  return BarSeries.fromBars(
    symbol,
    ts.map((t) => {
      const open = close * (1 + (rnd() - 0.5) * 0.01);
      close = open * (1 + (rnd() - 0.49) * 0.03);
      const high = Math.max(open, close) * (1 + rnd() * 0.01);
      const low = Math.min(open, close) * (1 - rnd() * 0.01);
      return { ts: t, open, high, low, close, volume: Math.round(1e5 + rnd() * 1e5) };
    }),
  );
}

/**
 * A year-long daily run over three symbols: synthetic bars, an equity curve holding half the
 * account in the first symbol, a trade every 20 bars, a benchmark, and a few kinds of orders.
 */
export function richRecord(seed = 42, n = 300): RunRecord {
  const rnd = prng(seed);
  const ts = weekdays('2023-01-02', n);
  const symbols = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'TSLA'];
  const prices = new Map(symbols.map((s, k) => [s, walkBars(s, ts, rnd, 100 + 50 * k)] as const));
  const a = prices.get('AAPL')!;
  const spy = prices.get('SPY')!;
  const equity = new EquityCurve(100_000);
  let e = 100_000;
  for (let i = 0; i < n; i++) {
    const r = i === 0 ? 0 : 0.5 * (a.close[i]! / a.close[i - 1]! - 1) + 0.0002;
    e *= 1 + r;
    const gross = i % 40 < 30 ? e / 2 : 0;
    equity.push(ts[i]!, e, e - gross, gross, gross);
  }
  const trades: Trade[] = [];
  const orders: OrderRecord[] = [];
  for (let i = 5, k = 0; i + 10 < n; i += 20, k++) {
    const sym = symbols[k % 3]!;
    const bars = prices.get(sym)!;
    const isLong = k % 4 !== 3;
    const entry = bars.open[i]!;
    const exit = bars.open[i + 10]!;
    const pnl = (isLong ? 1 : -1) * (exit - entry) * 50 - 2;
    trades.push(
      trade({
        symbol: sym,
        direction: isLong ? 'long' : 'short',
        qty: 50,
        entryTs: ts[i]!,
        entryPrice: entry,
        entryBar: i,
        exitTs: ts[i + 10]!,
        exitPrice: exit,
        exitBar: i + 10,
        pnl,
        return: pnl / (50 * entry),
        fees: 2,
        barsHeld: 10,
      }),
    );
    for (const [j, side, px] of [
      [i, isLong ? 'buy' : 'sell', entry],
      [i + 10, isLong ? 'sell' : 'buy', exit],
    ] as const) {
      orders.push(
        order({
          clientOrderId: `o-${orders.length}`,
          symbol: sym,
          side,
          qty: 50,
          avgFillPrice: px,
          filledQty: 50,
          fees: 1,
          createdAt: ts[j - 1]!,
          strategy: 'sma-cross',
        }),
      );
    }
  }
  orders.push(
    order({
      clientOrderId: 'o-cancel',
      symbol: 'MSFT',
      type: 'stop',
      stopPrice: 90,
      tif: 'gtc',
      status: 'cancelled',
      filledQty: 0,
      avgFillPrice: NaN,
      createdAt: ts[3]!,
      reason: 'cancelled by request',
      history: [
        { status: 'new', ts: ts[3]! },
        { status: 'accepted', ts: ts[3]! },
        { status: 'cancelled', ts: ts[9]!, reason: 'cancelled by request' },
      ],
    }),
  );
  return baseRecord({
    runId: 'rich-run-1',
    symbols,
    start: '2023-01-02',
    end: new Date(ts[n - 1]!).toISOString().slice(0, 10),
    initialCash: 100_000,
    equity,
    trades,
    orders,
    signals: trades.map((t) => ({
      ts: t.entryTs,
      strategy: 'sma-cross',
      symbol: t.symbol,
      direction: t.direction,
      targetWeight: 0.5,
      confidence: 0.8,
      meta: { note: '<b>&"x"</b>' },
    })),
    prices,
    benchmark: { symbol: 'SPY', close: spy.close.slice() },
    config: { fill: 'next-open', fees: 'none', note: '</script><script>alert(1)</script>' },
  });
}

/** The same record without its benchmark. */
export function withoutBenchmark(record: RunRecord): RunRecord {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'benchmark')) as unknown as RunRecord;
}

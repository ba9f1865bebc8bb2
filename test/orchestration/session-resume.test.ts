/**
 * A resumed session's results folder: what the run before the crash appended stays, the resumed
 * run appends after the last bar it recorded (not the warm-up bars it sees again), and the final
 * files, metrics and report cover the whole session. The "crash" here is a session whose folder
 * got its appended rows but never the final rewrite, which is what SIGKILL leaves.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { BacktestClock } from '../../src/core/clock.js';
import { equity } from '../../src/core/instrument.js';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import { writeResults } from '../../src/backtest/results-writer.js';
import { orderRows } from '../../src/backtest/results-files.js';
import { openLedger } from '../../src/store/index.js';
import type { FeedSink, LiveFeed } from '../../src/engine/ports.js';
import { resolveStrategy } from '../../src/orchestration/node.js';
import { simulatedExchange } from '../../src/orchestration/paper-venue.js';
import { runSession, type SessionOptions } from '../../src/orchestration/session.js';
import { SessionFiles } from '../../src/orchestration/session-files.js';
import { ledgerOrderRecord, mergeResumed, readPriorResults } from '../../src/orchestration/session-resume.js';
import { tempDir } from '../support/cli.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

const spec: RunConfig = {
  ...RUN_DEFAULTS,
  strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, qty: 1 } },
  data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], timeframe: '1m' },
  venue: { ...RUN_DEFAULTS.venue, fees: 'none', slippage: 'none' },
};

/** Closes alternate 100, 110, 100...: every bar crosses the fast sma-cross (a buy, then a sell). */
function bar(i: number): Bar {
  const c = i % 2 === 0 ? 100 : 110;
  return { symbol: 'AAA', ts: T0 + i * MIN, open: c, high: c, low: c, close: c, volume: 1_000 };
}

/** Bars `from`..`to`, the first `history` of them as warm-up history. */
function feed(from: number, to: number, history: number): LiveFeed {
  return {
    name: 'test',
    symbols: ['AAA'],
    async run(sink: FeedSink) {
      for (let i = from; i <= to; i++) {
        sink.bar(bar(i), Date.now(), i < from + history);
        sink.closeThrough(bar(i).ts + MIN);
      }
    },
  };
}

function session(files: SessionFiles, f: LiveFeed, resume?: SessionOptions['resume']) {
  const clock = new BacktestClock(T0);
  const { strategy, params } = resolveStrategy(spec.strategy.name, spec.strategy.params);
  return runSession({
    runId: 'resumed-session',
    run: spec,
    strategy,
    params,
    instrument: (s) => equity(s),
    clock,
    feed: f,
    venue: ({ portfolio, symbols }) => {
      const ex = simulatedExchange(
        spec,
        clock,
        (s) => equity(s),
        symbols,
        () => portfolio.equity,
      );
      return { execution: ex, market: ex };
    },
    files,
    signal: new AbortController().signal,
    ...(resume === undefined ? {} : { resume }),
  });
}

const read = (dir: string, name: string): string => readFileSync(join(dir, name), 'utf8');
const times = (csv: string): string[] =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.slice(0, l.indexOf(',')));

describe('a resumed session keeps what it wrote before the crash', () => {
  it('appends after the last recorded bar and ends with the whole session in its files', async () => {
    const dir = tempDir('momentic-resume-');
    // Before the crash: 3 warm-up bars, live bars 3..9; the folder is left as appended.
    const files1 = new SessionFiles(dir, '1m');
    const first = await session(files1, feed(0, 9, 3));
    files1.close();
    const beforeEquity = read(dir, 'equity.csv');
    const beforeTrades = read(dir, 'trades.csv');
    expect(times(beforeEquity)).toHaveLength(10);
    expect(first.record.trades.length).toBeGreaterThan(1);

    // After the restart: warm-up bars 7..9 again, then live bars 10..15.
    const prior = readPriorResults(dir);
    expect(prior.through).toBe(bar(9).ts);
    const files2 = new SessionFiles(dir, '1m', { through: prior.through, trades: prior.trades.length });
    const fills = first.record.fills ?? [];
    const second = await session(files2, feed(7, 15, 3), {
      usedOrderIds: first.record.orders.map((o) => o.clientOrderId),
      fills,
    });
    files2.close();
    // As the session went: one equity row per bar 0..15, none twice; the earlier rows untouched.
    const appended = read(dir, 'equity.csv');
    const expected = Array.from({ length: 16 }, (_, i) => new Date(bar(i).ts).toISOString().replace('.000Z', 'Z'));
    expect(times(appended)).toEqual(expected);
    expect(appended.startsWith(beforeEquity)).toBe(true);
    expect(read(dir, 'trades.csv').startsWith(beforeTrades)).toBe(true);
    const signalTimes = times(read(dir, 'signals.csv'));
    expect(new Set(signalTimes).size).toBe(signalTimes.length);
    const appendedSignals = read(dir, 'signals.csv');

    // At the end the folder is rewritten whole from the merged record: the same rows.
    const merged = mergeResumed(second.record, prior, { dir, priorFills: fills, ledgerOnly: [] });
    const written = await writeResults(dir, merged);
    expect(read(dir, 'equity.csv')).toBe(appended);
    expect(read(dir, 'signals.csv')).toBe(appendedSignals);
    expect(read(dir, 'trades.csv').startsWith(beforeTrades)).toBe(true);
    // The round trips closed before the crash, as written then; the resumed portfolio's after.
    expect(merged.trades.slice(0, prior.trades.length)).toEqual(prior.trades);
    expect(merged.trades.slice(prior.trades.length)).toEqual(second.record.trades.slice(prior.trades.length));
    const ids = read(dir, 'orders.csv');
    for (const o of [...first.record.orders.filter((x) => x.status === 'filled'), ...second.record.orders])
      expect(ids).toContain(o.clientOrderId);
    expect(merged.fills).toHaveLength(fills.length + (second.record.fills ?? []).length);
    expect(merged.start).toBe(first.record.start);
    expect(merged.end).toBe(second.record.end);
    // The metrics are the whole session's: its 16 bars, every round trip.
    expect(written.metrics.periods).toBe(16);
    expect(written.metrics.trades).toBe(merged.trades.filter((t) => !t.isOpen).length);
    expect(written.metrics.trades).toBeGreaterThan(first.record.trades.filter((t) => !t.isOpen).length);
  });

  it('cuts a row a crash left half-written and keeps it aside', async () => {
    const dir = tempDir('momentic-resume-cut-');
    const files = new SessionFiles(dir, '1m');
    await session(files, feed(0, 5, 3));
    files.close();
    const whole = read(dir, 'equity.csv');
    appendFileSync(join(dir, 'equity.csv'), '2024-01-02T14:36:00Z,1000');
    const prior = readPriorResults(dir);
    expect(read(dir, 'equity.csv')).toBe(whole);
    expect(prior.through).toBe(bar(5).ts);
    expect(read(dir, 'resume-fragments.txt')).toBe('equity.csv: 2024-01-02T14:36:00Z,1000\n');
  });
});

describe('orders only the ledger holds', () => {
  it('are listed as the ledger has them: an order persisted but never sent, rejected at the restart', async () => {
    const ledger = await openLedger({ dialect: 'sqlite', file: join(tempDir('momentic-resume-ledger-'), 'm.db') });
    try {
      await ledger.startRun({ id: 'S1', kind: 'live', strategy: 'x', params: {}, spec: {}, startedAt: T0 });
      await ledger.persistOrder(
        'S1',
        { clientOrderId: 'S1-AAA-7', symbol: 'AAA', side: 'buy', type: 'limit', qty: 2, limitPrice: 99.5, tif: 'gtc' },
        T0 + MIN,
      );
      await ledger.transitionOrder('S1', 'S1-AAA-7', { status: 'rejected', ts: T0 + 5 * MIN, reason: 'not sent' });
      const [o] = await ledger.listOrders({ runId: 'S1' });
      const r = ledgerOrderRecord(o!, await ledger.orderEvents('S1', 'S1-AAA-7'));
      expect(r).toMatchObject({
        clientOrderId: 'S1-AAA-7',
        side: 'buy',
        type: 'limit',
        qty: 2,
        limitPrice: 99.5,
        status: 'rejected',
        filledQty: 0,
        createdAt: T0 + MIN,
      });
      expect(r.history.at(-1)).toEqual({ status: 'rejected', ts: T0 + 5 * MIN, reason: 'not sent' });
      expect([...orderRows('1m', [r])][0]).toContain(',rejected,0,');
    } finally {
      await ledger.close();
    }
  });
});

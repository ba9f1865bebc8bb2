/**
 * The session runner with its parts injected: the `live:` keys reach what uses them
 * (`stale_after` the kill switch, `reconcile_every` the reconciliation, `warmup_bars` the replay's
 * pacing, capped by the session's warm-up), the strategy stops on every end, a failing feed halts the kill switch, and a replay at
 * max speed with the backtest's run id writes the backtest's orders.csv byte for byte.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BarSeries, type Bar } from '../../src/core/bar.js';
import { BacktestClock } from '../../src/core/clock.js';
import { DataError, RiskError, VenueError } from '../../src/core/errors.js';
import { equity } from '../../src/core/instrument.js';
import { getCalendar } from '../../src/calendar/registry.js';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import { ordersCsv, tradesCsv } from '../../src/backtest/results-files.js';
import type { OrderStatus } from '../../src/core/enums.js';
import type { Fill, OrderRequest } from '../../src/core/order.js';
import type { ExecutionClient, ExecutionListener, FeedSink, LiveFeed } from '../../src/engine/ports.js';
import { SimulatedExchange } from '../../src/execution/simulated-exchange.js';
import { runConfigured } from '../../src/orchestration/configured-run.js';
import { simulatedExchange } from '../../src/orchestration/paper-venue.js';
import { resolveStrategy } from '../../src/orchestration/node.js';
import { ReplayClock } from '../../src/orchestration/replay-clock.js';
import { ReplayFeed, readReplayFile } from '../../src/orchestration/replay-feed.js';
import { runSession, type SessionOptions } from '../../src/orchestration/session.js';
import { SessionFiles } from '../../src/orchestration/session-files.js';
import type { Strategy } from '../../src/strategies/api.js';
import { tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

function run(live: Partial<RunConfig['live']> = {}, over: Partial<RunConfig> = {}): RunConfig {
  return {
    ...RUN_DEFAULTS,
    strategy: { name: 'sma-cross', params: { fast: 1, slow: 2 } },
    data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, fees: 'none', slippage: 'none' },
    live: { ...RUN_DEFAULTS.live, ...live },
    ...over,
  };
}

function bar(i: number, ts0 = T0): Bar {
  const o = 100 + i;
  return { symbol: 'AAA', ts: ts0 + i * MIN, open: o, high: o + 1, low: o - 1, close: o + 0.5, volume: 1_000 };
}

/** A feed that delivers `bars` then waits for `hold` (if any) before ending. */
function feedOf(bars: readonly Bar[], hold?: (signal: AbortSignal) => Promise<void>): LiveFeed {
  return {
    name: 'test',
    symbols: ['AAA'],
    async run(sink: FeedSink, signal: AbortSignal) {
      for (const b of bars) {
        sink.bar(b, Date.now());
        sink.closeThrough(b.ts + MIN);
      }
      await hold?.(signal);
    },
  };
}

function session(
  r: RunConfig,
  feed: LiveFeed,
  o: Partial<SessionOptions> & { clockAt?: number } = {},
): Promise<Awaited<ReturnType<typeof runSession>>> {
  const clock = new BacktestClock(o.clockAt ?? T0);
  const { strategy, params } = resolveStrategy(r.strategy.name, r.strategy.params);
  return runSession({
    runId: 'test-session',
    run: r,
    strategy,
    params,
    instrument: (s) => equity(s),
    clock,
    feed,
    venue: ({ portfolio, symbols }) => {
      const ex = new SimulatedExchange({
        instrument: (s) => (symbols.includes(s) ? equity(s) : undefined),
        buyingPower: { account: { equity: () => portfolio.equity }, leverage: 2 },
        clock,
        timeframe: '1m',
      });
      return { execution: ex, market: ex };
    },
    files: new SessionFiles(tempDir('momentic-session-'), '1m'),
    signal: new AbortController().signal,
    ...o,
  });
}

describe('runSession: the live: keys reach what uses them', () => {
  // The clock stands 10 minutes after the bars' closes: bar 0 closes at T0 + 1 min.
  const late = T0 + 11 * MIN;

  it('stale_after: a bar 10 minutes old trips the kill switch past a 5 minute limit', async () => {
    const r = await session(run({ stale_after: '5m' }), feedOf([bar(0)]), { clockAt: late });
    expect(r.risk.manager.killSwitch.state).toBe('REDUCING');
    expect(r.risk.manager.killSwitch.history[0]?.reason).toBe('market data is 600 s old (limit 300 s)');
  });

  it('stale_after: the same bar is fresh enough under a 1 hour limit', async () => {
    const r = await session(run({ stale_after: '1h' }), feedOf([bar(0)]), { clockAt: late });
    expect(r.risk.manager.killSwitch.state).toBe('ACTIVE');
  });

  it('stale_after: history (warm-up, backfill) is never stale, however old', async () => {
    const history: LiveFeed = {
      name: 'test',
      symbols: ['AAA'],
      async run(sink) {
        sink.bar(bar(0), Date.now(), true);
      },
    };
    const r = await session(run({ stale_after: '5m' }), history, { clockAt: late });
    expect(r.risk.manager.killSwitch.state).toBe('ACTIVE');
    expect(r.bars).toBe(1);
  });

  it('stale_after null: the risk limit kill_switch.stale_data_seconds (120 s) decides', async () => {
    const r = await session(run({ stale_after: null }), feedOf([bar(0)]), { clockAt: late });
    expect(r.risk.manager.killSwitch.history[0]?.reason).toBe('market data is 600 s old (limit 120 s)');
  });

  it('reconcile_every: reconciles at the start, then every period while the session runs', async () => {
    let calls = 0;
    let third: () => void = () => undefined;
    const thirdCall = new Promise<void>((resolve) => (third = resolve));
    const reconcile = async (): Promise<void> => {
      if (++calls === 3) third();
    };
    const r = await session(
      run({ reconcile_every: '20ms' }),
      feedOf([bar(0)], () => thirdCall),
      { reconcile },
    );
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(r.ended).toBe('feed');
  });

  it('reconcile_every: a disagreement halts new entries (REDUCING) and the session goes on', async () => {
    let calls = 0;
    let third: () => void = () => undefined;
    const thirdCall = new Promise<void>((resolve) => (third = resolve));
    const reconcile = async (): Promise<void> => {
      if (++calls === 3) third();
      if (calls === 2) {
        throw new RiskError('RISK_RECONCILE', 'the ledger and Alpaca disagree: AAA: the ledger holds 1, the broker 3');
      }
    };
    const r = await session(
      run({ reconcile_every: '20ms' }),
      feedOf([bar(0)], () => thirdCall),
      { reconcile },
    );
    expect(r.error).toBeUndefined();
    expect(r.ended).toBe('feed');
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(r.risk.manager.killSwitch.state).toBe('REDUCING');
    expect(r.risk.manager.killSwitch.history[0]?.reason).toBe(
      'the ledger and Alpaca disagree: AAA: the ledger holds 1, the broker 3',
    );
  });

  it('reconcile_every: a broker that cannot be read counts as a venue error, not a stop', async () => {
    let calls = 0;
    let third: () => void = () => undefined;
    const thirdCall = new Promise<void>((resolve) => (third = resolve));
    const reconcile = async (): Promise<void> => {
      // The session ends on the fourth read: the first three have failed by then.
      if (++calls === 4) third();
      throw new VenueError('VENUE_UNAVAILABLE', 'GET /v2/positions answered 503');
    };
    const r = await session(
      run(
        { reconcile_every: '20ms' },
        {
          risk: {
            ...RUN_DEFAULTS.risk,
            limits: {
              ...RUN_DEFAULTS.risk.limits,
              kill_switch: { ...RUN_DEFAULTS.risk.limits.kill_switch, max_venue_errors: 3 },
            },
          },
        },
      ),
      feedOf([bar(0)], () => thirdCall),
      { reconcile },
    );
    expect(r.error).toBeUndefined();
    // Three failed reads in a row reach the limit of three consecutive venue errors.
    expect(r.risk.manager.killSwitch.state).toBe('HALTED');
    expect(r.risk.manager.killSwitch.history.at(-1)?.reason).toMatch(
      /^3 consecutive venue errors \(last: reconciliation: GET/,
    );
  });

  it('reconcile_every: any other failure stops the session with its error', async () => {
    const reconcile = async (): Promise<void> => {
      throw new DataError('DATA_INVALID', 'the ledger answered nonsense');
    };
    const r = await session(
      run({ reconcile_every: '1h' }),
      feedOf([bar(0)], (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve()))),
      { reconcile },
    );
    expect(r.error?.code).toBe('DATA_INVALID');
    expect(r.ended).toBe('stopped');
  });

  it('warmup_bars: a paced replay delivers that many bars at once, then paces from the first live bar', async () => {
    const series = BarSeries.fromBars(
      'AAA',
      Array.from({ length: 5 }, (_, i) => bar(i)),
    );
    const waits = async (warmupBars: number): Promise<number[]> => {
      const asked: number[] = [];
      const feed = new ReplayFeed({
        series,
        timeframe: '1m',
        speed: 60,
        warmupBars,
        now: () => 0,
        sleep: async (ms) => {
          asked.push(ms);
        },
      });
      await feed.run({ bar: () => undefined, closeThrough: () => undefined }, new AbortController().signal);
      return asked;
    };
    // At 60 times real time a minute bar comes every second after the first live one.
    expect(await waits(0)).toEqual([1_000, 2_000, 3_000, 4_000]);
    expect(await waits(2)).toEqual([1_000, 2_000]);
    expect(await waits(10)).toEqual([]);
    // Never more history than the session's warm-up (held in a backtest too): 2 of 10 here.
    const asked: number[] = [];
    const feed = new ReplayFeed({
      series,
      timeframe: '1m',
      speed: 60,
      warmupBars: 10,
      now: () => 0,
      sleep: async (ms) => void asked.push(ms),
    });
    await feed.run(
      { bar: () => undefined, closeThrough: () => undefined, warmupBars: 2 },
      new AbortController().signal,
    );
    expect(asked).toEqual([1_000, 2_000]);
  });
});

describe('runSession: ending', () => {
  it('runs the strategy onStop when asked to stop, and reports it stopped', async () => {
    const stops: number[] = [];
    const strategy: Strategy = { name: 'stopper', onStop: () => void stops.push(1) };
    const stop = new AbortController();
    const feed = feedOf([bar(0), bar(1)], (signal) => {
      stop.abort();
      return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
    });
    const r = await session(run(), feed, { strategy, signal: stop.signal });
    expect(stops).toEqual([1]);
    expect(r.ended).toBe('stopped');
    expect(r.bars).toBe(2);
    expect(r.error).toBeUndefined();
  });

  it('a feed that fails halts the kill switch and ends the session with its error', async () => {
    const feed: LiveFeed = {
      name: 'test',
      symbols: ['AAA'],
      run: async () => {
        throw new VenueError('VENUE_UNAVAILABLE', 'stream lost for 45 s', { hint: 'check the network' });
      },
    };
    const r = await session(run(), feed);
    expect(r.error?.message).toBe('stream lost for 45 s');
    expect(r.risk.manager.killSwitch.state).toBe('HALTED');
    expect(r.risk.manager.killSwitch.history[0]?.reason).toBe('the test feed stopped: stream lost for 45 s');
  });

  it('a strategy that throws ends the session with its error, after onStop', async () => {
    const seen: string[] = [];
    const strategy: Strategy = {
      name: 'thrower',
      onBar: (_ctx, b) => {
        seen.push(`bar ${b.ts}`);
        throw new Error('boom');
      },
      onStop: () => void seen.push('stop'),
    };
    const r = await session(run(), feedOf([bar(0), bar(1), bar(2)]), { strategy });
    expect(r.error?.message).toContain('boom');
    expect(r.ended).toBe('stopped');
    expect(seen).toEqual([`bar ${T0}`, 'stop']);
  });
});

describe('a replay at max speed is its backtest', () => {
  it('with the backtest run id, orders.csv and trades.csv are byte-identical (intraday-mean-reversion, 2006 minute bars)', async () => {
    const calendar = 'hours:Europe/Berlin:08:00-22:00';
    const r = run(
      {},
      {
        strategy: { name: 'intraday-mean-reversion', params: { allowShort: true } },
        data: { ...RUN_DEFAULTS.data, symbols: ['FDAX'], timeframe: '1m' },
        venue: { ...RUN_DEFAULTS.venue, fees: 'bps:1', slippage: 'bps:1' },
        risk: { ...RUN_DEFAULTS.risk, enabled: true },
        // The replay delivers the engine's warm-up as history and holds it, as the backtest does.
        warmup: 200,
      },
    );
    const { series } = await readReplayFile({
      home: tempDir('momentic-replay-'),
      file: join(SHARED_DATA, '2006-01-02-volume-min-001.txt'),
      symbol: 'FDAX',
      calendar: getCalendar(calendar),
      timeframe: '1m',
      format: 'csv',
    });
    const instrument = (s: string) => equity(s, { calendar });
    const backtest = runConfigured(r, { series: [series], instrument }, { runId: 'same-run' }).record;
    const feed = new ReplayFeed({ series, timeframe: '1m', speed: 'max', warmupBars: 200 });
    const clock = new ReplayClock(feed.firstTs, 'max');
    const { strategy, params } = resolveStrategy(r.strategy.name, r.strategy.params);
    const paper = await runSession({
      runId: 'same-run',
      run: r,
      strategy,
      params,
      instrument,
      clock,
      feed,
      venue: ({ portfolio, symbols }) => {
        const ex = simulatedExchange(r, clock, instrument, symbols, () => portfolio.equity);
        return { execution: ex, market: ex };
      },
      files: new SessionFiles(tempDir('momentic-session-'), '1m'),
      signal: new AbortController().signal,
    });
    const text = (lines: Iterable<string>): string => [...lines].join('');
    expect(backtest.orders.length).toBeGreaterThan(100);
    expect(text(ordersCsv('1m', paper.record.orders))).toBe(text(ordersCsv('1m', backtest.orders)));
    expect(text(tradesCsv('1m', paper.record.trades))).toBe(text(tradesCsv('1m', backtest.trades)));
  }, 120_000);
});

describe('runSession: warm-up history and a resumed session', () => {
  /** Buys one unit on every bar it sees, and says which bars it saw warming up. */
  function everyBar(seen: boolean[]): Strategy {
    return {
      name: 'every-bar',
      onBar(ctx, b) {
        seen.push(ctx.isWarmingUp);
        ctx.buy(b.symbol, 1);
      },
    };
  }

  /** Three history bars (warm-up), then three live ones. */
  const warmThenLive: LiveFeed = {
    name: 'test',
    symbols: ['AAA'],
    async run(sink: FeedSink) {
      for (let i = 0; i < 6; i++) {
        sink.bar(bar(i), Date.now(), i < 3);
        sink.closeThrough(bar(i).ts + MIN);
      }
    },
  };

  async function withStrategy(strategy: Strategy, resume?: SessionOptions['resume']) {
    const r = run();
    const clock = new BacktestClock(T0);
    return runSession({
      runId: 'warm-session',
      run: r,
      strategy,
      params: {},
      instrument: (s) => equity(s),
      clock,
      feed: warmThenLive,
      venue: ({ portfolio, symbols }) => {
        const ex = simulatedExchange(
          r,
          clock,
          (s) => equity(s),
          symbols,
          () => portfolio.equity,
        );
        return { execution: ex, market: ex };
      },
      files: new SessionFiles(tempDir('momentic-session-'), '1m'),
      signal: new AbortController().signal,
      ...(resume === undefined ? {} : { resume }),
    });
  }

  it('places no order on warm-up history: orders start with the first live bar', async () => {
    const seen: boolean[] = [];
    const r = await withStrategy(everyBar(seen), undefined);
    expect(seen).toEqual([true, true, true, false, false, false]);
    const held = r.record.orders.filter((o) => o.status === 'rejected');
    expect(held.map((o) => o.reason)).toEqual(Array(3).fill('warm-up history: orders start with the first live bar'));
    // Bars 3 and 4's buys filled at the next opens (104, 105); bar 5's is still working.
    expect(r.record.orders.filter((o) => o.status === 'filled').map((o) => o.avgFillPrice)).toEqual([104, 105]);
  });

  it('manages again an order still working at the venue: its later fill is journaled and booked', async () => {
    // A venue that knows the working order and fills its remaining 3 when the first live bar comes.
    const listeners: ExecutionListener[] = [];
    const working: OrderRequest = {
      clientOrderId: 'old-AAA-1',
      symbol: 'AAA',
      side: 'buy',
      type: 'limit',
      qty: 5,
      limitPrice: 104,
      tif: 'gtc',
    };
    const venue: ExecutionClient = {
      name: 'scripted',
      submit: () => undefined,
      cancel: () => undefined,
      subscribe: (l) => {
        listeners.push(l);
        return () => undefined;
      },
      // The venue's own record of the order (the records of a session are the venue's).
      order: (id) =>
        id === 'old-AAA-1'
          ? { ...state(filled, filled === 5 ? 'filled' : 'partially_filled'), fees: 0, history: [] }
          : undefined,
      openOrders: () => [],
    };
    let filled = 2;
    const state = (filledQty: number, status: OrderStatus) => ({
      ...working,
      id: 'v-1',
      status,
      filledQty,
      avgFillPrice: 104,
      createdAt: T0 - 5 * MIN,
      updatedAt: T0,
    });
    const strategy: Strategy = {
      name: 'quiet',
      onBar(ctx, b) {
        if (!ctx.isWarmingUp && b.ts === bar(3).ts) {
          const fill = {
            orderId: 'v-1',
            clientOrderId: 'old-AAA-1',
            symbol: 'AAA',
            side: 'buy' as const,
            qty: 3,
            price: 104,
            fee: 0,
            ts: b.ts,
          };
          filled = 5;
          for (const l of listeners) l({ kind: 'filled', ts: b.ts, order: state(5, 'filled'), fill, slippage: 0 });
        }
      },
    };
    const journaled: Fill[] = [];
    const transitions: string[] = [];
    const earlier: Fill = {
      orderId: 'v-1',
      clientOrderId: 'old-AAA-1',
      symbol: 'AAA',
      side: 'buy',
      qty: 2,
      price: 104,
      fee: 0,
      ts: T0 - MIN,
    };
    const r = await runSession({
      runId: 'resumed',
      run: run(),
      strategy,
      params: {},
      instrument: (s) => equity(s),
      clock: new BacktestClock(T0),
      feed: warmThenLive,
      venue: () => ({ execution: venue }),
      journal: {
        persist: () => undefined,
        markSent: () => undefined,
        transition: (id, status) => void transitions.push(`${id} ${status}`),
        fill: (f) => void journaled.push(f),
      },
      files: new SessionFiles(tempDir('momentic-session-'), '1m'),
      signal: new AbortController().signal,
      resume: {
        usedOrderIds: ['old-AAA-1'],
        fills: [earlier],
        working: [
          {
            request: working,
            status: 'partially_filled',
            filledQty: 2,
            createdAt: T0 - 5 * MIN,
            sentAt: T0 - 5 * MIN,
            updatedAt: T0 - MIN,
          },
        ],
      },
    });
    expect(journaled.map((f) => [f.clientOrderId, f.qty])).toEqual([['old-AAA-1', 3]]);
    expect(transitions).toEqual(['old-AAA-1 filled']);
    const order = r.record.orders.find((o) => o.clientOrderId === 'old-AAA-1');
    expect(order?.status).toBe('filled');
    expect(order?.filledQty).toBe(5);
    // 2 units booked again from the earlier fill, 3 from the one after the restart.
    expect(r.record.equity.at(r.record.equity.length - 1).cash).toBe(r.record.initialCash - 5 * 104);
  });

  it('resumes with the fills it had (position and cash) and new order ids after the old ones', async () => {
    const first = await withStrategy(everyBar([]));
    const fills = first.record.fills ?? [];
    const used = first.record.orders.map((o) => o.clientOrderId);
    expect(fills).toHaveLength(2);
    const again = await withStrategy(everyBar([]), { usedOrderIds: used, fills });
    // Two units held before the restart, two more bought after it.
    expect(again.record.fills).toHaveLength(2);
    const last = used.filter((id) => !id.startsWith('denied')).map((id) => Number(id.slice(id.lastIndexOf('-') + 1)));
    const next = again.record.orders
      .filter((o) => o.status === 'filled')
      .map((o) => Number(o.clientOrderId.slice(o.clientOrderId.lastIndexOf('-') + 1)));
    expect(Math.min(...next)).toBeGreaterThan(Math.max(...last));
    // Four units (104 + 105 before, 104 + 105 after) marked at the last close, 105.5: +4 on the cash.
    const end = again.record.equity.at(again.record.equity.length - 1);
    expect(end.cash).toBe(again.record.initialCash - 418);
    expect(end.equity - again.record.initialCash).toBeCloseTo(4, 9);
  });
});

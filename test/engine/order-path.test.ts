/**
 * One order path in every mode: a backtest and a paper node (wall clock, bars pushed as they
 * close, the simulated exchange) both send the strategy's orders through the OrderManager, which
 * journals each order before it goes to the venue, then its transitions and fills.
 */
import { describe, expect, it } from 'vitest';
import { BarSeries, type Bar } from '../../src/core/bar.js';
import { WallClock } from '../../src/core/clock.js';
import { cryptoPair } from '../../src/core/instrument.js';
import type { OrderStatus } from '../../src/core/enums.js';
import type { Ledger, PreTradeCheck } from '../../src/engine/ports.js';
import { SimulatedExchange } from '../../src/execution/simulated-exchange.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { TradingNode, runBacktest } from '../../src/orchestration/node.js';
import { RiskGate } from '../../src/orchestration/risk-gate.js';
import { PushBarSource } from '../../src/orchestration/push-bar-source.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { Strategy } from '../../src/strategies/api.js';

const DAY = 86_400_000;

/**
 * The journal of roundTrip() on bars(): each order persisted before it is sent (the simulated
 * venue accepts it during the send), the buy decided at bar 2's close filled at bar 3's open
 * (120), the sell decided at bar 4's close at bar 5's open (140).
 */
const ROUND_TRIP = [
  'persist buy 1',
  'accepted',
  'sent',
  'fill buy 1 @ 120',
  'filled',
  'persist sell 1',
  'accepted',
  'sent',
  'fill sell 1 @ 140',
  'filled',
];

/** A journal that keeps every call in order. */
function recordingJournal(): { journal: Ledger; log: string[] } {
  const log: string[] = [];
  const journal: Ledger = {
    persist: (o) => log.push(`persist ${o.side} ${o.qty}`),
    markSent: () => log.push('sent'),
    transition: (_id, s: OrderStatus, _ts, reason) => log.push(reason === undefined ? s : `${s}: ${reason}`),
    fill: (f) => log.push(`fill ${f.side} ${f.qty} @ ${f.price}`),
  };
  return { journal, log };
}

/** Buys one unit on its 2nd bar and sells it on its 4th. */
function roundTrip(): Strategy {
  let bars = 0;
  return {
    name: 'round-trip',
    onBar(ctx, bar) {
      bars++;
      if (bars === 2) ctx.buy(bar.symbol, 1);
      if (bars === 4) ctx.sell(bar.symbol, 1);
    },
  };
}

/** Bars whose open is 100 + 10 x index, so a fill price names the bar it happened on. */
function bars(n: number, ts0: number, step: number, symbol = 'AAA'): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const o = 100 + 10 * i;
    return { symbol, ts: ts0 + i * step, open: o, high: o + 5, low: o - 5, close: o + 1, volume: 1_000 };
  });
}

/** roundTrip() backtested over six daily bars of a crypto pair, with a recording journal. */
function backtestWith(risk?: PreTradeCheck) {
  const { journal, log } = recordingJournal();
  const rec = runBacktest({
    strategy: roundTrip(),
    series: [BarSeries.fromBars('AAA', bars(6, Date.UTC(2024, 0, 2), DAY))],
    instrument: (s) => cryptoPair(s),
    journal,
    ...(risk === undefined ? {} : { risk }),
  });
  return { rec, log };
}

describe('the order path', () => {
  it('journals a backtest order before it is sent, then its transitions and fills', () => {
    const { rec, log } = backtestWith();
    // Buy decided at bar 2's close fills at bar 3's open (120); the sell at bar 5's open (140).
    expect(log).toEqual(ROUND_TRIP);
    expect(rec.orders.map((o) => o.status)).toEqual(['filled', 'filled']);
  });

  it('journals nothing for an order the pre-trade check denies, and records the denial', () => {
    const { rec, log } = backtestWith({ check: (o) => (o.side === 'sell' ? 'no selling today' : undefined) });
    expect(log.filter((l) => l.startsWith('persist'))).toEqual(['persist buy 1']);
    expect(rec.orders.map((o) => [o.side, o.status, o.reason])).toEqual([
      ['buy', 'filled', undefined],
      ['sell', 'rejected', 'no selling today'],
    ]);
  });

  it('runs a paper node (wall clock, pushed bars, simulated exchange) through the same OrderManager', () => {
    const { journal, log } = recordingJournal();
    const clock = new WallClock();
    const source = new PushBarSource(['BTCUSD']);
    const instrument = (s: string) => cryptoPair(s);
    const exchange = new SimulatedExchange({ instrument, clock, timeframe: '1m', priceRounding: 'none' });
    const portfolio = new Portfolio({ initialCash: 10_000, symbols: source.symbols });
    const node = new TradingNode(
      { clock, source, execution: exchange, market: exchange },
      { runId: 'paper-1', strategy: roundTrip(), params: {}, portfolio, instrument, timeframe: '1m', journal },
    );
    node.attach();
    // Minute bars that start after the orders are placed, as the next live bar does.
    const minute = 60_000;
    const t0 = Math.ceil(Date.now() / minute) * minute + minute;
    const feed = bars(6, t0, minute, 'BTCUSD');
    for (const b of feed.slice(0, 3)) source.push(b);
    // Every symbol has printed bar 3, so bars 1-3 are stepped: the buy (bar 2) filled at bar 3's open.
    expect(node.engine.barsProcessed).toBe(3);
    expect(portfolio.qty('BTCUSD')).toBe(1);
    for (const b of feed.slice(3)) source.push(b);
    source.end();
    node.detach();
    expect(log).toEqual(ROUND_TRIP);
    expect(portfolio.qty('BTCUSD')).toBe(0);
    expect(node.engine.orders.records().map((o) => o.status)).toEqual(['filled', 'filled']);
  });

  it('refuses a pushed bar that comes late, naming the symbol', () => {
    const source = new PushBarSource(['AAA', 'BBB']);
    const [b1, b2] = bars(2, Date.UTC(2024, 0, 2), DAY) as [Bar, Bar];
    source.push(b2);
    expect(() => source.push(b1)).toThrow(/a bar of AAA at 2024-01-02T00:00:00.000Z came late/);
    expect(() => source.push({ ...b1, symbol: 'CCC' })).toThrow(/CCC, not a symbol of this run/);
  });
});

describe('the kill switch in the order path', () => {
  /** A venue whose every submission fails for good (not a transient error: no retry). */
  function failingVenue(inner: SimulatedExchange): SimulatedExchange {
    return new Proxy(inner, {
      get(target, key) {
        if (key === 'submit') {
          return () => {
            throw new Error('venue unreachable');
          };
        }
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /** Buys one unit on every bar. */
  const everyBar: Strategy = {
    name: 'every-bar',
    onBar(ctx, bar) {
      ctx.buy(bar.symbol, 1);
    },
  };

  it('halts after max_venue_errors venue failures in a row, and denies orders after', () => {
    const risk = new RiskGate(
      { ...DEFAULTS.risk, kill_switch: { ...DEFAULTS.risk.kill_switch, max_venue_errors: 3 } },
      'swing',
      () => true,
    );
    const clock = new WallClock();
    const source = new PushBarSource(['BTCUSD']);
    const instrument = (s: string) => cryptoPair(s);
    const exchange = new SimulatedExchange({ instrument, clock, timeframe: '1m', priceRounding: 'none' });
    const portfolio = new Portfolio({ initialCash: 10_000, symbols: source.symbols });
    const node = new TradingNode(
      { clock, source, execution: failingVenue(exchange), market: exchange },
      { runId: 'paper-2', strategy: everyBar, params: {}, portfolio, instrument, timeframe: '1m', risk },
    );
    node.attach();
    const minute = 60_000;
    const t0 = Math.ceil(Date.now() / minute) * minute + minute;
    for (const b of bars(5, t0, minute, 'BTCUSD')) source.push(b);
    source.end();
    node.detach();
    // Bars 1-3 reach the venue and fail (the engine keeps no ended order: they are the journal's);
    // the third failure halts, so the orders of bars 4 and 5 are denied before the venue.
    const denied = node.engine.orders.records();
    expect(denied.map((o) => o.reason)).toEqual([
      'risk kill_switch: the kill switch is HALTED: no orders until it is reset',
      'risk kill_switch: the kill switch is HALTED: no orders until it is reset',
    ]);
    expect(risk.manager.killSwitch.state).toBe('HALTED');
    expect(risk.manager.killSwitch.history[0]?.reason).toBe('3 consecutive venue errors (last: venue unreachable)');
  });

  it('moves to REDUCING when told the market data is older than stale_data_seconds', () => {
    const risk = new RiskGate(DEFAULTS.risk, 'swing', () => true);
    const limitMs = DEFAULTS.risk.kill_switch.stale_data_seconds * 1000;
    risk.onDataAge(limitMs, 1);
    expect(risk.manager.killSwitch.state).toBe('ACTIVE');
    risk.onDataAge(limitMs + 1, 2);
    expect(risk.manager.killSwitch.state).toBe('REDUCING');
  });
});

describe('a resumed session', () => {
  /** A paper node over BTCUSD for `strategy`, resuming after `used` ids; returns the ids it persisted. */
  function session(strategy: Strategy, used?: readonly string[]) {
    const ids: string[] = [];
    const journal: Ledger = {
      persist: (o) => ids.push(o.clientOrderId),
      markSent: () => {},
      transition: () => {},
      fill: () => {},
    };
    const clock = new WallClock();
    const source = new PushBarSource(['BTCUSD']);
    const instrument = (s: string) => cryptoPair(s);
    const exchange = new SimulatedExchange({ instrument, clock, timeframe: '1m', priceRounding: 'none' });
    const portfolio = new Portfolio({ initialCash: 10_000, symbols: source.symbols });
    const node = new TradingNode(
      { clock, source, execution: exchange, market: exchange },
      {
        runId: 'session-7',
        strategy,
        params: {},
        portfolio,
        instrument,
        timeframe: '1m',
        journal,
        ...(used === undefined ? {} : { usedOrderIds: used }),
      },
    );
    node.attach();
    const minute = 60_000;
    const t0 = Math.ceil(Date.now() / minute) * minute + minute;
    for (const b of bars(5, t0, minute, 'BTCUSD')) source.push(b);
    source.end();
    node.detach();
    return { ids, denied: node.engine.orders.records().map((o) => [o.clientOrderId, o.reason]) };
  }

  it('continues its order ids after the ones it used before the restart, never reusing one', () => {
    const first = session(roundTrip());
    expect(first.ids).toHaveLength(2);
    const [a, b] = first.ids as [string, string];
    expect(a.endsWith('-1') && b.endsWith('-2')).toBe(true);
    // The same session after a restart: the same decisions get new ids, after the old ones.
    const again = session(roundTrip(), first.ids);
    expect(again.ids).toEqual([a.replace(/-1$/, '-3'), a.replace(/-1$/, '-4')]);
    // A strategy that names its own id cannot reuse one from before the restart.
    let n = 0;
    const reuse: Strategy = {
      name: 'own-ids',
      onBar(ctx, bar) {
        if (++n === 2) ctx.buy(bar.symbol, 1, { clientOrderId: a });
      },
    };
    expect(session(reuse, first.ids).denied).toEqual([[a, `client order id ${a} was already used in this run`]]);
  });
});

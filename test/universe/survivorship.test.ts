import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/registry.js';
import { BarSeries } from '../../src/core/bar.js';
import { dateToTs, tsToDate, type IsoDate } from '../../src/core/dates.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { membershipGate } from '../../src/orchestration/universe-membership.js';
import type { Strategy } from '../../src/strategies/api.js';
import type { AssetRecord } from '../../src/universe/reference-files.js';
import { buildUniverse } from '../../src/universe/universe-build.js';
import { UNIVERSE_DEFAULTS } from '../../src/universe/universe-config.js';
import type { Membership } from '../../src/universe/universe-files.js';

/**
 * Survivorship: six names over 60 sessions. WIN1..WIN3 rise 0.2% a session throughout; BUST1 and
 * BUST2 fall 1.5% a session and delist at session 40 (their bars stop there); IPO lists at
 * session 20 and rises. The naive backtest holds today's survivors (the names still listed at the
 * end) from the start; the point-in-time one holds whatever is a member each day. The busts drag
 * the point-in-time run down: naive (survivors only) > point in time, the documented direction.
 */
const SESSIONS = getCalendar('XNYS').sessionDates('2024-01-02', '2024-06-28').slice(0, 60) as IsoDate[];
const DELIST = SESSIONS[40] as IsoDate;
const LIST = SESSIONS[20] as IsoDate;

const drift: Record<string, number> = {
  WIN1: 0.002,
  WIN2: 0.002,
  WIN3: 0.002,
  BUST1: -0.015,
  BUST2: -0.015,
  IPO: 0.002,
};

function series(symbol: string): BarSeries {
  const bars = [];
  let price = 50;
  for (const [j, date] of SESSIONS.entries()) {
    if (symbol === 'IPO' && date < LIST) continue;
    if (symbol.startsWith('BUST') && date > DELIST) break;
    // A small alternating wiggle keeps the range and returns non-degenerate.
    const close = price * (1 + (drift[symbol] as number)) * (1 + (j % 2 === 0 ? 0.0005 : -0.0005));
    bars.push({
      ts: dateToTs(date),
      open: price,
      high: Math.max(price, close) * 1.0005,
      low: Math.min(price, close) * 0.9995,
      close,
      volume: 1e6,
    });
    price = close;
  }
  return BarSeries.fromBars(symbol, bars);
}

const asset = (symbol: string): AssetRecord => ({
  symbol,
  asOf: '2023-12-01',
  name: symbol,
  exchange: 'NYSE',
  assetClass: 'us_equity',
  status: 'active',
  tradable: true,
  shortable: true,
  easyToBorrow: true,
  fractionable: true,
  marketCap: NaN,
  listDate: symbol === 'IPO' ? LIST : '2010-01-04',
  delistDate: symbol.startsWith('BUST') ? DELIST : '',
  source: 'test',
});

const SYMBOLS = Object.keys(drift).sort();
const ALL = SYMBOLS.map(series);
const config = { ...UNIVERSE_DEFAULTS, lookback: 3, minAdvUsd: 0, maxSpreadBps: 1e6, minPrice: 1, maxPrice: 1e6 };
const days = buildUniverse({ series: ALL, assets: SYMBOLS.map(asset), events: [] }, SESSIONS, config);
const membership: Membership = {
  dates: SESSIONS,
  byDate: new Map(
    days.map((rows, i) => [
      SESSIONS[i] as IsoDate,
      new Map(rows.filter((r) => r.included).map((r) => [r.symbol, r.tier as 'core' | 'extended'])),
    ]),
  ),
};
const isMember = (s: string, d: IsoDate): boolean => membership.byDate.get(d)?.has(s) === true;

/** Equal weight in every symbol whose bar it sees. */
const equalWeight: Strategy = {
  name: 'equal-weight',
  onSlice(ctx, slice) {
    const w = Object.fromEntries(slice.bars.map((b) => [b.symbol, 0.9 / slice.bars.length]));
    if (slice.bars.length > 0) ctx.targetWeights(w);
  },
};

const run = (series: readonly BarSeries[], withMembership: boolean) =>
  runBacktest({
    strategy: equalWeight,
    series,
    cash: 100_000,
    ...(withMembership ? { membership: membershipGate(membership, 'extended', 'close') } : {}),
  });

describe('survivorship: a point-in-time universe against the survivors', () => {
  const pit = run(ALL, true);
  const naive = run(
    ALL.filter((s) => !s.symbol.startsWith('BUST')),
    false,
  );
  const last = (r: typeof pit): number => r.equity.at(r.equity.length - 1).equity;

  it('the membership follows the listing and delisting dates', () => {
    expect(isMember('IPO', SESSIONS[19] as IsoDate)).toBe(false);
    // Listed at 20, three bars of history needed: a member from session 23.
    expect(isMember('IPO', SESSIONS[22] as IsoDate)).toBe(false);
    expect(isMember('IPO', SESSIONS[23] as IsoDate)).toBe(true);
    expect(isMember('BUST1', SESSIONS[39] as IsoDate)).toBe(true);
    expect(isMember('BUST1', DELIST)).toBe(false);
  });

  it('the naive run on survivors beats the point-in-time one (survivorship bias)', () => {
    expect(last(naive)).toBeGreaterThan(last(pit));
    // The point-in-time run did hold the busts.
    expect(pit.fills?.some((f) => f.symbol === 'BUST1' && f.side === 'buy')).toBe(true);
  });

  it('never fills an order outside membership, except the universe exit on the session after', () => {
    const tagOf = new Map(pit.orders.map((o) => [o.clientOrderId, o.tag]));
    const fills = pit.fills ?? [];
    expect(fills.length).toBeGreaterThan(0);
    let exits = 0;
    for (const f of fills) {
      const date = tsToDate(f.ts);
      if (tagOf.get(f.clientOrderId) === 'universe-exit') {
        exits++;
        // The exit fills at the open of the first session out, the day after the last member day.
        const prev = SESSIONS[SESSIONS.indexOf(date) - 1] as IsoDate;
        expect(isMember(f.symbol, date), `${f.symbol} ${date}`).toBe(false);
        expect(isMember(f.symbol, prev), `${f.symbol} ${prev}`).toBe(true);
        expect(f.side).toBe('sell');
      } else {
        // A strategy order fills at the next open after the bar that placed it: a member on both.
        expect(isMember(f.symbol, date), `${f.symbol} filled ${date}`).toBe(true);
      }
    }
    // Both busts were held when they left: two exits, on the delist date.
    expect(exits).toBe(2);
    expect(fills.filter((f) => tagOf.get(f.clientOrderId) === 'universe-exit').map((f) => tsToDate(f.ts))).toEqual([
      DELIST,
      DELIST,
    ]);
    // Nothing is left of the busts.
    const net = (s: string): number =>
      fills.filter((f) => f.symbol === s).reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(net('BUST1')).toBeCloseTo(0, 9);
    expect(net('BUST2')).toBeCloseTo(0, 9);
  });

  it('with universe_exit hold, the position stays and no exit order is sent', () => {
    const held = runBacktest({
      strategy: equalWeight,
      series: ALL,
      cash: 100_000,
      membership: membershipGate(membership, 'extended', 'hold'),
    });
    expect(held.orders.some((o) => o.tag === 'universe-exit')).toBe(false);
    const fills = held.fills ?? [];
    const net = fills.filter((f) => f.symbol === 'BUST1').reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(net).toBeGreaterThan(0);
  });

  it('refuses a strategy order for a symbol outside the universe', () => {
    const eager: Strategy = {
      name: 'eager',
      onSlice(ctx) {
        if (ctx.portfolio.qty('IPO') === 0 && !ctx.hasOpenOrders('IPO')) ctx.buy('IPO', 1);
      },
    };
    const r = runBacktest({
      strategy: eager,
      series: ALL,
      cash: 100_000,
      membership: membershipGate(membership, 'extended', 'close'),
    });
    for (const f of r.fills ?? []) expect(isMember('IPO', tsToDate(f.ts))).toBe(true);
    // It asks every session from the first; only the ask made while IPO is a member fills.
    expect((r.fills ?? []).length).toBe(1);
    expect(tsToDate(r.fills?.[0]?.ts as number)).toBe(SESSIONS[24]);
  });
});

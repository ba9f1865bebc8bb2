import { describe, expect, it } from 'vitest';
import {
  BacktestClock,
  BarSeries,
  deterministicId,
  equity,
  cryptoPair,
  isValidRunId,
  newRunId,
  OrderStatus,
  roundToLot,
  roundToTick,
  signedQty,
  TERMINAL_ORDER_STATUSES,
  WallClock,
} from '../../src/core/index.js';

const bars = [
  { ts: 1000, open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
  { ts: 2000, open: 10.5, high: 12, low: 10, close: 11.5, volume: 200 },
  { ts: 3000, open: 11.5, high: 11.8, low: 11, close: 11.2, volume: 150 },
];

describe('BarSeries', () => {
  it('stores bars column-wise in Float64Arrays and gives them back', () => {
    const s = BarSeries.fromBars('AAPL', bars);
    expect(s.length).toBe(3);
    expect(s.close).toBeInstanceOf(Float64Array);
    expect([...s.close]).toEqual([10.5, 11.5, 11.2]);
    expect(s.at(1)).toEqual({ symbol: 'AAPL', ...bars[1] });
    expect([...s].map((b) => b.ts)).toEqual([1000, 2000, 3000]);
  });

  it('slices without copying', () => {
    const s = BarSeries.fromBars('AAPL', bars);
    const t = s.slice(1);
    expect(t.length).toBe(2);
    expect(t.close.buffer).toBe(s.close.buffer);
  });

  it('finds the last bar at or before a time', () => {
    const s = BarSeries.fromBars('AAPL', bars);
    expect(s.indexAtOrBefore(999)).toBe(-1);
    expect(s.indexAtOrBefore(2000)).toBe(1);
    expect(s.indexAtOrBefore(2999)).toBe(1);
    expect(s.indexAtOrBefore(1e12)).toBe(2);
  });

  it('rejects unsorted or duplicate timestamps and ragged columns', () => {
    expect(() => BarSeries.fromBars('X', [bars[1]!, bars[0]!])).toThrow(/strictly increasing at index 1/);
    expect(() => BarSeries.fromBars('X', [bars[0]!, bars[0]!])).toThrow(/strictly increasing/);
    const f = (n: number) => new Float64Array(n);
    expect(
      () => new BarSeries('X', { ts: f(2), open: f(2), high: f(2), low: f(1), close: f(2), volume: f(2) }),
    ).toThrow(/column low/);
    expect(() => BarSeries.fromBars('AAPL', bars).at(3)).toThrow(RangeError);
  });
});

describe('Instrument rules', () => {
  it('defaults equities to XNYS, cent ticks and whole shares; crypto to 24/7 and fractions', () => {
    expect(equity('SPY')).toMatchObject({ calendar: 'XNYS', tickSize: 0.01, lotSize: 1, shortable: true });
    expect(cryptoPair('BTCUSDT', { currency: 'USDT' })).toMatchObject({
      calendar: '24/7',
      currency: 'USDT',
      shortable: false,
    });
  });

  it('rounds prices to the tick and quantities down to the lot without float residue', () => {
    expect(roundToTick(10.006, 0.01)).toBe(10.01);
    expect(roundToTick(10.004, 0.01)).toBe(10);
    expect(roundToTick(101.3, 0.25)).toBe(101.25);
    expect(roundToTick(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(roundToLot(10.9, 1)).toBe(10);
    expect(roundToLot(-10.9, 1)).toBe(-10);
    expect(roundToLot(0.123456789, 0.00001)).toBe(0.12345);
    expect(roundToLot(0.3, 0.1)).toBe(0.3);
  });
});

describe('orders', () => {
  it('signs quantities by side and knows terminal states', () => {
    expect(signedQty('buy', 5)).toBe(5);
    expect(signedQty('sell', 5)).toBe(-5);
    expect(TERMINAL_ORDER_STATUSES.has(OrderStatus.Filled)).toBe(true);
    expect(TERMINAL_ORDER_STATUSES.has(OrderStatus.PartiallyFilled)).toBe(false);
  });
});

describe('clocks', () => {
  it('backtest clock moves forward only', () => {
    const c = new BacktestClock(1000);
    c.advanceTo(2000);
    expect(c.now()).toBe(2000);
    c.advanceTo(2000);
    expect(() => c.advanceTo(1999)).toThrow(/move back/);
  });

  it('wall clock reads real time', () => {
    const before = Date.now();
    const t = new WallClock().now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

describe('ids', () => {
  it('run ids sort by time and are valid folder names', () => {
    const a = newRunId(Date.parse('2026-11-21T16:16:00Z'));
    expect(a).toMatch(/^20261121T161600Z-[0-9a-f]{6}$/);
    expect(isValidRunId(a)).toBe(true);
    expect(isValidRunId('../etc')).toBe(false);
    expect(newRunId(1)).not.toBe(newRunId(1));
  });

  it('deterministic ids repeat for the same parts and differ otherwise', () => {
    expect(deterministicId('ord', 'run1', 'AAPL', 3)).toBe(deterministicId('ord', 'run1', 'AAPL', 3));
    expect(deterministicId('ord', 'run1', 'AAPL', 3)).not.toBe(deterministicId('ord', 'run1', 'AAPL', 4));
    // Parts are separated, so ('ab','c') and ('a','bc') differ.
    expect(deterministicId('x', 'ab', 'c')).not.toBe(deterministicId('x', 'a', 'bc'));
  });
});

/** Sizers, exits and filters on hand-made rows and states; expected values derived in comments. */
import { describe, expect, it } from 'vitest';
import { atrStop, atrTrailingStop, endOfDay, takeProfit, timeStop } from '../../../src/strategies/components/exits.js';
import { liquidity, regime, schedule } from '../../../src/strategies/components/filters.js';
import {
  atrRisk,
  equalWeight,
  fixedFraction,
  fixedUnits,
  inverseVolatility,
  volatilityTarget,
} from '../../../src/strategies/components/sizers.js';
import type { BarState, FeatureRow } from '../../../src/strategies/components/types.js';

const row = (...cur: number[]): FeatureRow => ({
  cur: Float64Array.from(cur),
  prev: new Float64Array(cur.length).fill(NaN),
});
const only =
  (name: string) =>
  (n: string): number => {
    if (n !== name) throw new Error(`unexpected feature ${n}`);
    return 0;
  };

function state(
  over: Partial<Record<keyof BarState, unknown>> & {
    equity?: number;
    symbols?: number;
    session?: { open: number; close: number };
    now?: number;
    /** Start of the symbol's previous bar (default: none). */
    prevTs?: number;
  },
): BarState {
  const ctx = {
    symbols: Array.from({ length: over.symbols ?? 1 }, (_, i) => `S${i}`),
    portfolio: { equity: over.equity ?? 100_000 },
    session: () => over.session,
    now: () => over.now ?? 0,
    history: () => ({ length: over.prevTs === undefined ? 1 : 2, ts: () => over.prevTs }),
  };
  return {
    ctx,
    symbol: 'S0',
    slot: 0,
    bar: { ts: 0, close: 100 },
    qty: 0,
    entryPrice: NaN,
    barsHeld: 0,
    highSinceEntry: NaN,
    lowSinceEntry: NaN,
    atEntry: new Float64Array(1),
    ...over,
  } as unknown as BarState;
}

describe('sizers', () => {
  it('fixed units, fixed fraction and equal weight', () => {
    expect(fixedUnits(100).create(only('x'), { rows: [] })(row(), state({}), 1)).toBe(100);
    expect(fixedFraction(0.1).create(only('x'), { rows: [] })(row(), state({}), 1)).toBe(0.1);
    expect(equalWeight().create(only('x'), { rows: [] })(row(), state({ symbols: 4 }), 1)).toBe(0.25);
  });

  it('inverse volatility: (1/sigma_i) / sum of 1/sigma_j over symbols with a known sigma', () => {
    // sigmas 0.1, 0.2, NaN: 1/0.1 = 10, 1/0.2 = 5; weight of the first = 10 / 15 = 2/3.
    const rows = [row(0.1), row(0.2), row(NaN)];
    const fn = inverseVolatility(20).create(() => 0, { rows });
    expect(fn(rows[0] as FeatureRow, state({}), 1)).toBeCloseTo(2 / 3, 15);
    expect(fn(rows[1] as FeatureRow, state({}), 1)).toBeCloseTo(1 / 3, 15);
    expect(fn(rows[2] as FeatureRow, state({}), 1)).toBeNaN();
  });

  it('volatility target: min(max weight, target / sigma) / number of symbols', () => {
    const fn = volatilityTarget(0.1, 20).create(() => 0, { rows: [] });
    expect(fn(row(0.2), state({ symbols: 2 }), 1)).toBeCloseTo(0.25, 15); // 0.1 / 0.2 = 0.5, / 2
    expect(fn(row(0.05), state({ symbols: 2 }), 1)).toBeCloseTo(0.5, 15); // 0.1 / 0.05 = 2 -> capped at 1, / 2
  });

  it('ATR risk: risk x equity / (multiple x ATR), capped at max weight of equity', () => {
    const cols = (n: string): number => (n === 'close' ? 1 : 0);
    const fn = atrRisk(0.004, 1.5, 14).create(cols, { rows: [] });
    // 0.004 x 100,000 = 400 at risk; stop 1.5 x 2 = 3 away: 133.33 units (at close 10: 1,333 of equity).
    expect(fn(row(2, 10), state({}), 1)).toBeCloseTo(400 / 3, 12);
    // At close 1,000 the cap of 100% of equity is 100 units.
    expect(fn(row(2, 1000), state({}), 1)).toBe(100);
  });

  it('rejects non-positive sizes with a usage error', () => {
    expect(() => fixedUnits(0)).toThrow(/fixedUnits qty must be a positive number/);
    expect(() => atrRisk(-0.01)).toThrow(/atrRisk risk/);
  });
});

describe('exits', () => {
  const long = state({ qty: 10, entryPrice: 100, atEntry: Float64Array.of(2) });
  const short = state({ qty: -10, entryPrice: 100, atEntry: Float64Array.of(2) });

  it('ATR stop: entry -/+ multiple x ATR at entry', () => {
    const fn = atrStop(1.5, 14).create(() => 0);
    expect(fn(row(), long)).toEqual({ type: 'stop', price: 97, trailAmount: NaN });
    expect(fn(row(), short)).toEqual({ type: 'stop', price: 103, trailAmount: NaN });
    expect(fn(row(), state({ qty: 10, entryPrice: 100, atEntry: Float64Array.of(NaN) }))).toBeUndefined();
  });

  it('ATR trailing stop: trail multiple x ATR at entry', () => {
    expect(atrTrailingStop(3).create(() => 0)(row(), long)).toEqual({
      type: 'trailing_stop',
      price: NaN,
      trailAmount: 6,
    });
  });

  it('take profit by percent or ATR multiple, beyond the entry in the position direction', () => {
    expect(takeProfit({ percent: 0.05 }).create(() => 0)(row(), long)?.price).toBeCloseTo(105, 12);
    expect(takeProfit({ percent: 0.05 }).create(() => 0)(row(), short)?.price).toBeCloseTo(95, 12);
    expect(takeProfit({ atrMultiple: 2 }).create(() => 0)(row(), long)?.price).toBe(104);
    expect(() => takeProfit({})).toThrow(/exactly one of percent or atrMultiple/);
  });

  it('time stop after the given bars', () => {
    const fn = timeStop(3).create(() => 0);
    expect(fn(row(), state({ qty: 1, barsHeld: 2 }))).toBeUndefined();
    expect(fn(row(), state({ qty: 1, barsHeld: 3 }))).toBe('time stop: held 3 bars');
  });

  it('end of day: exits when only one bar of the session is left, refuses entries that could not exit', () => {
    const session = { open: 0, close: 390 * 60_000 };
    const minute = 60_000;
    const eod = endOfDay();
    const exit = eod.create(() => 0);
    const gate = eod.entryFilter.create(() => 0);
    // The bar [388, 389) min closes at 389: the next bar [389, 390) is the last -> exit now.
    const at = (startMin: number) =>
      state({ qty: 1, session, now: (startMin + 1) * minute, bar: { ts: startMin * minute } as never });
    expect(exit(row(), at(387))).toBeUndefined();
    expect(exit(row(), at(388))).toBe('end of day: flat before the session close');
    // An entry at 387's close fills at 388's open and must exit at 388's close: allowed at 386, refused at 387.
    expect(gate(row(), at(386), 1)).toBeUndefined();
    expect(gate(row(), at(387), 1)).toBe('too close to the session close to exit in time');
    expect(exit(row(), state({ qty: 1 }))).toBe('end of day: outside the trading session');
    // Held over: the previous bar started before this session's open (its data stopped early).
    const heldOver = state({ qty: 1, session, now: minute, bar: { ts: 0 } as never, prevTs: -10 * minute });
    expect(exit(row(), heldOver)).toBe('end of day: held over from an earlier session');
    const inside = state({
      qty: 1,
      session,
      now: 101 * minute,
      bar: { ts: 100 * minute } as never,
      prevTs: 99 * minute,
    });
    expect(exit(row(), inside)).toBeUndefined();
  });
});

describe('filters', () => {
  it('regime: level and trend conditions', () => {
    expect(regime('adx', { above: 20 }).create(() => 0)(row(25), state({}), 1)).toBeUndefined();
    expect(regime('adx', { above: 20 }).create(() => 0)(row(15), state({}), 1)).toBe('adx 15 is not above 20');
    const trend = regime('close', { trendVs: 'sma' }).create((n) => (n === 'close' ? 0 : 1));
    expect(trend(row(101, 100), state({}), 1)).toBeUndefined();
    expect(trend(row(101, 100), state({}), -1)).toBe('close 101 is not below sma 100');
    expect(() => regime('adx', {})).toThrow(/needs above, below or trendVs/);
  });

  it('liquidity: close x average volume against the floor', () => {
    const fn = liquidity(1e6, 20).create((n) => (n === 'close' ? 0 : 1));
    expect(fn(row(50, 20_000), state({}), 1)).toBeUndefined(); // 1,000,000
    expect(fn(row(50, 19_999), state({}), 1)).toBe('traded value 999950 per bar is under 1000000');
  });

  it('schedule: not in the first or last minutes of the session', () => {
    const session = { open: 0, close: 390 * 60_000 };
    const fn = schedule({ skipOpenMinutes: 5, skipCloseMinutes: 15 }).create(() => 0);
    expect(fn(row(), state({ session, now: 4 * 60_000 }), 1)).toBe('within 5 minutes of the open');
    expect(fn(row(), state({ session, now: 5 * 60_000 }), 1)).toBeUndefined();
    expect(fn(row(), state({ session, now: 376 * 60_000 }), 1)).toBe('within 15 minutes of the close');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, InternalError } from '../../src/core/errors.js';
import { EQUITY_CSV_COLUMNS, Portfolio } from '../../src/portfolio/index.js';
import { day, fill } from './support.js';

describe('short selling and borrow', () => {
  // 3.6% a year on ACT/360 is 0.0001 of the short market value per calendar day.
  const rate = 0.036;

  it('credits short proceeds to cash and charges borrow per calendar day over a weekend', () => {
    const p = new Portfolio({ initialCash: 10_000, borrowRates: { XYZ: rate } });
    // Mon 2024-01-08: short 100 @ 50. Cash 10000 + 5000 = 15000; equity 15000 - 100 x 48 = 10200
    p.apply(fill('XYZ', 'sell', 100, 50, 0, day('2024-01-08')));
    expect(p.cash).toBe(15_000);
    p.mark('XYZ', 48, day('2024-01-08'));
    expect(p.equity).toBe(10_200);
    expect(p.shortExposure).toBe(4800);
    p.recordBar(day('2024-01-08'));
    // each first event of a new day charges the days since the last one on the previous mark
    const steps: [string, number, number][] = [
      ['2024-01-09', 49, 0.48], // Mon night: 4800 x 0.0001
      ['2024-01-10', 50, 0.49], // Tue night: 4900 x 0.0001
      ['2024-01-11', 45, 0.5], // Wed night: 5000 x 0.0001
      ['2024-01-12', 44, 0.45], // Thu night: 4500 x 0.0001
    ];
    let borrow = 0;
    for (const [date, close, charge] of steps) {
      const cashBefore = p.cash;
      p.mark('XYZ', close, day(date));
      borrow += charge;
      expect(cashBefore - p.cash).toBeCloseTo(charge, 9); // cash is ~15000: its ulp is ~2e-12
      expect(p.borrowCost).toBeCloseTo(borrow, 12);
      p.recordBar(day(date));
    }
    // Fri 4400 held over Sat and Sun too: Monday's first event charges 3 x 4400 x 0.0001 = 1.32
    p.apply(fill('XYZ', 'buy', 100, 45, 0, day('2024-01-15')));
    // total borrow 0.48 + 0.49 + 0.50 + 0.45 + 1.32 = 3.24
    expect(p.borrowCost).toBeCloseTo(3.24, 12);
    // cash 15000 - 3.24 - 4500 = 10496.76 = 10000 + realized 100 x (50 - 45) - borrow 3.24
    expect(p.cash).toBeCloseTo(10_496.76, 9);
    expect(p.equity).toBeCloseTo(10_496.76, 9);
    expect(p.realizedPnl).toBe(500);
    const t = p.trades[0]!;
    expect(t).toMatchObject({ direction: 'short', qty: 100, entryPrice: 50, exitPrice: 45, entryBar: 0, barsHeld: 5 });
    expect(t.borrow).toBeCloseTo(3.24, 12);
    expect(t.pnl).toBeCloseTo(496.76, 9);
    expect(t.return).toBeCloseTo(496.76 / 5000, 12);
  });

  it('uses the configured day basis: ACT/365 charges 360/365 of ACT/360', () => {
    const run = (dayBasis: 360 | 365): number => {
      const p = new Portfolio({ initialCash: 10_000, defaultBorrowRate: rate, dayBasis });
      p.apply(fill('XYZ', 'sell', 100, 50, 0, day('2024-01-08')));
      p.mark('XYZ', 50, day('2024-01-08'));
      p.mark('XYZ', 50, day('2024-01-18')); // ten nights of 5000
      return p.borrowCost;
    };
    expect(run(360)).toBeCloseTo((5000 * 0.036 * 10) / 360, 12); // 5.00
    expect(run(365)).toBeCloseTo((5000 * 0.036 * 10) / 365, 12); // 4.9315...
  });

  it('charges no borrow on a short opened and covered within one day, nor on longs', () => {
    const p = new Portfolio({ initialCash: 10_000, defaultBorrowRate: 0.5 });
    const t0 = Date.parse('2024-01-08T14:30:00Z');
    p.apply(fill('XYZ', 'sell', 10, 50, 0, t0));
    p.apply(fill('ABC', 'buy', 10, 50, 0, t0));
    p.apply(fill('XYZ', 'buy', 10, 49, 0, t0 + 3_600_000));
    p.mark('ABC', 50, day('2024-01-12'));
    expect(p.borrowCost).toBe(0);
    expect(p.cash).toBe(10_000 + 500 - 500 - 490);
  });
});

describe('fees', () => {
  it('reduce cash and net P&L but not gross realized P&L; a negative fee is a rebate', () => {
    const p = new Portfolio({ initialCash: 10_000 });
    p.apply(fill('FEE', 'buy', 10, 20, 1.5));
    p.apply(fill('FEE', 'sell', 10, 20, 1.5));
    expect(p.realizedPnl).toBe(0);
    expect(p.fees).toBe(3);
    expect(p.cash).toBe(9997);
    expect(p.totalPnl).toBe(-3);
    expect(p.trades[0]!.pnl).toBe(-3);
    expect(p.trades[0]!.return).toBeCloseTo(-3 / 200, 12);
    // maker rebate of 0.2 on a 10 x 20 buy: cash 9997 - 200 + 0.2
    p.apply(fill('FEE', 'buy', 10, 20, -0.2));
    expect(p.cash).toBeCloseTo(9797.2, 12);
    expect(p.fees).toBeCloseTo(2.8, 12);
    expect(p.position('FEE')).toMatchObject({ qty: 10, avgPrice: 20, fees: 2.8, realizedPnl: 0 });
  });
});

describe('exposures, equity marking and drawdown', () => {
  it('marks a long and a short over four bars: exposures, a drawdown, then a new high-water mark', () => {
    const p = new Portfolio({ initialCash: 10_000 });
    // bar 0: buy 100 A @ 50, short 50 B @ 40. Cash 10000 - 5000 + 2000 = 7000
    p.apply(fill('A', 'buy', 100, 50, 0, day('2024-02-05')));
    p.apply(fill('B', 'sell', 50, 40, 0, day('2024-02-05')));
    const bars: [string, number, number][] = [
      ['2024-02-05', 50, 40],
      ['2024-02-06', 55, 38],
      ['2024-02-07', 48, 42],
      ['2024-02-08', 60, 40],
    ];
    for (const [date, a, b] of bars) {
      p.mark('A', a, day(date));
      p.mark('B', b, day(date));
      p.recordBar(day(date));
    }
    const rows = [...p.curve];
    // equity = 7000 + 100 A - 50 B; gross = 100 A + 50 B; net = 100 A - 50 B
    // bar 0: 7000 + 5000 - 2000 = 10000, dd 0 (high-water mark starts at the initial 10000)
    // bar 1: 7000 + 5500 - 1900 = 10600, new high, dd 0
    // bar 2: 7000 + 4800 - 2100 = 9700, dd 9700 / 10600 - 1 = -0.0849056...
    // bar 3: 7000 + 6000 - 2000 = 11000, new high, dd 0
    expect(rows.map((r) => r.equity)).toEqual([10_000, 10_600, 9700, 11_000]);
    expect(rows.map((r) => r.cash)).toEqual([7000, 7000, 7000, 7000]);
    expect(rows.map((r) => r.grossExposure)).toEqual([7000, 7400, 6900, 8000]);
    expect(rows.map((r) => r.netExposure)).toEqual([3000, 3600, 2700, 4000]);
    expect(rows[0]!.drawdown).toBe(0);
    expect(rows[1]!.drawdown).toBe(0);
    expect(rows[2]!.drawdown).toBeCloseTo(9700 / 10_600 - 1, 15);
    expect(rows[3]!.drawdown).toBe(0);
    expect(p.curve.highWaterMark).toBe(11_000);
    expect(p.curve.maxDrawdown).toBeCloseTo(-0.08490566037735847, 15);
    expect(rows.map((r) => r.ts)).toEqual(bars.map(([d]) => day(d)));
    expect(p.barIndex).toBe(4);

    // fractions of equity at bar 3: long 6000/11000, short 2000/11000, gross 8000/11000, net 4000/11000
    const x = p.exposures();
    expect(x).toMatchObject({ long: 6000, short: 2000, gross: 8000, net: 4000 });
    expect(x.longFraction).toBeCloseTo(6 / 11, 15);
    expect(x.shortFraction).toBeCloseTo(2 / 11, 15);
    expect(x.grossFraction).toBeCloseTo(8 / 11, 15);
    expect(x.netFraction).toBeCloseTo(4 / 11, 15);
    // equity.csv identity: equity = cash + net exposure
    for (const r of rows) expect(r.equity).toBeCloseTo(r.cash + r.netExposure, 9);
    expect(EQUITY_CSV_COLUMNS).toEqual(['timestamp', 'equity', 'cash', 'gross_exposure', 'net_exposure', 'drawdown']);
    expect([...p.curve.column('drawdown')]).toEqual(rows.map((r) => r.drawdown));
  });

  it('a loss on the very first bar is already a drawdown from the initial cash', () => {
    const p = new Portfolio({ initialCash: 1000 });
    p.apply(fill('A', 'buy', 10, 100));
    p.mark('A', 90, 0);
    expect(p.recordBar(0)).toBeCloseTo(900 / 1000 - 1, 15);
  });

  it('reports the account: buying power, positions and totals', () => {
    const p = new Portfolio({ initialCash: 10_000, maxLeverage: 2, symbols: ['A', 'B', 'C'] });
    p.apply(fill('A', 'buy', 10, 100));
    p.apply(fill('B', 'sell', 10, 50));
    p.mark('A', 110, 0);
    const acct = p.account(123);
    // equity 10000 - 1000 + 500 + 1100 - 500 = 10100; gross 1600; bp 2 x 10100 - 1600 = 18600
    expect(acct).toMatchObject({ ts: 123, cash: 9500, equity: 10_100, grossExposure: 1600, netExposure: 600 });
    expect(acct.buyingPower).toBe(18_600);
    expect(acct.positions.map((x) => x.symbol)).toEqual(['A', 'B']);
    expect(p.position('A')).toMatchObject({
      qty: 10,
      avgPrice: 100,
      marketPrice: 110,
      unrealizedPnl: 100,
      marketValue: 1100,
    });
    expect(p.position('C')).toMatchObject({ qty: 0, marketValue: 0 });
    expect(p.position('D')).toBeUndefined();
    expect(p.qty('B')).toBe(-10);
    expect(p.qty('D')).toBe(0);
    expect(p.totalPnl).toBe(100);
  });
});

describe('cash interest', () => {
  it('is 0 by default and accrues simple interest per calendar day when configured', () => {
    const flat = new Portfolio({ initialCash: 10_000 });
    flat.mark('A', 1, day('2024-01-01'));
    flat.mark('A', 1, day('2024-12-31'));
    expect(flat.cash).toBe(10_000);

    // 3.65% on ACT/365 = 0.0001 a day: two days on 10000 = 2, then one day on 10002 = 1.0002
    const p = new Portfolio({ initialCash: 10_000, cashRate: 0.0365, dayBasis: 365 });
    p.mark('A', 1, day('2024-01-01'));
    p.mark('A', 1, day('2024-01-03'));
    expect(p.cash).toBeCloseTo(10_002, 9);
    p.recordBar(day('2024-01-04'));
    expect(p.cash).toBeCloseTo(10_003.0002, 9);
    expect(p.interest).toBeCloseTo(3.0002, 9);
    expect(p.equity).toBeCloseTo(10_000 + p.interest, 9);
  });
});

describe('rejections', () => {
  it('rejects options the accounting cannot use, naming the key', () => {
    const bad = [
      [{ initialCash: 0 }, 'initialCash'],
      [{ initialCash: Number.NaN }, 'initialCash'],
      [{ initialCash: 1, defaultBorrowRate: -0.01 }, 'defaultBorrowRate'],
      [{ initialCash: 1, borrowRates: { GME: Number.POSITIVE_INFINITY } }, 'borrowRates.GME'],
      [{ initialCash: 1, dayBasis: 364 as 360 }, 'dayBasis'],
      [{ initialCash: 1, maxLeverage: 0 }, 'maxLeverage'],
    ] as const;
    for (const [options, key] of bad) {
      let err: unknown;
      try {
        new Portfolio(options);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('CONFIG_INVALID_VALUE');
      expect((err as ConfigError).context.key).toBe(key);
    }
  });

  it('rejects malformed fills and non-finite marks as internal errors', () => {
    const p = new Portfolio({ initialCash: 1000 });
    expect(() => p.apply(fill('A', 'buy', 0, 10))).toThrow(InternalError);
    expect(() => p.apply(fill('A', 'buy', -1, 10))).toThrow(/qty must be > 0/);
    expect(() => p.apply(fill('A', 'buy', 1, Number.NaN))).toThrow(InternalError);
    expect(() => p.apply(fill('A', 'buy', 1, 10, Number.POSITIVE_INFINITY))).toThrow(InternalError);
    expect(() => p.apply(fill('A', 'buy', 1, 10, 0, Number.NaN))).toThrow(/all four finite/);
    expect(() => p.apply({ ...fill('A', 'buy', 1, 10), side: 'hold' as 'buy' })).toThrow(/side hold/);
    expect(() => p.mark('A', Number.NaN, 0)).toThrow(/not finite/);
    expect(p.cash).toBe(1000);
  });
});

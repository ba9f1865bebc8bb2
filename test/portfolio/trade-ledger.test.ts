import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/portfolio/index.js';
import { day, fill } from './support.js';

describe('round-trip trade ledger', () => {
  it('buy-buy-sell-sell is one trade with VWAP entry and exit, net P&L and return by hand', () => {
    const p = new Portfolio({ initialCash: 10_000 });
    p.apply(fill('AAA', 'buy', 100, 10, 1, day('2024-03-01')), 0);
    p.apply(fill('AAA', 'buy', 50, 13, 1, day('2024-03-04')), 1);
    p.apply(fill('AAA', 'sell', 60, 12, 1, day('2024-03-06')), 3);
    p.mark('AAA', 12, day('2024-03-06'));
    expect(p.trades).toHaveLength(0);
    // open: realized 60 x (12 - 11) = 60, unrealized 90 x (12 - 11) = 90, fees 3 -> 147
    const [open] = p.openTrades();
    expect(open).toMatchObject({
      symbol: 'AAA',
      direction: 'long',
      qty: 150,
      entryPrice: 11,
      exitPrice: 12,
      isOpen: true,
    });
    expect(open!.pnl).toBeCloseTo(147, 9);
    expect(open!.exitTs).toBeNaN();

    p.apply(fill('AAA', 'sell', 90, 10, 1, day('2024-03-08')), 5);
    expect(p.openTrades()).toHaveLength(0);
    expect(p.trades).toHaveLength(1);
    const t = p.trades[0]!;
    // entry VWAP (1000 + 650) / 150 = 11; exit VWAP (720 + 900) / 150 = 10.8
    // gross 150 x (10.8 - 11) = -30; fees 4; pnl -34; return -34 / 1650
    expect(t).toMatchObject({
      symbol: 'AAA',
      direction: 'long',
      qty: 150,
      entryTs: day('2024-03-01'),
      exitTs: day('2024-03-08'),
      entryBar: 0,
      exitBar: 5,
      barsHeld: 5,
      fees: 4,
      borrow: 0,
      isOpen: false,
    });
    expect(t.entryPrice).toBeCloseTo(11, 12);
    expect(t.exitPrice).toBeCloseTo(10.8, 12);
    expect(t.pnl).toBeCloseTo(-34, 9);
    expect(t.return).toBeCloseTo(-34 / 1650, 12);
    // the portfolio agrees: cash 10000 - 1000 - 650 + 720 + 900 - 4 = 9966
    expect(p.cash).toBeCloseTo(9966, 9);
    expect(p.equity).toBeCloseTo(9966, 9);
    expect(p.realizedPnl).toBeCloseTo(-30, 9);
  });

  it('a flip from long to short in one fill closes a trade and opens the next, fee split by units', () => {
    const p = new Portfolio({ initialCash: 10_000 });
    p.apply(fill('FLP', 'buy', 10, 100, 2, day('2024-05-01')), 0);
    // sell 25 @ 110, fee 5: 10 units close the long (fee 5 x 10/25 = 2), 15 open a short (fee 3)
    p.apply(fill('FLP', 'sell', 25, 110, 5, day('2024-05-06')), 3);
    expect(p.trades).toHaveLength(1);
    const closed = p.trades[0]!;
    // gross 10 x (110 - 100) = 100; fees 2 + 2 = 4; pnl 96; return 96 / 1000
    expect(closed).toMatchObject({ direction: 'long', qty: 10, entryPrice: 100, exitPrice: 110, barsHeld: 3 });
    expect(closed.fees).toBeCloseTo(4, 12);
    expect(closed.pnl).toBeCloseTo(96, 9);
    expect(closed.return).toBeCloseTo(0.096, 12);
    expect(closed.exitTs).toBe(day('2024-05-06'));

    const [open] = p.openTrades();
    expect(open).toMatchObject({
      direction: 'short',
      qty: 15,
      entryPrice: 110,
      entryBar: 3,
      entryTs: day('2024-05-06'),
    });
    expect(open!.fees).toBeCloseTo(3, 12);
    expect(p.qty('FLP')).toBe(-15);
    // cash 10000 - 1000 - 2 + 2750 - 5 = 11743; mark 108: equity 11743 - 15 x 108 = 10123
    // = 10000 + realized 100 + unrealized 15 x (110 - 108) = 30 - fees 7
    p.mark('FLP', 108, day('2024-05-06'));
    expect(p.cash).toBeCloseTo(11_743, 9);
    expect(p.equity).toBeCloseTo(10_123, 9);

    // cover 15 @ 105, fee 1: gross 15 x (110 - 105) = 75; fees 3 + 1 = 4; pnl 71; return 71 / 1650
    p.apply(fill('FLP', 'buy', 15, 105, 1, day('2024-05-09')), 6);
    const second = p.trades[1]!;
    expect(second).toMatchObject({ direction: 'short', qty: 15, entryPrice: 110, exitPrice: 105, barsHeld: 3 });
    expect(second.pnl).toBeCloseTo(71, 9);
    expect(second.return).toBeCloseTo(71 / 1650, 12);
    expect(closed.fees + second.fees).toBeCloseTo(p.fees, 12); // 2 + 5 + 1 = 8
  });

  it('scaling in and out keeps one trade whose VWAPs give the average-cost P&L', () => {
    const p = new Portfolio({ initialCash: 10_000 });
    p.apply(fill('SCL', 'buy', 10, 10)); // avg 10
    p.apply(fill('SCL', 'sell', 5, 12)); // realized 5 x 2 = 10
    p.apply(fill('SCL', 'buy', 5, 11)); // avg (50 + 55) / 10 = 10.5
    p.apply(fill('SCL', 'sell', 10, 13)); // realized 10 x 2.5 = 25
    expect(p.trades).toHaveLength(1);
    const t = p.trades[0]!;
    // entered 15 at (100 + 55) / 15, exited 15 at (60 + 130) / 15: 15 x (190 - 155) / 15 = 35
    expect(t.qty).toBe(15);
    expect(t.entryPrice).toBeCloseTo(155 / 15, 12);
    expect(t.exitPrice).toBeCloseTo(190 / 15, 12);
    expect(t.pnl).toBeCloseTo(35, 9);
    expect(p.realizedPnl).toBeCloseTo(35, 9);
    expect(t.barsHeld).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { PositionBook } from '../../src/portfolio/position-book.js';
import { applyFill, FLAT } from '../../src/portfolio/position-math.js';
import { prng } from './support.js';

describe('position math (PositionBook and ledger)', () => {
  it('adds at the weighted mean, realizes on reductions and reopens at the fill price through zero', () => {
    // Buy 10 @ 100, buy 10 @ 110: 20 @ 105. Sell 5 @ 120: realizes 5 x 15 = 75, avg stays 105.
    // Sell 25 @ 90: closes 15 (15 x -15 = -225, total -150) and opens 10 short @ 90.
    let p = applyFill(FLAT, 'buy', 10, 100, 1);
    p = applyFill(p, 'buy', 10, 110, 1);
    expect(p).toEqual({ qty: 20, avgPrice: 105, realizedPnl: 0, fees: 2 });
    p = applyFill(p, 'sell', 5, 120, 0.5);
    expect(p).toEqual({ qty: 15, avgPrice: 105, realizedPnl: 75, fees: 2.5 });
    p = applyFill(p, 'sell', 25, 90, 0);
    expect(p).toEqual({ qty: -10, avgPrice: 90, realizedPnl: -150, fees: 2.5 });
    // Buy 10 @ 80 covers the short: +10 x 10 = 100, flat with no average.
    p = applyFill(p, 'buy', 10, 80, 0);
    expect(p.qty).toBe(0);
    expect(p.avgPrice).toBeNaN();
    expect(p.realizedPnl).toBe(-50);
  });

  it('treats float residue of a close as flat', () => {
    const p = applyFill(applyFill(applyFill(FLAT, 'buy', 0.1, 10, 0), 'buy', 0.2, 10, 0), 'sell', 0.3, 10, 0);
    expect(p.qty).toBe(0);
    expect(p.avgPrice).toBeNaN();
  });

  it('gives the ledger the same figures as the PositionBook (one arithmetic, two bookkeepers) over 2,000 random fills', () => {
    const rand = prng(11);
    const book = new PositionBook();
    const figures = new Map<string, ReturnType<typeof applyFill>>();
    for (let n = 0; n < 2_000; n++) {
      const symbol = `S${Math.floor(rand() * 4)}`;
      const side = rand() < 0.5 ? 'buy' : 'sell';
      const qty = 1 + Math.floor(rand() * 50);
      const price = 10 + Math.round(rand() * 10_000) / 100;
      const fee = Math.round(rand() * 100) / 100;
      const i = book.ensure(symbol);
      book.fill(i, side === 'buy' ? qty : -qty, price, fee);
      const p = applyFill(figures.get(symbol) ?? FLAT, side, qty, price, fee);
      figures.set(symbol, p);
      expect(p.qty).toBe(book.qty(i));
      if (p.qty !== 0) expect(p.avgPrice).toBeCloseTo(book.avgPrice(i), 9);
      expect(p.realizedPnl).toBeCloseTo(book.realized(i), 6);
      expect(p.fees).toBeCloseTo(book.fees(i), 9);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { PositionBook } from '../../src/portfolio/index.js';

describe('PositionBook average cost', () => {
  it('buys twice, sells part, sells the rest: average cost and gross realized P&L by hand', () => {
    const b = new PositionBook();
    const i = b.ensure('AAA');
    // buy 100 @ 10 (fee 1): qty 100, avg 10
    let e = b.fill(i, 100, 10, 1);
    expect([e.prevQty, e.newQty, e.closedQty, e.openedQty, e.realized]).toEqual([0, 100, 0, 100, 0]);
    expect(b.avgPrice(i)).toBe(10);
    // buy 50 @ 13 (fee 1): avg = (100 x 10 + 50 x 13) / 150 = 1650 / 150 = 11
    e = b.fill(i, 50, 13, 1);
    expect([e.newQty, e.closedQty, e.openedQty]).toEqual([150, 0, 50]);
    expect(b.avgPrice(i)).toBeCloseTo(11, 12);
    // sell 60 @ 12 (fee 1): realized 60 x (12 - 11) = 60; avg stays 11
    e = b.fill(i, -60, 12, 1);
    expect([e.newQty, e.closedQty, e.openedQty]).toEqual([90, 60, 0]);
    expect(e.realized).toBeCloseTo(60, 9);
    expect(b.avgPrice(i)).toBeCloseTo(11, 12);
    // sell 90 @ 10 (fee 1): realized 90 x (10 - 11) = -90; total 60 - 90 = -30
    e = b.fill(i, -90, 10, 1);
    expect([e.newQty, e.closedQty, e.openedQty]).toEqual([0, 90, 0]);
    expect(e.realized).toBeCloseTo(-90, 9);
    expect(b.qty(i)).toBe(0);
    expect(b.avgPrice(i)).toBe(0);
    expect(b.realized(i)).toBeCloseTo(-30, 9);
    expect(b.realizedTotal).toBeCloseTo(-30, 9);
    // fees are kept apart from realized P&L: 4 fills x 1
    expect(b.fees(i)).toBe(4);
    expect(b.feesTotal).toBe(4);
  });

  it('averages a short and realizes a partial cover with the short sign', () => {
    const b = new PositionBook();
    const i = b.ensure('SHT');
    b.fill(i, -10, 20, 0); // short 10 @ 20
    b.fill(i, -10, 30, 0); // short 10 more @ 30: avg (200 + 300) / 20 = 25
    expect(b.qty(i)).toBe(-20);
    expect(b.avgPrice(i)).toBe(25);
    // cover 5 @ 22: realized = -1 x 5 x (22 - 25) = +15
    const e = b.fill(i, 5, 22, 0);
    expect(e.realized).toBe(15);
    expect(b.qty(i)).toBe(-15);
    expect(b.avgPrice(i)).toBe(25);
    // mark 24: unrealized = -15 x (24 - 25) = +15; short value 15 x 24 = 360; cost basis -15 x 25 = -375
    b.mark(i, 24);
    expect(b.unrealized(i)).toBe(15);
    expect(b.shortValue).toBeCloseTo(360, 9);
    expect(b.longValue).toBeCloseTo(0, 9);
    expect(b.costBasis).toBeCloseTo(-375, 9);
    expect(b.unrealizedTotal).toBeCloseTo(15, 9);
  });

  it('flips through zero: closes the old position at the fill price and opens the rest there', () => {
    const b = new PositionBook();
    const i = b.ensure('FLP');
    b.fill(i, 10, 100, 0);
    // sell 25 @ 110: closes 10 (realized 10 x (110 - 100) = 100), opens short 15 @ 110
    const e = b.fill(i, -25, 110, 0);
    expect([e.prevQty, e.newQty, e.closedQty, e.openedQty, e.realized]).toEqual([10, -15, 10, 15, 100]);
    expect(b.avgPrice(i)).toBe(110);
  });

  it('treats float residue of a full close as flat', () => {
    const b = new PositionBook();
    const i = b.ensure('BTCUSD');
    expect(0.1 + 0.2 - 0.3).not.toBe(0); // the residue this guards against
    b.fill(i, 0.1, 100, 0);
    b.fill(i, 0.2, 100, 0);
    const e = b.fill(i, -0.3, 100, 0);
    expect(e.newQty).toBe(0);
    expect(b.qty(i)).toBe(0);
    expect(e.closedQty).toBe(0.1 + 0.2);
  });

  it('prices an unmarked symbol at its first fill and keeps an existing mark on later fills', () => {
    const b = new PositionBook();
    const i = b.ensure('AAA');
    expect(b.price(i)).toBeNaN();
    b.fill(i, 10, 50, 0);
    expect(b.price(i)).toBe(50);
    b.mark(i, 52);
    b.fill(i, 10, 55, 0); // a fill is a trade, not a mark: the mark stays 52
    expect(b.price(i)).toBe(52);
    // long value 20 x 52 = 1040; avg (500 + 550) / 20 = 52.5; unrealized 20 x (52 - 52.5) = -10
    expect(b.longValue).toBeCloseTo(1040, 9);
    expect(b.unrealized(i)).toBeCloseTo(-10, 9);
  });

  it('keeps incremental market values equal to an exact recomputation', () => {
    const b = new PositionBook();
    const a = b.ensure('A');
    const s = b.ensure('S');
    b.fill(a, 3, 10, 0);
    b.fill(s, -7, 20, 0);
    for (let k = 1; k <= 1000; k++) {
      b.mark(a, 10 + Math.sin(k) * 0.37);
      b.mark(s, 20 + Math.cos(k) * 0.91);
    }
    const long = b.longValue;
    const short = b.shortValue;
    b.resync();
    expect(long).toBeCloseTo(3 * (10 + Math.sin(1000) * 0.37), 9);
    expect(short).toBeCloseTo(7 * (20 + Math.cos(1000) * 0.91), 9);
    expect(Math.abs(b.longValue - long)).toBeLessThan(1e-9);
    expect(Math.abs(b.shortValue - short)).toBeLessThan(1e-9);
  });

  it('grows past its initial capacity without losing slots', () => {
    const b = new PositionBook();
    for (let k = 0; k < 40; k++) b.fill(b.ensure(`S${k}`), k + 1, 10, 0);
    expect(b.size).toBe(40);
    expect(b.qty(b.indexOf('S0'))).toBe(1);
    expect(b.qty(b.indexOf('S39'))).toBe(40);
    expect(b.price(b.indexOf('S39'))).toBe(10);
    expect(b.indexOf('nope')).toBe(-1);
  });
});

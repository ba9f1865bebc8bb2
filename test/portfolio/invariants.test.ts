import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/portfolio/index.js';
import { fill, prng } from './support.js';

/**
 * Property test over random fill/mark/bar sequences, checked against an independent model that
 * knows only signed quantities, last prices and cash flows (no average cost):
 *   equity = cash + sum(qty x lastPrice)
 *   equity = initialCash + realized (gross) + unrealized - fees - borrow + interest
 *   cash changes only by fills (-signedQty x price - fee) and day rolls (-borrow + interest),
 *   and day rolls happen only when an event falls on a later UTC day.
 * Quantities are multiples of 0.25 so that the model's sums are exact.
 */
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'] as const;
const HOUR = 3_600_000;

function runSequence(seed: number, steps: number): void {
  const rnd = prng(seed);
  const initialCash = 100_000;
  const p = new Portfolio({
    initialCash,
    borrowRates: { AAA: 0.02, BBB: 0.3 },
    defaultBorrowRate: 0.05,
    cashRate: 0.04,
    dayBasis: seed % 2 === 0 ? 360 : 365,
  });
  const qty = new Map<string, number>(SYMBOLS.map((s) => [s, 0]));
  const last = new Map<string, number>();
  const walk = new Map<string, number>(SYMBOLS.map((s, k) => [s, 20 + 15 * k]));
  let flips = 0;
  let ts = Date.UTC(2024, 0, 2, 14);
  const tol = 1e-6;

  const step = (action: 'fill' | 'mark' | 'bar' | 'flatten', symbol: string, forcedQty?: number): void => {
    const prevTs = ts;
    if (action !== 'flatten') ts += Math.floor(rnd() * 30) * HOUR;
    const before = { cash: p.cash, borrow: p.borrowCost, interest: p.interest };
    const hadShort = [...qty.values()].some((q) => q < 0);
    let flow = 0;
    const ref = walk.get(symbol)! * Math.exp((rnd() - 0.5) * 0.06);
    walk.set(symbol, ref);
    if (action === 'fill' || action === 'flatten') {
      const q = qty.get(symbol)!;
      let signed: number;
      if (forcedQty !== undefined) signed = forcedQty;
      else {
        const r = rnd();
        const size = (1 + Math.floor(rnd() * 80)) * 0.25;
        // sometimes close exactly or flip through zero, otherwise a random trade
        if (r < 0.15 && q !== 0) signed = -q;
        else if (r < 0.3 && q !== 0) signed = -q - Math.sign(q) * size;
        else signed = rnd() < 0.5 ? size : -size;
      }
      const price = ref * (1 + (rnd() - 0.5) * 0.01);
      const fee = rnd() < 0.1 ? -0.05 : Math.round(rnd() * 300) / 100;
      p.apply(fill(symbol, signed > 0 ? 'buy' : 'sell', Math.abs(signed), price, fee, ts));
      flow = -signed * price - fee;
      const n = q + signed;
      if (q !== 0 && Math.sign(n) !== Math.sign(q)) flips++;
      qty.set(symbol, n);
      if (!last.has(symbol)) last.set(symbol, price);
    } else if (action === 'mark') {
      p.mark(symbol, ref, ts);
      last.set(symbol, ref);
    } else {
      p.recordBar(ts);
    }
    const dBorrow = p.borrowCost - before.borrow;
    const dInterest = p.interest - before.interest;
    expect(dBorrow).toBeGreaterThanOrEqual(0);
    if (!hadShort) expect(dBorrow).toBe(0);
    if (Math.floor(ts / 86_400_000) === Math.floor(prevTs / 86_400_000)) {
      expect(dBorrow).toBe(0);
      expect(dInterest).toBe(0);
    }
    expect(p.cash - before.cash).toBeCloseTo(flow - dBorrow + dInterest, 6);

    let net = 0;
    let gross = 0;
    for (const s of SYMBOLS) {
      const q = qty.get(s)!;
      expect(p.qty(s)).toBe(q);
      if (q !== 0) {
        net += q * last.get(s)!;
        gross += Math.abs(q) * last.get(s)!;
      }
    }
    expect(Math.abs(p.equity - (p.cash + net))).toBeLessThan(tol);
    expect(Math.abs(p.grossExposure - gross)).toBeLessThan(tol);
    const identity = initialCash + p.realizedPnl + p.unrealizedPnl - p.fees - p.borrowCost + p.interest;
    expect(Math.abs(p.equity - identity)).toBeLessThan(tol);
  };

  for (let k = 0; k < steps; k++) {
    const r = rnd();
    const symbol = SYMBOLS[Math.floor(rnd() * SYMBOLS.length)]!;
    step(r < 0.45 ? 'mark' : r < 0.85 ? 'fill' : 'bar', symbol);
  }
  for (const s of SYMBOLS) if (qty.get(s) !== 0) step('flatten', s, -qty.get(s)!);

  // flat: every unit is in a closed round trip
  expect(p.grossExposure).toBe(0);
  expect(p.openTrades()).toEqual([]);
  expect(p.trades).toHaveLength(flips);
  let pnl = 0;
  let fees = 0;
  let borrow = 0;
  for (const t of p.trades) {
    const dir = t.direction === 'long' ? 1 : -1;
    expect(Math.abs(t.pnl - (dir * t.qty * (t.exitPrice - t.entryPrice) - t.fees - t.borrow))).toBeLessThan(tol);
    expect(t.return).toBeCloseTo(t.pnl / (t.qty * t.entryPrice), 12);
    expect(t.barsHeld).toBe(t.exitBar - t.entryBar);
    expect(t.exitTs).toBeGreaterThanOrEqual(t.entryTs);
    pnl += t.pnl;
    fees += t.fees;
    borrow += t.borrow;
  }
  expect(Math.abs(pnl - (p.realizedPnl - p.fees - p.borrowCost))).toBeLessThan(tol);
  expect(Math.abs(fees - p.fees)).toBeLessThan(tol);
  expect(Math.abs(borrow - p.borrowCost)).toBeLessThan(tol);
  expect(p.borrowCost).toBeGreaterThan(0);
  expect(p.interest).not.toBe(0);

  // drawdown column: equity over the running maximum of (initial cash, equities so far), minus 1
  let hwm = initialCash;
  for (const row of p.curve) {
    hwm = Math.max(hwm, row.equity);
    expect(row.drawdown).toBeCloseTo(row.equity / hwm - 1, 12);
    expect(row.drawdown).toBeLessThanOrEqual(0);
    expect(Math.abs(row.equity - (row.cash + row.netExposure))).toBeLessThan(tol);
  }
  expect(p.curve.length).toBeGreaterThan(100);
}

describe('portfolio invariants on random sequences', () => {
  for (const seed of [1, 2, 3, 42, 2024]) {
    it(`holds the accounting identities for seed ${seed}`, () => runSequence(seed, 2500));
  }
});

/**
 * Golden run of config/strategy/sma-cross.yaml as shipped (SMA 10/30, weight 0.05, 6 synthetic
 * symbols, 2010-2024, ibkr fees, 5 bps slippage): every round trip re-derived from the raw bars
 * with an SMA computed here from scratch, every fill at the next open moved by the slippage.
 */
import { describe, expect, it } from 'vitest';
import { expectGolden, goldenRun } from './harness.js';
import { expectMarketFillsAtNextOpen, expectTripsPerSymbol, type Bars, type Trip } from './reference.js';

function sma(x: readonly number[], n: number): number[] {
  return x.map((_, i) => (i < n - 1 ? NaN : x.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n));
}

/** The cross rules on one symbol (sizes come from the shared equity, so quantities are not compared). */
function reference(b: Bars, slip: number): Trip[] {
  const fast = sma(b.close, 10);
  const slow = sma(b.close, 30);
  const trips: Trip[] = [];
  let sign = 0;
  let entry: [string, number] | undefined;
  for (let i = 0; i + 1 < b.date.length; i++) {
    const f = fast[i] as number;
    const s = slow[i] as number;
    if (Number.isNaN(s)) continue;
    const prev = sign;
    // A tie keeps the sign (within float noise of the running sums: 1e-10 relative).
    if (Math.abs(f - s) > 1e-10 * Math.max(Math.abs(f), Math.abs(s))) sign = f > s ? 1 : -1;
    if (prev === 0 || sign === prev) continue;
    const open = b.open[i + 1] as number;
    if (sign > 0) entry = [b.date[i + 1] as string, open * (1 + slip)];
    else if (entry !== undefined) {
      trips.push([...entry, b.date[i + 1] as string, open * (1 - slip), 0]);
      entry = undefined;
    }
  }
  return trips;
}

describe('golden: sma-cross', () => {
  it('runs config/strategy/sma-cross.yaml on the synthetic universe', async () => {
    const run = await goldenRun('sma-cross.yaml');
    expectGolden(
      'sma-cross-synthetic',
      run,
      'sma-cross.yaml as shipped: SMA 10/30, weight 0.05, 6 synthetic symbols, 2010-2024, daily',
    );
    expect(expectMarketFillsAtNextOpen(run, '1d', 5)).toBeGreaterThan(300);
    expect(expectTripsPerSymbol(run, '1d', (b) => reference(b, 5e-4))).toBeGreaterThan(150);
  });
});

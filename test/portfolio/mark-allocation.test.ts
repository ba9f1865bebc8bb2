import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/portfolio/index.js';
import { fill } from './support.js';

/**
 * The engine marks every symbol on every bar, so the marking path (mark, the daily borrow and
 * interest roll, recordBar) must allocate nothing. Allocation is detected by garbage
 * collections: millions of marks that each allocated even one small object would fill the
 * young generation many times over. A control loop that allocates proves the detector sees it.
 */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function collections(work: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    count += list.getEntries().length;
  });
  await settle();
  observer.observe({ entryTypes: ['gc'] });
  work();
  await settle();
  observer.disconnect();
  return count;
}

describe('per-bar marking path', () => {
  it('allocates nothing over 3 million marks of 100 symbols with daily borrow and interest', async () => {
    const n = 100;
    const symbols = Array.from({ length: n }, (_, k) => `S${k}`);
    const p = new Portfolio({ initialCash: 1e7, symbols, defaultBorrowRate: 0.03, cashRate: 0.01 });
    for (let k = 0; k < n; k++) p.apply(fill(symbols[k]!, k % 2 === 0 ? 'buy' : 'sell', 10 + k, 100, 1, 0));
    let ts = 0;
    const run = (bars: number): void => {
      for (let b = 0; b < bars; b++) {
        ts += 86_400_000;
        for (let k = 0; k < n; k++) p.mark(symbols[k]!, 100 + ((b * 7 + k * 13) % 50) * 0.1, ts);
        p.recordBar(ts);
      }
    };
    run(2000); // warm up (and let the equity curve reach its working capacity)
    const bars = 30_000;
    const gcs = await collections(() => run(bars));
    expect(p.curve.length).toBe(2000 + bars);
    expect(p.borrowCost).toBeGreaterThan(0);
    // the equity curve doubles its columns twice in this run (2048 -> 4096 -> ... -> 32768):
    // a few large allocations may trigger a collection or two, never one per mark
    expect(gcs).toBeLessThanOrEqual(3);

    const sink: { v: number }[] = [];
    const control = await collections(() => {
      for (let k = 0; k < 3_000_000; k++) sink[k & 1023] = { v: k };
    });
    expect(control).toBeGreaterThan(3);
  });
});

import { PerformanceObserver, constants } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/portfolio/index.js';
import { fill } from './support.js';

/**
 * The engine marks every symbol on every bar, so the marking path (mark, the daily borrow and
 * interest roll, recordBar) must allocate nothing. Allocation is detected by garbage
 * collections: millions of marks that each allocated even one small object would fill the
 * young generation many times over, so only young-generation collections (scavenges) are
 * counted. A control loop that allocates proves the detector sees it.
 */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function collections(work: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as unknown as { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) count++;
    }
  });
  await settle();
  observer.observe({ entryTypes: ['gc'] });
  work();
  await settle();
  observer.disconnect();
  return count;
}

describe('per-bar marking path', () => {
  it('allocates nothing over 6 million marks of 100 symbols with daily borrow and interest', async () => {
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
    // Warm up past 65,536 bars so the equity curve's columns have grown to 131,072 rows: the
    // measured bars then fit without the curve reallocating, which would be a legitimate (rare)
    // allocation that can itself trigger a collection.
    run(66_000);
    // Three measurements of 2 million marks each, and the fewest collections among them: the
    // test runner's own work (its RPC, timers, other suites' leftovers) adds collections to one
    // measurement now and then, while an allocation in the marking path would add them to
    // every one.
    const bars = 20_000;
    const counts: number[] = [];
    for (let round = 0; round < 3; round++) counts.push(await collections(() => run(bars)));
    expect(p.curve.length).toBe(66_000 + 3 * bars);
    expect(p.borrowCost).toBeGreaterThan(0);
    // one allocation per mark would be as many scavenges as the control below in every round
    expect(Math.min(...counts)).toBeLessThanOrEqual(1);

    const sink: { v: number }[] = [];
    const control = await collections(() => {
      for (let k = 0; k < 2_000_000; k++) sink[k & 1023] = { v: k };
    });
    expect(control).toBeGreaterThan(4);
  });
});

/**
 * Vectorized-engine benchmark: one 1000 x 1000 (time x symbol) target-weight
 * matrix through `runVectorized` with bps fees and fixed-bps slippage, fractional quantities.
 * Every symbol's weight changes every bar, so each of the ~1 million cells places an order and
 * fills it (the worst case: every cell calls the fee and slippage models). Timed as the best of
 * 5 runs after one warm-up run. Target (vectorbt's published figure): <= 100 ms.
 *
 *   tsx bench/vectorized.ts
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { runVectorized, type VectorizedMarket } from '../src/backtest/vectorized.js';
import { bpsFees } from '../src/execution/fees.js';
import { fixedBpsSlippage } from '../src/execution/slippage.js';

const TARGET_MS = 100;

/** Random walks and weights from a fixed-seed LCG, so every run times the same work. */
function inputs(times: number, symbols: number): { market: VectorizedMarket; weights: Float64Array } {
  let seed = 42;
  const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const open = new Float64Array(times * symbols);
  const close = new Float64Array(times * symbols);
  const weights = new Float64Array(times * symbols);
  const prev = new Float64Array(symbols).fill(100);
  for (let t = 0; t < times; t++) {
    for (let s = 0; s < symbols; s++) {
      const i = t * symbols + s;
      open[i] = (prev[s] as number) * (1 + 0.01 * (rnd() - 0.5));
      close[i] = (open[i] as number) * (1 + 0.02 * (rnd() - 0.5));
      prev[s] = close[i] as number;
      weights[i] = (2 * rnd()) / symbols;
    }
  }
  const names = Array.from({ length: symbols }, (_, s) => `S${s}`);
  return { market: { symbols: names, open, close }, weights };
}

export function runVectorizedBench(times = 1000, symbols = 1000): number {
  const { market, weights } = inputs(times, symbols);
  const options = { cash: 1_000_000, fees: bpsFees({ bps: 5 }), slippage: fixedBpsSlippage(2) };
  let trades = runVectorized(market, [weights], options)[0]?.trades ?? 0;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    trades = runVectorized(market, [weights], options)[0]?.trades ?? 0;
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`== vectorized: ${times} x ${symbols} target-weight matrix (bps fees, fixed-bps slippage)`);
  console.log(
    `momentic: runVectorized, ${trades.toLocaleString('en-US')} fills`.padEnd(60) +
      ` ${best.toFixed(3).padStart(10)} ms (target <= ${TARGET_MS} ms: ${best <= TARGET_MS ? 'met' : 'MISSED'})`,
  );
  return best;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runVectorizedBench();

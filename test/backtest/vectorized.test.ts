import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runVectorized, type VectorizedMarket, type VectorizedOptions } from '../../src/backtest/vectorized.js';
import { BarSeries } from '../../src/core/bar.js';
import { UsageError } from '../../src/core/errors.js';
import { equity } from '../../src/core/instrument.js';
import { bpsFees, ibkrFixedFees, NO_FEES, type FeeModel } from '../../src/execution/fees.js';
import { fixedBpsSlippage, NO_SLIPPAGE, sqrtImpactSlippage, type SlippageModel } from '../../src/execution/slippage.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { defineStrategy } from '../../src/strategies/define.js';
import { sessions } from './support.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;
const N = SYMBOLS.length;
const T = 160;

/** Deterministic random walks (a 32-bit LCG): opens gap from the previous close, volumes vary. */
function syntheticMarket(): { market: VectorizedMarket; series: BarSeries[] } {
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const open = new Float64Array(T * N);
  const close = new Float64Array(T * N);
  const volume = new Float64Array(T * N);
  const ts = sessions(T);
  const series = SYMBOLS.map((symbol, s) => {
    let prev = 50 + 30 * s;
    const bars = ts.map((t, i) => {
      const o = prev * (1 + 0.01 * rnd());
      const c = o * (1 + 0.03 * rnd() + 0.002 * (s - 1));
      const v = 20_000 + Math.round(100_000 * (rnd() + 0.5));
      open[i * N + s] = o;
      close[i * N + s] = c;
      volume[i * N + s] = v;
      prev = c;
      return { ts: t, open: o, high: Math.max(o, c) * 1.01, low: Math.min(o, c) * 0.99, close: c, volume: v };
    });
    return BarSeries.fromBars(symbol, bars);
  });
  return { market: { symbols: SYMBOLS, open, close, volume }, series };
}

const { market, series } = syntheticMarket();
const close = (t: number, s: number): number => market.close[t * N + s] as number;

/** Equal weight, always invested (0.99 so fees and slippage never push cash negative). */
function equalWeight(): Float64Array {
  return new Float64Array(T * N).fill(0.99 / N);
}

/** All in the symbol with the best `lookback`-bar return; NaN (no call) while warming up. */
function momentumTop1(lookback: number): Float64Array {
  const w = new Float64Array(T * N).fill(NaN);
  for (let t = lookback; t < T; t++) {
    let best = 0;
    for (let s = 1; s < N; s++) {
      if (close(t, s) / close(t - lookback, s) > close(t, best) / close(t - lookback, best)) best = s;
    }
    for (let s = 0; s < N; s++) w[t * N + s] = s === best ? 0.95 : 0;
  }
  return w;
}

/** Per symbol: a third of equity while the close is above its `n`-bar SMA, flat otherwise. */
function smaFilter(n: number): Float64Array {
  const w = new Float64Array(T * N).fill(NaN);
  for (let s = 0; s < N; s++) {
    let sum = 0;
    for (let t = 0; t < T; t++) {
      sum += close(t, s) - (t >= n ? close(t - n, s) : 0);
      if (t >= n - 1) w[t * N + s] = close(t, s) > sum / n ? 0.33 : 0;
    }
  }
  return w;
}

/** A strategy that replays a weight matrix through `ctx.targetWeights`, NaN cells left out. */
function replay(name: string, w: Float64Array) {
  return defineStrategy({
    name,
    params: z.object({}),
    create: () => {
      let t = 0;
      return {
        name,
        onSlice(ctx) {
          const targets = new Map<string, number>();
          for (let s = 0; s < N; s++) {
            const x = w[t * N + s] as number;
            if (!Number.isNaN(x)) targets.set(SYMBOLS[s] as string, x);
          }
          if (targets.size > 0) ctx.targetWeights(targets);
          t++;
        },
      };
    },
  });
}

interface Costs {
  readonly label: string;
  readonly fees: FeeModel;
  readonly slippage: SlippageModel;
  readonly lotSize: number;
  /** Tick for conservative rounding; 0: priceRounding 'none'. */
  readonly tickSize: number;
}

const COSTS: readonly Costs[] = [
  {
    label: '10 bps fees, 5 bps slippage, fractional',
    fees: bpsFees({ bps: 10 }),
    slippage: fixedBpsSlippage(5),
    lotSize: 1e-6,
    tickSize: 0,
  },
  {
    label: 'IBKR fixed fees, square-root impact, whole shares, 0.01 tick',
    fees: ibkrFixedFees(),
    slippage: sqrtImpactSlippage({ k: 0.5, volatility: () => 0.02 }),
    lotSize: 1,
    tickSize: 0.01,
  },
];

const STRATEGIES = [
  { name: 'equal-weight', w: equalWeight() },
  { name: 'momentum-top1', w: momentumTop1(10) },
  { name: 'sma-filter', w: smaFilter(20) },
] as const;

describe('vectorized engine against the event engine', () => {
  for (const c of COSTS) {
    it(`matches runBacktest bar by bar within 1e-9 for three strategies (${c.label})`, () => {
      const options: VectorizedOptions = {
        cash: 100_000,
        fees: c.fees,
        slippage: c.slippage,
        lotSize: c.lotSize,
        tickSize: c.tickSize,
      };
      const results = runVectorized(
        market,
        STRATEGIES.map((s) => s.w),
        options,
      );
      STRATEGIES.forEach(({ name, w }, p) => {
        const record = runBacktest({
          strategy: replay(name, w),
          series,
          runId: 'vectorized-test',
          cash: 100_000,
          fees: c.fees,
          slippage: c.slippage,
          instrument: (symbol) =>
            equity(symbol, { lotSize: c.lotSize, tickSize: c.tickSize === 0 ? 0.01 : c.tickSize }),
          priceRounding: c.tickSize === 0 ? 'none' : 'conservative',
        });
        const v = results[p]!;
        const eq = record.equity.column('equity');
        const cash = record.equity.column('cash');
        const gross = record.equity.column('grossExposure');
        expect(eq.length).toBe(T);
        let worst = 0;
        for (let t = 0; t < T; t++) {
          worst = Math.max(worst, Math.abs(v.equity[t]! / eq[t]! - 1));
          expect(Math.abs(v.cash[t]! - cash[t]!)).toBeLessThanOrEqual(1e-9 * eq[t]!);
          expect(Math.abs(v.grossExposure[t]! - gross[t]!)).toBeLessThanOrEqual(1e-9 * eq[t]!);
        }
        expect(worst).toBeLessThanOrEqual(1e-9);
        const filled = record.orders.filter((o) => o.filledQty > 0);
        // market orders fill whole at the next open; only those of the last close stay open
        for (const o of record.orders) if (o.filledQty === 0) expect(o.status).toBe('accepted');
        expect(v.trades).toBe(filled.length);
        expect(v.trades).toBeGreaterThan(N); // the strategies do trade
        expect(v.fees).toBeCloseTo(
          filled.reduce((a, o) => a + o.fees, 0),
          6,
        );
        const notional = filled.reduce((a, o) => a + o.filledQty * o.avgFillPrice, 0);
        expect(Math.abs(v.tradedNotional / notional - 1)).toBeLessThanOrEqual(1e-9);
      });
    });
  }
});

describe('vectorized engine by hand', () => {
  // One symbol, opens [10, 11, 12], closes [10, 12, 15]; 50% target at every close, cash 1000,
  // 10 bps fees, no slippage, fractional. Bar 0: equity 1000, buy 500/10 = 50 at bar 1's open.
  // Bar 1: fill 50 @ 11 -> cash 1000 - 550 - 0.55 = 449.45; equity 449.45 + 50 x 12 = 1049.45.
  // Target 524.725 / 12 = 43.7270833.. -> sell 6.2729166.. @ 12 at bar 2's open, fee 0.075275.
  // Bar 2: cash 449.45 + 75.275 - 0.075275 = 524.649725; equity + 43.7270833.. x 15 = 1180.556...
  const hand: VectorizedMarket = {
    symbols: ['X'],
    open: Float64Array.of(10, 11, 12),
    close: Float64Array.of(10, 12, 15),
  };
  it('books fills at the next open with fees taken from cash', () => {
    const [r] = runVectorized(hand, [new Float64Array(3).fill(0.5)], { cash: 1000, fees: bpsFees({ bps: 10 }) });
    const held = 524.725 / 12;
    expect(r!.equity[0]).toBe(1000);
    expect(r!.cash[1]).toBeCloseTo(449.45, 10);
    expect(r!.equity[1]).toBeCloseTo(1049.45, 10);
    expect(r!.cash[2]).toBeCloseTo(524.649725, 10);
    expect(r!.equity[2]).toBeCloseTo(524.649725 + held * 15, 10);
    expect(r!.grossExposure[2]).toBeCloseTo(held * 15, 10);
    expect(r!.trades).toBe(2);
    expect(r!.fees).toBeCloseTo(0.55 + 0.075275, 10);
    expect(r!.tradedNotional).toBeCloseTo(550 + 75.275, 10);
  });

  it('rounds to whole lots and slips buys up and sells down', () => {
    // 3% slippage: bar 1 buys floor(500 / 10) = 50 @ 11.33; equity 1000 - 566.5 + 600 = 1033.5.
    // Target floor(516.75 / 12) = 43: sell 7 @ 12 x 0.97 = 11.64 -> cash 433.5 + 81.48 = 514.98.
    const [r] = runVectorized(hand, [new Float64Array(3).fill(0.5)], {
      cash: 1000,
      slippage: fixedBpsSlippage(300),
      lotSize: 1,
    });
    expect(r!.equity[1]).toBeCloseTo(1033.5, 10);
    expect(r!.cash[2]).toBeCloseTo(514.98, 10);
    expect(r!.equity[2]).toBeCloseTo(514.98 + 43 * 15, 10);
  });

  it('leaves a position alone where the weight is NaN and runs no costs by default', () => {
    const w = Float64Array.of(1, NaN, NaN);
    const [r] = runVectorized(hand, [w], { cash: 1000, fees: NO_FEES, slippage: NO_SLIPPAGE });
    expect(r!.trades).toBe(1);
    expect(r!.equity[2]).toBeCloseTo(1000 - 1100 + 100 * 15, 10);
  });

  it('rejects matrices of the wrong shape', () => {
    expect(() => runVectorized(hand, [new Float64Array(4)])).toThrow(UsageError);
    expect(() => runVectorized(hand, [new Float64Array(3)], { cash: 0 })).toThrow(/cash 0/);
  });
});

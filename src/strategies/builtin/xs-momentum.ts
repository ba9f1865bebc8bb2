import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import type { Slice, Strategy, StrategyContext } from '../api.js';
import { indicator, returns } from '../components/features.js';
import { defineStrategy } from '../define.js';
import { MonthlyRebalance } from './monthly-rebalance.js';

const params = z
  .object({
    lookback: z
      .number()
      .int()
      .min(1)
      .default(252)
      .describe('bars back to the start of the ranking return, a whole number >= 1 (252: 12 months of daily bars)'),
    skip: z
      .number()
      .int()
      .min(0)
      .default(21)
      .describe('most recent bars left out of the ranking return, a whole number < lookback (21: the last month)'),
    top: z.number().int().min(1).default(5).describe('symbols held long: the top ranked, a whole number >= 1'),
    bottom: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('symbols held short: the bottom ranked, a whole number >= 0 (0: long only)'),
    weighting: z
      .enum(['equal', 'inverse-vol'])
      .default('equal')
      .describe('equal (each leg split evenly) or inverse-vol (in proportion to 1 / realized volatility)'),
    volWindow: z
      .number()
      .int()
      .min(2)
      .default(60)
      .describe('bars of the realized volatility for inverse-vol weights, a whole number >= 2'),
    rebalance: z
      .enum(['first', 'last'])
      .default('last')
      .describe("first or last: rebalance at the close of each month's first or last session (symbol calendars)"),
  })
  .superRefine((p, ctx) => {
    if (p.skip >= p.lookback) {
      ctx.addIssue({
        code: 'custom',
        path: ['skip'],
        message: `skip (${p.skip}) must be less than lookback (${p.lookback})`,
      });
    }
  });

export type XsMomentumParams = z.output<typeof params>;

class XsMomentum implements Strategy {
  readonly name = 'xs-momentum';
  readonly #p: XsMomentumParams;
  readonly #schedule: MonthlyRebalance;
  #momentum: (() => number)[] = [];
  #vol: (() => number)[] = [];
  /** Candidate slots of a rebalance, ranked in place; reused. */
  #rank: number[] = [];
  #mom = new Float64Array(0);
  #sigma = new Float64Array(0);

  constructor(p: XsMomentumParams) {
    this.#p = p;
    this.#schedule = new MonthlyRebalance(p.rebalance);
  }

  init(ctx: StrategyContext): void {
    const p = this.#p;
    const n = ctx.symbols.length;
    if (p.top + p.bottom > n) {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `xs-momentum: top (${p.top}) + bottom (${p.bottom}) exceeds the ${n} symbols of the run`,
        {
          hint: `give top + bottom <= ${n}, or run on more symbols`,
          context: { key: p.bottom > 0 ? 'params.bottom' : 'params.top', value: String(p.top + p.bottom) },
        },
      );
    }
    const mom = returns(p.lookback, p.skip);
    const vol = indicator(`realized_vol:${p.volWindow}`);
    this.#momentum = ctx.symbols.map((s) => mom.attach(ctx, s));
    if (p.weighting === 'inverse-vol') this.#vol = ctx.symbols.map((s) => vol.attach(ctx, s));
    this.#mom = new Float64Array(n);
    this.#sigma = new Float64Array(n).fill(NaN);
  }

  onSlice(ctx: StrategyContext, slice: Slice): void {
    if (!this.#schedule.isDue(ctx, slice)) return;
    const p = this.#p;
    const symbols = ctx.symbols;
    const inverseVol = p.weighting === 'inverse-vol';
    const rank = this.#rank;
    rank.length = 0;
    for (let i = 0; i < symbols.length; i++) {
      const m = (this.#momentum[i] as () => number)();
      this.#mom[i] = m;
      if (inverseVol) this.#sigma[i] = (this.#vol[i] as () => number)();
      if (Number.isFinite(m) && (!inverseVol || (this.#sigma[i] as number) > 0)) rank.push(i);
    }
    if (rank.length === 0) return;
    // Highest return first; ties in symbol order (slots are in name order).
    const mom = this.#mom;
    rank.sort((a, b) => (mom[b] as number) - (mom[a] as number) || a - b);
    const longs = Math.min(p.top, rank.length);
    const shorts = Math.min(p.bottom, rank.length - longs);
    // Long only: the long leg is all of equity; with shorts each leg is half (dollar-neutral).
    const budget = p.bottom > 0 ? 0.5 : 1;
    const weights = new Map<string, number>();
    this.#leg(symbols, rank, 0, longs, budget, weights);
    this.#leg(symbols, rank, rank.length - shorts, rank.length, -budget, weights);
    const targets = new Map<string, number>();
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i] as string;
      const w = weights.get(s) ?? 0;
      const held = ctx.portfolio.qty(s) !== 0;
      if (w === 0 && !held) continue;
      const at = rank.indexOf(i);
      ctx.signal(s, w > 0 ? 'long' : w < 0 ? 'short' : 'flat', {
        targetWeight: w,
        meta: {
          momentum: mom[i] as number,
          rank: at < 0 ? null : at + 1,
          ...(inverseVol ? { volatility: this.#sigma[i] as number } : {}),
        },
      });
      if (ctx.history(s).length > 0) targets.set(s, w);
    }
    ctx.targetWeights(targets);
  }

  /** Weights of rank[from..to) summing to `budget`: equal, or in proportion to 1 / sigma. */
  #leg(
    symbols: readonly string[],
    rank: readonly number[],
    from: number,
    to: number,
    budget: number,
    out: Map<string, number>,
  ): void {
    if (to <= from) return;
    const inverseVol = this.#p.weighting === 'inverse-vol';
    let sum = 0;
    for (let k = from; k < to; k++) sum += inverseVol ? 1 / (this.#sigma[rank[k] as number] as number) : 1;
    for (let k = from; k < to; k++) {
      const i = rank[k] as number;
      const share = inverseVol ? 1 / (this.#sigma[i] as number) : 1;
      out.set(symbols[i] as string, (budget * share) / sum);
    }
  }
}

/**
 * Cross-sectional momentum (Jegadeesh and Titman 1993): once a month, at the close of the first
 * or last session of the month on the symbols' calendars, rank the symbols by their return from
 * `lookback` to `skip` bars ago (12-1 months on daily bars) and hold the `top` best long and the
 * `bottom` worst short until the next rebalance, with equal or inverse-volatility weights.
 * docs/strategies/xs-momentum.md.
 */
export const xsMomentum = defineStrategy({
  name: 'xs-momentum',
  description: 'cross-sectional momentum: each month, long the top-ranked 12-1 month returns (short the bottom)',
  params,
  create: (p) => new XsMomentum(p),
});

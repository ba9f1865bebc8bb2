import { z } from 'zod';
import { Sma } from '../../analytics/indicators/sma.js';
import type { Bar } from '../../core/bar.js';
import type { SignalDirection, Strategy, StrategyContext } from '../api.js';
import { defineStrategy } from '../define.js';

const params = z
  .object({
    fast: z.number().int().min(1).default(10).describe('the fast SMA period, a whole number >= 1 (1: the close)'),
    slow: z.number().int().min(2).default(30).describe('the slow SMA period, a whole number greater than fast'),
    qty: z.number().positive().optional().describe('a fixed quantity per position (> 0); or give weight instead'),
    weight: z
      .number()
      .positive()
      .max(10)
      .optional()
      .describe('a target weight of equity per position, e.g. 0.1; or give qty instead'),
    allowShort: z.boolean().default(false).describe('true to go short on a downward cross, false to stay flat'),
  })
  .superRefine((p, ctx) => {
    if (p.slow <= p.fast) {
      ctx.addIssue({
        code: 'custom',
        path: ['slow'],
        message: `slow (${p.slow}) must be greater than fast (${p.fast})`,
      });
    }
    if (p.qty !== undefined && p.weight !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weight'], message: 'give qty or weight, not both' });
    }
  });

/**
 * Relative difference under which fast and slow count as equal. SMAs are running sums, so an
 * exact tie (ORCL's close equals its SMA(15) on 1998-06-15, exactly, in decimal) comes out of
 * float arithmetic a few 1e-16 off either way; 1e-10 is far above that drift over decades of
 * bars and far below a real difference of prices quoted to 6 decimals (>= 1e-6 / period).
 */
const EQUAL_WITHIN = 1e-10;

export type SmaCrossParams = z.output<typeof params>;

/**
 * Moving-average crossover. It acts on a cross, not on a state: it goes long when fast - slow
 * turns from negative to positive and exits (or, with `allowShort`, goes short) when it turns
 * from positive to negative. A bar where fast equals slow keeps the previous sign; the first bar
 * both averages are ready only sets the sign. No order is placed while one of the symbol is
 * still open (the cross is recorded as a skipped signal). Sizing: `qty` units, or `weight` of
 * equity, or by default 1 / number of symbols of equity each. With fast = 1 it is the classic
 * "close crosses its SMA(slow)" rule.
 */
class SmaCross implements Strategy {
  readonly name = 'sma-cross';
  readonly #p: SmaCrossParams;
  readonly #index = new Map<string, number>();
  /** Symbols by index, and the index the next bar most likely has: bars come in symbol order. */
  #symbols: readonly string[] = [];
  #next = 0;
  #fast: Sma[] = [];
  #slow: Sma[] = [];
  /** Last nonzero sign of fast - slow per symbol; 0 until the first ready bar with a difference. */
  #sign = new Int8Array(0);
  #weight = NaN;
  /** Per symbol, its one-entry target for `targetWeights`, reused: a literal with a computed key costs about 1 us. */
  #targets: Map<string, number>[] = [];

  constructor(p: SmaCrossParams) {
    this.#p = p;
  }

  init(ctx: StrategyContext): void {
    const n = ctx.symbols.length;
    this.#sign = new Int8Array(n);
    this.#symbols = ctx.symbols;
    this.#weight = this.#p.weight ?? 1 / Math.max(1, n);
    ctx.symbols.forEach((s, i) => {
      this.#index.set(s, i);
      this.#fast.push(ctx.indicator(s, new Sma(this.#p.fast)));
      this.#slow.push(ctx.indicator(s, new Sma(this.#p.slow)));
      this.#targets.push(new Map());
    });
    ctx.warmUp(this.#p.slow);
  }

  onBar(ctx: StrategyContext, bar: Bar): void {
    const i = this.#indexOf(bar.symbol);
    const fast = this.#fast[i] as Sma;
    const slow = this.#slow[i] as Sma;
    if (!fast.isReady || !slow.isReady) return;
    const f = fast.value;
    const sl = slow.value;
    const d = f - sl;
    const prev = this.#sign[i] as number;
    // Equal within float rounding of the running sums keeps the previous sign (see EQUAL_WITHIN).
    const sign = Math.abs(d) <= EQUAL_WITHIN * Math.max(Math.abs(f), Math.abs(sl)) ? prev : d > 0 ? 1 : -1;
    this.#sign[i] = sign;
    if (prev === 0 || sign === prev) return;
    const p = this.#p;
    const direction: SignalDirection = sign > 0 ? 'long' : p.allowShort ? 'short' : 'flat';
    const unit = direction === 'long' ? 1 : direction === 'short' ? -1 : 0;
    const meta = { fast: f, slow: sl };
    if (ctx.hasOpenOrders(bar.symbol)) {
      ctx.signal(bar.symbol, direction, { meta: { ...meta, skipped: 'an order of the symbol is still open' } });
      return;
    }
    if (p.qty === undefined) {
      ctx.signal(bar.symbol, direction, { targetWeight: unit * this.#weight, meta });
      const target = this.#targets[i] as Map<string, number>;
      target.set(bar.symbol, unit * this.#weight);
      ctx.targetWeights(target);
      return;
    }
    const delta = unit * p.qty - ctx.portfolio.qty(bar.symbol);
    const equity = ctx.portfolio.equity;
    ctx.signal(bar.symbol, direction, { targetWeight: (unit * p.qty * bar.close) / equity, meta });
    if (delta > 0) ctx.buy(bar.symbol, delta);
    else if (delta < 0) ctx.sell(bar.symbol, -delta);
  }

  /** The symbol's index: the guess when right (a comparison), else the map. */
  #indexOf(symbol: string): number {
    let i = this.#next;
    if (this.#symbols[i] !== symbol) i = this.#index.get(symbol) as number;
    this.#next = i + 1 === this.#symbols.length ? 0 : i + 1;
    return i;
  }
}

export const smaCross = defineStrategy({
  name: 'sma-cross',
  description: 'moving-average crossover: long on an upward cross of fast over slow, flat (or short) on a downward one',
  params,
  create: (p) => new SmaCross(p),
});

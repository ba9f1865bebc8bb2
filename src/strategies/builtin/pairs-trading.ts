import { PairSpread } from '../../analytics/pair-spread.js';
import { ConfigError } from '../../core/errors.js';
import type { Slice, Strategy, StrategyContext } from '../api.js';
import type { PairsParams } from './pairs-params.js';

/** mean-reversion: trade against a stretched spread; momentum: trade with it. */
export type PairsRule = 'mean-reversion' | 'momentum';

const SIDE_NAMES = { 1: 'long spread', 0: 'flat', [-1]: 'short spread' } as const;

/**
 * A pair A/B traded on the z-score of spread = A - beta x B (PairSpread, seed 001's pair series),
 * on joint bars only: a bar where one leg has no bar is skipped, for the spread too. The spread
 * side (+1 long A / short B, -1 the reverse) follows from the z-score; both legs are ordered
 * together with `ctx.targetWeights` on the bar the side changes, sized at that bar and held until
 * the next change. The side held is read from leg A's position. docs/strategies/pairs-*.md.
 */
export class PairsStrategy implements Strategy {
  readonly name: string;
  readonly #rule: PairsRule;
  readonly #p: PairsParams;
  readonly #a: string;
  readonly #b: string;
  readonly #spread: PairSpread;

  constructor(name: string, rule: PairsRule, p: PairsParams) {
    this.name = name;
    this.#rule = rule;
    this.#p = p;
    [this.#a, this.#b] = p.pair;
    this.#spread = new PairSpread({
      window: p.window,
      zWindow: p.zWindow,
      momentum: p.momentum ?? 0,
      hedgeMode: p.hedgeMode,
    });
  }

  init(ctx: StrategyContext): void {
    const missing = [this.#a, this.#b].filter((s) => !ctx.symbols.includes(s));
    if (missing.length > 0) {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `${this.name}: ${missing.join(' and ')} of pair ${this.#a}/${this.#b} ${missing.length > 1 ? 'are' : 'is'} not a symbol of the run`,
        {
          hint: `add ${missing.join(', ')} to symbols (or --symbols), or pick a pair among ${ctx.symbols.join(', ')}`,
          context: { key: 'params.pair', value: `${this.#a},${this.#b}` },
        },
      );
    }
  }

  onSlice(ctx: StrategyContext, slice: Slice): void {
    const a = ctx.history(this.#a);
    const b = ctx.history(this.#b);
    if (a.length === 0 || b.length === 0 || a.ts(0) !== slice.ts || b.ts(0) !== slice.ts) return;
    const s = this.#spread;
    const z = s.update(a.close(0), b.close(0));
    if (Number.isNaN(z)) return;
    const side = Math.sign(ctx.portfolio.qty(this.#a));
    const want = this.#want(z, side);
    if (want === side) return;
    const meta: Record<string, unknown> = {
      pair: `${this.#a}/${this.#b}`,
      side: SIDE_NAMES[want as 1 | 0 | -1],
      z,
      beta: s.beta,
      spread: s.spread,
      ...(this.#rule === 'momentum' ? { mom: s.mom } : {}),
    };
    if (ctx.hasOpenOrders(this.#a) || ctx.hasOpenOrders(this.#b)) {
      meta.skipped = 'an order of the pair is still open';
      for (const leg of [this.#a, this.#b]) ctx.signal(leg, 'flat', { meta });
      return;
    }
    const [wa, wb] = this.#weights(want, a.close(0), b.close(0));
    ctx.signal(this.#a, wa > 0 ? 'long' : wa < 0 ? 'short' : 'flat', { targetWeight: wa, meta });
    ctx.signal(this.#b, wb > 0 ? 'long' : wb < 0 ? 'short' : 'flat', { targetWeight: wb, meta });
    ctx.targetWeights({ [this.#a]: wa, [this.#b]: wb });
  }

  /** The spread side wanted at z-score `z` while holding `side`. */
  #want(z: number, side: number): number {
    const { entry, exit } = this.#p;
    if (this.#rule === 'mean-reversion') {
      if (z > entry) return -1;
      if (z < -entry) return 1;
    } else {
      const m = this.#p.momentum ?? 0;
      const mom = this.#spread.mom;
      if (z > entry && (m === 0 || mom > 0)) return 1;
      if (z < -entry && (m === 0 || mom < 0)) return -1;
    }
    return Math.abs(z) < exit ? 0 : side;
  }

  /** Target weights of A and B for spread side `d`. */
  #weights(d: number, pa: number, pb: number): [number, number] {
    if (d === 0) return [0, 0];
    const { gross, sizing } = this.#p;
    const beta = this.#spread.beta;
    if (sizing === 'dollar-neutral') return [(d * gross) / 2, (-d * Math.sign(beta) * gross) / 2];
    // beta x qA shares of B per qA shares of A, qA x (pA + |beta| pB) = gross x equity.
    const cost = pa + Math.abs(beta) * pb;
    return [(d * gross * pa) / cost, (-d * gross * beta * pb) / cost];
  }
}

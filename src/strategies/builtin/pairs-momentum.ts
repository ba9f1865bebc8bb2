import type { z } from 'zod';
import { defineStrategy } from '../define.js';
import { pairsParams, type PairsParams } from './pairs-params.js';
import { PairsStrategy } from './pairs-trading.js';

const params = pairsParams(true);

export type PairsMomentumParams = z.output<typeof params>;

/**
 * Pairs momentum (seed 001's `mom_60`): follow a spread that breaks out: long A - beta x B when
 * its z-score rises above `entry` and A has outperformed B over `momentum` bars, short it when
 * the z-score falls below `-entry` and A has underperformed, flat once |z| < `exit`.
 * docs/strategies/pairs-momentum.md.
 */
export const pairsMomentum = defineStrategy({
  name: 'pairs-momentum',
  description: "pairs momentum: follow the spread A - beta x B when its z-score breaks out past entry, in the pair's relative momentum's direction", // prettier-ignore
  params,
  create: (p) => new PairsStrategy('pairs-momentum', 'momentum', p as PairsParams),
  symbols: (p) => (p as PairsParams).pair,
});

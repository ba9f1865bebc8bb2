import type { z } from 'zod';
import { defineStrategy } from '../define.js';
import { pairsParams, type PairsParams } from './pairs-params.js';
import { PairsStrategy } from './pairs-trading.js';

const params = pairsParams(false);

export type PairsMeanReversionParams = z.output<typeof params>;

/**
 * Pairs mean reversion (seed 001; Gatev, Goetzmann and Rouwenhorst 2006): short the spread
 * A - beta x B when its z-score rises above `entry`, long it when the z-score falls below
 * `-entry`, flat once |z| < `exit`. docs/strategies/pairs-mean-reversion.md.
 */
export const pairsMeanReversion = defineStrategy({
  name: 'pairs-mean-reversion',
  description: 'pairs trading: short the spread A - beta x B when its z-score is above entry, long below -entry',
  params,
  create: (p) => new PairsStrategy('pairs-mean-reversion', 'mean-reversion', p as PairsParams),
  symbols: (p) => (p as PairsParams).pair,
});

import type { z } from 'zod';
import { defineStrategy } from '../define.js';
import { maCross, maCrossParams } from './ma-cross.js';

const params = maCrossParams('EMA', 12, 26);

export type EmaCrossParams = z.output<typeof params>;

/**
 * Exponential moving-average crossover: sma-cross's rules on EMAs (TA-Lib's EMA, seeded with the
 * simple mean of the first `period` closes). docs/strategies/ema-cross.md.
 */
export const emaCross = defineStrategy({
  name: 'ema-cross',
  description:
    'exponential moving-average crossover: long on an upward cross of fast over slow, flat (or short) on a downward one',
  params,
  create: (p) => maCross('ema-cross', 'ema', p),
});

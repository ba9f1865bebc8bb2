import type { z } from 'zod';
import { defineStrategy } from '../define.js';
import { maCross, maCrossParams } from './ma-cross.js';

const params = maCrossParams('SMA', 10, 30);

export type SmaCrossParams = z.output<typeof params>;

/**
 * Moving-average crossover. It acts on a cross, not on a state: it goes long when fast - slow
 * turns from negative to positive and exits (or, with `allowShort`, goes short) when it turns
 * from positive to negative. A bar where fast equals slow keeps the previous sign; the first bar
 * both averages are ready only sets the sign. No order is placed while one of the symbol is
 * still open (the cross is recorded as a skipped signal). Sizing: `qty` units, or `weight` of
 * equity, or by default 1 / number of symbols of equity each. With fast = 1 it is the classic
 * "close crosses its SMA(slow)" rule. docs/strategies/sma-cross.md.
 */
export const smaCross = defineStrategy({
  name: 'sma-cross',
  description: 'moving-average crossover: long on an upward cross of fast over slow, flat (or short) on a downward one',
  params,
  create: (p) => maCross('sma-cross', 'sma', p),
});

import { z } from 'zod';
import { composeStrategy } from '../components/compose.js';
import { returns } from '../components/features.js';
import { momentum } from '../components/signals.js';
import { equalWeight, volatilityTarget } from '../components/sizers.js';
import { defineStrategy } from '../define.js';

/**
 * Defaults of Moskowitz, Ooi and Pedersen (2012), "Time series momentum", J. Financial Economics
 * 104(2): a 12-month lookback, positions scaled to 40% annual volatility each (their footnote: the
 * volatility of an average individual stock), estimated over about 60 days (their exponentially
 * weighted estimate has a center of mass of 60 days; we use a 60-bar window).
 */
const params = z
  .object({
    lookback: z
      .number()
      .int()
      .min(1)
      .default(252)
      .describe('bars of the past return whose sign is the signal, a whole number >= 1 (252: 12 months of daily bars)'),
    skip: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('most recent bars left out of the return, a whole number >= 0 and < lookback (21: skip a month)'),
    threshold: z
      .number()
      .min(0)
      .default(0)
      .describe('a return within [-threshold, threshold] means flat, a number >= 0 (0: the sign alone)'),
    sizing: z
      .enum(['vol-target', 'equal'])
      .default('vol-target')
      .describe('vol-target (each position scaled to volTarget annual volatility) or equal (1 / number of symbols)'),
    volTarget: z
      .number()
      .positive()
      .max(10)
      .default(0.4)
      .describe('annual volatility each position is scaled to with sizing vol-target, e.g. 0.4 for 40%'),
    volWindow: z
      .number()
      .int()
      .min(2)
      .default(60)
      .describe('bars of the realized volatility estimate with sizing vol-target, a whole number >= 2'),
    maxWeight: z
      .number()
      .positive()
      .max(10)
      .default(1)
      .describe('cap of volTarget / volatility before the split over symbols, > 0 (1: no leverage per position)'),
    periodsPerYear: z
      .number()
      .positive()
      .default(252)
      .describe('bars per year to annualize volatility: 252 for daily equity bars, 365 for 24/7 markets'),
    allowShort: z.boolean().default(true).describe('true: short on a negative return (the paper); false: flat'),
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

export type TsMomentumParams = z.output<typeof params>;

/**
 * Time-series momentum on each symbol on its own (Moskowitz, Ooi and Pedersen 2012): long when
 * the return from `lookback` to `skip` bars ago is above `threshold`, short (or flat) when it is
 * below `-threshold`, flat in between. It acts on a change of that state (composeStrategy is
 * edge-triggered); the size is fixed when the position opens: `min(maxWeight, volTarget / sigma)
 * / N` of equity, sigma the annualized `volWindow`-bar realized volatility and N the number of
 * symbols, or `1 / N` with sizing `equal`. docs/strategies/ts-momentum.md.
 */
export const tsMomentum = defineStrategy({
  name: 'ts-momentum',
  description: 'time-series momentum: long a positive past return, short a negative one, volatility-targeted',
  params,
  create: (p) => {
    const vol = `realized_vol_${p.volWindow}_${p.periodsPerYear}`;
    const isVolTarget = p.sizing === 'vol-target';
    return composeStrategy({
      name: 'ts-momentum',
      features: { momentum: returns(p.lookback, p.skip) },
      signal: momentum('momentum', p.threshold),
      sizer: isVolTarget ? volatilityTarget(p.volTarget, p.volWindow, p.maxWeight, p.periodsPerYear) : equalWeight(),
      allowShort: p.allowShort,
      meta: isVolTarget ? ['momentum', vol] : ['momentum'],
    });
  },
});

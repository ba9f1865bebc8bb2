import { z } from 'zod';
import { composeStrategy } from '../components/compose.js';
import { indicator } from '../components/features.js';
import { meanReversion } from '../components/signals.js';
import { defineStrategy } from '../define.js';
import { sizerOf } from './ma-cross.js';

const params = z
  .object({
    period: z
      .number()
      .int()
      .min(2)
      .default(20)
      .describe('bars of the Bollinger window (SMA and standard deviation), a whole number >= 2'),
    deviations: z
      .number()
      .positive()
      .default(2)
      .describe('band width in standard deviations, > 0: enter beyond mid -/+ deviations x sd'),
    exitZ: z
      .number()
      .min(0)
      .default(0)
      .describe('exit once |z| < exitZ, >= 0 and below deviations; 0 exits when the close reaches the middle band'),
    qty: z.number().positive().optional().describe('a fixed quantity per position (> 0); or give weight instead'),
    weight: z
      .number()
      .positive()
      .max(10)
      .optional()
      .describe('a target weight of equity per position, e.g. 0.1; or give qty instead'),
    allowShort: z.boolean().default(false).describe('true to also short a close above the upper band'),
  })
  .superRefine((p, ctx) => {
    if (p.exitZ >= p.deviations) {
      ctx.addIssue({
        code: 'custom',
        path: ['exitZ'],
        message: `exitZ (${p.exitZ}) must be below deviations (${p.deviations})`,
      });
    }
    if (p.qty !== undefined && p.weight !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weight'], message: 'give qty or weight, not both' });
    }
  });

export type BollingerReversionParams = z.output<typeof params>;

/**
 * Bollinger-band mean reversion. z = (close - SMA(period)) / the population standard deviation of
 * the same `period` closes, which is the deviation of Bollinger's bands (TA-Lib's BBANDS), so
 * z <= -deviations is "the close is at or below the lower band" and z >= 0 "the close is at or
 * above the middle band". Long when the close is at or below the lower band, flat when it comes
 * back to the middle band (|z| < exitZ when exitZ > 0); with allowShort, short at or above the
 * upper band and cover at the middle. Entries act on the first bar beyond the band (the signal is
 * edge-triggered). Sizing: `qty` units, `weight` of equity, or 1 / number of symbols.
 * docs/strategies/bollinger-reversion.md.
 */
export const bollingerReversion = defineStrategy({
  name: 'bollinger-reversion',
  description:
    'Bollinger-band mean reversion: long below the lower band (20, 2), exit at the middle band; optional shorts above the upper band',
  params,
  create: (p) =>
    composeStrategy({
      name: 'bollinger-reversion',
      features: { z: indicator(`zscore:${p.period}`) },
      signal: meanReversion('z', { entry: p.deviations, exit: p.exitZ }),
      sizer: sizerOf(p),
      allowShort: p.allowShort,
    }),
});

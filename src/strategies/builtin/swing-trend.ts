import { z } from 'zod';
import { composeStrategy } from '../components/compose.js';
import { atrTrailingStop } from '../components/exits.js';
import { indicator } from '../components/features.js';
import { regime } from '../components/filters.js';
import { crossover } from '../components/signals.js';
import { atrRisk } from '../components/sizers.js';
import { defineStrategy } from '../define.js';

const params = z
  .object({
    fast: z.number().int().min(1).default(20).describe('the fast EMA period, a whole number >= 1 (seed 004: 20)'),
    slow: z
      .number()
      .int()
      .min(2)
      .default(50)
      .describe('the slow EMA period, a whole number greater than fast (seed 004: 50)'),
    pullback: z
      .boolean()
      .default(true)
      .describe(
        'true: after a cross, enter on the first bar whose low (high for shorts) touches the fast EMA; false: on the cross',
      ),
    adxPeriod: z.number().int().min(2).default(14).describe('ADX period (Wilder), a whole number >= 2'),
    adxMin: z
      .number()
      .min(0)
      .max(100)
      .default(20)
      .describe('entries only while ADX is above this, in [0, 100] (seed 004: 20)'),
    atrPeriod: z.number().int().min(1).default(14).describe('ATR period (Wilder) of the trailing stop and the sizing'),
    trailAtr: z.number().positive().default(3).describe('trailing-stop distance in ATRs at entry, > 0 (seed 004: 3)'),
    risk: z
      .number()
      .positive()
      .max(0.1)
      .default(0.004)
      .describe('equity lost if the stop is hit at its first level, in (0, 0.1] (seed 004: 0.004)'),
    maxWeight: z
      .number()
      .positive()
      .max(10)
      .default(0.05)
      .describe('largest position as a fraction of equity, in (0, 10] (seed 004: 0.05 = 5%)'),
    allowShort: z.boolean().default(false).describe('true to trade the down-crosses short too'),
  })
  .superRefine((p, ctx) => {
    if (p.slow <= p.fast) {
      ctx.addIssue({
        code: 'custom',
        path: ['slow'],
        message: `slow (${p.slow}) must be greater than fast (${p.fast})`,
      });
    }
  });

export type SwingTrendParams = z.output<typeof params>;

/**
 * Seed 004's swing trend following on daily bars. After EMA(fast) crosses above EMA(slow), go
 * long on the first bar whose low touches EMA(fast) while it is still above EMA(slow) (with
 * `pullback: false`, on the cross itself), if ADX(adxPeriod) is above adxMin on that bar; exit on
 * the opposite cross or on a trailing stop `trailAtr` x ATR (at entry) behind the highest price
 * since entry, resting at the venue. Shorts mirror it with allowShort. Size: the quantity that
 * loses `risk` of equity at the stop's first level, at most `maxWeight` of equity.
 * docs/strategies/swing-trend.md.
 */
export const swingTrend = defineStrategy({
  name: 'swing-trend',
  description:
    'seed 004: EMA 20/50 cross with a pullback entry while ADX > 20; 3 ATR trailing stop; exit on the opposite cross',
  params,
  create: (p) =>
    composeStrategy({
      name: 'swing-trend',
      features: {
        ema_fast: indicator(`ema:${p.fast}`),
        ema_slow: indicator(`ema:${p.slow}`),
        adx: indicator(`adx:${p.adxPeriod}`),
      },
      signal: crossover('ema_fast', 'ema_slow', { pullback: p.pullback }),
      sizer: atrRisk(p.risk, p.trailAtr, p.atrPeriod, p.maxWeight),
      exits: [atrTrailingStop(p.trailAtr, p.atrPeriod)],
      filters: [regime('adx', { above: p.adxMin })],
      allowShort: p.allowShort,
    }),
});

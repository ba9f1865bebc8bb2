import { z } from 'zod';
import { composeStrategy } from '../components/compose.js';
import { atrStop } from '../components/exits.js';
import { indicator } from '../components/features.js';
import { breakout } from '../components/signals.js';
import { defineStrategy } from '../define.js';
import { sizerOf } from './ma-cross.js';

const params = z
  .object({
    entry: z
      .number()
      .int()
      .min(2)
      .default(20)
      .describe('bars of the entry channel: long above the highest high of the previous N bars (turtle system 1: 20)'),
    exit: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe(
        'bars of the exit channel, fewer than entry: flat below the lowest low of the previous M bars (turtles: 10)',
      ),
    stopAtr: z
      .number()
      .positive()
      .optional()
      .describe('a stop this many ATRs (at entry) from the entry price, > 0 (turtles: 2); unset: no stop'),
    atrPeriod: z.number().int().min(1).default(20).describe('ATR period (Wilder) of the stop (turtles: 20)'),
    qty: z.number().positive().optional().describe('a fixed quantity per position (> 0); or give weight instead'),
    weight: z
      .number()
      .positive()
      .max(10)
      .optional()
      .describe('a target weight of equity per position, e.g. 0.1; or give qty instead'),
    allowShort: z
      .boolean()
      .default(false)
      .describe('true to short below the entry channel and cover above the exit channel'),
  })
  .superRefine((p, ctx) => {
    if (p.exit >= p.entry) {
      ctx.addIssue({
        code: 'custom',
        path: ['exit'],
        message: `exit (${p.exit}) must be fewer bars than entry (${p.entry})`,
      });
    }
    if (p.qty !== undefined && p.weight !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weight'], message: 'give qty or weight, not both' });
    }
  });

export type DonchianBreakoutParams = z.output<typeof params>;

/**
 * Donchian channel breakout, the turtles' system 1 (Faith, "Way of the Turtle", 2007) on closes:
 * long when the close rises above the highest high of the previous `entry` bars, flat when it
 * falls below the lowest low of the previous `exit` bars; with allowShort, short below the lowest
 * low of the previous `entry` bars and cover above the highest high of the previous `exit` bars.
 * The channels are the `donchian` indicator's outputs at the bar before (which excludes the
 * current bar). Optional resting stop `stopAtr` x ATR from the entry. Sizing: `qty` units,
 * `weight` of equity, or 1 / number of symbols. docs/strategies/donchian-breakout.md.
 */
export const donchianBreakout = defineStrategy({
  name: 'donchian-breakout',
  description:
    'Donchian breakout (turtle system 1): long above the previous 20-bar high, flat below the previous 10-bar low; optional shorts and ATR stop',
  params,
  create: (p) =>
    composeStrategy({
      name: 'donchian-breakout',
      features: {
        upper: indicator(`donchian:${p.entry}`, { output: 'donchian_up' }),
        lower: indicator(`donchian:${p.entry}`, { output: 'donchian_dn' }),
        exit_upper: indicator(`donchian:${p.exit}`, { output: 'donchian_up' }),
        exit_lower: indicator(`donchian:${p.exit}`, { output: 'donchian_dn' }),
      },
      signal: breakout('upper', 'lower', { exitUpper: 'exit_upper', exitLower: 'exit_lower' }),
      sizer: sizerOf(p),
      exits: p.stopAtr === undefined ? [] : [atrStop(p.stopAtr, p.atrPeriod)],
      allowShort: p.allowShort,
    }),
});

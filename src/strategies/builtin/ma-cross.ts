import { z } from 'zod';
import type { Strategy } from '../api.js';
import { composeStrategy } from '../components/compose.js';
import { indicator } from '../components/features.js';
import { crossover } from '../components/signals.js';
import { equalWeight, fixedFraction, fixedUnits } from '../components/sizers.js';
import type { Sizer } from '../components/types.js';

/** Parameters shared by sma-cross and ema-cross. */
export function maCrossParams(kind: 'SMA' | 'EMA', fast: number, slow: number) {
  return z
    .object({
      fast: z
        .number()
        .int()
        .min(1)
        .default(fast)
        .describe(`the fast ${kind} period, a whole number >= 1 (1: the close)`),
      slow: z.number().int().min(2).default(slow).describe(`the slow ${kind} period, a whole number greater than fast`),
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
}

export interface MaCrossParams {
  readonly fast: number;
  readonly slow: number;
  readonly qty?: number | undefined;
  readonly weight?: number | undefined;
  readonly allowShort: boolean;
}

/** Sizing shared by the built-ins: `qty` units, or `weight` of equity, or 1 / number of symbols. */
export function sizerOf(p: { readonly qty?: number | undefined; readonly weight?: number | undefined }): Sizer {
  if (p.qty !== undefined) return fixedUnits(p.qty);
  if (p.weight !== undefined) return fixedFraction(p.weight);
  return equalWeight();
}

/**
 * A moving-average crossover on components: features `fast` and `slow` (the MA of the close; a
 * period of 1 is the close itself), the `crossover` signal, and the sizer of `sizerOf`.
 */
export function maCross(name: string, kind: 'sma' | 'ema', p: MaCrossParams): Strategy {
  return composeStrategy({
    name,
    features: { fast: indicator(`${kind}:${p.fast}`), slow: indicator(`${kind}:${p.slow}`) },
    signal: crossover('fast', 'slow'),
    sizer: sizerOf(p),
    allowShort: p.allowShort,
  });
}

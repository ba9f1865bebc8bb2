import { z } from 'zod';

/** `pair: [A, B]` in YAML, or `--param pair=A,B` on the command line. */
const pair = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
  z
    .tuple([z.string().min(1), z.string().min(1)])
    .transform(([a, b]) => [a.toUpperCase(), b.toUpperCase()] as [string, string]),
);

/**
 * Parameters of pairs-mean-reversion and pairs-momentum. Defaults: seed 001's pair file
 * (`zscore_60`, `mom_60`: 60-bar windows; `hedge_mode` static or rolling) and the classic
 * +-2 / 0.5 z-score bands of pairs trading.
 */
export function pairsParams(withMomentum: boolean) {
  const momentum = z
    .number()
    .int()
    .min(0)
    .default(60)
    .describe("bars of the pair's relative momentum confirming an entry, a whole number >= 0 (0: no confirmation)");
  return z
    .object({
      pair: pair.describe('the two symbols [A, B] of spread = A - beta x B, e.g. [ORCL, NVDA] (or A,B)'),
      window: z
        .number()
        .int()
        .min(2)
        .default(60)
        .describe(
          'bars of the OLS hedge ratio: its rolling window, or the static formation period, a whole number >= 2',
        ),
      zWindow: z.number().int().min(2).default(60).describe('bars of the spread z-score, a whole number >= 2'),
      hedgeMode: z
        .enum(['rolling', 'static'])
        .default('rolling')
        .describe('rolling (re-fitted every bar) or static (fitted on the first window bars, then fixed)'),
      entry: z.number().positive().default(2).describe('|z| beyond which a position opens, a number > 0, e.g. 2'),
      exit: z.number().min(0).default(0.5).describe('|z| under which the position closes, a number >= 0 below entry'),
      sizing: z
        .enum(['beta', 'dollar-neutral'])
        .default('beta')
        .describe('beta (beta shares of B per share of A: the spread itself) or dollar-neutral (equal notionals)'),
      gross: z
        .number()
        .positive()
        .max(10)
        .default(1)
        .describe('notional of both legs together at entry, as a fraction of equity (> 0), e.g. 1'),
      ...(withMomentum ? { momentum } : {}),
    })
    .superRefine((p, ctx) => {
      if (p.pair[0] === p.pair[1]) {
        ctx.addIssue({ code: 'custom', path: ['pair'], message: `the two symbols are the same (${p.pair[0]})` });
      }
      if (p.exit >= p.entry) {
        ctx.addIssue({
          code: 'custom',
          path: ['exit'],
          message: `exit (${p.exit}) must be less than entry (${p.entry})`,
        });
      }
    });
}

export interface PairsParams {
  readonly pair: readonly [string, string];
  readonly window: number;
  readonly zWindow: number;
  readonly hedgeMode: 'rolling' | 'static';
  readonly entry: number;
  readonly exit: number;
  readonly sizing: 'beta' | 'dollar-neutral';
  readonly gross: number;
  /** pairs-momentum only. */
  readonly momentum?: number | undefined;
}

import { ConfigError, type ErrorContext } from '../core/errors.js';
import { bpsFees, ibkrFixedFees, makerTakerFees, NO_FEES, perShareFees, type FeeModel } from '../execution/fees.js';
import { fixedBpsSlippage, halfSpreadSlippage, NO_SLIPPAGE, type SlippageModel } from '../execution/slippage.js';

/** Fee specs of `--fees` and `costs.fees:` (docs/execution.md lists the models). */
export const FEE_SPECS = [
  'none',
  'ibkr',
  'bps:<bps>',
  'per-share:<usd>[,<minimum>]',
  'maker-taker:<maker bps>,<taker bps>',
];
/** Slippage specs of `--slippage` and `costs.slippage:`. */
export const SLIPPAGE_SPECS = ['none', 'bps:<bps>', 'half-spread:<spread bps>'];

function numbers(
  spec: string,
  args: string,
  count: readonly [number, number],
  what: 'fees' | 'slippage',
  context: ErrorContext,
): number[] {
  const parts = args === '' ? [] : args.split(',');
  const xs = parts.map((p) => Number(p.trim()));
  if (parts.length < count[0] || parts.length > count[1] || xs.some((x) => !Number.isFinite(x) || x < 0)) {
    throw bad(spec, what, context);
  }
  return xs;
}

function bad(spec: string, what: 'fees' | 'slippage', context: ErrorContext): ConfigError {
  const specs = what === 'fees' ? FEE_SPECS : SLIPPAGE_SPECS;
  return new ConfigError('CONFIG_INVALID_VALUE', `${what} "${spec}" is not a ${what} model`, {
    hint: `use one of ${specs.join(' | ')} (numbers >= 0), e.g. ${what === 'fees' ? 'ibkr or bps:1' : 'bps:5'}`,
    context: { value: spec, ...context },
  });
}

function split(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec.trim().toLowerCase(), ''] : [spec.slice(0, i).trim().toLowerCase(), spec.slice(i + 1).trim()];
}

/** `none`, `ibkr`, `bps:1`, `per-share:0.005,1`, `maker-taker:10,10`. */
export function parseFees(spec: string, context: ErrorContext = {}): FeeModel {
  const [kind, args] = split(spec);
  switch (kind) {
    case 'none':
      if (args === '') return NO_FEES;
      break;
    case 'ibkr':
      if (args === '') return ibkrFixedFees();
      break;
    case 'bps':
      return bpsFees({ bps: numbers(spec, args, [1, 1], 'fees', context)[0] as number });
    case 'per-share': {
      const [perShare, minimum = 0] = numbers(spec, args, [1, 2], 'fees', context) as [number, number?];
      return perShareFees({ perShare, minimum });
    }
    case 'maker-taker': {
      const [makerBps, takerBps] = numbers(spec, args, [2, 2], 'fees', context) as [number, number];
      return makerTakerFees({ makerBps, takerBps });
    }
  }
  throw bad(spec, 'fees', context);
}

/** `none`, `bps:5`, `half-spread:10`. */
export function parseSlippage(spec: string, context: ErrorContext = {}): SlippageModel {
  const [kind, args] = split(spec);
  switch (kind) {
    case 'none':
      if (args === '') return NO_SLIPPAGE;
      break;
    case 'bps':
      return fixedBpsSlippage(numbers(spec, args, [1, 1], 'slippage', context)[0] as number);
    case 'half-spread':
      return halfSpreadSlippage(numbers(spec, args, [1, 1], 'slippage', context)[0] as number);
  }
  throw bad(spec, 'slippage', context);
}

import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError, type ErrorContext } from '../core/errors.js';
import { bollingerReversion } from './builtin/bollinger-reversion.js';
import { donchianBreakout } from './builtin/donchian-breakout.js';
import { emaCross } from './builtin/ema-cross.js';
import { intradayMeanReversion } from './builtin/intraday-mean-reversion.js';
import { smaCross } from './builtin/sma-cross.js';
import { swingTrend } from './builtin/swing-trend.js';
import type { StrategyDefinition } from './define.js';

/** Built-in strategies by name (`--strategy NAME`, `strategy:` in a config file). */
const DEFINITIONS: ReadonlyMap<string, StrategyDefinition> = new Map(
  [
    smaCross as StrategyDefinition,
    emaCross as StrategyDefinition,
    intradayMeanReversion as StrategyDefinition,
    swingTrend as StrategyDefinition,
    bollingerReversion as StrategyDefinition,
    donchianBreakout as StrategyDefinition,
  ].map((d) => [d.name, d] as const),
);

export function strategyNames(): string[] {
  return [...DEFINITIONS.keys()];
}

/** The definition of a built-in strategy; an unknown name is CONFIG_INVALID_VALUE with the closest name. */
export function getStrategyDefinition(name: string, context: ErrorContext = {}): StrategyDefinition {
  const def = DEFINITIONS.get(name);
  if (def !== undefined) return def;
  const names = strategyNames();
  throw new ConfigError('CONFIG_INVALID_VALUE', `unknown strategy "${name}"`, {
    hint: `${didYouMean(name, names)}built-in strategies: ${names.join(', ')}`,
    context: { key: 'strategy', value: name, ...context },
  });
}

import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError, type ErrorContext } from '../core/errors.js';
import { bollingerReversion } from './builtin/bollinger-reversion.js';
import { donchianBreakout } from './builtin/donchian-breakout.js';
import { emaCross } from './builtin/ema-cross.js';
import { intradayMeanReversion } from './builtin/intraday-mean-reversion.js';
import { mlSignal } from './builtin/ml-signal.js';
import { pairsMeanReversion } from './builtin/pairs-mean-reversion.js';
import { pairsMomentum } from './builtin/pairs-momentum.js';
import { smaCross } from './builtin/sma-cross.js';
import { swingTrend } from './builtin/swing-trend.js';
import { tsMomentum } from './builtin/ts-momentum.js';
import { xsMomentum } from './builtin/xs-momentum.js';
import type { StrategyDefinition } from './define.js';

/** Built-in strategies by name (`--strategy NAME`, `strategy:` in a config file). */
const DEFINITIONS: ReadonlyMap<string, StrategyDefinition> = new Map(
  [
    smaCross as StrategyDefinition,
    emaCross as StrategyDefinition,
    tsMomentum as StrategyDefinition,
    xsMomentum as StrategyDefinition,
    pairsMeanReversion as StrategyDefinition,
    pairsMomentum as StrategyDefinition,
    intradayMeanReversion as StrategyDefinition,
    swingTrend as StrategyDefinition,
    bollingerReversion as StrategyDefinition,
    donchianBreakout as StrategyDefinition,
    mlSignal as StrategyDefinition,
  ].map((d) => [d.name, d] as const),
);

/** Strategies loaded from users' files, by absolute path (orchestration/strategy-file.ts). */
const FILES = new Map<string, StrategyDefinition>();

export function strategyNames(): string[] {
  return [...DEFINITIONS.keys()];
}

/** Every built-in definition, by name order. */
export function strategyDefinitions(): StrategyDefinition[] {
  return [...DEFINITIONS.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A strategy name that is a file path (`./mine.ts`, `/abs/mine.js`) rather than a built-in name. */
export function isStrategyFile(name: string): boolean {
  return /[\\/]/.test(name) || /\.(m?[jt]s|c[jt]s|tsx)$/.test(name);
}

/** Registers a definition loaded from a file under the file's absolute path. */
export function registerStrategy(path: string, def: StrategyDefinition): void {
  FILES.set(path, def);
}

/** The definition of a built-in (or loaded file) strategy; an unknown name is CONFIG_INVALID_VALUE with the closest name. */
export function getStrategyDefinition(name: string, context: ErrorContext = {}): StrategyDefinition {
  const def = DEFINITIONS.get(name) ?? FILES.get(name);
  if (def !== undefined) return def;
  if (isStrategyFile(name)) {
    throw new ConfigError('STRATEGY_FILE_INVALID', `strategy file ${name} was not loaded`, {
      hint: 'run it through the CLI (--strategy ./file.ts) or call loadStrategyFile() before using it',
      context: { key: 'strategy', value: name, ...context },
    });
  }
  const names = strategyNames();
  throw new ConfigError('CONFIG_INVALID_VALUE', `unknown strategy "${name}"`, {
    hint: `${didYouMean(name, names)}built-in strategies: ${names.join(', ')}; or a file: --strategy ./my-strategy.ts`,
    context: { key: 'strategy', value: name, ...context },
  });
}

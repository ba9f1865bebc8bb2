/**
 * Checks a run's strategy before any data is read or fetched: the name (a built-in, or a loaded
 * strategy file), its parameters, and the symbols it needs (a pair's legs) against the run's.
 */
import { ConfigError, type ErrorContext } from '../core/errors.js';
import type { RunConfig } from '../config/run-config.js';
import { validateParams, type ParamSource, type StrategyDefinition } from '../strategies/define.js';
import { getStrategyDefinition } from '../strategies/registry.js';

export function checkStrategy(run: RunConfig, source: ParamSource): void {
  const def = getStrategyDefinition(run.strategy.name, { key: 'strategy' });
  checkSymbols(def, validateParams(def, run.strategy.params, source), run.data.symbols);
}

/**
 * The same for a sweep's combinations: the name, and the symbols each combination needs. A
 * combination the schema refuses is a failed trial with its reason (docs/evaluation.md), not an
 * error of the sweep. `where` names a recorded sweep's file (a walk-forward of `--sweep ID`).
 */
export function checkSweepStrategy(
  run: RunConfig,
  combos: readonly Readonly<Record<string, unknown>>[],
  where: ErrorContext = {},
): void {
  const def = getStrategyDefinition(run.strategy.name, { key: 'strategy', ...where });
  if (def.symbols === undefined) return;
  for (const raw of combos) {
    const parsed = def.params.safeParse(raw);
    if (parsed.success) checkSymbols(def, parsed.data, run.data.symbols);
  }
}

function checkSymbols(def: StrategyDefinition, params: Record<string, unknown>, symbols: readonly string[]): void {
  // No symbols given means the ones the data has; they are checked when the strategy starts.
  if (symbols.length === 0 || def.symbols === undefined) return;
  const needed = def.symbols(params);
  const missing = needed.filter((s) => !symbols.includes(s));
  if (missing.length === 0) return;
  throw new ConfigError(
    'CONFIG_INVALID_VALUE',
    `${def.name}: ${missing.join(' and ')} of pair ${needed.join('/')} ${missing.length > 1 ? 'are' : 'is'} not a symbol of the run`,
    {
      hint: `add ${missing.join(', ')} to symbols (or --symbols), or pick a pair among ${symbols.join(', ')}`,
      context: { key: 'params.pair', value: needed.join(',') },
    },
  );
}

import { didYouMean } from '../../core/did-you-mean.js';
import { UsageError } from '../../core/errors.js';
import { columnNames, type IndicatorDef } from './spec.js';

export interface IndicatorRequest {
  readonly def: IndicatorDef;
  readonly params: readonly number[];
  readonly columns: readonly string[];
}

/**
 * Parses `key:p1,p2` (`rsi:14`, `macd:12,26,9`, `bbands` for the defaults) against the registry;
 * missing trailing parameters take their defaults. Errors name the flag and the fix.
 */
export function parseIndicatorSpec(
  spec: string,
  registry: ReadonlyMap<string, IndicatorDef>,
  flag = '--indicator',
): IndicatorRequest {
  const [rawKey = '', rawParams] = spec.split(':', 2);
  const key = rawKey.trim().toLowerCase();
  const def = registry.get(key);
  if (def === undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', `unknown indicator "${rawKey}" in ${flag} ${spec}`, {
      hint: `${didYouMean(key, [...registry.keys()])}indicators: ${[...registry.keys()].sort().join(', ')}`,
      context: { flag, value: spec },
    });
  }
  const given = rawParams === undefined || rawParams.trim() === '' ? [] : rawParams.split(',').map((p) => p.trim());
  if (given.length > def.params.length) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `${key} takes ${def.params.length} parameter(s) (${def.params.map((p) => p.name).join(', ')}), got ${given.length} in ${spec}`,
      {
        hint: `write ${key}:${def.params.map((p) => p.default).join(',')}`,
        context: { flag, value: spec },
      },
    );
  }
  const params = def.params.map((p, i) => {
    const text = given[i];
    if (text === undefined) return p.default;
    const v = Number(text);
    const bad =
      text === '' ||
      !Number.isFinite(v) ||
      (p.integer && !Number.isInteger(v)) ||
      v < p.min ||
      (p.max !== undefined && v > p.max);
    if (bad) {
      const range = `${p.integer ? 'a whole number' : 'a number'} >= ${p.min}${p.max === undefined ? '' : ` and <= ${p.max}`}`;
      throw new UsageError('USAGE_INVALID_OPTION', `${key} ${p.name} must be ${range}, got "${text}" in ${spec}`, {
        hint: `e.g. ${key}:${def.params.map((q) => q.default).join(',')}`,
        context: { flag, value: spec },
      });
    }
    return v;
  });
  return { def, params, columns: columnNames(def, params) };
}

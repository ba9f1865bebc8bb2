import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { defineStrategy, parseParamValue, validateParams } from '../../src/strategies/define.js';
import { smaCross } from '../../src/strategies/builtin/sma-cross.js';
import { getStrategyDefinition, strategyNames } from '../../src/strategies/registry.js';

function caught(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('strategy parameters', () => {
  it('fills defaults and keeps valid values', () => {
    expect(validateParams(smaCross, {})).toEqual({ fast: 10, slow: 30, allowShort: false });
    expect(validateParams(smaCross, { fast: 1, slow: 15, qty: 1 })).toEqual({
      fast: 1,
      slow: 15,
      qty: 1,
      allowShort: false,
    });
  });

  it('names an unknown parameter, the closest known one, and where it was written', () => {
    const e = caught(() =>
      validateParams(
        smaCross,
        { fsat: 5 },
        { file: 'config/strategy/x.yaml', lineOf: (p) => (p === 'fsat' ? 7 : undefined) },
      ),
    );
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.message).toBe('strategy sma-cross has no parameter "fsat"');
    expect(e.hint).toBe('did you mean "fast"? parameters of sma-cross: fast, slow, qty, weight, allowShort');
    expect(e.context).toMatchObject({ file: 'config/strategy/x.yaml', row: 7, key: 'params.fsat' });
    expect(e.exitCode).toBe(2);
  });

  it('names the bad parameter and the fix', () => {
    const slow = caught(() => validateParams(smaCross, { fast: 20, slow: 10 }, { flag: '--param' }));
    expect(slow.code).toBe('CONFIG_INVALID_VALUE');
    expect(slow.message).toBe(
      'parameter slow of strategy sma-cross is invalid: slow (10) must be greater than fast (20)',
    );
    expect(slow.hint).toBe('set slow to the slow SMA period, a whole number greater than fast');
    expect(slow.context).toMatchObject({ key: 'params.slow', flag: '--param', value: '10' });

    const fast = caught(() => validateParams(smaCross, { fast: 2.5 }));
    expect(fast.message).toContain('parameter fast of strategy sma-cross is invalid');
    expect(fast.hint).toBe('set fast to the fast SMA period, a whole number >= 1 (1: the close)');

    const both = caught(() => validateParams(smaCross, { qty: 1, weight: 0.1 }));
    expect(both.message).toBe('parameter weight of strategy sma-cross is invalid: give qty or weight, not both');

    const kind = caught(() => validateParams(smaCross, { allowShort: 'yes' }));
    expect(kind.context.key).toBe('params.allowShort');
  });

  it('types --param values: numbers and booleans become values, other text stays text', () => {
    expect(['1', '-2.5', '1e3', '.5', 'true', 'false', 'abc', '1.2.3', ''].map(parseParamValue)).toEqual([
      1,
      -2.5,
      1000,
      0.5,
      true,
      false,
      'abc',
      '1.2.3',
      '',
    ]);
  });

  it('defineStrategy keeps the schema and factory, and validation uses them', () => {
    const def = defineStrategy({
      name: 'hold',
      description: 'buys once',
      params: z.object({ qty: z.number().int().positive().default(1).describe('a whole number of units > 0') }),
      create: (p) => ({ name: `hold-${p.qty}` }),
    });
    expect(def.create(validateParams(def, { qty: 3 })).name).toBe('hold-3');
    expect(caught(() => validateParams(def, { qty: 0 })).hint).toBe('set qty to a whole number of units > 0');
  });
});

describe('strategy registry', () => {
  it('lists sma-cross and suggests the closest name for a typo', () => {
    expect(strategyNames()).toContain('sma-cross');
    expect(getStrategyDefinition('sma-cross')).toBe(smaCross);
    const e = caught(() => getStrategyDefinition('sma-cros', { file: 'a.yaml', row: 2 }));
    expect(e.message).toBe('unknown strategy "sma-cros"');
    expect(e.hint).toMatch(/^did you mean "sma-cross"\? built-in strategies: /);
    expect(e.context).toMatchObject({ key: 'strategy', value: 'sma-cros', file: 'a.yaml', row: 2 });
  });
});

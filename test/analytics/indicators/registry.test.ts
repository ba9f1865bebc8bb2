import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDICATOR_DEFS, INDICATORS } from '../../../src/analytics/indicators/registry.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';
import { REPO } from '../../support/paths.js';

const REQUIRED = [
  'sma', 'ema', 'wma', 'dema', 'tema', 'kama', 'rsi', 'macd', 'bbands', 'atr', 'natr', 'trange', 'adx', 'plus_di', 'minus_di', 'adxr',
  'stoch', 'stochf', 'stochrsi', 'willr', 'cci', 'roc', 'mom', 'obv', 'mfi', 'aroon', 'sar', 'linreg', 'stddev', 'zscore', 'correl',
  'beta', 'vwap', 'donchian', 'keltner', 'supertrend', 'realized_vol', 'parkinson', 'garman_klass', 'rogers_satchell', 'yang_zhang',
]; // prettier-ignore

describe('indicator registry', () => {
  it('holds every indicator the analytics issue lists, once', () => {
    for (const k of REQUIRED) expect(INDICATORS.has(k), k).toBe(true);
    expect(INDICATORS.size).toBe(INDICATOR_DEFS.length);
  });

  it('documents every indicator in docs/indicators.md', () => {
    const doc = readFileSync(join(REPO, 'docs', 'indicators.md'), 'utf8');
    for (const d of INDICATOR_DEFS) expect(doc, d.key).toMatch(new RegExp(`^\\| \`${d.key}\` +\\|`, 'm'));
  });

  it.each(INDICATOR_DEFS.map((d) => [d.key, d] as const))('%s meets the shared contract at its defaults', (_k, def) => {
    expectIndicatorContract(def);
  });
});

import { describe, expect, it } from 'vitest';
import { ewmVolatility } from '../../../src/ml/labels/volatility.js';
import { failure } from '../support.js';

describe('ewmVolatility (AFML 3.1: pandas ewm(span).std() of one-bar returns)', () => {
  // Returns +1%, -1%, +2%. Span 3: α = 0.5, weights 1, 1/2, 1/4 from the newest back.
  const close = [100, 101, 99.99, 101.9898];

  it('is NaN until two returns exist, then the unbiased weighted standard deviation', () => {
    const s = ewmVolatility(close, 3);
    expect(Number.isNaN(s[0])).toBe(true);
    expect(Number.isNaN(s[1])).toBe(true);
    // Two returns: any weights give (x1 - x2)² / 2 = 0.0004 / 2.
    expect(s[2]).toBeCloseTo(Math.sqrt(0.0002), 12);
    // Three returns, w = (1/4, 1/2, 1): mean 0.0175 / 1.75 = 0.01, Σw·d² = 0.5·0.0004 + 0.0001 =
    // 0.0003, biased var 0.0003 / 1.75, times (Σw)² / ((Σw)² - Σw²) = 3.0625 / 1.75 = 1.75.
    expect(s[3]).toBeCloseTo(Math.sqrt(0.0003), 12);
  });

  it('weights recent returns more: a late shock moves a short span more than a long one', () => {
    const flat = Array.from({ length: 60 }, (_, i) => 100 * (1 + 0.001 * (i % 2)));
    flat.push(110);
    const short = ewmVolatility(flat, 5);
    const long = ewmVolatility(flat, 50);
    expect(short[60]! / short[59]!).toBeGreaterThan(long[60]! / long[59]!);
  });

  it('rejects a span below 1 and prices that are not positive', () => {
    expect(failure(() => ewmVolatility(close, 0))).toBe('UsageError USAGE_INVALID_OPTION span');
    expect(failure(() => ewmVolatility([100, 0, 101], 3))).toBe('DataError DATA_INVALID close');
    expect(failure(() => ewmVolatility([100, NaN, 101], 3))).toBe('DataError DATA_INVALID close');
  });
});

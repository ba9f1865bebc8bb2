import { describe, expect, it } from 'vitest';
import { macd } from '../../../src/analytics/indicators/macd.js';
import { mom } from '../../../src/analytics/indicators/mom.js';
import { roc } from '../../../src/analytics/indicators/roc.js';
import { wma } from '../../../src/analytics/indicators/wma.js';

/**
 * TA-Lib's own regression corpus: the 252 daily closes `TA_SREF_close_daily_ref_0_PRIV` of
 * ta_regtest's test_data.c (as reproduced in TA-Lib's Java CoreTest.java), with the expected
 * values its regression tests publish (ta_regtest/ta_test_func/test_ma.c, test_macd.c,
 * test_mom.c), checked with TA-Lib's own criterion (test_util.c checkExpectedValue:
 * TA_REAL_EQ(expected, value, 0.01)). That criterion is loose (test_ma.c even lists WMA(30)'s last
 * two values in swapped order, 0.005 apart), so the warm-up positions are checked exactly and the
 * full-precision parity is left to the C-generated fixtures.
 */
const CLOSE = [
  91.5, 94.815, 94.375, 95.095, 93.78, 94.625, 92.53, 92.75, 90.315, 92.47, 96.125, 97.25, 98.5, 89.875, 91, 92.815,
  89.155, 89.345, 91.625, 89.875, 88.375, 87.625, 84.78, 83, 83.5, 81.375, 84.44, 89.25, 86.375, 86.25, 85.25, 87.125,
  85.815, 88.97, 88.47, 86.875, 86.815, 84.875, 84.19, 83.875, 83.375, 85.5, 89.19, 89.44, 91.095, 90.75, 91.44, 89, 91,
  90.5, 89.03, 88.815, 84.28, 83.5, 82.69, 84.75, 85.655, 86.19, 88.94, 89.28, 88.625, 88.5, 91.97, 91.5, 93.25, 93.5,
  93.155, 91.72, 90, 89.69, 88.875, 85.19, 83.375, 84.875, 85.94, 97.25, 99.875, 104.94, 106, 102.5, 102.405, 104.595,
  106.125, 106, 106.065, 104.625, 108.625, 109.315, 110.5, 112.75, 123, 119.625, 118.75, 119.25, 117.94, 116.44, 115.19,
  111.875, 110.595, 118.125, 116, 116, 112, 113.75, 112.94, 116, 120.5, 116.62, 117, 115.25, 114.31, 115.5, 115.87,
  120.69, 120.19, 120.75, 124.75, 123.37, 122.94, 122.56, 123.12, 122.56, 124.62, 129.25, 131, 132.25, 131, 132.81, 134,
  137.38, 137.81, 137.88, 137.25, 136.31, 136.25, 134.63, 128.25, 129, 123.87, 124.81, 123, 126.25, 128.38, 125.37,
  125.69, 122.25, 119.37, 118.5, 123.19, 123.5, 122.19, 119.31, 123.31, 121.12, 123.37, 127.37, 128.5, 123.87, 122.94,
  121.75, 124.44, 122, 122.37, 122.94, 124, 123.19, 124.56, 127.25, 125.87, 128.86, 132, 130.75, 134.75, 135, 132.38,
  133.31, 131.94, 130, 125.37, 130.13, 127.12, 125.19, 122, 125, 123, 123.5, 120.06, 121, 117.75, 119.87, 122, 119.19,
  116.37, 113.5, 114.25, 110, 105.06, 107, 107.87, 107, 107.12, 107, 91, 93.94, 93.87, 95.5, 93, 94.94, 98.25, 96.75,
  94.81, 94.37, 91.56, 90.25, 93.94, 93.62, 97, 95, 95.87, 94.06, 94.62, 93.75, 98, 103.94, 107.87, 106.06, 104.5, 105,
  104.19, 103.06, 103.42, 105.27, 111.87, 116, 116.62, 118.28, 113.37, 109, 109.7, 109.25, 107, 109.19, 110, 109.2,
  110.12, 108, 108.62, 109.75, 109.81, 109, 108.75, 107.87,
];

/** TA-Lib's TA_REAL_EQ(expected, value, 0.01). */
function expectPublished(actual: number | undefined, published: number): void {
  expect(Math.abs((actual as number) - published)).toBeLessThan(0.01);
}

describe('values published by TA-Lib regression tests (252-bar reference closes)', () => {
  it('has the 252 reference closes', () => expect(CLOSE).toHaveLength(252));

  it('WMA(30) and WMA(2) (test_ma.c)', () => {
    const w30 = wma(CLOSE, 30);
    expect(w30[28]).toBeNaN();
    // Output index k of TA-Lib is bar 29 + k (begIdx 29).
    for (const [k, v] of [
      [0, 88.567],
      [1, 88.233],
      [2, 88.034],
      [29, 87.191],
      [221, 109.3413],
      [222, 109.3466],
    ] as const)
      expectPublished(w30[29 + k], v);
    const w2 = wma(CLOSE, 2);
    for (const [k, v] of [
      [0, 93.71],
      [1, 94.52],
      [2, 94.85],
      [250, 108.16],
    ] as const)
      expectPublished(w2[1 + k], v);
  });

  it('MACD(12, 26, 9) and its period inversion (test_macd.c, begIdx 33)', () => {
    for (const [fast, slow] of [
      [12, 26],
      [26, 12],
    ] as const) {
      const m = macd(CLOSE, fast, slow, 9);
      expect(m.macd[32]).toBeNaN();
      expectPublished(m.macd[33], -1.9738);
      expectPublished(m.signal[33], -2.7071);
      expectPublished(m.hist[33], 0.7333);
    }
  });

  it('MOM(14) and ROC(14) (test_mom.c, begIdx 14)', () => {
    const m = mom(CLOSE, 14);
    const r = roc(CLOSE, 14);
    expect(m[13]).toBeNaN();
    expect(r[13]).toBeNaN();
    for (const [k, v] of [
      [0, -0.5],
      [1, -2.0],
      [2, -5.22],
      [6, -4.15],
      [7, -5.12],
      [237, -1.13],
    ] as const)
      expectPublished(m[14 + k], v);
    for (const [k, v] of [
      [0, -0.546],
      [1, -2.109],
      [2, -5.53],
      [6, -4.49],
      [7, -5.5256],
      [237, -1.0367],
    ] as const)
      expectPublished(r[14 + k], v);
  });
});

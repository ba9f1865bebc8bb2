import { describe, expect, it } from 'vitest';
import { fixedHorizonLabels } from '../../../src/ml/labels/fixed-horizon.js';
import { failure } from '../support.js';

describe('fixedHorizonLabels (AFML 3.2)', () => {
  const close = [100, 102, 101, 99, 103];

  it('labels the sign of the h-bar return and drops bars without h bars after them', () => {
    const l = fixedHorizonLabels(close, { horizon: 2, threshold: 0.005 });
    expect([...l.t0]).toEqual([0, 1, 2]);
    expect([...l.t1]).toEqual([2, 3, 4]);
    // 101/100 - 1 = +1%, 99/102 - 1 = -2.94%, 103/101 - 1 = +1.98%
    expect(l.ret[0]).toBeCloseTo(0.01, 12);
    expect(l.ret[1]).toBeCloseTo(99 / 102 - 1, 12);
    expect([...l.label]).toEqual([1, -1, 1]);
  });

  it('puts returns inside the dead zone at 0, with one threshold or one per bar', () => {
    expect([...fixedHorizonLabels(close, { horizon: 2, threshold: 0.015 }).label]).toEqual([0, -1, 1]);
    const perBar = [0.02, 0.01, 0.03, 0.01, 0.01];
    expect([...fixedHorizonLabels(close, { horizon: 2, threshold: perBar }).label]).toEqual([0, -1, 0]);
  });

  it("gives the return itself as 'value' and labels only the given events", () => {
    const l = fixedHorizonLabels(close, { horizon: 1, kind: 'value', events: [1, 3, 4] });
    expect([...l.t0]).toEqual([1, 3]);
    expect(l.label[0]).toBeCloseTo(101 / 102 - 1, 12);
    expect(l.label[1]).toBeCloseTo(103 / 99 - 1, 12);
  });

  it('rejects a zero horizon, a negative or NaN threshold, unordered events and a threshold of the wrong length', () => {
    expect(failure(() => fixedHorizonLabels(close, { horizon: 0 }))).toBe('UsageError USAGE_INVALID_OPTION horizon');
    expect(failure(() => fixedHorizonLabels(close, { horizon: 1, threshold: -0.1 }))).toBe(
      'UsageError USAGE_INVALID_OPTION threshold',
    );
    expect(failure(() => fixedHorizonLabels(close, { horizon: 1, threshold: [NaN, 0, 0, 0, 0] }))).toBe(
      'DataError DATA_INVALID threshold',
    );
    expect(failure(() => fixedHorizonLabels(close, { horizon: 1, threshold: [0, 0] }))).toBe(
      'DataError DATA_INVALID threshold',
    );
    expect(failure(() => fixedHorizonLabels(close, { horizon: 1, events: [2, 1] }))).toBe(
      'DataError DATA_INVALID events',
    );
    expect(failure(() => fixedHorizonLabels(close, { horizon: 1, events: [7] }))).toBe('DataError DATA_INVALID events');
  });
});

/** The rows `ml label` writes, hand-derived on a five-bar series. */
import { describe, expect, it } from 'vitest';
import { labelRows, parseLabelTableSpec } from '../../../src/ml/research/label-table.js';
import { failure } from '../support.js';

const DAY = 86_400_000;
const ts = Float64Array.from({ length: 5 }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY);
const close = Float64Array.from([10, 11, 12, 11, 13]);

describe('labelRows', () => {
  it('writes fixed-horizon labels with their spans, uniqueness and return-attribution weights', () => {
    const r = labelRows('AAA', ts, close, { kind: 'fixed', horizon: 2 });
    // Events 0, 1, 2 (each has two bars after it): spans [0,2], [1,3], [2,4].
    expect(Array.from(r.start)).toEqual([ts[0], ts[1], ts[2]]);
    expect(Array.from(r.end)).toEqual([ts[2], ts[3], ts[4]]);
    expect(Array.from(r.ret)).toEqual([12 / 10 - 1, 11 / 11 - 1, 13 / 12 - 1]);
    expect(Array.from(r.label)).toEqual([1, 0, 1]);
    // Concurrency per bar: 1, 2, 3, 2, 1. Uniqueness = mean of 1/c over the span.
    const u = [(1 + 1 / 2 + 1 / 3) / 3, (1 / 2 + 1 / 3 + 1 / 2) / 3, (1 / 3 + 1 / 2 + 1) / 3];
    r.uniqueness.forEach((v, i) => expect(v).toBeCloseTo(u[i]!, 14));
    // Return attribution (AFML 4.10): |sum over the span of ln(c_t / c_t-1) / concurrency_t|, r_0 = 0,
    // scaled to sum to the number of labels.
    const l = (a: number, b: number): number => Math.log(a / b);
    const raw = [
      Math.abs(l(11, 10) / 2 + l(12, 11) / 3),
      Math.abs(l(11, 10) / 2 + l(12, 11) / 3 + l(11, 12) / 2),
      Math.abs(l(12, 11) / 3 + l(11, 12) / 2 + l(13, 11) / 1),
    ];
    const sum = raw[0]! + raw[1]! + raw[2]!;
    r.weight.forEach((v, i) => expect(v).toBeCloseTo((3 * raw[i]!) / sum, 12));
    expect(Array.from(r.barrier).every(Number.isNaN)).toBe(true);
  });

  it('writes triple-barrier and meta labels whose label follows the barrier touched', () => {
    const n = 300;
    let s = 3;
    const u = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const c = new Float64Array(n);
    c[0] = 100;
    for (let i = 1; i < n; i++) c[i] = c[i - 1]! * (1 + (u() - 0.5) * 0.04);
    const t = Float64Array.from({ length: n }, (_, i) => i * DAY);
    const tb = labelRows('AAA', t, c, { kind: 'triple-barrier', profitTake: 1, stopLoss: 1, horizon: 10, volSpan: 20 });
    expect(tb.start.length).toBeGreaterThan(200);
    for (let i = 0; i < tb.start.length; i++) {
      const bars = (tb.end[i]! - tb.start[i]!) / DAY;
      expect(bars).toBeGreaterThan(0);
      expect(bars).toBeLessThanOrEqual(10);
      // A horizontal barrier decides the sign; the vertical one leaves the return's sign.
      if (tb.barrier[i] !== 0) expect(tb.label[i]).toBe(tb.barrier[i]);
      else expect(tb.label[i]).toBe(Math.sign(tb.ret[i]!));
    }
    const meta = labelRows('AAA', t, c, {
      kind: 'meta',
      profitTake: 1,
      stopLoss: 1,
      horizon: 10,
      volSpan: 20,
      side: 5,
    });
    expect(meta.start.length).toBeGreaterThan(200);
    for (let i = 0; i < meta.start.length; i++) {
      // The side is the sign of the 5-bar return into the start bar; the label, whether it paid.
      const t0 = meta.start[i]! / DAY;
      expect(meta.side[i]).toBe(Math.sign(c[t0]! - c[t0 - 5]!));
      expect(meta.label[i]).toBe(meta.ret[i]! > 0 ? 1 : 0);
    }
  });

  it('parses meta labels and refuses a missing side or an unknown key', () => {
    expect(parseLabelTableSpec('meta:pt=1,sl=2,h=10,side=20')).toEqual({
      kind: 'meta',
      profitTake: 1,
      stopLoss: 2,
      horizon: 10,
      volSpan: 20,
      side: 20,
    });
    expect(failure(() => parseLabelTableSpec('meta:pt=1,sl=2,h=10'))).toBe('UsageError USAGE_INVALID_OPTION');
    expect(() => parseLabelTableSpec('meta:pt=1,sl=2,h=10')).toThrow('--label meta:pt=1,sl=2,h=10: side is missing');
    expect(() => parseLabelTableSpec('meta:pt=1,sl=2,h=10,side=5,x=1')).toThrow(
      '"x=1" is not one of pt=, sl=, h=, vol=, side=',
    );
    expect(() => parseLabelTableSpec('meta:pt=1,sl=2,h=10,side=0')).toThrow('side 0 is not a whole number >= 1');
    expect(() => parseLabelTableSpec('barrier:h=5')).toThrow('unknown label "barrier"');
  });
});

import { describe, expect, it } from 'vitest';
import { Barrier, metaLabels, tripleBarrierLabels } from '../../../src/ml/labels/triple-barrier.js';
import { failure } from '../support.js';

// σ = 2% everywhere; pt = sl = 1: barriers at +2% and -2%, vertical 3 bars after t0.
const close = [100, 101, 103, 99, 98, 100, 100];
const target = close.map(() => 0.02);
const base = { target, profitTake: 1, stopLoss: 1, maxHolding: 3 };

describe('tripleBarrierLabels (AFML 3.4-3.5)', () => {
  it('ends each label at the first barrier touched and records which one', () => {
    const l = tripleBarrierLabels(close, base);
    // t0 = 0: +1%, +3% -> profit at bar 2. t0 = 1 (101): +1.98%, -1.98%, 98/101 = -2.97% -> stop at 4.
    // t0 = 2 (103): 99/103 = -3.9% -> stop at 3. t0 = 3 (99): -1.01%, +1.01%, +1.01% -> vertical at 6.
    // t0 = 4.. have no 3 bars after them: dropped.
    expect([...l.t0]).toEqual([0, 1, 2, 3]);
    expect([...l.t1]).toEqual([2, 4, 3, 6]);
    expect([...l.barrier]).toEqual([Barrier.Profit, Barrier.Stop, Barrier.Stop, Barrier.Vertical]);
    expect(l.ret[1]).toBeCloseTo(98 / 101 - 1, 12);
    expect(l.ret[3]).toBeCloseTo(100 / 99 - 1, 12);
    expect([...l.label]).toEqual([1, -1, -1, 1]);
    expect([...l.side]).toEqual([1, 1, 1, 1]);
    expect([...l.target]).toEqual([0.02, 0.02, 0.02, 0.02]);
  });

  it("labels a vertical-barrier exit 0 with verticalLabel 'zero'", () => {
    expect([...tripleBarrierLabels(close, { ...base, verticalLabel: 'zero' }).label]).toEqual([1, -1, -1, 0]);
  });

  it('removes a barrier whose multiple is 0, and scales barriers with the target', () => {
    // No profit-take: t0 = 0 runs to the vertical barrier at bar 3 (99/100 - 1 = -1%).
    const l = tripleBarrierLabels(close, { ...base, profitTake: 0, events: [0] });
    expect([...l.t1]).toEqual([3]);
    expect([...l.barrier]).toEqual([Barrier.Vertical]);
    expect([...l.label]).toEqual([-1]);
    // σ = 4%: +3% no longer reaches the profit barrier, -2.97% not the stop.
    const wide = tripleBarrierLabels(close, { ...base, target: close.map(() => 0.04), events: [0, 1] });
    expect([...wide.barrier]).toEqual([Barrier.Vertical, Barrier.Vertical]);
  });

  it('drops events whose target is NaN or below minTarget', () => {
    const t = [...target];
    t[1] = NaN;
    expect([...tripleBarrierLabels(close, { ...base, target: t }).t0]).toEqual([0, 2, 3]);
    expect(tripleBarrierLabels(close, { ...base, minTarget: 0.03 }).t0.length).toBe(0);
  });

  it('rejects negative multiples, a zero vertical barrier, and a target of the wrong length', () => {
    expect(failure(() => tripleBarrierLabels(close, { ...base, profitTake: -1 }))).toBe(
      'UsageError USAGE_INVALID_OPTION profitTake',
    );
    expect(failure(() => tripleBarrierLabels(close, { ...base, stopLoss: NaN }))).toBe(
      'UsageError USAGE_INVALID_OPTION stopLoss',
    );
    expect(failure(() => tripleBarrierLabels(close, { ...base, maxHolding: 0 }))).toBe(
      'UsageError USAGE_INVALID_OPTION maxHolding',
    );
    expect(failure(() => tripleBarrierLabels(close, { ...base, target: [0.02] }))).toBe(
      'DataError DATA_INVALID target',
    );
  });
});

describe('metaLabels (AFML 3.6)', () => {
  it("labels 1 when the primary model's side made money: the profit barrier first, or a gain at the horizon", () => {
    const l = metaLabels(close, { ...base, events: [0, 1, 3], side: [1, -1, -1] });
    // t0 = 1 short at 101, the short's returns: -1.98%, +1.98%, +2.97% -> its profit barrier at bar 4.
    // t0 = 3 short at 99: +1.01%, -1.01%, -1.01% -> vertical at bar 6 with a loss.
    expect([...l.t1]).toEqual([2, 4, 6]);
    expect([...l.barrier]).toEqual([Barrier.Profit, Barrier.Profit, Barrier.Vertical]);
    expect(l.ret[1]).toBeCloseTo(-(98 / 101 - 1), 12);
    expect([...l.side]).toEqual([1, -1, -1]);
    expect([...l.label]).toEqual([1, 1, 0]);
  });

  it('skips events where the primary model does not bet (side 0)', () => {
    expect([...metaLabels(close, { ...base, events: [0, 1], side: [0, 1] }).t0]).toEqual([1]);
  });

  it('rejects a side other than -1, 0, 1 and sides not aligned with the events', () => {
    expect(failure(() => metaLabels(close, { ...base, events: [0, 1], side: [1, 2] }))).toBe(
      'DataError DATA_INVALID side',
    );
    expect(failure(() => metaLabels(close, { ...base, events: [0, 1], side: [1] }))).toBe(
      'DataError DATA_INVALID side',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { makeFolds } from '../../../src/orchestration/walkforward/folds.js';
import { DEFAULT_GATES, evaluateGates, parseGates } from '../../../src/orchestration/walkforward/gates.js';

describe('walk-forward folds', () => {
  it('rolls train windows by the step; each fold contributes step bars, the last its whole test', () => {
    // T = 400, train 252, test 63, step 21: train ends at 252, 273, ..., 399 (< 400): 8 folds.
    const f = makeFolds(400, { train: 252, test: 63, step: 21, mode: 'rolling' });
    expect(f).toHaveLength(8);
    expect(f[0]).toEqual({ index: 0, trainStart: 0, trainEnd: 252, testEnd: 315, useFrom: 252, useTo: 273 });
    expect(f[1]).toMatchObject({ trainStart: 21, trainEnd: 273, useFrom: 273, useTo: 294 });
    expect(f[7]).toEqual({ index: 7, trainStart: 147, trainEnd: 399, testEnd: 400, useFrom: 399, useTo: 400 });
    // The stitched segments tile [252, 400) without gaps or overlaps.
    for (let k = 1; k < f.length; k++) expect(f[k]?.useFrom).toBe(f[k - 1]?.useTo);
  });

  it('anchors every train window at bar 0 in anchored mode', () => {
    const f = makeFolds(400, { train: 252, test: 63, step: 63, mode: 'anchored' });
    expect(f.map((x) => [x.trainStart, x.trainEnd, x.testEnd, x.useTo])).toEqual([
      [0, 252, 315, 315],
      [0, 315, 378, 378],
      [0, 378, 400, 400],
    ]);
  });

  it('rejects windows that cannot work', () => {
    expect(() => makeFolds(100, { train: 252, test: 63, step: 21, mode: 'rolling' })).toThrow(/too few/);
    expect(() => makeFolds(400, { train: 252, test: 21, step: 63, mode: 'rolling' })).toThrow(/would never be tested/);
    expect(() => makeFolds(400, { train: 0, test: 21, step: 21, mode: 'rolling' })).toThrow(
      /--train must be a whole number/,
    );
  });
});

describe('promotion gates', () => {
  it("defaults to seed 004's gates plus DSR and PBO", () => {
    expect(DEFAULT_GATES.map((g) => `${g.metric}${g.op}${g.value}`)).toEqual([
      'sharpe>1', 'max_drawdown>-0.1', 'trades>=100', 'win_rate>0.45', 'dsr>=0.95', 'pbo<=0.5',
    ]); // prettier-ignore
  });

  it('overrides, adds and drops gates from --gate', () => {
    const g = parseGates(['sharpe>1.5', 'trades=off', 'wfe>=0.5']);
    expect(g.map((x) => `${x.metric}${x.op}${x.value}`)).toEqual([
      'sharpe>1.5', 'max_drawdown>-0.1', 'win_rate>0.45', 'dsr>=0.95', 'pbo<=0.5', 'wfe>=0.5',
    ]); // prettier-ignore
    expect(() => parseGates(['sharp>1'])).toThrow(/did you mean "sharpe"/);
    expect(() => parseGates(['sharpe>x'])).toThrow(/not a number/);
  });

  it('passes a gate only on a value that meets it; a missing value fails', () => {
    const r = evaluateGates(parseGates([]), {
      sharpe: 1.2,
      max_drawdown: -0.12,
      trades: 100,
      win_rate: 0.45,
      dsr: 0.97,
      pbo: null,
    });
    expect(r.map((x) => [x.metric, x.pass])).toEqual([
      ['sharpe', true],
      ['max_drawdown', false],
      ['trades', true],
      ['win_rate', false],
      ['dsr', true],
      ['pbo', false],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { combinatorialPurgedCv } from '../../../src/ml/cv/cpcv.js';
import { explainSplits } from '../../../src/ml/cv/explain.js';
import { purgedKFold } from '../../../src/ml/cv/k-fold.js';
import { walkForwardSplits } from '../../../src/ml/cv/walk-forward.js';

const ten = { t0: Int32Array.from({ length: 10 }, (_, i) => i), t1: Int32Array.from({ length: 10 }, (_, i) => i + 2) };

describe('explainSplits', () => {
  it('lists each split as ranges of samples and bars with the reason for each', () => {
    const plan = purgedKFold(ten, { folds: 5, embargo: 0.1 });
    const e = explainSplits(plan, ten)[2]!;
    expect(e.test).toEqual([{ from: 4, to: 6, firstBar: 4, lastBar: 7, reason: 'tested: group 2 of 5' }]);
    expect(e.train.map(({ from, to }) => [from, to])).toEqual([[0, 2]]);
    expect(e.purged.map(({ from, to, firstBar, lastBar }) => [from, to, firstBar, lastBar])).toEqual([
      [2, 4, 2, 5],
      [6, 8, 6, 9],
    ]);
    expect(e.purged[0]!.reason).toBe(
      'purged: their labels span bars 2-5, overlapping test samples 4-5 (bars 4-7); training on them would read returns the test labels are scored on',
    );
    expect(e.embargoWindows).toEqual([{ fromBar: 8, toBar: 9, block: { from: 4, to: 6 } }]);
    expect(e.embargoed).toEqual([
      {
        from: 8,
        to: 10,
        firstBar: 8,
        lastBar: 11,
        reason:
          'embargoed: their labels span bars 8-11, inside the 2-bar embargo (bars 8-9, after test samples 4-5); features are serially correlated with the test period',
      },
    ]);
  });

  it('names every test group of a CPCV split and the embargo before a walk-forward test window', () => {
    const cp = explainSplits(combinatorialPurgedCv(ten, { groups: 5, testGroups: 2 }), ten);
    expect(cp[1]!.test.map((r) => r.reason)).toEqual(['tested: groups 0, 2 of 5', 'tested: groups 0, 2 of 5']);
    const wf = explainSplits(walkForwardSplits(ten, { train: 6, test: 2, embargo: 0.1 }), ten)[0]!;
    expect(wf.embargoWindows).toEqual([{ fromBar: 4, toBar: 5, block: { from: 6, to: 8 } }]);
    expect(wf.embargoed[0]!.reason).toContain('(bars 4-5, before test samples 6-7)');
  });

  it('accounts for every sample of every split exactly once', () => {
    const plan = combinatorialPurgedCv(ten, { groups: 5, testGroups: 2, embargo: 0.1 });
    for (const e of explainSplits(plan, ten)) {
      const count = [...e.test, ...e.train, ...e.purged, ...e.embargoed].reduce((a, r) => a + r.to - r.from, 0);
      expect(count).toBe(10);
    }
  });
});

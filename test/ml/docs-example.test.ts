/** docs/ml/labels-and-cv.md's worked example, recomputed: the JSON block after `<!-- worked-example -->`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainSplits } from '../../src/ml/cv/explain.js';
import { purgedKFold } from '../../src/ml/cv/k-fold.js';
import { returnAttributionWeights } from '../../src/ml/labels/return-attribution.js';
import { tripleBarrierLabels } from '../../src/ml/labels/triple-barrier.js';
import { averageUniqueness, concurrency } from '../../src/ml/labels/uniqueness.js';
import { REPO } from '../support/paths.js';

const DOC = readFileSync(join(REPO, 'docs/ml/labels-and-cv.md'), 'utf8');

interface Example {
  close: number[];
  target: number;
  profitTake: number;
  stopLoss: number;
  maxHolding: number;
  labels: { t0: number[]; t1: number[]; barrier: number[]; label: number[] };
  concurrency: number[];
  averageUniqueness: number[];
  returnAttributionWeights: number[];
  purgedKFold: { folds: number; embargo: number; bars: number; embargoBars: number };
  splits: { test: number[]; train: number[]; purged: number[]; embargoed: number[] }[];
}

function example(): Example {
  const at = DOC.indexOf('<!-- worked-example -->');
  expect(at).toBeGreaterThan(0);
  return JSON.parse(/```json\n([\s\S]*?)```/.exec(DOC.slice(at))![1]!) as Example;
}

describe('docs/ml/labels-and-cv.md worked example', () => {
  const ex = example();
  const l = tripleBarrierLabels(ex.close, {
    target: ex.close.map(() => ex.target),
    profitTake: ex.profitTake,
    stopLoss: ex.stopLoss,
    maxHolding: ex.maxHolding,
  });

  it('has the labels, concurrency and weights the page shows', () => {
    expect([...l.t0]).toEqual(ex.labels.t0);
    expect([...l.t1]).toEqual(ex.labels.t1);
    expect([...l.barrier]).toEqual(ex.labels.barrier);
    expect([...l.label]).toEqual(ex.labels.label);
    expect([...concurrency(l, ex.close.length)]).toEqual(ex.concurrency);
    const u = averageUniqueness(l);
    ex.averageUniqueness.forEach((v, i) => expect(u[i]).toBeCloseTo(v, 4));
    const w = returnAttributionWeights(l, ex.close);
    ex.returnAttributionWeights.forEach((v, i) => expect(w[i]).toBeCloseTo(v, 4));
  });

  it('has the purged k-fold splits and the explanation the page quotes', () => {
    const plan = purgedKFold(l, ex.purgedKFold);
    expect(plan.embargoBars).toBe(ex.purgedKFold.embargoBars);
    expect(
      plan.splits.map((s) => ({
        test: [...s.test],
        train: [...s.train],
        purged: [...s.purged],
        embargoed: [...s.embargoed],
      })),
    ).toEqual(ex.splits);
    const fold0 = explainSplits(plan, l)[0]!;
    const flat = DOC.replace(/\s+/g, ' ');
    expect(flat).toContain(`_${fold0.purged[0]!.reason}_`);
    expect(flat).toContain(`_${fold0.embargoed[0]!.reason}_`);
  });
});

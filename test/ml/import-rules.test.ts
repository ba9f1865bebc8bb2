/**
 * The decision and arithmetic rules of model import, on models small enough to work out by hand:
 * LightGBM's missing types (tree.h NumericalDecision), XGBoost's float32 comparisons and sums,
 * the objectives' transforms, libc's expf.
 */
import { describe, expect, it } from 'vitest';
import {
  lightgbmObjective,
  parseFeatureCell,
  predict,
  readLightgbmText,
  readXgboostJson,
  shortestFloat32,
  xgboostLogit,
  xgboostSigmoid,
} from '../../src/ml/import/index.js';
import { expf } from '../../src/ml/import/expf.js';
import { nextUp } from '../../src/ml/trees/index.js';

/** A LightGBM file of one tree: feature 0 against `threshold`, left leaf -1, right leaf +1. */
function stump(decisionType: number, threshold: number): string {
  const tree = [
    'num_leaves=2',
    'num_cat=0',
    'split_feature=0',
    'split_gain=1',
    `threshold=${threshold}`,
    `decision_type=${decisionType}`,
    'left_child=-1',
    'right_child=-2',
    'leaf_value=-1 1',
    'leaf_weight=1 1',
    'leaf_count=1 1',
    'internal_value=0',
    'internal_weight=2',
    'internal_count=2',
    'is_linear=0',
    'shrinkage=1',
    '',
    '',
  ].join('\n');
  return [
    'tree',
    'version=v4',
    'num_class=1',
    'num_tree_per_iteration=1',
    'label_index=0',
    'max_feature_idx=0',
    'objective=regression',
    'feature_names=x',
    'feature_infos=[-2:2]',
    `tree_sizes=${tree.length + 7}`,
    '',
    `Tree=0\n${tree}`,
    'end of trees',
    '',
  ].join('\n');
}

const INPUTS = [NaN, 0, -0, 1e-36, 1e-35, 0.5, 0.7, -1];
const side = (text: string): string[] =>
  Array.from(predict(readLightgbmText(text, 'stump.txt'), Float64Array.from(INPUTS), INPUTS.length).margin, (m) =>
    m < 0 ? 'L' : 'R',
  );

describe('LightGBM decision_type, worked out from Tree::NumericalDecision', () => {
  // Inputs:               NaN   0    -0   1e-36 1e-35 0.5  0.7  -1
  // 1e-35 is below kZeroThreshold = (double)1e-35f = 1.0000000180025095e-35, so it is zero too.
  it('None (0, 2): NaN reads as 0, then x <= threshold; the default bit is ignored', () => {
    expect(side(stump(0, 0.5))).toEqual(['L', 'L', 'L', 'L', 'L', 'L', 'R', 'L']);
    expect(side(stump(2, 0.5))).toEqual(['L', 'L', 'L', 'L', 'L', 'L', 'R', 'L']);
    expect(side(stump(0, -0.5))).toEqual(['R', 'R', 'R', 'R', 'R', 'R', 'R', 'L']);
  });

  it('Zero (4 default right, 6 default left): NaN and zeros take the default', () => {
    expect(side(stump(4, 0.5))).toEqual(['R', 'R', 'R', 'R', 'R', 'L', 'R', 'L']);
    expect(side(stump(6, 0.5))).toEqual(['L', 'L', 'L', 'L', 'L', 'L', 'R', 'L']);
    expect(side(stump(6, -0.5))).toEqual(['L', 'L', 'L', 'L', 'L', 'R', 'R', 'L']);
  });

  it('NaN (8 default right, 10 default left): only NaN takes the default, zeros compare', () => {
    expect(side(stump(8, 0.5))).toEqual(['R', 'L', 'L', 'L', 'L', 'L', 'R', 'L']);
    expect(side(stump(10, -0.5))).toEqual(['L', 'R', 'R', 'R', 'R', 'R', 'R', 'L']);
  });

  it('a threshold at kZeroThreshold splits exact zeros from 2e-35', () => {
    const text = stump(0, 1.0000000180025095e-35);
    const m = predict(readLightgbmText(text, 'z.txt'), Float64Array.of(0, 1e-35, 2e-35, -2e-35), 4).margin;
    expect(Array.from(m)).toEqual([-1, -1, 1, -1]);
  });
});

/** An XGBoost JSON model (1.7 schema) of stumps on feature 0: [threshold, default_left, left leaf, right leaf]. */
function xgb(objective: string, baseScore: string, stumps: [number, number, number, number][]): unknown {
  return {
    learner: {
      feature_names: ['x'],
      gradient_booster: {
        name: 'gbtree',
        model: {
          trees: stumps.map(([t, dl, l, r]) => ({
            tree_param: { num_nodes: '3' },
            left_children: [1, -1, -1],
            right_children: [2, -1, -1],
            split_indices: [0, 0, 0],
            split_conditions: [t, l, r],
            default_left: [dl, 0, 0],
            split_type: [0, 0, 0],
          })),
        },
      },
      learner_model_param: { base_score: baseScore, num_class: '0', num_feature: '1', num_target: '1' },
      objective: { name: objective },
    },
    version: [1, 7, 4],
  };
}

describe('XGBoost rules', () => {
  it('casts inputs to float32 before `x < split_condition`; NaN follows default_left', () => {
    const model = readXgboostJson(xgb('reg:squarederror', '0', [[0.5, 1, -1, 1]]), 'm.json');
    // 0.5 - 2^-30 rounds to 0.5 in float32, so it is not below the condition either.
    const x = Float64Array.of(NaN, 0.5, 0.5 - 2 ** -30, 0.4999, 0.6);
    expect(Array.from(predict(model, x, 5).margin)).toEqual([-1, 1, 1, -1, 1]);
    const right = readXgboostJson(xgb('reg:squarederror', '0', [[0.5, 0, -1, 1]]), 'm.json');
    expect(predict(right, Float64Array.of(NaN), 1).margin[0]).toBe(1);
  });

  it('adds leaves in float32 from the base score: 0.1f + 0.2f is 0.3f, not 0.30000000000000004', () => {
    const model = readXgboostJson(
      xgb('reg:squarederror', '0', [
        [1, 0, 0.1, 0],
        [1, 0, 0.2, 0],
      ]),
      'm.json',
    );
    expect(predict(model, Float64Array.of(0), 1).margin[0]).toBe(0.30000001192092896);
    const based = readXgboostJson(xgb('reg:squarederror', '5E-1', [[1, 0, 0.25, 0]]), 'm.json');
    expect(predict(based, Float64Array.of(0), 1).value[0]).toBe(0.75);
  });

  it('turns a logistic base_score into a margin: 0.5 is 0, 0.3 is logit(0.3) in float32', () => {
    expect(Object.is(xgboostLogit(0.5), -0)).toBe(true); // -logf(1.0f) is -0 in C too
    expect(xgboostLogit(0.3)).toBeCloseTo(Math.log(0.3 / 0.7), 6);
    expect(Math.fround(xgboostLogit(0.3))).toBe(xgboostLogit(0.3));
    const model = readXgboostJson(xgb('binary:logistic', '[3E-1]', [[1, 0, 0, 0]]), 'm.json');
    const p = predict(model, Float64Array.of(0), 1);
    expect(p.margin[0]).toBe(xgboostLogit(0.3));
    expect(p.value[0]).toBeCloseTo(0.3, 6);
    expect(model.objective.output).toBe('probability');
  });

  it('the sigmoid is float32 with libc\u2019s expf', () => {
    expect(xgboostSigmoid(0)).toBe(0.5);
    expect(xgboostSigmoid(Math.fround(0.5021195411682129))).toBe(Math.fround(1 / Math.fround(1 + 0.6052464842796326)));
  });
});

describe('expf', () => {
  it('gives libc\u2019s float32 results, including where rounding Math.exp does not', () => {
    expect(expf(0)).toBe(1);
    expect(expf(1)).toBe(2.7182817459106445); // 0x402df854
    expect(expf(-1)).toBe(0.3678794503211975); // 0x3ebc5ab2
    // glibc 2.36 x86-64 prints 0x1.35e2dep-1; Math.fround(Math.exp(x)) is one float below.
    const x = Math.fround(-0.5021195411682129);
    expect(expf(x)).toBe(0.6052464842796326);
    expect(Math.fround(Math.exp(x))).toBe(0.6052464246749878);
  });

  it('overflows past log(2^128) and underflows below log(2^-150)', () => {
    expect(expf(89)).toBe(Infinity);
    expect(expf(88.7)).toBeLessThan(Infinity);
    expect(expf(-104)).toBe(0);
    expect(expf(-100)).toBeGreaterThan(0);
    expect(expf(-Infinity)).toBe(0);
    expect(expf(NaN)).toBeNaN();
  });
});

describe('objectives, numbers and cells', () => {
  it('LightGBM transforms: binary sigmoid:S, regression sqrt, and refusals', () => {
    const b = lightgbmObjective('binary sigmoid:2');
    if (typeof b === 'string') throw new Error(b);
    expect(b.transform(0)).toBe(0.5);
    expect(b.transform(1)).toBe(1 / (1 + Math.exp(-2)));
    const s = lightgbmObjective('regression sqrt');
    if (typeof s === 'string') throw new Error(s);
    expect(s.transform(-3)).toBe(-9);
    expect(lightgbmObjective('multiclass num_class:3')).toMatch(/not supported/);
    expect(lightgbmObjective('binary')).toMatch(/sigmoid/);
  });

  it('nextUp turns <= into <', () => {
    expect(nextUp(0)).toBe(5e-324);
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextUp(-1)).toBe(-(1 - 2 ** -53));
    expect(Object.is(nextUp(-5e-324), -0)).toBe(true);
  });

  it('prints float32 values in their shortest float32 form', () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(Math.fround(shortestFloat32(Math.fround(Math.PI)))).toBe(Math.fround(Math.PI));
  });

  it('reads empty, NaN and NA cells as missing and refuses words and hex', () => {
    expect(parseFeatureCell('')).toBeNaN();
    expect(parseFeatureCell(' NA ')).toBeNaN();
    expect(parseFeatureCell('nan')).toBeNaN();
    expect(parseFeatureCell('1e3')).toBe(1000);
    expect(parseFeatureCell('-.5')).toBe(-0.5);
    expect(parseFeatureCell('-inf')).toBe(-Infinity);
    expect(parseFeatureCell('0x10')).toBeUndefined();
    expect(parseFeatureCell('high')).toBeUndefined();
  });
});

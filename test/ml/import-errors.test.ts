/**
 * Bad inputs to `momentic ml predict`: every refusal names the file (and the field, row or
 * column), says how to fix it, and exits 3 (data) with a stable code; usage slips exit 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { FIXTURES, META } from './import-fixtures.js';

let dir = '';
const XGB = readFileSync(join(FIXTURES, 'xgb-binary.json'), 'utf8');
const LGB = readFileSync(join(FIXTURES, 'lgb-binary.txt'), 'utf8');
const NAMES = META.inputs.features;
const GOOD_ROW = '0.1,-0.2,,0,1.5,NaN,-3,0.25';

beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir, 'features.csv'), `${NAMES.join(',')}\n${GOOD_ROW}\n`);
});

function file(name: string, content: string | Uint8Array): string {
  writeFileSync(join(dir, name), content);
  return name;
}

async function predict(
  model: string,
  input = 'features.csv',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli(['ml', 'predict', '--model', model, '--input', input], { cwd: dir });
}

/** Two lines: `Name CODE at <where>: message`, then `Fix: ...`; nothing on stdout. */
function expectError(
  r: { code: number; stderr: string; stdout: string },
  exit: number,
  code: string,
  ...parts: string[]
): void {
  expect(r.stdout).toBe('');
  expect(r.code).toBe(exit);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain(code);
  for (const p of parts) expect(lines[0]).toContain(p);
  expect(lines[1]).toMatch(/^Fix: \S/);
}

interface XgbDoc {
  learner: {
    objective: { name: string };
    learner_model_param: Record<string, string>;
    gradient_booster: { name: string; model: { trees: { split_conditions: number[]; split_type: number[] }[] } };
  };
}

/** The XGBoost fixture with `edit` applied to its parsed JSON. */
function xgbWith(edit: (doc: XgbDoc) => void): string {
  const doc = JSON.parse(XGB) as XgbDoc;
  edit(doc);
  return JSON.stringify(doc);
}

describe('ml predict refuses bad model files', () => {
  it('scores a good pair (the baseline the refusals below differ from)', async () => {
    const r = await predict(file('good.json', XGB));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('row,margin,probability');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('a missing model file is DATA_NOT_FOUND', async () => {
    expectError(await predict('nope.json'), 3, 'DATA_NOT_FOUND', 'nope.json');
  });

  it('a file that is not a model (a CSV, an empty file, JSON of something else)', async () => {
    expectError(
      await predict(file('features-as-model.csv', `${NAMES.join(',')}\n1,2\n`)),
      3,
      'ML_MODEL_INVALID',
      'features-as-model.csv',
      'not a model',
    );
    expectError(await predict(file('empty.json', '')), 3, 'ML_MODEL_INVALID', 'empty.json', 'empty');
    expectError(await predict(file('other.json', '{"name": "x"}')), 3, 'ML_MODEL_INVALID', 'other.json', 'learner');
  });

  it('a binary file (UBJSON, the old binary format)', async () => {
    const bytes = Uint8Array.from([0x7b, 0x4c, 0x00, 0x00, 0x00, 0x07, 0x6c, 0x65, 0x61]);
    expectError(await predict(file('model.ubj', bytes)), 3, 'ML_MODEL_INVALID', 'model.ubj', 'binary');
  });

  it('truncated XGBoost JSON, and a tree whose arrays are shorter than its nodes', async () => {
    expectError(
      await predict(file('cut.json', XGB.slice(0, XGB.length / 2))),
      3,
      'ML_MODEL_INVALID',
      'cut.json',
      'does not parse',
    );
    const short = xgbWith((d) => d.learner.gradient_booster.model.trees[3]?.split_conditions.pop());
    expectError(
      await predict(file('short.json', short)),
      3,
      'ML_MODEL_INVALID',
      'short.json',
      'trees[3].split_conditions',
    );
  });

  it('truncated LightGBM text: cut before "end of trees", or inside a tree', async () => {
    const end = LGB.indexOf('end of trees');
    expectError(
      await predict(file('cut-end.txt', LGB.slice(0, end))),
      3,
      'ML_MODEL_INVALID',
      'cut-end.txt',
      'truncated',
    );
    const mid = LGB.indexOf('leaf_value=', LGB.indexOf('Tree=4')) + 30;
    expectError(await predict(file('cut-mid.txt', LGB.slice(0, mid))), 3, 'ML_MODEL_INVALID', 'cut-mid.txt', 'Tree=4');
  });

  it('a LightGBM tree whose children do not form a tree', async () => {
    const bad = LGB.replace(/^left_child=(-?\d+) /m, 'left_child=0 ');
    expectError(await predict(file('loop.txt', bad)), 3, 'ML_MODEL_INVALID', 'loop.txt', 'child index 0');
  });

  it('unknown objectives, naming the supported ones', async () => {
    const cox = xgbWith((d) => (d.learner.objective.name = 'survival:cox'));
    const r = await predict(file('cox.json', cox));
    expectError(r, 3, 'ML_MODEL_UNSUPPORTED', 'cox.json', 'survival:cox');
    expect(r.stderr).toContain('binary:logistic');
    const rank = await predict(file('rank.txt', LGB.replace('objective=binary sigmoid:1', 'objective=lambdarank')));
    expectError(rank, 3, 'ML_MODEL_UNSUPPORTED', 'rank.txt', 'lambdarank');
    expect(rank.stderr).toContain('regression');
    const custom = await predict(file('custom.txt', LGB.replace('objective=binary sigmoid:1\n', '')));
    expectError(custom, 3, 'ML_MODEL_UNSUPPORTED', 'custom.txt', 'custom objective');
  });

  it('categorical splits, multiclass models and dart boosters', async () => {
    const cat = xgbWith(
      (d) => ((d.learner.gradient_booster.model.trees[2] as { split_type: number[] }).split_type[0] = 1),
    );
    expectError(await predict(file('cat.json', cat)), 3, 'ML_MODEL_UNSUPPORTED', 'cat.json', 'categorical');
    const lcat = LGB.replace('num_cat=0', 'num_cat=1');
    expectError(await predict(file('cat.txt', lcat)), 3, 'ML_MODEL_UNSUPPORTED', 'cat.txt', 'categorical');
    const bit = LGB.replace(/^decision_type=\d+/m, 'decision_type=1');
    expectError(await predict(file('catbit.txt', bit)), 3, 'ML_MODEL_UNSUPPORTED', 'catbit.txt', 'categorical');
    const multi = xgbWith((d) => (d.learner.learner_model_param.num_class = '3'));
    expectError(await predict(file('multi.json', multi)), 3, 'ML_MODEL_UNSUPPORTED', 'multi.json', '3 classes');
    const dart = xgbWith((d) => (d.learner.gradient_booster.name = 'dart'));
    expectError(await predict(file('dart.json', dart)), 3, 'ML_MODEL_UNSUPPORTED', 'dart.json', 'dart');
  });
});

describe('ml predict refuses bad feature files', () => {
  it('names a missing column and lists the model\u2019s features', async () => {
    writeFileSync(join(dir, 'no-rsi.csv'), `${NAMES.filter((n) => n !== 'rsi_14').join(',')},RSI_14\n${GOOD_ROW}\n`);
    const r = await predict(file('m.json', XGB), 'no-rsi.csv');
    expectError(r, 3, 'ML_FEATURE_MISSING', 'no-rsi.csv', 'rsi_14');
    expect(r.stderr).toContain('"RSI_14" differs only in case');
    expect(r.stderr).toContain(NAMES.join(', '));
  });

  it('by position (a model without names), the column count must match', async () => {
    writeFileSync(join(dir, 'nine.csv'), `a,b,c,d,e,f,g,h,i\n${GOOD_ROW},1\n`);
    const r = await predict(join(FIXTURES, 'xgb-regression.json'), 'nine.csv');
    expectError(r, 3, 'ML_FEATURE_MISSING', 'nine.csv', '9 columns', '8 features');
  });

  it('a cell that is not a number names its line and column', async () => {
    writeFileSync(join(dir, 'word.csv'), `${NAMES.join(',')}\n${GOOD_ROW}\n0.1,-0.2,,0,1.5,high,-3,0.25\n`);
    expectError(await predict(file('m2.json', XGB), 'word.csv'), 3, 'DATA_INVALID', 'word.csv:3', 'volume_z', '"high"');
  });

  it('a missing features file is DATA_NOT_FOUND; a missing flag is a usage error', async () => {
    expectError(await predict(file('m3.json', XGB), 'absent.csv'), 3, 'DATA_NOT_FOUND', 'absent.csv');
    const r = await cli(['ml', 'predict', '--input', 'features.csv'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--model');
  });
});

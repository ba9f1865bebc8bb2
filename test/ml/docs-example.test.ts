/**
 * The worked examples of the ML pages, recomputed: docs/ml/labels-and-cv.md's JSON block after
 * `<!-- worked-example -->`, and docs/ml.md's script after `<!-- ml-example -->`, run as the page
 * shows it, printing the lines the page quotes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainSplits } from '../../src/ml/cv/explain.js';
import { purgedKFold } from '../../src/ml/cv/k-fold.js';
import { returnAttributionWeights } from '../../src/ml/labels/return-attribution.js';
import { tripleBarrierLabels } from '../../src/ml/labels/triple-barrier.js';
import { averageUniqueness, concurrency } from '../../src/ml/labels/uniqueness.js';
import { cli, tempDir } from '../support/cli.js';
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

describe('docs/ml.md worked example (label, train, backtest ml-signal)', () => {
  it('prints the numbers the page quotes, and its run file gives the same run through the CLI', async () => {
    const page = readFileSync(join(REPO, 'docs/ml.md'), 'utf8');
    const at = page.indexOf('<!-- ml-example -->');
    expect(at).toBeGreaterThan(0);
    const rest = page.slice(at);
    const code = /```ts\n([\s\S]*?)```/.exec(rest)![1]!;
    const printed = /```text\n([\s\S]*?)```/.exec(rest)![1]!;
    // The page imports './src/...' from a checkout's root (an ES module package); here the script
    // runs from a temp folder, as an .mts file to stay an ES module.
    const script = join(mkdtempSync(join(tmpdir(), 'momentic-ml-doc-')), 'example.mts');
    writeFileSync(script, code.replaceAll("from './src/", `from '${join(REPO, 'src')}/`));
    const out = execFileSync(join(REPO, 'node_modules', '.bin', 'tsx'), [script], { encoding: 'utf8', cwd: REPO });
    expect(out).toBe(printed);
    // The page's run file gives the same run through the CLI, from the model the script saved.
    const runFile = /```yaml\n([\s\S]*?)```/.exec(page.slice(page.indexOf('<!-- ml-example-run-file -->')))![1]!;
    const home = tempDir('momentic-ml-doc-run-');
    writeFileSync(
      join(home, 'ml-example.yaml'),
      runFile.replace('/tmp/momentic-ml-example.json', join(tmpdir(), 'momentic-ml-example.json')),
    );
    const r = await cli([
      '--home',
      home,
      '--json',
      'backtest',
      '--config',
      join(home, 'ml-example.yaml'),
      '--no-ledger',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = (JSON.parse(r.stdout) as { metrics: { trades: number; total_return: number; sharpe: number } }).metrics;
    const [, trades, ret, sharpe] = /trades (\d+), total return (-?[\d.]+)%, Sharpe (-?[\d.]+)/.exec(printed)!;
    expect(m.trades).toBe(Number(trades));
    expect((m.total_return * 100).toFixed(2)).toBe(ret);
    expect(m.sharpe.toFixed(2)).toBe(sharpe);
    expect(page).toContain(`same ${trades} trades for the same ${ret}%`);
  }, 120_000);
});

/** Calibration table by hand, and `ml cv --calibration --learning-curve` on the synthetic universe. */
import { describe, expect, it } from 'vitest';
import { calibrationTable, parseFractions } from '../../../src/ml/research/diagnostics.js';
import { cli, tempDir } from '../../support/cli.js';

describe('calibrationTable', () => {
  it('bins predictions and compares them with the observed frequency (hand-derived)', () => {
    // 4 bins of width 0.25. Bin 0: p 0.1, 0.2 with y 0, 1 -> predicted 0.15, observed 0.5.
    // Bin 1: empty. Bin 2: p 0.6 with y 1 -> 0.6, 1. Bin 3: p 0.8, 0.9, 1.0 with y 1, 1, 0 ->
    // 0.9, 2/3 (p = 1 falls in the last bin). A NaN prediction is left out.
    const p = [0.1, 0.2, 0.6, 0.8, 0.9, 1.0, Number.NaN];
    const y = [0, 1, 1, 1, 1, 0, 1];
    const t = calibrationTable(y, p, 4);
    expect(t.samples).toBe(6);
    expect(t.bins.map((b) => b.count)).toEqual([2, 0, 1, 3]);
    expect(t.bins[0]!.predicted).toBeCloseTo(0.15, 15);
    expect(t.bins[0]!.observed).toBe(0.5);
    expect(t.bins[1]!.predicted).toBeNaN();
    expect(t.bins[2]).toMatchObject({ lo: 0.5, hi: 0.75, predicted: 0.6, observed: 1 });
    expect(t.bins[3]!.predicted).toBeCloseTo(0.9, 15);
    expect(t.bins[3]!.observed).toBeCloseTo(2 / 3, 15);
    // ECE = 2/6 |0.5 - 0.15| + 1/6 |1 - 0.6| + 3/6 |2/3 - 0.9| = (0.7 + 0.4 + 0.7) / 6 = 0.3.
    expect(t.ece).toBeCloseTo(0.3, 12);
    // Brier = (0.01 + 0.64 + 0.16 + 0.04 + 0.01 + 1) / 6 = 1.86 / 6 = 0.31.
    expect(t.brier).toBeCloseTo(0.31, 12);
  });

  it('refuses bad bins and fractions naming the flag', () => {
    expect(() => calibrationTable([], [], 0)).toThrow('--calibration 0 is not a whole number in 1..1000');
    expect(() => parseFractions('0.5,0.25')).toThrow('fractions must be increasing numbers in (0, 1]');
    expect(() => parseFractions('0,1')).toThrow('--learning-curve 0,1');
    expect(parseFractions('0.25, 0.5,1')).toEqual([0.25, 0.5, 1]);
  });
});

describe('momentic ml cv --calibration --learning-curve', () => {
  const FLAGS = ['--symbols', 'ZNTX', '--start', '2018-01-01', '--end', '2021-12-31', '--features', 'ret_1d,ret_5d,rsi_14', '--label', 'fixed:h=5', '--cv', 'kfold:4,embargo=0.01', '--param', 'num_iterations=15']; // prettier-ignore

  it('prints the table and the curve; at the full share the curve is the CV itself', { timeout: 120_000 }, async () => {
    const home = tempDir('momentic-ml-diag-');
    const r = await cli(['--home', home, '--init', '--json', 'ml', 'cv', ...FLAGS, '--calibration', '5', '--learning-curve', '0.25,0.5,1'], { cwd: home }); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      samples: number;
      folds: { auc: number; logloss: number; train: number }[];
      calibration: { samples: number; bins: { count: number; lo: number }[] };
      learningCurve: { fraction: number; train: number; auc: number; logloss: number }[];
    };
    // k-fold predicts every sample once: the table holds them all.
    expect(out.calibration.samples).toBe(out.samples);
    expect(out.calibration.bins.reduce((a, b) => a + b.count, 0)).toBe(out.samples);
    expect(out.calibration.bins.map((b) => b.lo)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const full = out.learningCurve[2]!;
    expect(full.train).toBe(mean(out.folds.map((f) => f.train)));
    expect(full.auc).toBeCloseTo(mean(out.folds.map((f) => f.auc)), 12);
    expect(full.logloss).toBeCloseTo(mean(out.folds.map((f) => f.logloss)), 12);
    expect(out.learningCurve[0]!.train).toBeCloseTo(full.train / 4, -1);

    const text = await cli(['--home', home, 'ml', 'cv', ...FLAGS, '--calibration'], { cwd: home });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/calibration \(out of sample, \d+ samples\): ECE [0-9.]+, Brier [0-9.]+/);
    expect(text.stdout).toContain('0.90-1.00');

    const bad = await cli(['--home', home, 'ml', 'cv', ...FLAGS, '--learning-curve', '1,0.5'], { cwd: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--learning-curve 1,0.5: fractions must be increasing');
  });
});

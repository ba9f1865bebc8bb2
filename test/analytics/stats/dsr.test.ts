import { describe, expect, it } from 'vitest';
import {
  deflatedSharpe,
  deflatedSharpeFromTrials,
  EULER_GAMMA,
  expectedMaxSharpe,
} from '../../../src/analytics/stats/dsr.js';
import { normInv } from '../../../src/analytics/stats/normal.js';
import { probabilisticSharpe } from '../../../src/analytics/stats/psr.js';
import { estimateSharpe, trialSharpeStats } from '../../../src/analytics/stats/sharpe-estimate.js';

describe('deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  it('reproduces the numerical example of the paper', () => {
    // 100 trials, annualised SR 2.5 and trial variance 0.5 over 1250 daily returns (250 a year),
    // skew -3, kurtosis 10: the paper reports SR0 = 0.1132 (per day) and DSR = 0.9004.
    const sr = 2.5 / Math.sqrt(250);
    const v = 0.5 / 250;
    expect(expectedMaxSharpe(100, v)).toBeCloseTo(0.1132, 4);
    expect(deflatedSharpe(sr, 1250, -3, 10, 100, v)).toBeCloseTo(0.9004, 4);
    // The same threshold annualised: SR0 scales with sqrt(V), so 0.1132 * sqrt(250) = 1.79.
    expect(expectedMaxSharpe(100, 0.5)).toBeCloseTo(expectedMaxSharpe(100, v) * Math.sqrt(250), 12);
    expect(expectedMaxSharpe(100, 0.5)).toBeCloseTo(1.79, 2);
  });

  it('uses the Euler–Mascheroni form of the expected maximum', () => {
    expect(EULER_GAMMA).toBeCloseTo(0.5772156649015329, 16);
    // N = 10, V = 1: (1 - γ) Φ⁻¹(0.9) + γ Φ⁻¹(1 - 1/(10e)); Φ⁻¹(0.9) = 1.2815515655446004 (scipy)
    const expected = (1 - EULER_GAMMA) * 1.2815515655446004 + EULER_GAMMA * normInv(1 - 1 / (10 * Math.E));
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(expected, 12);
    // More trials raise the bar.
    expect(expectedMaxSharpe(1000, 1)).toBeGreaterThan(expectedMaxSharpe(10, 1));
  });

  it('equals PSR(0) for a single trial and rejects a bad trial count', () => {
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
    expect(deflatedSharpe(0.08, 500, 0.2, 5, 1, 0)).toBe(probabilisticSharpe(0.08, 500, 0.2, 5));
    expect(expectedMaxSharpe(0, 0.1)).toBeNaN();
    expect(expectedMaxSharpe(2.5, 0.1)).toBeNaN();
    expect(expectedMaxSharpe(5, -1)).toBeNaN();
  });

  it('takes N and V from the trials of a search', () => {
    const returns = [0.01, -0.005, 0.02, 0.003, -0.01, 0.015, 0.004, -0.002];
    const trialSharpes = [0.05, 0.1, -0.02, 0.2, 0.07];
    // sample variance of the five Sharpe ratios: mean 0.08; deviations -0.03, 0.02, -0.1, 0.12, -0.01
    // squares 0.0009 + 0.0004 + 0.01 + 0.0144 + 0.0001 = 0.0258; / 4 = 0.00645
    expect(trialSharpeStats(trialSharpes).variance).toBeCloseTo(0.00645, 15);
    const r = deflatedSharpeFromTrials(returns, trialSharpes);
    const e = estimateSharpe(returns);
    expect(r.trials).toBe(5);
    expect(r.dsr).toBe(deflatedSharpe(e.sharpe, 8, e.skew, e.kurtosis, 5, r.variance));
    expect(r.expectedMaxSharpe).toBe(expectedMaxSharpe(5, r.variance));
    expect(deflatedSharpeFromTrials(returns, [e.sharpe]).dsr).toBe(
      probabilisticSharpe(e.sharpe, 8, e.skew, e.kurtosis),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { beta, correlation, relStrength, residualVol } from '../../../src/analytics/features/cross-asset.js';
import { FeatureFamily, type FeatureDef, type FeatureInput } from '../../../src/analytics/features/feature.js';
import { amihud, clv, csSpread, rollSpread } from '../../../src/analytics/features/microstructure.js';
import { rollingPercentRank, rollingWinsorize, rollingZScore } from '../../../src/analytics/features/normalize.js';
import {
  hlRangePct,
  intradayRet,
  logRet1d,
  overnightRet,
  ret1dWinsor,
  retN,
} from '../../../src/analytics/features/price-returns.js';
import { drawdownRegime, efficiencyRatio, trendState, volPercentile } from '../../../src/analytics/features/regime.js';
import { gapAtr, volTargetWeight } from '../../../src/analytics/features/risk-execution.js';
import { momentum } from '../../../src/analytics/features/trend-momentum.js';
import { maxDrawdown } from '../../../src/analytics/features/volatility-risk.js';
import { relVolume, upVolumeRatio, volumeZ } from '../../../src/analytics/features/volume-liquidity.js';
import { barsOf, withoutBenchmark } from './fixtures.js';

const run = (def: FeatureDef, input: FeatureInput): number[] => [...def.compute(input)];
/** Bars from closes only (open = close, high/low 1% around, volume 1000). */
const closes = (cs: readonly number[], bench?: readonly number[]): FeatureInput =>
  barsOf(
    cs.map((c) => [c, c * 1.01, c * 0.99, c, 1000]),
    bench,
  );

describe('price and returns (hand-computed)', () => {
  const input = barsOf([
    [10, 10.5, 9.5, 10, 100],
    [10.2, 11.2, 10.1, 11, 200],
    [10.8, 11, 9.8, 9.9, 300],
  ]);

  it('ret_1d, ret_2 and log_ret_1d from closes 10, 11, 9.9', () => {
    const r = run(retN(1), input);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeCloseTo(0.1, 15);
    expect(r[2]).toBeCloseTo(-0.1, 15);
    expect(run(retN(2), input)[2]).toBeCloseTo(-0.01, 15);
    expect(run(logRet1d, input)[2]).toBeCloseTo(Math.log(0.9), 15);
  });

  it('the overnight gap is open over the previous close, intraday is close over open', () => {
    const gap = run(overnightRet, input);
    expect(gap[0]).toBeNaN();
    expect(gap[1]).toBeCloseTo(0.02, 15); // 10.2 / 10 - 1
    expect(gap[2]).toBeCloseTo(10.8 / 11 - 1, 15);
    expect(run(intradayRet, input)[1]).toBeCloseTo(11 / 10.2 - 1, 15);
    expect(run(hlRangePct, input)[2]).toBeCloseTo(1.2 / 9.9, 15);
  });

  it('ret_1d_w clips today to the past window quantiles only', () => {
    // Returns 0.1, -0.1 (past window of 2), then today's +0.5 is clipped at q(0.99) of {-0.1, 0.1}.
    const w = ret1dWinsor(2, 0.01, 0.99);
    const out = run(w, closes([10, 11, 9.9, 14.85]));
    expect(w.warmup).toBe(3);
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
    // type-7 quantile: -0.1 + 0.99 * (0.1 - -0.1) = 0.098
    expect(out[3]).toBeCloseTo(0.098, 12);
  });
});

describe('microstructure (hand-computed from the papers)', () => {
  it('CLV is ((c - l) - (h - c)) / (h - l), and 0 on a zero-range bar', () => {
    const out = run(
      clv,
      barsOf([
        [11, 12, 10, 11.5, 1],
        [10, 12, 10, 10, 1],
        [5, 5, 5, 5, 1],
      ]),
    );
    expect(out).toEqual([0.5, -1, 0]);
  });

  it('Amihud: 1e6 * mean(|r| / (close * volume)) over the window', () => {
    // r = 0.1 (dv = 11 * 2000 = 22000), r = -0.1 (dv = 9.9 * 3000 = 29700)
    const input = barsOf([
      [10, 10, 10, 10, 1000],
      [11, 11, 11, 11, 2000],
      [9.9, 9.9, 9.9, 9.9, 3000],
    ]);
    const out = run(amihud(2), input);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo((1e6 * (0.1 / 22000 + 0.1 / 29700)) / 2, 12);
    expect(out[2]).toBeCloseTo(3.956228956229, 11);
  });

  it('Corwin-Schultz on a 3-bar example: a positive 2-day estimate, then a gap-adjusted negative one set to 0', () => {
    // Bars (H, L, C): (10.2, 9.8, 10.0), (10.3, 9.9, 10.1), (10.6, 10.2, 10.5).
    // Pair (0,1): beta = ln(10.2/9.8)^2 + ln(10.3/9.9)^2 = 0.0031693106, gamma = ln(10.3/9.8)^2 = 0.0024762078,
    //   alpha = (sqrt(2b) - sqrt(b)) / (3 - 2 sqrt 2) - sqrt(g / (3 - 2 sqrt 2)) = 0.0157771779,
    //   S = 2 (e^a - 1) / (1 + e^a) = 0.0158.
    // Pair (1,2): bar 2's low 10.2 > previous close 10.1, so H, L shift down 0.1 to (10.5, 10.1):
    //   alpha = -0.0081263229, S = -0.0081262782 < 0 -> 0 (Corwin & Schultz 2012, eq. 14 and 18).
    const out = run(
      csSpread,
      barsOf([
        [10, 10.2, 9.8, 10.0, 1],
        [10, 10.3, 9.9, 10.1, 1],
        [10.3, 10.6, 10.2, 10.5, 1],
      ]),
    );
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(0.015776850613837892, 14);
    expect(out[2]).toBe(0);
  });

  it('Corwin-Schultz shifts a bar that gapped wholly below or above the previous close', () => {
    const pair = (h: number, l: number): number =>
      run(
        csSpread,
        barsOf([
          [10, 10.2, 9.8, 10.0, 1],
          [l, h, l, l, 1],
        ]),
      )[1] as number;
    // Gap down: (9.9, 9.7) raised by 0.1 to (10.0, 9.8); unadjusted it would give -0.0129 -> 0.
    expect(pair(9.9, 9.7)).toBeCloseTo(0.011616599030949392, 14);
    // Gap up: (10.25, 10.01) lowered by 0.01 to (10.24, 10.0); unadjusted 0.003862.
    expect(pair(10.25, 10.01)).toBeCloseTo(0.006247383605594468, 14);
  });

  it('Roll: 2 sqrt(-cov(r_t, r_t-1)), 0 when the covariance is not negative', () => {
    // closes 100, 101, 100, 101.5, 100.5, 101 bounce: 3 pairs of consecutive returns
    // index 4: cov = -1.8569254897737633e-4 -> 2 sqrt(-cov) = 0.027253810667675543
    const out = run(rollSpread(3), closes([100, 101, 100, 101.5, 100.5, 101]));
    expect(out.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(out[4]).toBeCloseTo(0.027253810667675543, 14);
    expect(out[5]).toBeCloseTo(0.02566224263338988, 14);
    // Accelerating trend: returns rise every bar, the autocovariance is positive -> 0 (documented).
    expect(run(rollSpread(3), closes([100, 101, 103, 106, 110]))[4]).toBe(0);
  });
});

describe('normalization with past-only windows (hand-computed)', () => {
  it('z-score against the previous w values, sample sd', () => {
    // past [1, 2, 3, 4]: mean 2.5, sd = sqrt(5/3); (10 - 2.5) / sqrt(5/3) = 5.809475019311125
    const z = [...rollingZScore(Float64Array.from([1, 2, 3, 4, 10, 2.5]), 4)];
    expect(z.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(z[4]).toBeCloseTo(7.5 / Math.sqrt(5 / 3), 14);
    // past [2, 3, 4, 10]: mean 4.75, sd = sqrt(38.75 / 3); (2.5 - 4.75) / sd
    expect(z[5]).toBeCloseTo(-2.25 / Math.sqrt(38.75 / 3), 14);
  });

  it('z-score is NaN on a flat past window and after a NaN until the window is clean again', () => {
    const z = [...rollingZScore(Float64Array.from([5, 5, 5, 6, NaN, 1, 2, 3, 4]), 3)];
    expect(z[3]).toBeNaN(); // past [5, 5, 5] is flat
    expect(z.slice(4, 8).every(Number.isNaN)).toBe(true); // NaN at 4 lies in the window up to t = 7
    expect(z[8]).toBeCloseTo((4 - 2) / 1, 14); // past [1, 2, 3]: mean 2, sd 1
  });

  it('winsorization clips to type-7 quantiles of the past window', () => {
    // past [5, 1, 4, 2, 3] sorted [1..5]: q0.1 = 1.4, q0.9 = 4.6
    const x = Float64Array.from([5, 1, 4, 2, 3, 10, 0, 3]);
    const out = [...rollingWinsorize(x, 5, 0.1, 0.9)];
    expect(out.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(out[5]).toBeCloseTo(4.6, 14);
    // past [1, 4, 2, 3, 10] sorted [1, 2, 3, 4, 10]: q0.1 = 1.4
    expect(out[6]).toBeCloseTo(1.4, 14);
    // past [4, 2, 3, 10, 0] sorted [0, 2, 3, 4, 10]: q0.9 = 4 + 0.6 * 6 = 7.6, q0.1 = 0.8; 3 is inside
    expect(out[7]).toBe(3);
  });

  it('winsorization matches sorting each past window (random data, with ties)', () => {
    const x = Float64Array.from({ length: 400 }, (_, i) =>
      Math.round(Math.sin(i * 1.7) * 50 + Math.cos(i * 0.31) * 20),
    );
    const w = 37;
    const out = rollingWinsorize(x, w, 0.05, 0.95);
    for (let t = w; t < x.length; t++) {
      const past = [...x.slice(t - w, t)].sort((a, b) => a - b);
      const q = (p: number): number => {
        const h = (w - 1) * p;
        const f = Math.floor(h);
        return (past[f] as number) + (h - f) * ((past[Math.min(f + 1, w - 1)] as number) - (past[f] as number));
      };
      expect(out[t]).toBeCloseTo(Math.min(Math.max(x[t] as number, q(0.05)), q(0.95)), 12);
    }
  });

  it('percentile rank is the share of the previous w values <= today', () => {
    const out = [...rollingPercentRank(Float64Array.from([3, 1, 2, 5, 4, 2, 0]), 3)];
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
    // 5 vs [3,1,2]; 4 vs [1,2,5]; 2 vs [2,5,4] (ties count); 0 vs [5,4,2]
    expect(out.slice(3)).toEqual([1, 2 / 3, 1 / 3, 0]);
  });
});

describe('regime, trend and risk features (hand-computed)', () => {
  it('vol percentile ranks rvol among its previous values', () => {
    // Log returns r1..r6 = 0.01, 0.03, -0.02, 0, 0.06, 0.015; rvol_2 = |r_t - r_t-1| / sqrt(2) * sqrt(ppy):
    // t=2: 0.02, t=3: 0.05, t=4: 0.02, t=5: 0.06, t=6: 0.045 (times a common factor).
    // vol_pctile with 3 past values: t=5: 0.06 vs [0.02, 0.05, 0.02] -> 3/3; t=6: 0.045 vs [0.05, 0.02, 0.06] -> 1/3.
    const logs = [0.01, 0.03, -0.02, 0, 0.06, 0.015];
    const cs = [100];
    for (const r of logs) cs.push((cs[cs.length - 1] as number) * Math.exp(r));
    const def = volPercentile(2, 3);
    expect(def.warmup).toBe(5);
    const out = run(def, closes(cs));
    expect(out.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(out[5]).toBe(1);
    expect(out[6]).toBeCloseTo(1 / 3, 15);
  });

  it('trend state is +1/-1 only when the cross and the slope agree', () => {
    // SMA2 / SMA3 of closes 10, 11, 12, 11, 9, 10, 12:
    // t=2: SMA2 11.5 > SMA3 11, rising from 10.5 -> +1
    // t=3: SMA2 11.5 > SMA3 11.33 but flat (11.5 -> 11.5) -> 0
    // t=4: SMA2 10 < SMA3 10.67, falling -> -1; t=5: 9.5 < 10, falling -> -1;
    // t=6: 11 > 10.33, rising -> +1
    const out = run(trendState(2, 3, 1), closes([10, 11, 12, 11, 9, 10, 12]));
    expect(out.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(out.slice(2)).toEqual([1, 0, -1, -1, 1]);
  });

  it('drawdown regime: 0 above -10%, 1 down to -20%, 2 below', () => {
    const out = run(drawdownRegime(3, 0.1, 0.2), closes([100, 95, 89, 80, 85, 96]));
    // drawdown vs 3-bar peak: t=2: -11% -> 1; t=3: -15.8% (peak 95) -> 1; t=4: 85/89 - 1 -> 0; t=5: 0
    expect(out).toEqual([NaN, NaN, 1, 1, 0, 0]);
    expect(run(drawdownRegime(2, 0.1, 0.2), closes([100, 79]))[1]).toBe(2);
  });

  it('efficiency ratio, max drawdown and 12-1 momentum', () => {
    expect(run(efficiencyRatio(3), closes([10, 11, 10, 12]))[3]).toBeCloseTo(2 / 4, 15);
    expect(run(maxDrawdown(5), closes([10, 12, 9, 11, 8]))[4]).toBeCloseTo(8 / 12 - 1, 15);
    const mom = momentum(4, 1); // close[t-1] / close[t-4] - 1
    expect(mom.warmup).toBe(4);
    expect(run(mom, closes([10, 20, 30, 15, 99]))[4]).toBeCloseTo(15 / 10 - 1, 15);
  });

  it('vol target weight is target / rvol capped at the maximum', () => {
    // log returns +0.1, -0.1: sample sd = 0.1 * sqrt(2); annualized with sqrt(252)
    const rv = 0.1 * Math.SQRT2 * Math.sqrt(252);
    const out = run(volTargetWeight(2, 0.1, 1), closes([1, Math.exp(0.1), 1]));
    expect(out[2]).toBeCloseTo(0.1 / rv, 14);
    expect(run(volTargetWeight(2, 0.1, 1), closes([1, 1, 1]))[2]).toBe(1);
  });

  it('gap in ATRs divides by the previous bar ATR', () => {
    // ATR(1) is the true range; bar 1 TR = max(2, |12-10|, |10-10|) = 2; bar 2 opens 1 above the close.
    const out = run(
      gapAtr(1),
      barsOf([
        [10, 10, 10, 10, 1],
        [10, 12, 10, 11, 1],
        [12, 12, 12, 12, 1],
      ]),
    );
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(1 / 2, 15);
  });
});

describe('volume features (hand-computed)', () => {
  const input = barsOf([
    [10, 10, 10, 10, 100],
    [11, 11, 11, 11, 200],
    [10, 10, 10, 10, 300],
    [12, 12, 12, 12, 600],
  ]);
  it('relative volume and volume z-score use the previous bars only', () => {
    expect(run(relVolume(2), input)).toEqual([NaN, NaN, 300 / 150, 600 / 250]);
    // past [200, 300]: mean 250, sd sqrt(5000) -> (600 - 250) / 70.71
    expect(run(volumeZ(2), input)[3]).toBeCloseTo(350 / Math.sqrt(5000), 14);
  });
  it('up-volume ratio is the share of volume on up bars', () => {
    // bars 1..3: up (200), down (300), up (600)
    expect(run(upVolumeRatio(3), input)[3]).toBeCloseTo(800 / 1100, 15);
  });
});

describe('cross-asset features', () => {
  // The symbol's returns are exactly twice the benchmark's: beta 2, correlation 1, no residual.
  const benchRets = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02];
  const bench = [100];
  const sym = [50];
  for (const r of benchRets) {
    bench.push((bench[bench.length - 1] as number) * (1 + r));
    sym.push((sym[sym.length - 1] as number) * (1 + 2 * r));
  }
  const input = closes(sym, bench);

  it('beta, correlation and residual volatility of a levered copy', () => {
    expect(run(beta(5), input)[6]).toBeCloseTo(2, 12);
    expect(run(correlation(5), input)[6]).toBeCloseTo(1, 12);
    expect(run(residualVol(5), input)[6]).toBeCloseTo(0, 6);
    expect(run(beta(5), input)[4]).toBeNaN();
  });

  it('relative strength compares growth factors', () => {
    const rs = run(relStrength(2), input)[2] as number;
    expect(rs).toBeCloseTo((1.02 * 0.96) / (1.01 * 0.98) - 1, 14);
  });

  it('is NaN without a benchmark and NaN in windows holding a missing benchmark bar', () => {
    const noBench = withoutBenchmark(input);
    for (const def of [beta(5), correlation(5), residualVol(5), relStrength(2)]) {
      expect(def.family).toBe(FeatureFamily.CrossAsset);
      expect(run(def, noBench).every(Number.isNaN)).toBe(true);
    }
    const gappy = closes(sym, [NaN, ...bench.slice(1)]);
    // The first benchmark return (index 1) is NaN, so a 5-return window is valid from index 6.
    expect(run(beta(5), gappy)[6]).toBeCloseTo(2, 12);
    expect(run(beta(4), gappy)[4]).toBeNaN();
    expect(run(beta(4), gappy)[5]).toBeCloseTo(2, 12);
  });
});

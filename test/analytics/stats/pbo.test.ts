import { describe, expect, it } from 'vitest';
import { blockMoments, choose, cscvCombinations, halves } from '../../../src/analytics/stats/pbo-cscv.js';
import {
  pboMoments,
  pboResult,
  pboScore,
  probabilityOfBacktestOverfitting as pbo,
} from '../../../src/analytics/stats/pbo.js';
import { isMomenticError } from '../../../src/core/errors.js';
import { prng } from '../../backtest/results-fixture.js';

/** Standard normal draws by Box–Muller from a seeded uniform generator. */
function normals(seed: number): () => number {
  const u = prng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** T x N independent noise trials (columns). */
function noise(seed: number, T: number, N: number, scale = 0.01): Float64Array[] {
  const z = normals(seed);
  return Array.from({ length: N }, () => Float64Array.from({ length: T }, () => z() * scale));
}

/**
 * Straightforward CSCV written from the paper's steps, independent of the module's block moments:
 * for each choice of S/2 blocks, recompute each trial's performance from the raw rows.
 */
function reference(cols: Float64Array[], S: number, metric: 'sharpe' | 'mean'): { pbo: number; logits: number[] } {
  const N = cols.length;
  const T = cols[0]!.length;
  const size = Math.floor(T / S);
  const skip = T - size * S;
  const perf = (x: number[]): number => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    if (metric === 'mean') return m;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
    return m / sd;
  };
  const logits: number[] = [];
  const choose = (start: number, picked: number[]): void => {
    if (picked.length === S / 2) {
      const rows = (inSample: boolean): number[] => {
        const out: number[] = [];
        for (let b = 0; b < S; b++) {
          if (picked.includes(b) !== inSample) continue;
          for (let k = 0; k < size; k++) out.push(skip + b * size + k);
        }
        return out;
      };
      const isRows = rows(true);
      const oosRows = rows(false);
      const is = cols.map((c) => perf(isRows.map((t) => c[t]!)));
      const oos = cols.map((c) => perf(oosRows.map((t) => c[t]!)));
      const best = is.indexOf(Math.max(...is));
      const sorted = [...oos].sort((a, b) => a - b);
      const rank = sorted.indexOf(oos[best]!) + 1; // no ties in random data
      logits.push(Math.log(rank / (N + 1) / (1 - rank / (N + 1))));
      return;
    }
    for (let b = start; b < S; b++) choose(b + 1, [...picked, b]);
  };
  choose(0, []);
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits };
}

describe('PBO by CSCV (Bailey, Borwein, López de Prado & Zhu 2015)', () => {
  it('reproduces a case enumerated by hand', () => {
    // Three trials over four periods, S = 4 (one period per block), metric = mean.
    //   A:  3 -1  2  0     B:  0  2 -1  1     C:  1  1  1 -2   (percent)
    // IS blocks | IS means A,B,C  | OOS means A,B,C   | IS best | OOS rank | logit
    //   {0,1}   | 1, 1, 1         | 1, 0, -0.5        | A (tie) | 3        | ln 3
    //   {0,2}   | 2.5, -0.5, 1    | -0.5, 1.5, -0.5   | A       | 1.5      | ln(0.375/0.625) < 0
    //   {0,3}   | 1.5, 0.5, -0.5  | 0.5, 0.5, 1       | A       | 1.5      | < 0
    //   {1,2}   | 0.5, 0.5, 1     | 1.5, 0.5, -0.5    | C       | 1        | ln(1/3)
    //   {1,3}   | -0.5, 1.5, -0.5 | 2.5, -0.5, 1      | B       | 1        | ln(1/3)
    //   {2,3}   | 1, 0, -0.5      | 1, 1, 1           | A       | 2        | 0 (counts as overfit)
    // PBO = 5/6. The winner loses out of sample in 3 of 6 (OOS -0.5 three times).
    // OLS of OOS on IS over (1,1) (2.5,-0.5) (1.5,0.5) (1,-0.5) (1.5,-0.5) (1,1):
    //   Sxy = -7/6, Sxx = 41/24 (in percent²) => slope -28/41, intercept 1/6 + 28/41 * 17/12 = 93/82 (percent).
    const cols = [
      [3, -1, 2, 0],
      [0, 2, -1, 1],
      [1, 1, 1, -2],
    ].map((c) => Float64Array.from(c)); // whole percent units keep the tie of {0,1} exact
    const r = pbo(cols, { partitions: 4, metric: 'mean' });
    expect(r.combinations.map((c) => c.inSample)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(r.combinations.map((c) => c.best)).toEqual([0, 0, 0, 2, 1, 0]);
    expect(r.combinations.map((c) => c.rank)).toEqual([3, 1.5, 1.5, 1, 1, 2]);
    expect(r.combinations[0]!.logit).toBeCloseTo(Math.log(3), 14);
    expect(r.combinations[5]!.logit).toBe(0);
    expect(r.pbo).toBe(5 / 6);
    expect(r.probabilityOfLoss).toBe(0.5);
    expect(r.degradation.slope).toBeCloseTo(-28 / 41, 12);
    expect(r.degradation.intercept).toBeCloseTo(93 / 82, 12);
    expect(r.rows).toBe(4);
    expect(r.rowsDropped).toBe(0);
  });

  it('agrees with a plain recomputation from the rows on random trials, for both metrics', () => {
    const cols = noise(7, 103, 6);
    for (const metric of ['sharpe', 'mean'] as const) {
      const got = pbo(cols, { partitions: 8, metric });
      const ref = reference(cols, 8, metric);
      expect(got.combinations).toHaveLength(70); // C(8, 4)
      expect(got.rowsDropped).toBe(7); // 103 = 8 * 12 + 7, the 7 earliest rows dropped
      got.combinations.forEach((c, i) => expect(c.logit).toBeCloseTo(ref.logits[i]!, 12));
      expect(got.pbo).toBe(ref.pbo);
    }
  });

  it('is 0 when one trial dominates in every period', () => {
    // Trial k is the same noise shifted by k * 0.002: the top shift has the best mean and Sharpe
    // ratio on every subset, in and out of sample, so its OOS rank is N and every logit is ln N.
    const base = noise(11, 240, 1)[0]!;
    const cols = Array.from({ length: 5 }, (_, k) => base.map((v) => v + k * 0.002 + 0.01));
    const r = pbo(cols, { partitions: 16 });
    expect(r.combinations).toHaveLength(12870); // C(16, 8)
    expect(r.combinations.every((c) => c.best === 4 && c.rank === 5)).toBe(true);
    expect(r.pbo).toBe(0);
    expect(r.probabilityOfLoss).toBe(0);
  });

  it('averages the share of OOS ranks at or below the median over noise trials', () => {
    // Independent identically distributed trials: the IS winner's OOS rank is uniform on 1..N, so
    // E[PBO] = P(rank <= (N + 1) / 2) = floor((N + 1) / 2) / N: 1/2 for N = 10, 2/3 for N = 3.
    for (const [N, expected] of [
      [10, 0.5],
      [3, 2 / 3],
    ] as const) {
      let sum = 0;
      const seeds = 200;
      for (let s = 0; s < seeds; s++) sum += pbo(noise(1000 + s, 96, N), { partitions: 8 }).pbo;
      expect(Math.abs(sum / seeds - expected)).toBeLessThan(0.05);
    }
  });

  it('rejects an odd, too large or too small S, fewer than two trials, and non-finite returns', () => {
    const cols = noise(3, 20, 3);
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (isMomenticError(e)) return `${e.code} ${e.context.key ?? ''}${e.context.row ?? ''}`;
      }
      return 'no error';
    };
    expect(code(() => pbo(cols, { partitions: 5 }))).toBe('USAGE_INVALID_OPTION partitions');
    expect(code(() => pbo(cols, { partitions: 0 }))).toBe('USAGE_INVALID_OPTION partitions');
    expect(code(() => pbo(cols, { partitions: 22 }))).toBe('USAGE_INVALID_OPTION partitions');
    expect(code(() => pbo(cols, { partitions: 26 }))).toBe('USAGE_INVALID_OPTION partitions');
    expect(code(() => pbo(cols.slice(0, 1), { partitions: 4 }))).toBe('USAGE_INVALID_OPTION trials');
    const bad = cols.map((c) => c.slice());
    bad[1]![6] = NaN;
    expect(code(() => pbo(bad, { partitions: 4 }))).toBe('DATA_INVALID 7');
  });

  it('scores a constant trial 0 at zero mean and ranks it among the others', () => {
    const cols = [...noise(5, 40, 3), new Float64Array(40)];
    const r = pbo(cols, { partitions: 4 });
    expect(r.combinations.every((c) => Number.isFinite(c.logit))).toBe(true);
  });
});

describe('CSCV in pieces (pbo-cscv.ts)', () => {
  it('numbers the complement of half i as half C - 1 - i, for every even S up to 16', () => {
    for (let S = 2; S <= 16; S += 2) {
      const all = [...halves(S)].map((h) => h.join(','));
      const C = all.length;
      expect(C).toBe(choose(S, S / 2));
      all.forEach((h, i) => {
        const blocks = new Set(h.split(',').map(Number));
        const complement = Array.from({ length: S }, (_, b) => b).filter((b) => !blocks.has(b));
        expect(all[C - 1 - i]).toBe(complement.join(','));
      });
    }
  });

  it('gives the same bits however the combinations are cut, and those of the whole computation', () => {
    const cols = noise(21, 131, 9);
    const S = 8;
    const T = 131;
    const whole = pbo(cols, { partitions: S });
    const m = pboMoments(cols.length, S, T);
    cols.forEach((x, j) => blockMoments(x, S, m.size, T - m.size * S, m.mean, m.m2, j * S));
    const half = choose(S, S / 2) / 2; // 35
    const cuts = [0, 1, 2, 17, 34, 35];
    const pieces = cuts.slice(1).map((to, k) => cscvCombinations(m, pboScore('sharpe'), cuts[k]!, to));
    const cut = pboResult(m, T, 'sharpe', pieces.reverse());
    expect(cut.combinations).toHaveLength(2 * half);
    expect(cut).toEqual(whole);
    cut.combinations.forEach((c, i) => {
      const w = whole.combinations[i]!;
      for (const k of ['inSamplePerformance', 'outOfSamplePerformance', 'logit'] as const)
        expect(Object.is(c[k], w[k])).toBe(true);
    });
    // The plain recomputation from the rows agrees too (not bit for bit: another order of sums).
    const ref = reference(cols, S, 'sharpe');
    cut.combinations.forEach((c, i) => expect(c.logit).toBeCloseTo(ref.logits[i]!, 12));
  });

  it('refuses a PBO assembled from pieces that miss a combination', () => {
    const cols = noise(4, 40, 3);
    const m = pboMoments(3, 4, 40);
    cols.forEach((x, j) => blockMoments(x, 4, m.size, 0, m.mean, m.m2, j * 4));
    expect(() => pboResult(m, 40, 'sharpe', [cscvCombinations(m, pboScore('sharpe'), 0, 2)])).toThrow(
      'combination 2 was not scored',
    );
  });
});

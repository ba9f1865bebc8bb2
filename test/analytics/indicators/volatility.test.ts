import { describe, expect, it } from 'vitest';
import { GarmanKlass, garmanKlass, garmanKlassDef } from '../../../src/analytics/indicators/garman-klass.js';
import { Parkinson, parkinson, parkinsonDef } from '../../../src/analytics/indicators/parkinson.js';
import { RealizedVol, realizedVol, realizedVolDef } from '../../../src/analytics/indicators/realized-vol.js';
import {
  RogersSatchell,
  rogersSatchell,
  rogersSatchellDef,
} from '../../../src/analytics/indicators/rogers-satchell.js';
import { RollingMoments } from '../../../src/analytics/indicators/rolling-moments.js';
import { columnNames } from '../../../src/analytics/indicators/spec.js';
import { YangZhang, yangZhang, yangZhangDef } from '../../../src/analytics/indicators/yang-zhang.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

const LN2 = Math.LN2;
const L = LN2 * LN2; // (ln 2)^2

/** Bars with open, high, low, close columns. */
function ohlc(rows: readonly (readonly [number, number, number, number])[]): {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
} {
  return {
    open: rows.map((r) => r[0]),
    high: rows.map((r) => r[1]),
    low: rows.map((r) => r[2]),
    close: rows.map((r) => r[3]),
  };
}

describe('realized volatility', () => {
  it('is the annualized sample std of log returns (hand-computed)', () => {
    // closes 100, 110, 99, 108.9: returns ln 1.1, ln 0.9, ln 1.1. Two returns a, b have sample
    // std |a - b| / sqrt(2) = (0.0953102 + 0.1053605) / 1.4142136 = 0.1418956; x sqrt(252) = 2.2525230.
    const out = realizedVol([100, 110, 99, 108.9], 2, 252);
    expect([out[0], out[1]]).toEqual([NaN, NaN]);
    expect(out[2]).toBeCloseTo(2.2525229699550664, 10);
    expect(out[3]).toBeCloseTo(2.2525229699550664, 10);
    expect(realizedVol([100, 110, 99], 2, 1)[2]).toBeCloseTo(0.14189560954670766, 12);
    expect(new RealizedVol().warmup).toBe(21);
  });

  it('is 0 on a flat series and on a constant growth rate (the mean return is removed)', () => {
    expect([...realizedVol(Array(8).fill(50), 3)].slice(3)).toEqual([0, 0, 0, 0, 0]);
    expect([...realizedVol([1, 2, 4, 8, 16, 32], 3)].slice(3)).toEqual([0, 0, 0]);
  });

  it('names its columns with period and periods per year', () => {
    expect(columnNames(realizedVolDef, [20, 252])).toEqual(['realized_vol_20_252']);
  });

  it('meets the indicator contract', () => {
    expectIndicatorContract(realizedVolDef);
    expectIndicatorContract(realizedVolDef, [60, 365]);
  });
});

describe('range estimators (hand-computed, periods_per_year 1)', () => {
  // Bar A: o 2, h 4, l 1, c 2.  Bar B: o 1, h 2, l 1, c 2 (opens at the low, closes at the high).
  const A = [2, 4, 1, 2] as const;
  const B = [1, 2, 1, 2] as const;

  it('Parkinson: mean (ln h/l)^2 / (4 ln 2)', () => {
    // A: (ln 4)^2 = 4 L, B: (ln 2)^2 = L; mean 2.5 L; / (4 ln 2) = 0.625 ln 2; sqrt = 0.6581922
    expect(parkinson(ohlc([A, B]), 2, 1)[1]).toBeCloseTo(0.6581922119335398, 12);
    // A alone: 4 L / (4 ln 2) = ln 2
    expect(parkinson(ohlc([A]), 1, 1)[0]).toBeCloseTo(Math.sqrt(LN2), 12);
    expect(new Parkinson(20).warmup).toBe(20);
  });

  it('Garman-Klass: mean 0.5 (ln h/l)^2 - (2 ln 2 - 1) (ln c/o)^2', () => {
    // A: 0.5 * 4 L - 0.386 * 0 = 2 L. B: 0.5 L - (2 ln 2 - 1) L = L (1.5 - 2 ln 2) = 0.0546302
    expect(garmanKlass(ohlc([A]), 1, 1)[0]).toBeCloseTo(Math.sqrt(2 * L), 12);
    expect(garmanKlass(ohlc([B]), 1, 1)[0]).toBeCloseTo(Math.sqrt(0.054630216899443196), 12);
    expect(garmanKlass(ohlc([A, B]), 2, 1)[1]).toBeCloseTo(Math.sqrt((2 * L + 0.054630216899443196) / 2), 12);
  });

  it('Rogers-Satchell: mean ln(h/c) ln(h/o) + ln(l/c) ln(l/o)', () => {
    // A: ln 2 * ln 2 + (-ln 2)(-ln 2) = 2 L. B: 0 * ln 2 + (-ln 2) * 0 = 0 (all of the bar is trend).
    expect(rogersSatchell(ohlc([A]), 1, 1)[0]).toBeCloseTo(Math.sqrt(2 * L), 12);
    expect(rogersSatchell(ohlc([B]), 1, 1)[0]).toBe(0);
    expect(rogersSatchell(ohlc([A, B]), 2, 1)[1]).toBeCloseTo(Math.sqrt(L), 12);
  });

  it('Yang-Zhang: V_o + k V_c + (1 - k) V_rs with k = 0.34 / (1.34 + (n+1)/(n-1))', () => {
    // Bars: c0 = 1, then A (overnight ln(2/1) = ln 2, open-close ln(2/2) = 0, RS 2L),
    // then B (overnight ln(1/2) = -ln 2, open-close ln 2, RS 0).
    // n = 2: k = 0.34 / (1.34 + 3) = 0.0783410. V_o = sample var(ln 2, -ln 2) = 2L,
    // V_c = sample var(0, ln 2) = L/2, V_rs = mean(2L, 0) = L.
    // sigma^2 = 2L + k L/2 + (1 - k) L = L (3 - k/2); sigma = 1.1927026
    const out = yangZhang(ohlc([[1, 1, 1, 1], A, B]), 2, 1);
    expect([out[0], out[1]]).toEqual([NaN, NaN]);
    expect(out[2]).toBeCloseTo(1.192702583904226, 12);
    const yz = new YangZhang(2);
    expect(yz.k).toBeCloseTo(0.0783410138248848, 15);
    expect(yz.warmup).toBe(3);
  });

  it('see no intraday variance on zero-range bars; Yang-Zhang keeps the overnight gaps', () => {
    // o = h = l = c on every bar, but each bar opens 10% above the previous close... then 10% below.
    const closes = [100, 110, 99, 108.9, 98.01];
    const cols = ohlc(closes.map((c) => [c, c, c, c] as const));
    expect([...parkinson(cols, 2, 1)].slice(1)).toEqual([0, 0, 0, 0]);
    expect([...garmanKlass(cols, 2, 1)].slice(1)).toEqual([0, 0, 0, 0]);
    expect([...rogersSatchell(cols, 2, 1)].slice(1)).toEqual([0, 0, 0, 0]);
    // Overnight returns ln 1.1, ln 0.9 alternate: V_o = (ln 1.1 - ln 0.9)^2 / 2, V_c = V_rs = 0.
    const gap = Math.abs(Math.log(1.1) - Math.log(0.9)) / Math.SQRT2;
    expect(yangZhang(cols, 2, 1)[2]).toBeCloseTo(gap, 12);
    // Realized volatility on the same closes sees the same moves.
    expect(realizedVol(closes, 2, 1)[2]).toBeCloseTo(gap, 12);
  });

  it('are 0 on a flat series', () => {
    const cols = ohlc(Array(6).fill([7, 7, 7, 7] as const));
    for (const f of [parkinson, garmanKlass, rogersSatchell, yangZhang])
      expect([...f(cols, 3, 252)].slice(3)).toEqual([0, 0, 0]);
  });

  it('reject a yang_zhang period under 2 and a non-positive periods_per_year', () => {
    expect(() => new YangZhang(1)).toThrow(/yang_zhang period must be a whole number >= 2/);
    expect(() => new GarmanKlass(20, 0)).toThrow(/garman_klass periods_per_year must be a finite number > 0/);
    expect(() => new RogersSatchell(0)).toThrow(/rogers_satchell period must be a whole number >= 1/);
  });

  it('meet the indicator contract', () => {
    for (const def of [parkinsonDef, garmanKlassDef, rogersSatchellDef, yangZhangDef]) {
      expectIndicatorContract(def);
      expectIndicatorContract(def, [10, 365]);
    }
  });
});

describe('RollingMoments', () => {
  it('keeps the window mean and sample variance, and is NaN while a NaN is in the window', () => {
    const m = new RollingMoments(3);
    const seen: number[][] = [];
    for (const x of [1, 2, 3, 4, Number.NaN, 5, 6, 7]) {
      m.push(x);
      seen.push([m.mean, m.variance]);
    }
    // windows: [1] [1,2] [1,2,3] [2,3,4] [3,4,NaN] [4,NaN,5] [NaN,5,6] [5,6,7]
    expect(seen.slice(0, 4)).toEqual([
      [1, NaN],
      [1.5, 0.5],
      [2, 1],
      [3, 1],
    ]);
    expect(seen.slice(4, 7).flat().every(Number.isNaN)).toBe(true);
    expect(seen[7]?.[0]).toBeCloseTo(6, 12);
    expect(seen[7]?.[1]).toBeCloseTo(1, 12);
  });
});

/** Mulberry32: a small seeded generator, so the simulation is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Daily bars of a driftless geometric Brownian motion in log price: an overnight jump of std
 * `overnight`, then a session of `steps` Gaussian increments with total std `intraday`. The high
 * and low of each step are drawn from the exact law of a Brownian bridge's maximum (minimum) given
 * its endpoints a, b: (a + b +/- sqrt((b - a)^2 - 2 s^2 ln U)) / 2, so the bar's extremes are those
 * of the continuous path, not of the sampled points (which would bias range estimators low).
 */
function simulateGbm(days: number, intraday: number, overnight: number, steps: number, seed: number) {
  const u = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const cols = {
    open: new Float64Array(days),
    high: new Float64Array(days),
    low: new Float64Array(days),
    close: new Float64Array(days),
  };
  const s = intraday / Math.sqrt(steps);
  let x = Math.log(100);
  for (let d = 0; d < days; d++) {
    x += overnight * normal();
    cols.open[d] = Math.exp(x);
    let hi = x;
    let lo = x;
    for (let k = 0; k < steps; k++) {
      const y = x + s * normal();
      const spread = (y - x) * (y - x);
      hi = Math.max(hi, (x + y + Math.sqrt(spread - 2 * s * s * Math.log(1 - u()))) / 2);
      lo = Math.min(lo, (x + y - Math.sqrt(spread - 2 * s * s * Math.log(1 - u()))) / 2);
      x = y;
    }
    cols.high[d] = Math.exp(hi);
    cols.low[d] = Math.exp(lo);
    cols.close[d] = Math.exp(x);
  }
  return cols;
}

/** sqrt of the mean of the squared estimates over non-overlapping windows (an unbiased variance average). */
function pooled(out: Float64Array, warmup: number, period: number): number {
  let sum = 0;
  let n = 0;
  for (let i = warmup - 1; i < out.length; i += period) {
    sum += (out[i] as number) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

describe('estimators on a simulated GBM with known sigma', () => {
  /*
   * 20,000 days, intraday sigma 2% and overnight sigma 1% per day (total sqrt(0.0005) = 2.236%),
   * periods_per_year 1 so outputs are per-day sigmas. The squared outputs of the 1,000
   * non-overlapping 20-day windows are averaged, so the comparison is free of the Jensen bias of
   * averaging square roots.
   * Tolerance 3%: the relative standard error of the pooled sigma is about sqrt(2 / N) / 2 = 0.5%
   * for close-to-close returns over N = 20,000 days, and smaller for the range estimators (5 to 8
   * times more efficient, Parkinson 1980, Garman-Klass 1980); Yang-Zhang adds the overnight term,
   * also ~0.5%. 3% is about 6 standard errors for the least efficient one, while a wrong constant
   * (say 1/(4 ln 2) left out: x1.7, or a dropped overnight term: x0.89) misses by far more. The
   * bridge extremes leave only a small bias (when a day's high and low fall in the same one of the
   * 50 steps, their joint law is approximated).
   */
  const days = 20_000;
  const sigmaDay = 0.02;
  const sigmaNight = 0.01;
  const total = Math.hypot(sigmaDay, sigmaNight);
  const cols = simulateGbm(days, sigmaDay, sigmaNight, 50, 20240601);

  it.each([
    ['parkinson', () => pooled(parkinson(cols, 20, 1), 20, 20), sigmaDay],
    ['garman_klass', () => pooled(garmanKlass(cols, 20, 1), 20, 20), sigmaDay],
    ['rogers_satchell', () => pooled(rogersSatchell(cols, 20, 1), 20, 20), sigmaDay],
    ['yang_zhang', () => pooled(yangZhang(cols, 20, 1), 21, 20), total],
    ['realized_vol', () => pooled(realizedVol(cols.close, 20, 1), 21, 20), total],
  ] as const)('%s recovers the true sigma within 3%%', (_name, estimate, truth) => {
    const got = estimate();
    expect(Math.abs(got / truth - 1)).toBeLessThan(0.03);
  });

  it('annualizes by sqrt(periods_per_year)', () => {
    const daily = parkinson(cols, 20, 1);
    const yearly = parkinson(cols, 20, 252);
    expect(yearly[100]).toBeCloseTo((daily[100] as number) * Math.sqrt(252), 12);
  });
});

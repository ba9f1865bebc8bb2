/**
 * Stylized facts measured on the generated data of the default seed, 2000-2025 (6,539 XNYS
 * sessions). Thresholds are set against what their absence would give: for n = 6,500
 * independent observations a sample correlation or autocorrelation has a standard error of
 * about 1 / sqrt(n) = 0.012 and a Gaussian sample's excess kurtosis one of sqrt(24 / n) = 0.06,
 * so each threshold below sits many standard errors away from the null, while staying well
 * below the model's own level (docs/providers/synthetic.md gives the implied values).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/core/bar.js';
import { tsToDate } from '../../../src/data/schema.js';
import { SyntheticProvider } from '../../../src/venues/synthetic/index.js';
import { autocorrelation, bars, correlation, excessKurtosis, logReturns, mean, variance } from './support.js';

const provider = new SyntheticProvider();
const equities = provider.defaultSymbols().filter((s) => provider.instrument(s).calendar === 'XNYS');
const daily = new Map<string, Bar[]>();
const returns = new Map<string, number[]>();
/** Equal-weighted average daily log return of the 18 equities (a market index proxy). */
let index: number[] = [];

beforeAll(async () => {
  for (const s of equities) {
    const got = await bars(provider, s, '1d', '2000-01-01', '2026-01-01');
    daily.set(s, got);
    returns.set(s, logReturns(got));
  }
  const n = (returns.get(equities[0] as string) as number[]).length;
  index = Array.from({ length: n }, (_, i) => mean(equities.map((s) => (returns.get(s) as number[])[i] as number)));
});

/** A deterministic permutation (Fisher-Yates with a fixed LCG): keeps the values, destroys time order. */
function shuffled(xs: readonly number[]): number[] {
  const out = [...xs];
  let state = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

describe('synthetic provider: stylized facts of the generated data', () => {
  it('has correlated returns: positive on average, higher within a sector than across', () => {
    const within: number[] = [];
    const across: number[] = [];
    for (let i = 0; i < equities.length; i++) {
      for (let j = i + 1; j < equities.length; j++) {
        const [a, b] = [equities[i] as string, equities[j] as string];
        const c = correlation(returns.get(a) as number[], returns.get(b) as number[]);
        (provider.spec(a).sector === provider.spec(b).sector ? within : across).push(c);
      }
    }
    // Model-implied: ~0.2 across sectors, ~0.35 within (market plus sector factor).
    expect(mean([...within, ...across])).toBeGreaterThan(0.12);
    expect(Math.min(...across)).toBeGreaterThan(0);
    expect(mean(within)).toBeGreaterThan(mean(across) + 0.08);
  });

  it('clusters volatility: squared returns are autocorrelated at lag 1, unlike the same returns shuffled', () => {
    const acf = (xs: readonly number[]): number => {
      const m = mean(xs);
      return autocorrelation(
        xs.map((x) => (x - m) ** 2),
        1,
      );
    };
    const perSymbol = equities.map((s) => acf(returns.get(s) as number[]));
    expect(Math.min(...perSymbol)).toBeGreaterThan(0.03);
    expect(mean(perSymbol)).toBeGreaterThan(0.06);
    expect(acf(index)).toBeGreaterThan(0.1);
    // The control: the same values without their time order show no clustering.
    expect(Math.abs(acf(shuffled(index)))).toBeLessThan(0.04);
  });

  it('has fat tails: excess kurtosis above 1 for every equity (jumps, GARCH and regimes)', () => {
    const k = equities.map((s) => excessKurtosis(returns.get(s) as number[]));
    expect(Math.min(...k)).toBeGreaterThan(1);
    expect(mean(k)).toBeGreaterThan(2);
    // The largest daily move of every equity is beyond 5 standard deviations: the chance that
    // any of 6,500 Gaussian draws gets there is 6,500 x 5.7e-7 < 0.4%.
    for (const s of equities) {
      const r = returns.get(s) as number[];
      expect(Math.max(...r.map(Math.abs)) / Math.sqrt(variance(r)), s).toBeGreaterThan(5);
    }
  });

  it('has a stressed regime with higher realized volatility and volume, about a sixth of the time', () => {
    const dates = (daily.get(equities[0] as string) as Bar[]).slice(1).map((b) => tsToDate(b.ts));
    const stressed = dates.map((d) => provider.regime(d) === 'stressed');
    const share = stressed.filter(Boolean).length / stressed.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.35);
    const calmVar = variance(index.filter((_, i) => !stressed[i]));
    const stressedVar = variance(index.filter((_, i) => stressed[i]));
    // Model: the market factor's volatility scale is 1.8 / 0.8 = 2.25 times larger when stressed.
    expect(Math.sqrt(stressedVar / calmVar)).toBeGreaterThan(1.5);
    for (const s of equities) {
      const v = (daily.get(s) as Bar[]).slice(1).map((b) => b.volume);
      const ratio = mean(v.filter((_, i) => stressed[i])) / mean(v.filter((_, i) => !stressed[i]));
      expect(ratio, s).toBeGreaterThan(1.2);
    }
  });

  it('trades more on large moves: log volume correlates with |return| for every equity', () => {
    for (const s of equities) {
      const r = returns.get(s) as number[];
      const v = (daily.get(s) as Bar[]).slice(1).map((b) => Math.log(b.volume));
      expect(correlation(r.map(Math.abs), v), s).toBeGreaterThan(0.2);
    }
  });

  it('gaps overnight for equities, while crypto opens at the previous close', async () => {
    for (const s of equities) {
      const b = daily.get(s) as Bar[];
      const gaps = b.slice(1).filter((x, i) => x.open !== (b[i] as Bar).close).length;
      expect(gaps / (b.length - 1), s).toBeGreaterThan(0.9);
    }
    const crypto = await bars(provider, 'QXC-USD', '1d', '2015-01-01', '2026-01-01');
    expect(crypto.slice(1).every((x, i) => x.open === (crypto[i] as Bar).close)).toBe(true);
  });

  it('has a U-shaped intraday volume over XNYS sessions', async () => {
    const minutes = await bars(provider, 'DRLQ', '1m', '2023-01-01', '2024-01-01');
    const perMinute = new Float64Array(390);
    let sessions = 0;
    for (let i = 0; i + 390 <= minutes.length;) {
      const day = tsToDate((minutes[i] as Bar).ts);
      const isFull =
        tsToDate((minutes[i + 389] as Bar).ts) === day &&
        tsToDate((minutes[i + 390] as Bar | undefined)?.ts ?? 0) !== day;
      if (!isFull) {
        while (i < minutes.length && tsToDate((minutes[i] as Bar).ts) === day) i++;
        continue;
      }
      for (let k = 0; k < 390; k++) perMinute[k] = (perMinute[k] as number) + (minutes[i + k] as Bar).volume;
      sessions++;
      i += 390;
    }
    expect(sessions).toBeGreaterThan(240);
    const avg = (from: number, to: number): number => mean(Array.from(perMinute.subarray(from, to)));
    const midday = avg(150, 270); // 12:00-14:00 New York
    // A flat profile would give ratios of 1 up to noise (each average covers >7,000 minutes).
    expect(avg(0, 30) / midday).toBeGreaterThan(1.5);
    expect(avg(360, 390) / midday).toBeGreaterThan(1.5);
  });
});

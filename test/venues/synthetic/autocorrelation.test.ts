/**
 * The synthetic data must not be trivially exploitable: returns are serially uncorrelated at every
 * bar size the provider serves, over every symbol of its universe. Each timeframe's statistic is
 * the mean over the 20 symbols of each one's lag-1 autocorrelation of close-to-close log returns
 * (overnight returns included); it must be under 0.01 in size. The minute bars of 2019 are
 * fetched once and grouped into 5m, 15m and 1h bars from each session's open, as the provider
 * builds them (aggregation.test.ts checks they are the provider's own). For a sense of scale: with
 * minute paths drawn as Brownian bridges through the daily open, high, low and close, the means
 * were 0.021 (1m), 0.082 (5m), 0.099 (15m) and -0.015 (1h, where the two crypto pairs had 0.2), enough
 * for sma-cross to make 1327% a year on minute bars without costs. A symbol's own autocorrelation
 * is also checked, against 0.01 plus four standard errors (1 / sqrt(n)) of a sample of its size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/core/bar.js';
import { SyntheticProvider } from '../../../src/venues/synthetic/index.js';
import { autocorrelation, bars, logReturns, mean } from './support.js';

const provider = new SyntheticProvider();
const symbols = provider.defaultSymbols();
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Bars of `size` minutes from minute bars, counted from each session's first minute (sessions lie within a UTC day). */
function grouped(minutes: readonly Bar[], size: number): Bar[] {
  const out: Bar[] = [];
  let day = -1;
  let open = 0;
  let key = -1;
  for (const b of minutes) {
    if (Math.floor(b.ts / DAY) !== day) {
      day = Math.floor(b.ts / DAY);
      open = b.ts;
    }
    const k = open + Math.floor((b.ts - open) / (size * MINUTE)) * size * MINUTE;
    if (k !== key) {
      out.push({ ...b, ts: k });
      key = k;
    } else {
      const last = out[out.length - 1] as Bar;
      out[out.length - 1] = { ...last, close: b.close };
    }
  }
  return out;
}

const acf = new Map<string, { symbol: string; ac: number; n: number }[]>();

function record(timeframe: string, symbol: string, series: readonly Bar[]): void {
  const r = logReturns(series);
  const list = acf.get(timeframe) ?? [];
  list.push({ symbol, ac: autocorrelation(r, 1), n: r.length });
  acf.set(timeframe, list);
}

beforeAll(async () => {
  for (const s of symbols) {
    record('1d', s, await bars(provider, s, '1d', '2000-01-01', '2026-01-01'));
    const minutes = await bars(provider, s, '1m', '2019-01-01', '2020-01-01');
    record('1m', s, minutes);
    for (const [tf, size] of [
      ['5m', 5],
      ['15m', 15],
      ['1h', 60],
    ] as const) {
      record(tf, s, grouped(minutes, size));
    }
  }
}, 300_000);

describe('synthetic provider: serially uncorrelated returns', () => {
  it.each(['1m', '5m', '15m', '1h', '1d'])('at %s, over every symbol of the universe', (timeframe) => {
    const list = acf.get(timeframe) ?? [];
    expect(list.map((x) => x.symbol)).toEqual(symbols);
    const m = mean(list.map((x) => x.ac));
    expect(Math.abs(m), `mean lag-1 autocorrelation at ${timeframe}: ${m}`).toBeLessThan(0.01);
    for (const { symbol, ac, n } of list) {
      expect(Math.abs(ac), `${symbol} at ${timeframe} (${n} returns)`).toBeLessThan(0.01 + 4 / Math.sqrt(n));
    }
  });
});

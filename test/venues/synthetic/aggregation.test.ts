import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/index.js';
import type { Bar } from '../../../src/core/bar.js';
import { dateToTs, tsToDate } from '../../../src/data/schema.js';
import { SyntheticProvider } from '../../../src/venues/synthetic/index.js';
import { bars, isCents } from './support.js';

const provider = new SyntheticProvider();

const ohlcv = (b: Bar): Omit<Bar, 'symbol' | 'ts'> => ({
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
});

/** OHLCV of consecutive bars, computed here independently of the provider. */
function combine(xs: readonly Bar[]): Omit<Bar, 'symbol' | 'ts'> {
  return {
    open: (xs[0] as Bar).open,
    high: Math.max(...xs.map((b) => b.high)),
    low: Math.min(...xs.map((b) => b.low)),
    close: (xs.at(-1) as Bar).close,
    volume: xs.reduce((a, b) => a + b.volume, 0),
  };
}

function groupBy(xs: readonly Bar[], keyOf: (b: Bar) => string | number): Map<string | number, Bar[]> {
  const out = new Map<string | number, Bar[]>();
  for (const b of xs) {
    const k = keyOf(b);
    const list = out.get(k) ?? [];
    list.push(b);
    out.set(k, list);
  }
  return out;
}

describe('synthetic provider: intraday bars aggregate exactly to the daily bar', () => {
  it.each([
    // A year of an equity (with early closes and both regimes) and two months of a crypto pair.
    ['SNFX', 'XNYS', '2024-01-01', '2025-01-01'],
    ['ZPR-USD', '24/7', '2022-05-01', '2022-07-01'],
  ] as const)('%s on %s from %s to %s, for 1m, 5m, 15m and 1h', async (symbol, market, from, to) => {
    const cal = getCalendar(market);
    const daily = new Map((await bars(provider, symbol, '1d', from, to)).map((b) => [tsToDate(b.ts), b]));
    expect(daily.size).toBe(cal.sessionDates(from, tsToDate(dateToTs(to) - 86_400_000)).length);
    for (const tf of ['1m', '5m', '15m', '1h'] as const) {
      const sessions = groupBy(await bars(provider, symbol, tf, from, to), (b) => cal.sessionDate(b.ts) as string);
      expect([...sessions.keys()]).toEqual([...daily.keys()]);
      for (const [date, list] of sessions) {
        expect(combine(list), `${symbol} ${tf} ${date}`).toEqual(ohlcv(daily.get(date as string) as Bar));
      }
    }
  });

  it('builds 5m, 15m and 1h bars from the 1m bars of the same session', async () => {
    const minutes = await bars(provider, 'CRXV', '1m', '2023-03-06', '2023-03-18');
    for (const [tf, size] of [
      ['5m', 300_000],
      ['15m', 900_000],
      ['1h', 3_600_000],
    ] as const) {
      const coarse = await bars(provider, 'CRXV', tf, '2023-03-06', '2023-03-18');
      const buckets = groupBy(minutes, (b) => {
        const open = getCalendar('XNYS').session(getCalendar('XNYS').sessionDate(b.ts) as string).open;
        return open + Math.floor((b.ts - open) / size) * size;
      });
      expect(coarse.map((b) => b.ts)).toEqual([...buckets.keys()]);
      for (const b of coarse) {
        expect(ohlcv(b)).toEqual(combine(buckets.get(b.ts) as Bar[]));
      }
    }
  });

  it('keeps every price a whole number of cents and every volume a whole number', async () => {
    for (const [symbol, tf] of [
      ['SNFX', '1m'],
      ['ZPR-USD', '1m'],
      ['KSTX', '1d'],
    ] as const) {
      const got = await bars(provider, symbol, tf, '2020-03-02', '2020-03-07');
      expect(got.length).toBeGreaterThan(0);
      for (const b of got) {
        expect([b.open, b.high, b.low, b.close].every(isCents)).toBe(true);
        expect(Number.isInteger(b.volume)).toBe(true);
      }
    }
  });
});

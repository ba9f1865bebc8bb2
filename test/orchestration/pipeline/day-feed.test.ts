import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../../src/core/bar.js';
import { dateToTs } from '../../../src/data/schema.js';
import type { Bar } from '../../../src/core/bar.js';
import { DayFeed } from '../../../src/orchestration/pipeline/day-feed.js';

const t = (date: string): number => dateToTs(date);

/** Daily bars of `symbol` on the given dates, close = the bar's index + 100. */
function series(symbol: string, dates: readonly string[]): BarSeries {
  const ts = Float64Array.from(dates, t);
  const close = Float64Array.from(dates, (_d, i) => 100 + i);
  return new BarSeries(symbol, { ts, open: close, high: close, low: close, close, volume: close.map(() => 1000) });
}

async function deliveries(feed: DayFeed): Promise<string[]> {
  const out: string[] = [];
  await feed.run(
    {
      bar: (b: Bar, _at: number, history = false) =>
        out.push(`${new Date(b.ts).toISOString().slice(0, 10)} ${b.symbol} ${history ? 'history' : 'live'}`),
      closeThrough: (ts: number) => out.push(`close ${new Date(ts).toISOString().slice(0, 10)}`),
    },
    new AbortController().signal,
  );
  return out;
}

const DATES = ['2024-05-29', '2024-05-30', '2024-05-31', '2024-06-03', '2024-06-04'];

describe('DayFeed: a pipeline day from the raw zone', () => {
  it('delivers the warm-up sessions before the day as history, then the day live, one timestamp at a time', async () => {
    const feed = new DayFeed({
      series: [series('AAA', DATES), series('BBB', DATES.slice(1))],
      dayTs: t('2024-06-03'),
      warmupBars: 2,
    });
    expect(feed.symbols).toEqual(['AAA', 'BBB']);
    expect(feed.firstTs).toBe(t('2024-05-30'));
    expect(feed.hasDay('AAA') && feed.hasDay('BBB')).toBe(true);
    // Bars after the day (2024-06-04, already in the raw zone) are never delivered.
    expect(await deliveries(feed)).toEqual([
      '2024-05-30 AAA history',
      '2024-05-30 BBB history',
      'close 2024-05-31',
      '2024-05-31 AAA history',
      '2024-05-31 BBB history',
      'close 2024-06-03',
      '2024-06-03 AAA live',
      '2024-06-03 BBB live',
      'close 2024-06-04',
    ]);
  });

  it('delivers the day as history when the session already traded on it (no decision twice)', async () => {
    const feed = new DayFeed({
      series: [series('AAA', DATES)],
      dayTs: t('2024-06-03'),
      warmupBars: 1,
      tradedThrough: t('2024-06-03'),
    });
    expect(await deliveries(feed)).toEqual([
      '2024-05-31 AAA history',
      'close 2024-06-03',
      '2024-06-03 AAA history',
      'close 2024-06-04',
    ]);
  });

  it('tells a symbol without the day apart', () => {
    const feed = new DayFeed({
      series: [series('AAA', DATES.slice(0, 3)), series('BBB', DATES)],
      dayTs: t('2024-06-03'),
      warmupBars: 10,
    });
    expect(feed.hasDay('AAA')).toBe(false);
    expect(feed.hasDay('BBB')).toBe(true);
    expect(feed.firstTs).toBe(t('2024-05-29'));
  });
});

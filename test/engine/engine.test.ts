import { describe, expect, it } from 'vitest';
import { Atr, atr } from '../../src/analytics/indicators/atr.js';
import { batchValues } from '../../src/analytics/indicators/indicator.js';
import { Sma, sma } from '../../src/analytics/indicators/sma.js';
import { SeriesBarSource } from '../../src/backtest/series-bar-source.js';
import { BarSeries } from '../../src/core/bar.js';
import { cryptoPair, equity } from '../../src/core/instrument.js';
import { dateToTs, tsToDate } from '../../src/data/schema.js';
import { LookaheadError } from '../../src/strategies/errors.js';
import { atDates, flat, ohlc, run } from '../backtest/support.js';

const CLOSES = [10, 11, 12, 11, 10, 9, 10, 12, 13, 12];

describe('no lookahead: the history view ends at the current bar', () => {
  it('shows exactly the bars up to the one being handled, and copies, never views of the buffer', () => {
    const s = flat('AAA', CLOSES);
    const seen: number[] = [];
    run(
      {
        onBar(ctx, bar) {
          const h = ctx.history('AAA');
          seen.push(h.length);
          expect(h.close(0)).toBe(bar.close);
          expect(h.ts(0)).toBe(bar.ts);
          const all = h.values('close');
          expect([...all]).toEqual(CLOSES.slice(0, h.length));
          // A copy: its buffer holds the visible bars only, so nothing later is reachable.
          expect(all.buffer.byteLength).toBe(h.length * 8);
          expect([...h.values('close', 2)]).toEqual(CLOSES.slice(Math.max(0, h.length - 2), h.length));
        },
      },
      { series: [s] },
    );
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('throws a LookaheadError naming the symbol and the current bar when asked for a later bar', () => {
    const s = flat('AAA', CLOSES);
    const attempt = (): unknown =>
      run(
        {
          onBar(ctx, bar) {
            if (bar.ts === s.ts[3]) ctx.history('AAA').close(-1); // peek at tomorrow's close
          },
        },
        { series: [s] },
      );
    expect(attempt).toThrow(LookaheadError);
    expect(attempt).toThrow(`history(AAA) ends at the current bar (at ${tsToDate(s.ts[3] as number)}T00:00:00Z)`);
  });

  it('rejects reading older bars than exist with a range error, not a silent NaN', () => {
    const s = flat('AAA', CLOSES);
    expect(() =>
      run(
        {
          onBar(ctx) {
            ctx.history('AAA').close(1);
          },
        },
        { series: [s] },
      ),
    ).toThrow('history(AAA) holds 1 bar(s) now; ago = 1 is not one of 0..0');
  });

  it('during fills the history still ends at the previous bar (the new bar has not closed)', () => {
    const s = ohlc('AAA', [
      [10, 11, 9, 10],
      [12, 13, 11, 12],
      [14, 15, 13, 14],
    ]);
    const atFill: number[] = [];
    run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[0]) ctx.buy('AAA', 1);
        },
        onFill(ctx, fill) {
          atFill.push(ctx.history('AAA').length, fill.price);
        },
      },
      { series: [s] },
    );
    expect(atFill).toEqual([1, 12]);
  });
});

describe('registered indicators', () => {
  it('are updated with each bar before onBar: values equal the batch functions at that index', () => {
    const rows = CLOSES.map((c, i) => [c - 0.3, c + 0.5 + (i % 3) * 0.1, c - 0.6, c] as const);
    const s = ohlc('AAA', rows);
    const wantSma = sma(s.close, 3);
    const wantHigh = batchValues(new Sma(2), s.high)[0] as Float64Array;
    const wantAtr = atr(s, 2);
    const got: [number, number, number][] = [];
    let ind: [Sma, Sma, Atr] | undefined;
    run(
      {
        init(ctx) {
          ind = [
            ctx.indicator('AAA', new Sma(3)),
            ctx.indicator('AAA', new Sma(2), 'high'),
            ctx.indicator('AAA', new Atr(2), 'bar'),
          ];
        },
        onBar() {
          const [a, b, c] = ind as [Sma, Sma, Atr];
          got.push([a.value, b.value, c.value]);
        },
      },
      { series: [s] },
    );
    expect(got.map((g) => g[0])).toEqual([...wantSma]);
    expect(got.map((g) => g[1])).toEqual([...wantHigh]);
    expect(got.map((g) => g[2])).toEqual([...wantAtr]);
    expect(Number.isNaN(got[1]?.[0])).toBe(true); // SMA(3) not ready on the second bar
  });

  it('may only be registered in init', () => {
    expect(() =>
      run(
        {
          onBar(ctx) {
            ctx.indicator('AAA', new Sma(3));
          },
        },
        { series: [flat('AAA', CLOSES)] },
      ),
    ).toThrow('ctx.indicator() may only be called in init()');
  });
});

describe('event order', () => {
  /** Symbols with bars on overlapping, uneven subsets of 12 sessions. */
  function universe(): BarSeries[] {
    const dates = [
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-08',
      '2024-01-09',
      '2024-01-10',
      '2024-01-11',
      '2024-01-12',
      '2024-01-16',
      '2024-01-17',
      '2024-01-18',
    ];
    const names = ['ZZ', 'A', 'aa', 'B.X', 'MSFT', 'BRK-B', 'A1', 'QQQ', 'b', 'Z9', 'C', 'AB'];
    return names.map((name, k) => {
      const picked = dates.filter((_, i) => (i * 7 + k * 3) % 5 !== 0);
      return atDates(
        name,
        picked,
        picked.map((_, i) => 100 + i + k),
      );
    });
  }

  it('delivers bars by timestamp, then symbol name (code-unit order), whatever the input order', () => {
    const u = universe();
    const expected = u
      .flatMap((s) => [...s.ts].map((ts) => [ts, s.symbol] as const))
      .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map(([ts, sym]) => `${tsToDate(ts)} ${sym}`);
    const order = (series: BarSeries[]): string[] => {
      const log: string[] = [];
      run({ onBar: (_ctx, bar) => void log.push(`${tsToDate(bar.ts)} ${bar.symbol}`) }, { series });
      return log;
    };
    expect(order(u)).toEqual(expected);
    expect(order([...u].reverse())).toEqual(expected);
    expect(order([u[5], u[2], u[11], u[0], u[7], u[1], u[3], u[10], u[4], u[9], u[6], u[8]] as BarSeries[])).toEqual(
      expected,
    );
  });

  it('calls onSlice once per timestamp with exactly its symbols, after their onBar calls', () => {
    const u = universe();
    const log: string[] = [];
    run(
      {
        onBar: (_ctx, bar) => void log.push(`bar ${bar.symbol}`),
        onSlice: (_ctx, slice) =>
          void log.push(`slice ${tsToDate(slice.ts)} ${slice.bars.map((b) => b.symbol).join(',')}`),
      },
      { series: u },
    );
    const slices = log.filter((l) => l.startsWith('slice'));
    const stamps = [...new Set(u.flatMap((s) => [...s.ts]))].sort((a, b) => a - b);
    expect(slices).toHaveLength(stamps.length);
    stamps.forEach((ts, i) => {
      const syms = u
        .filter((s) => s.indexAtOrBefore(ts) >= 0 && s.ts[s.indexAtOrBefore(ts)] === ts)
        .map((s) => s.symbol)
        .sort((a, b) => (a < b ? -1 : 1));
      expect(slices[i]).toBe(`slice ${tsToDate(ts)} ${syms.join(',')}`);
    });
    // Each slice line follows the bar lines of its own symbols.
    const firstSlice = log.indexOf(slices[0] as string);
    expect(log.slice(0, firstSlice)).toEqual(
      (slices[0] as string)
        .split(' ')[2]
        ?.split(',')
        .map((s) => `bar ${s}`),
    );
  });

  it('rejects a symbol given twice', () => {
    expect(() => new SeriesBarSource([flat('AAA', [1]), flat('AAA', [2])])).toThrow('symbol AAA is given twice');
  });
});

describe('clock and calendar', () => {
  it('daily bars act at the session close (early closes too) and fills happen at the session open', () => {
    // 2024-07-03 is an early close (13:00 New York = 17:00 UTC in summer); 2024-01-02 a winter day.
    const s = atDates(
      'AAA',
      ['2024-01-02', '2024-01-03', '2024-07-02', '2024-07-03', '2024-07-05'],
      [10, 11, 12, 13, 14],
    );
    const nowAt: string[] = [];
    const fillNow: string[] = [];
    run(
      {
        onBar(ctx, bar) {
          nowAt.push(new Date(ctx.now()).toISOString());
          if (bar.ts === dateToTs('2024-07-02')) ctx.buy('AAA', 1);
        },
        onFill: (ctx) => void fillNow.push(new Date(ctx.now()).toISOString()),
      },
      { series: [s] },
    );
    expect(nowAt).toEqual([
      '2024-01-02T21:00:00.000Z',
      '2024-01-03T21:00:00.000Z',
      '2024-07-02T20:00:00.000Z',
      '2024-07-03T17:00:00.000Z',
      '2024-07-05T20:00:00.000Z',
    ]);
    expect(fillNow).toEqual(['2024-07-03T13:30:00.000Z']);
  });

  it('intraday slices carry session open and close flags from the calendar, and act at bar end', () => {
    // 1h bars from 13:30 to 21:30 UTC on 2024-01-02 (XNYS 14:30-21:00 UTC): 14:30 opens, 20:30 closes.
    const start = Date.parse('2024-01-02T13:30:00Z');
    const bars = Array.from({ length: 9 }, (_, i) => ({
      ts: start + i * 3_600_000,
      open: 10,
      high: 11,
      low: 9,
      close: 10,
      volume: 1000,
    }));
    const log: string[] = [];
    run(
      {
        onSlice(ctx, slice) {
          const hh = new Date(slice.ts).toISOString().slice(11, 16);
          const now = new Date(ctx.now()).toISOString().slice(11, 16);
          log.push(`${hh}->${now}${slice.isSessionOpen ? ' open' : ''}${slice.isSessionClose ? ' close' : ''}`);
        },
      },
      { series: [BarSeries.fromBars('AAA', bars)], timeframe: '1h' },
    );
    expect(log).toEqual([
      '13:30->14:30',
      '14:30->15:30 open',
      '15:30->16:30',
      '16:30->17:30',
      '17:30->18:30',
      '18:30->19:30',
      '19:30->20:30',
      '20:30->21:30 close',
      '21:30->22:30',
    ]);
  });

  it("ctx.calendar is each symbol's instrument calendar, so a strategy can look up later sessions", () => {
    const a = atDates('AAA', ['2024-05-30', '2024-05-31'], [10, 11]);
    const b = atDates('BTC', ['2024-05-30', '2024-05-31'], [10, 11]);
    const seen: string[] = [];
    run(
      {
        onSlice(ctx, slice) {
          // The session after Friday 2024-05-31: Monday 2024-06-03 on XNYS, Saturday 2024-06-01 on 24/7.
          for (const bar of slice.bars) {
            const cal = ctx.calendar(bar.symbol);
            seen.push(`${bar.symbol} ${cal.name} ${cal.nextSession(tsToDate(bar.ts))}`);
          }
        },
      },
      {
        series: [a, b],
        instrument: (s) => (s === 'BTC' ? cryptoPair(s) : equity(s)),
      },
    );
    expect(seen.slice(2)).toEqual(['AAA XNYS 2024-06-03', 'BTC 24/7 2024-06-01']);
    expect(() => run({ init: (ctx) => void ctx.calendar('ZZZ') }, { series: [a] })).toThrow(
      'calendar: ZZZ is not a symbol of this run',
    );
  });
});

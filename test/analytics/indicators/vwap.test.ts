import { describe, expect, it } from 'vitest';
import { columnNames } from '../../../src/analytics/indicators/spec.js';
import { utcSession, Vwap, vwap, vwapDef } from '../../../src/analytics/indicators/vwap.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

const H = 3_600_000;
const day1 = Date.parse('2024-03-04T00:00:00Z');
const day2 = day1 + 24 * H;

describe('VWAP', () => {
  it('weights the typical price by volume within each UTC day and restarts at the next (hand-computed)', () => {
    // Typical prices (h + l + c) / 3: 10, 11, 13 on day 1; 20, 23 on day 2.
    // Day 1: 10 (vol 100); (10*100 + 11*300) / 400 = 4300 / 400 = 10.75; (4300 + 13*100) / 500 = 11.2
    // Day 2 restarts: 20; (20*50 + 23*150) / 200 = 4450 / 200 = 22.25
    const cols = {
      ts: [day1 + 14 * H, day1 + 15 * H, day1 + 16 * H, day2 + 14 * H, day2 + 15 * H],
      high: [11, 12, 14, 21, 24],
      low: [9, 10, 12, 19, 22],
      close: [10, 11, 13, 20, 23],
      volume: [100, 300, 100, 50, 150],
    };
    const out = [...vwap(cols)];
    [10, 10.75, 11.2, 20, 22.25].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12));
    expect(new Vwap().warmup).toBe(1);
    expect(columnNames(vwapDef, [])).toEqual(['vwap']);
  });

  it('takes a session key from the caller, e.g. sessions that open at 22:00 UTC', () => {
    // Bars at 23:00 on day 1 and 01:00 on day 2 are one session that opened at 22:00 UTC on day 1.
    const cols = {
      ts: [day1 + 21 * H, day1 + 23 * H, day2 + 1 * H],
      high: [10, 20, 30],
      low: [10, 20, 30],
      close: [10, 20, 30],
      volume: [1, 1, 1],
    };
    const fxSession = (ts: number): number => Math.floor((ts - 22 * H) / (24 * H));
    expect([...vwap(cols, { sessionOf: fxSession })]).toEqual([10, 20, 25]);
    // The default UTC day splits them instead: day 1 holds 10, 20; day 2 starts over with 30.
    expect([...vwap(cols)]).toEqual([10, 15, 30]);
    expect(utcSession(day1 + 23 * H)).toBe(utcSession(day1));
  });

  it('is the typical price on daily bars (each bar its own UTC-day session)', () => {
    const cols = orclColumns(30);
    const out = vwap(cols);
    for (let i = 0; i < 30; i++)
      expect(out[i]).toBeCloseTo(
        ((cols.high[i] as number) + (cols.low[i] as number) + (cols.close[i] as number)) / 3,
        12,
      );
  });

  it('is NaN until the session trades, and without timestamps runs as one session', () => {
    const cols = { high: [10, 12, 14], low: [10, 12, 14], close: [10, 12, 14], volume: [0, 1, 3] };
    // No ts column: every session key is NaN, so the bars form one session from the start.
    expect([...vwap(cols)]).toEqual([NaN, 12, 13.5]);
  });

  it('on zero-range bars is the price', () => {
    const cols = { ts: [day1, day1 + H], high: [5, 5], low: [5, 5], close: [5, 5], volume: [3, 7] };
    expect([...vwap(cols)]).toEqual([5, 5]);
  });

  it('meets the indicator contract', () => expectIndicatorContract(vwapDef));
});

/**
 * Back-adjustment by hand (docs/corporate-actions.md). AAA over 30 sessions from 2024-01-02, open =
 * high = low = close: bars 0..19 close at 100 + i, a $0.50 dividend goes ex on bar 10 (the close
 * before it is 109), a 2-for-1 split goes ex on bar 20 (close before 119, open 60), bars 20..29
 * close at 40 + i (60..69).
 *   dividend factor 1 - 0.5 / 109 = 108.5 / 109; split factor 1 / 2.
 *   split mode:        bars 0..19 x 0.5, bars 20..29 raw.
 *   total-return mode: bars 0..9 x 0.5 x 108.5/109, bars 10..19 x 0.5, bars 20..29 raw.
 */
import { describe, expect, it } from 'vitest';
import { adjustSeries, factorRows, planAdjustment, positionEvents } from '../../src/universe/corporate-adjust.js';
import { flat } from '../backtest/support.js';
import { action, CLOSES, DAYS, DIVIDEND, SPLIT } from './corporate-actions-fixture.js';

describe('back-adjusting a symbol for a split and a dividend', () => {
  const raw = flat('AAA', CLOSES);
  const adj = planAdjustment(raw, [SPLIT, DIVIDEND]);
  const d = 108.5 / 109;

  it('applies both actions at their ex-date bars with the CRSP factors', () => {
    expect(adj.refused).toEqual([]);
    expect(adj.applied.map((a) => [a.index, a.factor])).toEqual([
      [10, d],
      [20, 0.5],
    ]);
  });

  it('records each mode’s factors and cumulative multipliers', () => {
    expect(factorRows(adj, 'split')).toEqual([{ exDate: DAYS[20], type: 'split', factor: 0.5, cumulative: 0.5 }]);
    const tr = factorRows(adj, 'total-return');
    expect(tr.map((r) => [r.exDate, r.type])).toEqual([
      [DAYS[10], 'dividend'],
      [DAYS[20], 'split'],
    ]);
    expect(tr[0]?.cumulative).toBeCloseTo(0.5 * d, 12);
    expect(tr[1]?.cumulative).toBe(0.5);
    expect(factorRows(adj, 'raw')).toEqual([]);
  });

  it('keeps the latest prices raw and scales the earlier ones', () => {
    const split = adjustSeries(raw, adj, 'split');
    expect(split.close[5]).toBe(52.5);
    expect(split.close[15]).toBe(57.5);
    expect(split.close[25]).toBe(65);
    // volume x 2 before the split, unchanged after
    expect([split.volume[19], split.volume[20]]).toEqual([2_000_000, 1_000_000]);
    const tr = adjustSeries(raw, adj, 'total-return');
    expect(tr.close[5]).toBeCloseTo(105 * 0.5 * d, 10);
    expect(tr.open[9]).toBeCloseTo(109 * 0.5 * d, 10);
    expect(tr.close[15]).toBe(57.5);
    expect(tr.close[29]).toBe(69);
    expect(tr.volume[5]).toBe(2_000_000);
    expect(adjustSeries(raw, adj, 'raw')).toBe(raw);
    expect(raw.close[5]).toBe(105); // the raw series is not touched
  });

  it('books a raw position’s split and dividend, and a split-adjusted share’s dividend at D / 2', () => {
    const ts = (i: number): number => raw.ts[i] as number;
    expect(positionEvents(raw, adj, 'raw')).toEqual([
      { ts: ts(10), symbol: 'AAA', kind: 'dividend', value: 0.5 },
      { ts: ts(20), symbol: 'AAA', kind: 'split', value: 2 },
    ]);
    expect(positionEvents(raw, adj, 'split')).toEqual([{ ts: ts(10), symbol: 'AAA', kind: 'dividend', value: 0.25 }]);
    expect(positionEvents(raw, adj, 'total-return')).toEqual([]);
  });
});

describe('actions that cannot be applied', () => {
  const raw = flat('AAA', CLOSES);

  it('refuses an ex-date without a bar, naming the next bar, and applies the rest', () => {
    // 2024-01-15 is Martin Luther King Jr. Day: XNYS is closed
    const holiday = action({ type: 'dividend', exDate: '2024-01-15', cashAmount: 0.1 });
    const adj = planAdjustment(raw, [holiday, SPLIT]);
    expect(adj.refused.map((r) => r.reason)).toEqual([
      "no bar on the ex-date 2024-01-15 (the next bar is 2024-01-16); check the ex-date or the data's gaps",
    ]);
    expect(adj.applied.map((a) => a.action.exDate)).toEqual([DAYS[20]]);
  });

  it('refuses a split the prices do not show (already adjusted data) and an out-of-range ratio', () => {
    // a 1-for-10 reverse split on bar 20: the adjusted series would jump 60 x 0.1 / 119 overnight
    const reverse = action({ type: 'split', exDate: DAYS[20] as string, ratio: 0.1 });
    const huge = action({ type: 'split', exDate: DAYS[5] as string, ratio: 5000 });
    const adj = planAdjustment(raw, [reverse, huge]);
    expect(adj.applied).toEqual([]);
    expect(adj.refused[0]?.reason).toContain('ratio 5000 is outside 1/1000..1000');
    expect(adj.refused[1]?.reason).toContain('ratio 0.1 would make prices absurd');
    expect(adj.refused[1]?.reason).toContain('x0.050'); // 60 x 0.1 / 119 = 0.0504
  });

  it('refuses a dividend not below the close before, and a duplicate', () => {
    const big = action({ type: 'dividend', exDate: DAYS[3] as string, cashAmount: 102 });
    const adj = planAdjustment(raw, [big, DIVIDEND, { ...DIVIDEND, source: 'other' }]);
    expect(adj.refused.map((r) => r.reason)).toEqual([
      'dividend 102 is not below the close before the ex-date (102): the factor would be <= 0',
      `duplicate: a second dividend for AAA on ${DAYS[10]}`,
    ]);
    expect(adj.applied).toHaveLength(1);
  });

  it('skips actions outside the bars and symbol changes, with why', () => {
    const later = action({ type: 'split', exDate: '2025-06-02', ratio: 2 });
    const rename = action({ type: 'symbol_change', exDate: DAYS[12] as string, newSymbol: 'AAB' });
    const adj = planAdjustment(raw, [later, rename]);
    expect(adj.applied).toEqual([]);
    expect(adj.refused).toEqual([]);
    expect(adj.skipped.map((s) => s.reason)).toEqual([
      'a symbol change moves no price (the session halts the symbol on its ex-date)',
      `split 2 on 2025-06-02 moves no bar of the data (bars end ${DAYS[29]})`,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/index.js';
import type { CandidateBar } from '../../src/data/candidates.js';
import { parseNumberCell } from '../../src/data/candidates.js';
import { checkQuality, hasFailures } from '../../src/data/quality.js';
import { dateToTs } from '../../src/data/schema.js';

const xnys = getCalendar('XNYS');
let row = 1;
function bar(date: string, o: number, h: number, l: number, c: number, v = 100): CandidateBar {
  return {
    row: ++row,
    ts: dateToTs(date),
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v,
    problems: [],
    line: `${date},${o},${h},${l},${c},${v}`,
  };
}

describe('quality gates', () => {
  it('keeps clean rows and reports full coverage', () => {
    const q = checkQuality(
      'X',
      '1d',
      [bar('2024-07-01', 10, 11, 9, 10.5), bar('2024-07-02', 10.5, 11, 10, 10.8)],
      xnys,
    );
    expect(q.good).toHaveLength(2);
    expect(q.rejected).toEqual([]);
    expect(q.gaps).toEqual([]);
    expect(q.coverage).toBe(1);
    expect(hasFailures(q)).toBe(false);
  });

  it('rejects each defect at its gate, with the row number, and keeps the rest', () => {
    row = 1;
    const rows: CandidateBar[] = [
      bar('2024-07-01', 10, 11, 9, 10.5), // row 2 ok
      { ...bar('2024-07-02', 10, 11, 9, 10), problems: [['schema', 'close "abc" is not a number']] }, // 3
      bar('2024-07-03', 10, 9.5, 9, 10), // 4 high below open
      bar('2024-07-05', 0, 11, 9, 10), // 5 price 0
      bar('2024-07-08', 10, 11, 9, 10, -5), // 6 negative volume
      bar('2024-07-09', 10, 11, 9, 10.2), // 7 ok
      bar('2024-07-09', 10, 11, 9, 10.2), // 8 duplicate of 7
      bar('2024-07-05', 10, 11, 9, 10), // 9 out of order
      bar('2024-07-10', 10, 11, 9, 10.1), // 10 ok
      bar('2024-07-13', 10, 11, 9, 10), // 11 Saturday
    ];
    const q = checkQuality('X', '1d', rows, xnys);
    expect(q.good.map((b) => b.ts)).toEqual([dateToTs('2024-07-01'), dateToTs('2024-07-09'), dateToTs('2024-07-10')]);
    expect(q.rejected.map((r) => [r.row, r.gate])).toEqual([
      [3, 'schema'],
      [4, 'ohlc'],
      [5, 'price'],
      [6, 'volume'],
      [8, 'duplicate'],
      [9, 'order'],
      [11, 'calendar'],
    ]);
    expect(q.rejected.find((r) => r.gate === 'duplicate')?.reason).toContain('first at row 7');
    expect(q.rejected.find((r) => r.gate === 'calendar')?.reason).toBe('2024-07-13 is not a XNYS session (weekend)');
    // The dropped sessions are gaps now: 07-02, 07-03, 07-05, 07-08.
    expect(q.gaps).toEqual(['2024-07-02', '2024-07-03', '2024-07-05', '2024-07-08']);
    expect(q.coverage).toBeCloseTo(3 / 7, 12);
    expect(hasFailures(q)).toBe(true);
  });

  it('lists missing sessions against the calendar, not weekends or holidays', () => {
    const q = checkQuality('X', '1d', [bar('2024-07-03', 10, 11, 9, 10), bar('2024-07-08', 10, 11, 9, 10)], xnys);
    expect(q.gaps).toEqual(['2024-07-05']);
  });

  it('flags a large jump as an outlier and keeps the row', () => {
    const rows: CandidateBar[] = [];
    const sessions = xnys.sessionDates('2024-01-02', '2024-06-28');
    let p = 100;
    sessions.forEach((d, i) => {
      p = i === 100 ? p * 1.5 : p * (1 + (i % 2 === 0 ? 0.01 : -0.0099));
      rows.push(bar(d, p, p * 1.01, p * 0.99, p));
    });
    const q = checkQuality('X', '1d', rows, xnys);
    expect(q.good).toHaveLength(sessions.length);
    expect(q.outliers.map((o) => o.ts)).toEqual([dateToTs(sessions[100] as string)]);
    expect(q.outliers[0]?.reason).toMatch(/^close-to-close move of 50\.0%/);
    expect(hasFailures(q)).toBe(false);
  });

  it('counts intraday bars toward their session day for gaps', () => {
    const t = (iso: string): CandidateBar => ({ ...bar('2024-07-01', 10, 11, 9, 10), ts: Date.parse(iso) });
    const q = checkQuality(
      'X',
      '1m',
      [t('2024-07-01T13:30:00Z'), t('2024-07-01T13:31:00Z'), t('2024-07-03T14:00:00Z')],
      xnys,
    );
    expect(q.gaps).toEqual(['2024-07-02']);
  });
});

describe('numeric cells', () => {
  it('tell empty, NaN and non-numeric cells apart', () => {
    expect(parseNumberCell('12.5', 'close')).toEqual([12.5, undefined]);
    expect(parseNumberCell('', 'close')[1]).toEqual(['empty', 'empty close']);
    expect(parseNumberCell('NaN', 'close')[1]).toEqual(['nan', 'close is NaN']);
    expect(parseNumberCell('null', 'volume')[1]?.[0]).toBe('nan');
    expect(parseNumberCell('1,5', 'close')[1]?.[0]).toBe('schema');
  });
});

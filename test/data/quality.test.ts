import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/index.js';
import type { CandidateBar } from '../../src/data/candidates.js';
import { parseNumberCell } from '../../src/data/candidates.js';
import { checkQuality, hasFailures, QualityChecker } from '../../src/data/quality.js';
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

describe('quality gates over a stream', () => {
  it('checks a newest-first source in its own order and keeps the good bars oldest first', () => {
    row = 1;
    const rejected: [number, string][] = [];
    const checker = new QualityChecker('X', '1d', xnys, {
      descending: true,
      onReject: (r) => rejected.push([r.row, r.gate]),
      keepRejections: 1,
    });
    for (const c of [
      bar('2024-07-10', 10, 11, 9, 10.4), // 2
      bar('2024-07-09', 10, 11, 9, 10.3), // 3
      bar('2024-07-10', 10, 11, 9, 10.2), // 4 duplicate of row 2
      bar('2024-07-11', 10, 11, 9, 10.2), // 5 after the previous row in a newest-first source
      bar('2024-07-08', 10, 11, 9, 10.1), // 6
    ])
      checker.push(c);
    const q = checker.finish();
    expect(Array.from(q.series.ts)).toEqual(['2024-07-08', '2024-07-09', '2024-07-10'].map(dateToTs));
    expect(Array.from(q.rows)).toEqual([6, 3, 2]);
    expect(rejected).toEqual([
      [4, 'duplicate'],
      [5, 'order'],
    ]);
    // Every rejection reached onReject; the report keeps the first one and counts them all.
    expect(q.rejected.map((r) => r.row)).toEqual([4]);
    expect([q.rejectedCount, q.rejectedByGate]).toEqual([2, { duplicate: 1, order: 1 }]);
  });

  it('rejects values beyond the limits, absurd jumps and (when asked) future bars', () => {
    row = 1;
    const q = checkQuality(
      'X',
      '1d',
      [
        bar('2024-07-08', 10, 11, 9, 10), // 2
        bar('2024-07-09', 10, 101, 9, 10), // 3 high above max_price 100
        bar('2024-07-10', 10, 11, 9, 10, 2e6), // 4 volume above 1e6
        bar('2024-07-11', 0.05, 0.05, 0.04, 0.04), // 5 close 1/250 of 10: jump (max 100)
        bar('2024-07-12', 9, 10, 8, 9.5), // 6
        bar('2024-07-15', 9, 10, 8, 9.5), // 7 after notAfter
      ],
      xnys,
      { limits: { maxPrice: 100, maxVolume: 1e6, maxJump: 100 }, notAfter: dateToTs('2024-07-14') },
    );
    expect(q.rejected.map((r) => [r.row, r.gate, r.column])).toEqual([
      [3, 'range', 'high'],
      [4, 'range', 'volume'],
      [5, 'jump', 'close'],
      [7, 'future', 'date'],
    ]);
    expect(q.rejected[2]?.reason).toBe(
      'close 0.04 is 1/250 of the previous close 10 (row 2); data.quality.max_jump is 100',
    );
    expect(q.rejected[3]?.reason).toBe('2024-07-15 is in the future (after 2024-07-14)');
  });

  it('an empty source fails with coverage 0', () => {
    const q = checkQuality('X', '1d', [], xnys);
    expect([q.series.length, q.coverage, hasFailures(q)]).toEqual([0, 0, true]);
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

  it('read thousands grouped in threes beside the decimal mark, and nothing else', () => {
    expect(parseNumberCell('1,234,567.5', 'volume')).toEqual([1234567.5, undefined]);
    expect(parseNumberCell('1.234.567,5', 'volume', ',')).toEqual([1234567.5, undefined]);
    expect(parseNumberCell('10,5', 'close', ',')).toEqual([10.5, undefined]);
    expect(parseNumberCell('1e3', 'close')).toEqual([1000, undefined]);
    for (const [text, decimal] of [
      ['12,34.5', '.'],
      ['10.5', ','],
      ['0x1A', '.'],
      ['1e309', '.'],
      ['Infinity', '.'],
    ] as const) {
      expect(parseNumberCell(text, 'close', decimal)[0], text).toBeNaN();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { splitCsv } from '../../src/data/csv-split.js';
import { parseMapFlag, parseUserCsv } from '../../src/data/user-csv.js';

describe('user CSV parsing', () => {
  it('maps Yahoo-style columns and optionally uses the adjusted close', () => {
    const text = 'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,12,9,11,5.5,100\n';
    const raw = parseUserCsv(text, { file: 'a.csv' });
    expect(raw.timeframe).toBe('1d');
    expect(raw.candidates[0]).toMatchObject({
      row: 2,
      ts: Date.UTC(2024, 0, 2),
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 100,
    });
    const adj = parseUserCsv(text, { file: 'a.csv', adjusted: true });
    // factor 5.5 / 11 = 0.5
    expect(adj.candidates[0]).toMatchObject({ open: 5, high: 6, low: 4.5, close: 5.5, volume: 100 });
  });

  it('reads separate date and time columns in the given zone and infers the bar size', () => {
    const text =
      'date,time,open,high,low,close,volume\n2024-07-01,09:30,1,2,0.5,1.5,10\n2024-07-01,09:35,1,2,0.5,1.5,10\n2024-07-01,09:40,1,2,0.5,1.5,10\n';
    const u = parseUserCsv(text, { file: 'b.csv', tz: 'America/New_York' });
    expect(u.timeframe).toBe('5m');
    expect(u.candidates.map((c) => new Date(c.ts).toISOString())).toEqual([
      '2024-07-01T13:30:00.000Z',
      '2024-07-01T13:35:00.000Z',
      '2024-07-01T13:40:00.000Z',
    ]);
  });

  it('reads a header that lacks the Time column of its rows (backtrader minute files)', () => {
    const text =
      'Date,Open,High,Low,Close,Volume,OpenInterest\n2006-01-02,09:01:00,3602.00,3603.00,3597.00,3599.00,5699,0\n2006-01-02,09:02:00,3600.00,3601.00,3598.00,3599.00,894,0\n';
    const u = parseUserCsv(text, { file: 'm.txt', tz: 'Europe/Berlin' });
    expect(u.timeframe).toBe('1m');
    expect(u.mapping.time).toBe('Time');
    expect(u.candidates[0]).toMatchObject({
      ts: Date.parse('2006-01-02T08:01:00Z'),
      open: 3602,
      close: 3599,
      volume: 5699,
    });
  });

  it('reverses newest-first files and reads compact dates and epoch seconds', () => {
    const u = parseUserCsv('date,o,h,l,c,v\n20240103,1,2,0.5,1,1\n20240102,1,2,0.5,1,1\n20240101,1,2,0.5,1,1\n', {
      file: 'c.csv',
    });
    expect(u.candidates.map((c) => c.row)).toEqual([4, 3, 2]);
    expect(u.notes).toContain('rows were newest first; read in reverse order');
    const e = parseUserCsv('timestamp,open,high,low,close,volume\n1704205800,1,2,0.5,1,1\n1704205860,1,2,0.5,1,1\n', {
      file: 'e.csv',
    });
    expect(e.timeframe).toBe('1m');
    expect(e.candidates[0]?.ts).toBe(1704205800000);
  });

  it('records parse problems per row instead of failing the file', () => {
    const u = parseUserCsv(
      'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,abc,1\n2024-01-03,1,2,0.5,,1\n2024-13-01,1,2,0.5,1,1\n2024-01-05,1,2\n',
      { file: 'd.csv' },
    );
    expect(u.candidates.map((c) => c.problems[0]?.[0])).toEqual(['schema', 'empty', 'schema', 'schema']);
    expect(u.candidates[3]?.problems[0]?.[1]).toBe('expected 6 cells, found 3');
  });

  it('explains missing columns and bad --map entries', () => {
    expect(() => parseUserCsv('Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1\n', { file: 'f.csv' })).toThrow(
      /f\.csv has no column for volume/,
    );
    expect(() =>
      parseUserCsv('D,O,H,L,C,V\n2024-01-02,1,2,0.5,1,1\n', { file: 'g.csv', map: { date: 'Day' } }),
    ).toThrow(/no column "Day"/);
    expect(parseMapFlag('date=D,volume=Vol')).toEqual({ date: 'D', volume: 'Vol' });
    expect(() => parseMapFlag('price=Close')).toThrow(/known field/);
    expect(() =>
      parseUserCsv('Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1,1\n', { file: 'h.csv', tz: 'Mars/Olympus' }),
    ).toThrow(/not a known time zone/);
  });
});

describe('CSV splitting', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF and a BOM', () => {
    const recs = splitCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n\n3,4');
    expect(recs.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
      ['3', '4'],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 6]);
    expect(recs[1]?.raw).toBe('"x, y","say ""hi"""');
  });
});

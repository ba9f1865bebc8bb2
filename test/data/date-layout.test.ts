import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DateFormatCounter, parseDateCell } from '../../src/data/date-layout.js';
import { parseUserCsv, readUserCsvFile } from '../../src/data/user-csv.js';
import { tempDir } from '../support/cli.js';

const utc = (s: string): number => Date.parse(s);

describe('date layouts', () => {
  it.each([
    ['YYYY-MM-DD', '2024-07-15', undefined, Date.UTC(2024, 6, 15), true],
    ['YYYY-MM-DD', '2024-07-15T14:30:00Z', undefined, utc('2024-07-15T14:30:00Z'), false],
    ['YYYY-MM-DD', '2024-07-15 14:30:00.250+02:00', undefined, utc('2024-07-15T12:30:00.250Z'), false],
    ['YYYYMMDD', '20240715', '09:30', utc('2024-07-15T13:30:00Z'), false], // New York, summer time
    ['MM/DD/YYYY', '7/15/2024', undefined, Date.UTC(2024, 6, 15), true],
    ['MM/DD/YYYY', '07/15/2024 2:30:00 PM', undefined, utc('2024-07-15T18:30:00Z'), false],
    ['MM/DD/YYYY', '07/15/2024 12:05 AM', undefined, utc('2024-07-15T04:05:00Z'), false],
    ['DD/MM/YYYY', '15/07/2024', undefined, Date.UTC(2024, 6, 15), true],
    ['DD.MM.YYYY', '15.07.2024', undefined, Date.UTC(2024, 6, 15), true],
    ['DD-MM-YYYY', '15-07-2024', undefined, Date.UTC(2024, 6, 15), true],
    ['epoch-s', '1721053800', undefined, utc('2024-07-15T14:30:00Z'), false],
    ['epoch-ms', '1721053800000', undefined, utc('2024-07-15T14:30:00Z'), false],
  ] as const)('%s reads %s', (format, date, time, ts, dateOnly) => {
    expect(parseDateCell(format, date, time, 'America/New_York')).toEqual({ ts, dateOnly });
  });

  it.each([
    ['YYYY-MM-DD', '2024-02-30'],
    ['YYYY-MM-DD', '2024-07-15T24:00'],
    ['MM/DD/YYYY', '15/07/2024'],
    ['MM/DD/YYYY', '07/15/2024 13:00 PM'],
    ['DD/MM/YYYY', '31/04/2024'],
    ['YYYYMMDD', '2024071'],
    ['epoch-s', '17210538OO'],
  ] as const)('%s refuses %s', (format, date) => {
    expect(parseDateCell(format, date, undefined, 'UTC')).toBeUndefined();
  });

  it('finds the layout reading the most cells, and calls a day-month tie ambiguous', () => {
    const found = (cells: string[]): ReturnType<DateFormatCounter['result']> => {
      const c = new DateFormatCounter(false);
      for (const x of cells) c.add(x);
      return c.result();
    };
    expect(found(['07/12/2024', '07/13/2024'])).toEqual({ kind: 'found', format: 'MM/DD/YYYY' });
    expect(found(['12/07/2024', '13/07/2024'])).toEqual({ kind: 'found', format: 'DD/MM/YYYY' });
    expect(found(['2024-07-12', 'x', '07/13/2024'])).toEqual({ kind: 'found', format: 'YYYY-MM-DD' });
    expect(found(['07/08/2024', '07/09/2024'])).toEqual({
      kind: 'ambiguous',
      formats: ['MM/DD/YYYY', 'DD/MM/YYYY'],
      example: '07/08/2024',
    });
    expect(found(['Jul 8', ''])).toEqual({ kind: 'none' });
  });
});

describe('reading layouts from a file', () => {
  it('reads on past its first rows to the first day above 12 when those are ambiguous', () => {
    // 2100 minute bars from 01/02/2024 00:00 (all on days 2 and 3), then one on 01/13/2024.
    const lines = ['Date,Time,Open,High,Low,Close,Volume'];
    for (let k = 0; k < 2100; k++) {
      const t = new Date(Date.UTC(2024, 0, 2) + k * 60_000);
      lines.push(`01/0${t.getUTCDate()}/2024,${t.toISOString().slice(11, 16)},1,2,0.5,1.5,10`);
    }
    lines.push('01/13/2024,00:00,1,2,0.5,1.5,10');
    const file = join(tempDir(), 'us-minutes.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const u = readUserCsvFile(file, { file, tz: 'UTC' });
    expect(u.timeframe).toBe('1m');
    expect(u.notes).toContain('dates read as MM/DD/YYYY (01/02/2024 is 2024-01-02)');
    expect(u.candidates.at(-1)?.ts).toBe(Date.UTC(2024, 0, 13));
    expect(u.candidates.every((c) => c.problems.length === 0)).toBe(true);
  });

  it('reads newest-first minute bars (their bar size from the spacing, whatever its sign)', () => {
    const u = parseUserCsv(
      'timestamp,open,high,low,close,volume\n2024-07-15T14:32:00Z,1,2,0.5,1,1\n2024-07-15T14:31:00Z,1,2,0.5,1,1\n2024-07-15T14:30:00Z,1,2,0.5,1,1\n',
      { file: 'n.csv' },
    );
    expect(u.timeframe).toBe('1m');
    expect(u.notes).toContain('rows were newest first; read in reverse order');
    expect(u.candidates.map((c) => c.row)).toEqual([4, 3, 2]);
  });

  it('reads daily bars stamped at midnight as daily bars', () => {
    const u = parseUserCsv(
      'Date,Open,High,Low,Close,Volume\n2024-07-11 00:00:00,1,2,0.5,1,1\n2024-07-12 00:00:00,1,2,0.5,1,1\n2024-07-15 00:00:00,1,2,0.5,1,1\n',
      { file: 'm.csv', tz: 'America/New_York' },
    );
    expect(u.timeframe).toBe('1d');
    expect(u.candidates.map((c) => c.ts)).toEqual([
      Date.UTC(2024, 6, 11),
      Date.UTC(2024, 6, 12),
      Date.UTC(2024, 6, 15),
    ]);
  });

  it('reads Latin-1 text and Mac line ends (CR only)', () => {
    const file = join(tempDir(), 'mac.csv');
    writeFileSync(
      file,
      Buffer.from(
        'Date,Open,High,Low,Close,Volume,Börse\r2024-07-15,1,2,0.5,1,1,Xetra\r2024-07-16,1,2,0.5,1,1,Xetra',
        'latin1',
      ),
    );
    const u = readUserCsvFile(file, { file });
    expect(u.candidates.map((c) => [c.row, c.ts, c.problems.length])).toEqual([
      [2, Date.UTC(2024, 6, 15), 0],
      [3, Date.UTC(2024, 6, 16), 0],
    ]);
    expect(u.notes).toContain('read as Latin-1 text (it is not valid UTF-8)');
  });
});

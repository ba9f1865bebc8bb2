import { describe, expect, it } from 'vitest';
import { TimeCellParser } from '../../src/data/csv-scan.js';

/** The reference: what Date makes of the date, NaN unless it reads back as the same year, month and day. */
function dateRef(y: number, m: number, d: number): number {
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : NaN;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

describe('TimeCellParser on daily cells', () => {
  const parser = new TimeCellParser('1d');
  const buf = Buffer.alloc(12);
  const parse = (y: number, m: number, d: number): number => {
    buf.write(`,${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)},`, 0, 'latin1');
    return parser.parse(buf, 1, 11);
  };

  it('gives Date.UTC for every day of 1800-2200', () => {
    let mismatches = 0;
    for (let ms = Date.UTC(1800, 0, 1); ms <= Date.UTC(2200, 11, 31); ms += 86_400_000) {
      const t = new Date(ms);
      if (parse(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()) !== ms) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('agrees with Date on month ends, leap days and impossible dates of years 0-9999', () => {
    const years = [0, 1, 99, 100, 400, 1600, 1700, 1900, 2000, 2100, 2400, 9999];
    for (let y = 3; y < 10_000; y += 97) years.push(y);
    const bad: string[] = [];
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (const d of [0, 1, 28, 29, 30, 31, 32]) {
          const want = dateRef(y, m, d);
          const got = parse(y, m, d);
          if (!Object.is(got, want)) bad.push(`${y}-${m}-${d}: ${got} vs ${want}`);
        }
      }
    }
    expect(bad).toEqual([]);
    // Years below 100 are never real dates here (Date.UTC reads them as 19xx).
    expect(parse(95, 1, 3)).toBeNaN();
    expect(parse(2024, 2, 29)).toBe(Date.UTC(2024, 1, 29));
    expect(parse(2023, 2, 29)).toBeNaN();
  });

  it('refuses cells that are not YYYY-MM-DD', () => {
    for (const cell of ['2024/01/02', '2024-1-02 ', '20x4-01-02', '2024-01-0a']) {
      const b = Buffer.from(cell, 'latin1');
      expect(parser.parse(b, 0, b.length)).toBeNaN();
    }
  });
});

describe('TimeCellParser on intraday cells', () => {
  it('adds the time of day to the date, as Date.parse reads the instant', () => {
    const parser = new TimeCellParser('1m');
    for (const cell of [
      '1999-12-31T23:59:59Z',
      '2000-02-29T00:00:00Z',
      '2024-03-10T14:30:05Z',
      '2100-03-01T09:01:00Z',
    ]) {
      const b = Buffer.from(cell, 'latin1');
      expect(parser.parse(b, 0, b.length)).toBe(Date.parse(cell));
    }
    const b = Buffer.from('2023-02-29T10:00:00Z', 'latin1');
    expect(parser.parse(b, 0, b.length)).toBeNaN();
  });
});

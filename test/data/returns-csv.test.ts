import { describe, expect, it } from 'vitest';
import { parseDateCell, parseReturnsCsv, parseTrialsCsv } from '../../src/data/returns-csv.js';
import { isMomenticError } from '../../src/core/errors.js';

const where = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isMomenticError(e)) return `${e.context.file}:${e.context.row} ${e.context.column ?? ''}`.trim();
  }
  return 'no error';
};

describe('returns files', () => {
  it('reads date,return rows with or without a header, and picks the return column by name', () => {
    const a = parseReturnsCsv('2024-01-02,0.01\n2024-01-03,-0.02\n', 'a.csv');
    expect(Array.from(a.returns)).toEqual([0.01, -0.02]);
    expect(a.ts[0]).toBe(Date.parse('2024-01-02T00:00:00Z'));
    const b = parseReturnsCsv('date,close,return\n2024-01-02,10,1e-3\n', 'b.csv');
    expect(b.column).toBe('return');
    expect(Array.from(b.returns)).toEqual([0.001]);
  });

  it('accepts ISO instants with a zone', () => {
    expect(parseDateCell('2024-01-02T14:30:00Z')).toBe(Date.parse('2024-01-02T14:30:00Z'));
    expect(parseDateCell('2024-01-02T09:30:00-05:00')).toBe(Date.parse('2024-01-02T14:30:00Z'));
    expect(parseDateCell('2024-02-30')).toBeUndefined();
    expect(parseDateCell('2024-01-02T14:30:00')).toBeUndefined();
  });

  it('rejects bad rows naming the line and column', () => {
    expect(where(() => parseReturnsCsv('date,return\n2024-01-02,0.01\n2024-01-03,abc\n', 'r.csv'))).toBe(
      'r.csv:3 return',
    );
    expect(where(() => parseReturnsCsv('date,return\n2024-13-02,0.01\n', 'r.csv'))).toBe('r.csv:2 date');
    expect(where(() => parseReturnsCsv('2024-01-02,-1.5\n', 'r.csv'))).toBe('r.csv:1 return');
    expect(where(() => parseReturnsCsv('date,return\n', 'r.csv'))).toBe('r.csv:undefined');
  });
});

describe('trials files', () => {
  it('takes the header as trial names and skips a date column', () => {
    const m = parseTrialsCsv('date,fast_5,fast_10\n2024-01-02,0.01,0.02\n2024-01-03,0.03,-0.01\n', 't.csv');
    expect(m.names).toEqual(['fast_5', 'fast_10']);
    expect(m.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect(Array.from(m.columns[1]!)).toEqual([0.02, -0.01]);
  });

  it('names the trials itself when there is no header or date column', () => {
    const m = parseTrialsCsv('0.01,0.02,0.03\n0.04,0.05,0.06\n', 't.csv');
    expect(m.names).toEqual(['trial_1', 'trial_2', 'trial_3']);
    expect(m.dates).toBeUndefined();
    expect(Array.from(m.columns[2]!)).toEqual([0.03, 0.06]);
  });

  it('needs two trials and rejects a blank cell', () => {
    expect(where(() => parseTrialsCsv('A\n0.01\n', 't.csv'))).toBe('t.csv:undefined');
    expect(where(() => parseTrialsCsv('A,B\n0.01,\n', 't.csv'))).toBe('t.csv:2 B');
  });
});

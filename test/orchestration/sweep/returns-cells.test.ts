/**
 * returns.csv laid out from each trial's cells (formatted where the trial ran) holds the bytes of
 * the file written row by row from the returns: checked against that plain construction, on
 * values of every shape a double prints in (zero, negative zero, exponents, the longest form).
 */
import { describe, expect, it } from 'vitest';
import { formatReturnCells, returnsCsvFromCells } from '../../../src/orchestration/sweep/returns-cells.js';

const DAY = 86_400_000;

/** The file row by row: each bar's date, then each trial's String(return). */
function plain(columns: readonly Float64Array[], ts: Float64Array | undefined): string {
  const bars = columns[0]?.length ?? ts?.length ?? 0;
  let out = '';
  for (let t = 0; t < bars; t++) {
    const first = ts === undefined ? String(t) : new Date(ts[t]!).toISOString().slice(0, 10);
    out += [first, ...columns.map((c) => String(c[t]))].join(',') + '\n';
  }
  return out;
}

describe('returns.csv from cells', () => {
  const columns = [
    Float64Array.from([0, -0, 0.1 + 0.2, -1.2345678901234567e-100, 1e21]),
    Float64Array.from([1e-7, -0.5, 123456.789, Number.MIN_VALUE, -Number.MAX_VALUE]),
    Float64Array.from([NaN, 2 ** -30, -1 / 3, 5e-324, 42]),
  ];
  const ts = Float64Array.from([0, 1, 2, 5, 6], (d) => Date.UTC(2020, 0, 1) + d * DAY);

  it('holds the bytes of the file written row by row, with dates', () => {
    const got = returnsCsvFromCells({ bars: 5, ts, timeframe: '1d', columns: columns.map(formatReturnCells) });
    expect(got.toString('latin1')).toBe(plain(columns, ts));
    // The longest shortest form of a double fits the cell's one-byte length.
    expect(formatReturnCells(columns[0]!).lengths[3]).toBe(24);
  });

  it('numbers the bars without timestamps, and is empty without bars', () => {
    const got = returnsCsvFromCells({
      bars: 5,
      ts: undefined,
      timeframe: '1d',
      columns: columns.map(formatReturnCells),
    });
    expect(got.toString('latin1')).toBe(plain(columns, undefined));
    expect(returnsCsvFromCells({ bars: 0, ts: undefined, timeframe: '1d', columns: [] }).length).toBe(0);
  });

  it('lays out many rows and columns as the plain file (rows are laid out in bands)', () => {
    let seed = 1;
    const next = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 0.1;
    const many = Array.from({ length: 7 }, (_, j) =>
      Float64Array.from({ length: 101 }, (_, t) => ((t + j) % 5 === 0 ? 0 : next())),
    );
    const days = Float64Array.from({ length: 101 }, (_, t) => Date.UTC(2015, 2, 2) + t * DAY);
    const got = returnsCsvFromCells({ bars: 101, ts: days, timeframe: '1d', columns: many.map(formatReturnCells) });
    expect(got.toString('latin1')).toBe(plain(many, days));
  });

  it('refuses a column of another length', () => {
    expect(() =>
      returnsCsvFromCells({ bars: 4, ts: undefined, timeframe: '1d', columns: [formatReturnCells(columns[0]!)] }),
    ).toThrow('a column of 5 cells, expected 4');
  });
});

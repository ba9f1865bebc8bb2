import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMomenticError } from '../../src/core/errors.js';
import { readSessionBars } from '../../src/orchestration/session-bars.js';
import { tempDir } from '../support/cli.js';

const HEADER = 'symbol,timestamp,open,high,low,close,volume,arrived_at,delivery';

function file(rows: readonly string[]): string {
  const f = join(tempDir('momentic-session-bars-'), 'bars.csv');
  writeFileSync(f, `${[HEADER, ...rows].join('\n')}\n`);
  return f;
}

function failure(f: string): { code: string; message: string; row: unknown; hint: string } {
  try {
    readSessionBars(f);
  } catch (e) {
    if (!isMomenticError(e)) throw e;
    return { code: e.code, message: e.message, row: e.context.row, hint: e.hint };
  }
  throw new Error('expected an error');
}

describe('readSessionBars', () => {
  it("reads history and live rows into each symbol's series, sorted by time, identical repeats dropped", () => {
    const bars = readSessionBars(
      file([
        'BBB,2026-12-07T14:31:00Z,10,11,9,10.5,100,2026-12-07T14:32:00.100Z,history',
        'AAA,2026-12-07T14:32:00Z,2,2.5,1.5,2.25,7,2026-12-07T14:33:00.010Z,live',
        // A backfilled bar arrives after a later live one; a bar delivered twice counts once.
        'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:33:00.020Z,history',
        'AAA,2026-12-07T14:32:00Z,2,2.5,1.5,2.25,7,2026-12-07T14:33:00.030Z,live',
      ]),
    );
    expect(bars.live).toBe(2);
    expect(bars.history).toBe(2);
    // Only the history before the first live bar is warm-up (the backfilled AAA bar is not).
    expect(bars.warmupThrough).toBe(Date.parse('2026-12-07T14:31:00Z'));
    expect(bars.series.map((s) => s.symbol)).toEqual(['AAA', 'BBB']);
    const [a, b] = bars.series;
    expect(Array.from(a!.ts)).toEqual([Date.UTC(2026, 11, 7, 14, 31), Date.UTC(2026, 11, 7, 14, 32)]);
    expect(Array.from(a!.close)).toEqual([1.25, 2.25]);
    expect(Array.from(a!.volume)).toEqual([5, 7]);
    expect(b!.at(0)).toEqual({
      symbol: 'BBB',
      ts: Date.UTC(2026, 11, 7, 14, 31),
      open: 10,
      high: 11,
      low: 9,
      close: 10.5,
      volume: 100,
    });
  });

  it('reads daily dates as midnight UTC', () => {
    const { series } = readSessionBars(file(['ORCL,2026-12-04,1,2,0.5,1.5,10,2026-12-05T00:00:01.000Z,history']));
    expect(series[0]!.ts[0]).toBe(Date.UTC(2026, 11, 4));
  });

  it('names the file line of a damaged row and the layout to fix it to', () => {
    const ok = 'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:33:00.020Z,live';
    const cases: [string, string][] = [
      ['AAA,2026-12-07T14:32:00Z,1,1.5,0.5,1.25,5,live', '8 cells, expected 9'],
      ['AAA,yesterday,1,1.5,0.5,1.25,5,2026-12-07T14:33:00.020Z,live', 'timestamp "yesterday" is not an ISO-8601 time'],
      ['AAA,2026-12-07T14:32:00Z,1,1.5,,1.25,5,2026-12-07T14:33:00.020Z,live', 'low "" is not a number'],
      [
        'AAA,2026-12-07T14:32:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:33:00.020Z,backfill',
        'delivery "backfill" is neither live nor history',
      ],
      [',2026-12-07T14:32:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:33:00.020Z,live', 'the symbol is empty'],
    ];
    for (const [row, what] of cases) {
      const e = failure(file([ok, row]));
      expect(e.code, row).toBe('DATA_INVALID');
      expect(e.row, row).toBe(3);
      expect(e.message, row).toContain(what);
      expect(e.hint).toContain(`fix the row to ${HEADER}`);
    }
  });

  it('refuses a wrong header, two different bars at one time, and a missing file', () => {
    const f = join(tempDir('momentic-session-bars-'), 'bars.csv');
    writeFileSync(f, 'symbol,timestamp,open,high,low,close,volume\n');
    expect(failure(f)).toMatchObject({ code: 'DATA_INVALID', row: 1 });
    const twice = failure(
      file([
        'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:32:00.020Z,live',
        'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.30,5,2026-12-07T14:33:00.020Z,live',
      ]),
    );
    expect(twice.code).toBe('DATA_INVALID');
    expect(twice.message).toContain('two different AAA bars at 2026-12-07T14:31:00.000Z');
    expect(failure(join(tempDir(), 'bars.csv')).code).toBe('DATA_NOT_FOUND');
  });

  it("keeps the first delivery of a minute delivered again, revised, as history (a resumed session's warm-up)", () => {
    const f = file([
      'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.25,5,2026-12-07T14:32:00.020Z,live',
      'AAA,2026-12-07T14:32:00Z,1.25,1.5,1,1.5,5,2026-12-07T14:33:00.020Z,live',
      'AAA,2026-12-07T14:31:00Z,1,1.5,0.5,1.30,6,2026-12-07T14:40:00.020Z,history',
    ]);
    const [aaa] = readSessionBars(f).series;
    expect(aaa?.length).toBe(2);
    expect(aaa?.close[0]).toBe(1.25);
    expect(aaa?.volume[0]).toBe(5);
  });
});
